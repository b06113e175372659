import { createHash } from "node:crypto";
import { NotFoundError, VectorDimensionError } from "@flowmaestro/runtime";
import type { Client, InStatement, InValue } from "@libsql/client";
import {
  checkCreateIndex,
  checkDeleteVectors,
  checkIndexName,
  checkQuery,
  checkUpsert,
} from "../../internal/validate-input.js";
import type {
  VectorFilter,
  VectorMatch,
  VectorMetadataValue,
  VectorRecord,
  VectorStore,
} from "../../storage-adapter.js";
import type { TableNames } from "./tables.js";

/** Largest vector dimension libSQL's `F32_BLOB` and vector index accept. */
const LIBSQL_VECTOR_LIMIT = { max: 65536, what: "libSQL's vector limit" } as const;

/** Rows per `INSERT` statement of an upsert (3 parameters each, far below SQLite's limit). @internal */
export const VECTOR_ROWS_PER_STATEMENT = 100;
/** Most rows per write transaction of an upsert. @internal */
export const VECTOR_ROWS_PER_TRANSACTION = 500;

/**
 * Rows per write transaction of an upsert. A big upsert is several transactions: each is atomic
 * and short, so other writers (and this process's event loop: local libSQL runs synchronously,
 * and a DiskANN insert costs about a millisecond at dimension 64, more at higher ones) get a turn
 * between chunks. Chunks shrink as the dimension grows, to keep each one short.
 * @internal
 */
export function vectorRowsPerTransaction(dimension: number): number {
  return Math.max(10, Math.min(VECTOR_ROWS_PER_TRANSACTION, Math.floor(32_768 / dimension)));
}

/** A filtered query first asks the ANN index for `topK` × this many candidates. @internal */
export const OVERFETCH_MULTIPLIER = 10;
/** At most this many ANN candidates (or `topK`, when larger). */
const MAX_CANDIDATES = 10_000;

/** What the vector store needs from its adapter. @internal */
export interface VectorStoreContext {
  readonly tables: TableNames;
  /** Validates, waits for `init`, runs `body` and translates its errors. */
  readonly run: <T>(
    operation: string,
    validate: () => void,
    body: (client: Client) => Promise<T>,
  ) => Promise<T>;
  /** The adapter's clock (milliseconds). */
  readonly now: () => number;
}

interface IndexInfo {
  readonly dimension: number;
  readonly table: string;
  /** The DiskANN index `vector_top_k` searches. */
  readonly annIndex: string;
}

/**
 * The table of one vector index: the prefix, a readable slug of the name and a hash of the exact
 * name (so `Docs` and `docs`, or two long names with one prefix, never share a table). Only
 * `[a-z0-9_]`, so it is safe to splice into SQL.
 *
 * @internal
 */
export function vectorTableName(prefix: string, indexName: string): string {
  const slug = indexName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 32)
    .replace(/_+$/, "");
  const hash = createHash("sha256").update(indexName, "utf8").digest("hex").slice(0, 16);
  return `${prefix}vec_${slug === "" ? "" : `${slug}_`}${hash}`;
}

/**
 * libSQL's native vectors: a registry row per index (name, dimension, table) and one table per
 * index with an `F32_BLOB(dimension)` column, JSON metadata and a DiskANN index
 * (`libsql_vector_idx(embedding, 'metric=cosine')`).
 *
 * Queries ask the DiskANN index (`vector_top_k`) for candidates and rank them by exact cosine
 * distance. ANN search is approximate, and a metadata filter could discard most candidates, so
 * whenever it yields fewer than `topK` matches the query falls back to an exact scan
 * (`ORDER BY vector_distance_cos`) with the filter in SQL: a filter never makes a query return
 * fewer matches than exist.
 *
 * @internal
 */
export function createLibsqlVectorStore(context: VectorStoreContext): VectorStore {
  const { tables, run } = context;

  const findIndex = async (client: Client, indexName: string): Promise<IndexInfo | undefined> => {
    const result = await client.execute({
      sql: `SELECT dimension, table_name FROM ${tables.vectorIndexes} WHERE name = ?`,
      args: [indexName],
    });
    const row = result.rows[0];
    if (!row) return undefined;
    const table = String(row.table_name);
    return { dimension: Number(row.dimension), table, annIndex: `${table}_ann` };
  };

  const requireIndex = async (client: Client, indexName: string): Promise<IndexInfo> => {
    const index = await findIndex(client, indexName);
    if (!index) {
      throw new NotFoundError({
        kind: "index",
        id: indexName,
        hint: "Create it first with `vectors.createIndex({ indexName, dimension })`.",
      });
    }
    return index;
  };

  return {
    createIndex: (input) =>
      run(
        "createIndex",
        () => checkCreateIndex(input, LIBSQL_VECTOR_LIMIT),
        async (client) => {
          const existing = await findIndex(client, input.indexName);
          let dimension = existing?.dimension;
          if (existing === undefined) {
            const table = vectorTableName(tables.prefix, input.indexName);
            // One transaction; the registry insert is a no-op when a concurrent call won, and the
            // final SELECT then reports the winner's dimension.
            const results = await client.batch(
              [
                {
                  sql: `INSERT INTO ${tables.vectorIndexes} (name, dimension, table_name, created_at)
                        VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
                  args: [input.indexName, input.dimension, table, context.now()],
                },
                `CREATE TABLE IF NOT EXISTS ${table} (
                  id TEXT NOT NULL UNIQUE,
                  embedding F32_BLOB(${input.dimension}) NOT NULL,
                  metadata TEXT NOT NULL DEFAULT '{}'
                )`,
                `CREATE INDEX IF NOT EXISTS ${table}_ann ON ${table} (libsql_vector_idx(embedding, 'metric=cosine'))`,
                {
                  sql: `SELECT dimension FROM ${tables.vectorIndexes} WHERE name = ?`,
                  args: [input.indexName],
                },
              ],
              "write",
            );
            dimension = Number(results[3]?.rows[0]?.dimension);
          }
          if (dimension !== input.dimension) {
            throw new VectorDimensionError({
              indexName: input.indexName,
              expected: dimension ?? input.dimension,
              actual: input.dimension,
            });
          }
        },
      ),

    describeIndex: (input) =>
      run(
        "describeIndex",
        () => checkIndexName("describeIndex", input),
        async (client) => {
          const index = await findIndex(client, input.indexName);
          if (!index) return undefined;
          const result = await client.execute(`SELECT COUNT(*) AS count FROM ${index.table}`);
          return { dimension: index.dimension, count: Number(result.rows[0]?.count ?? 0) };
        },
      ),

    deleteIndex: (input) =>
      run(
        "deleteIndex",
        () => checkIndexName("deleteIndex", input),
        async (client) => {
          const index = await findIndex(client, input.indexName);
          if (!index) return;
          await client.batch(
            [
              `DROP INDEX IF EXISTS ${index.annIndex}`,
              `DROP TABLE IF EXISTS ${index.table}`,
              { sql: `DELETE FROM ${tables.vectorIndexes} WHERE name = ?`, args: [input.indexName] },
            ],
            "write",
          );
        },
      ),

    upsert: (input) =>
      run(
        "upsert",
        () => checkUpsert(input),
        async (client) => {
          const index = await requireIndex(client, input.indexName);
          // Every vector is checked before any is written, so a bad batch writes nothing.
          for (const record of input.vectors) {
            if (record.vector.length !== index.dimension) {
              throw new VectorDimensionError({
                indexName: input.indexName,
                expected: index.dimension,
                actual: record.vector.length,
              });
            }
          }
          const records = input.vectors;
          const perTransaction = vectorRowsPerTransaction(index.dimension);
          for (let start = 0; start < records.length; start += perTransaction) {
            const chunk = records.slice(start, start + perTransaction);
            const statements: InStatement[] = [];
            for (let offset = 0; offset < chunk.length; offset += VECTOR_ROWS_PER_STATEMENT) {
              statements.push(
                upsertStatement(index.table, chunk.slice(offset, offset + VECTOR_ROWS_PER_STATEMENT)),
              );
            }
            await client.batch(statements, "write");
          }
        },
      ),

    query: (input) =>
      run(
        "query",
        () => checkQuery(input),
        async (client) => {
          const index = await requireIndex(client, input.indexName);
          if (input.vector.length !== index.dimension) {
            throw new VectorDimensionError({
              indexName: input.indexName,
              expected: index.dimension,
              actual: input.vector.length,
            });
          }
          if (input.topK === 0) return [];
          const query = toBlob(input.vector);
          const filter = input.filter === undefined ? undefined : filterSql(input.filter);
          const where = filter === undefined ? "" : `WHERE ${filter.sql}`;
          const whereArgs = filter?.args ?? [];
          // NULL distance = a zero vector: rank it as orthogonal (score 0), never first.
          const distance = "COALESCE(vector_distance_cos(v.embedding, vector32(?)), 1.0)";
          const candidates =
            filter === undefined
              ? input.topK
              : Math.max(input.topK, Math.min(input.topK * OVERFETCH_MULTIPLIER, MAX_CANDIDATES));
          const approximate = await client.execute({
            sql: `SELECT v.id AS id, v.metadata AS metadata, ${distance} AS distance
                  FROM vector_top_k(?, vector32(?), ?) AS k
                  JOIN ${index.table} AS v ON v.rowid = k.id
                  ${where}
                  ORDER BY distance ASC, v.id ASC
                  LIMIT ?`,
            args: [query, index.annIndex, query, candidates, ...whereArgs, input.topK],
          });
          if (approximate.rows.length >= input.topK) return approximate.rows.map(toMatch);
          const exact = await client.execute({
            sql: `SELECT v.id AS id, v.metadata AS metadata, ${distance} AS distance
                  FROM ${index.table} AS v
                  ${where}
                  ORDER BY distance ASC, v.id ASC
                  LIMIT ?`,
            args: [query, ...whereArgs, input.topK],
          });
          return exact.rows.map(toMatch);
        },
      ),

    delete: (input) =>
      run(
        "delete",
        () => checkDeleteVectors(input),
        async (client) => {
          const index = await requireIndex(client, input.indexName);
          if (input.ids.length === 0) return;
          await client.execute({
            sql: `DELETE FROM ${index.table} WHERE id IN (SELECT value FROM json_each(?))`,
            args: [JSON.stringify(input.ids)],
          });
        },
      ),
  };
}

function upsertStatement(table: string, records: readonly VectorRecord[]): InStatement {
  const args: InValue[] = [];
  for (const record of records)
    args.push(record.id, toBlob(record.vector), JSON.stringify(record.metadata ?? {}));
  return {
    sql: `INSERT INTO ${table} (id, embedding, metadata)
          VALUES ${records.map(() => "(?, vector32(?), ?)").join(", ")}
          ON CONFLICT (id) DO UPDATE SET embedding = excluded.embedding, metadata = excluded.metadata`,
    args,
  };
}

/** A vector as libSQL's F32 blob: little-endian float32s (what `vector32()` accepts, without parsing JSON). */
function toBlob(vector: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(vector).buffer);
}

function toMatch(row: Record<string, unknown>): VectorMatch {
  const distance = Number(row.distance);
  return {
    id: String(row.id),
    score: Math.min(1, Math.max(-1, 1 - distance)),
    metadata: JSON.parse(String(row.metadata)) as Record<string, VectorMetadataValue>,
  };
}

/**
 * The filter as SQL over `v.metadata`. Each key is matched through `json_each`, by key and JSON
 * type, rather than a `json_extract` path: any key is safe (no path syntax to escape), a record
 * without the key never matches, and `true` never equals `1` (JSON types differ), as in
 * JavaScript.
 *
 * @internal
 */
export function filterSql(filter: VectorFilter): { sql: string; args: InValue[] } {
  const clauses: string[] = [];
  const args: InValue[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    const values: readonly VectorMetadataValue[] =
      typeof condition === "object" ? condition.$in : [condition];
    const valueArgs: InValue[] = [];
    const alternatives = values.map((value) => valueSql(value, valueArgs));
    // An empty `$in` lists nothing to match.
    const matches = alternatives.length === 0 ? "0" : alternatives.join(" OR ");
    clauses.push(`EXISTS (SELECT 1 FROM json_each(v.metadata) AS m WHERE m.key = ? AND (${matches}))`);
    args.push(key, ...valueArgs);
  }
  return { sql: clauses.length === 0 ? "1" : clauses.join(" AND "), args };
}

function valueSql(value: VectorMetadataValue, args: InValue[]): string {
  if (typeof value === "boolean") return value ? "m.type = 'true'" : "m.type = 'false'";
  args.push(value);
  return typeof value === "string"
    ? "(m.type = 'text' AND m.value = ?)"
    : "(m.type IN ('integer', 'real') AND m.value = ?)";
}
