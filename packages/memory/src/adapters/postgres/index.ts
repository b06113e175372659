/**
 * The Postgres storage adapter of `@flowmaestro/memory`: threads, messages, working memory, run
 * snapshots and vector indexes (pgvector HNSW, or an exact in-SQL fallback) in one schema.
 * Needs the optional peer `pg` when given a connection string.
 * @packageDocumentation
 */
export type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "./driver.js";
export {
  createPostgresStorage,
  type PostgresStorage,
  type PostgresStorageOptions,
} from "./postgres-storage.js";
export type { PostgresVectorMode } from "./vectors.js";
