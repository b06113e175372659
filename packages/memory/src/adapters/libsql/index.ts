/**
 * The libSQL storage adapter, `@flowmaestro/memory/libsql`: the embedded default. One local file
 * (or `:memory:`, or a remote libSQL / Turso database) holds threads, messages, working memory,
 * run snapshots and native vector indexes. Needs the optional peer `@libsql/client`.
 * @packageDocumentation
 */
export {
  createLibsqlStorage,
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_LIBSQL_URL,
  type LibsqlStorage,
  type LibsqlStorageOptions,
} from "./libsql-storage.js";
