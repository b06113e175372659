import { NotFoundError, StorageError, VectorDimensionError } from "@flowmaestro/runtime";
import { InputCheck } from "../../internal/inputs.js";
import type {
  VectorFilter,
  VectorMatch,
  VectorMetadataValue,
  VectorRecord,
  VectorStore,
} from "../../storage-adapter.js";
import type { Driver, Queryable } from "./driver.js";
import { ADAPTER } from "./errors.js";
import { type Layout, quoteIdent, vectorTableName } from "./identifiers.js";
import { lockStore } from "./migrator.js";

/**
 * How vectors are stored and searched: `pgvector` (a `vector(n)` column with an HNSW cosine index)
 * or `exact` (a `real[]` column and cosine computed in SQL over every row that passes the filter).
 */
export type PostgresVectorMode = "pgvector" | "exact";

/** The pgvector extension as installed in the database. @internal */
export interface PgvectorInstall {
  /** Schema the extension's type and operators live in (qualifies every use, whatever `search_path` is). */
  readonly schema: string;
  readonly version: string;
}

/** What `init()` found out about vectors. @internal */
export interface VectorEnvironment {
  /** The mode new indexes get. */
  readonly mode: PostgresVectorMode;
  /** The extension, when installed (an index created in pgvector mode needs it even in `exact`). */
  readonly pgvector: PgvectorInstall | undefined;
}

/**
 * Finds out which vector path to use. `auto` and `pgvector` run `CREATE EXTENSION IF NOT EXISTS
 * vector` once (under the store's advisory lock, since concurrent creations race) when the
 * extension is missing but available; `auto` falls back to `exact` when it is unavailable or
 * cannot be created (no privilege), `pgvector` fails `init()`.
 * @internal
 */
export async function detectVectors(
  driver: Driver,
  layout: Layout,
  requested: "auto" | PostgresVectorMode,
): Promise<VectorEnvironment> {
  const { installed, available } = await driver.session("init", async (db) => ({
    installed: await findPgvector(db),
    available: (await db.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).length > 0,
  }));
  if (requested === "exact") return { mode: "exact", pgvector: installed };
  if (installed) return { mode: "pgvector", pgvector: installed };
  // `auto` does not even try where the server has no pgvector files (no error in the server log
  // at every start-up); `pgvector` tries anyway, to report the server's own reason.
  if (requested === "auto" && !available) return { mode: "exact", pgvector: undefined };
  try {
    const created = await driver.transaction(
      "init",
      async (tx) => {
        await lockStore(tx, layout);
        await tx.query("CREATE EXTENSION IF NOT EXISTS vector");
        return findPgvector(tx);
      },
      { retries: 0 },
    );
    if (created) return { mode: "pgvector", pgvector: created };
  } catch (error) {
    if (requested === "pgvector") {
      const backendCode = StorageError.isInstance(error) ? error.backendCode : undefined;
      throw new StorageError({
        adapter: ADAPTER,
        operation: "init",
        backendCode,
        message: `the pgvector extension ("vector") is not installed in this database and could not be created (${
          error instanceof Error ? error.message : String(error)
        }). Install pgvector on the server and run \`CREATE EXTENSION vector\` as a privileged user, or set \`vectors: "auto"\` or \`vectors: "exact"\` to use the exact in-SQL fallback, which needs no extension.`,
        cause: error,
      });
    }
  }
  return { mode: "exact", pgvector: undefined };
}

async function findPgvector(db: Queryable): Promise<PgvectorInstall | undefined> {
  const [row] = await db.query<{ schema: string; version: string }>(
    `SELECT n.nspname AS schema, e.extversion AS version
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'vector'`,
  );
  return row ? { schema: row.schema, version: row.version } : undefined;
}

/** Whether the installed pgvector is at least `major.minor`. */
function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split(".").map((part) => Number.parseInt(part, 10) || 0);
  return a > major || (a === major && b >= minor);
}

/** pgvector cannot build an HNSW index over `vector` columns wider than this. */
const HNSW_MAX_DIMENSIONS = 2000;
/** Vector bytes per upsert statement: keeps each statement a few megabytes at most. */
const BYTES_PER_STATEMENT = 4 * 1024 * 1024;
const MAX_ROWS_PER_STATEMENT = 1000;
/**
 * Upserting at least this many rows, and at least as many as the index holds, into a pgvector
 * index drops its HNSW index and builds it again after the load: several times faster than
 * inserting into the graph row by row (pgvector's own advice for bulk loads).
 */
const HNSW_REBUILD_ROWS = 2000;
/** Largest magnitude a 32-bit float (`real`, pgvector's element type) holds. */
const MAX_FLOAT32 = 3.4028234663852886e38;
/** pgvector's HNSW candidate list is capped at 1000. */
const MAX_EF_SEARCH = 1000;

interface IndexRow {
  readonly table_name: string;
  readonly dimension: number;
  readonly kind: PostgresVectorMode;
}

/**
 * The Postgres adapter's vectors: one table per index, registered in `<prefix>vector_indexes`.
 *
 * - `pgvector`: `embedding vector(n)` with an HNSW `vector_cosine_ops` index (dimensions up to
 *   2000; wider ones are stored and searched by a sequential scan), `ORDER BY embedding <=> q`.
 * - `exact`: `embedding real[]` plus its norm; cosine computed in SQL for every row that passes
 *   the filter: O(rows × dimension) per query, fine for thousands of vectors, slow for millions.
 *
 * Filters are SQL (`metadata @> {"k": v}`, `$in` as `@> ANY(...)`; pgvector tables also have a
 * GIN index on `metadata`) and never under-return: with pgvector the query runs with
 * `hnsw.iterative_scan = relaxed_order` (pgvector 0.8+) and `hnsw.ef_search ≥ topK`, and when fewer
 * than `topK` rows come back while more rows match, it is re-run as an exact scan.
 *
 * Upserts send vectors in Postgres's binary formats, in multi-row statements of at most 1000 rows
 * (and 4 MB), in one transaction. A bulk load into a pgvector index (at least 2000 rows, and at
 * least as many as it holds) rebuilds the HNSW index after the load instead of inserting into it;
 * queries of that index wait for the load to commit.
 * @internal
 */
export class PostgresVectorStore implements VectorStore {
  constructor(
    private readonly driver: Driver,
    private readonly layout: Layout,
    private readonly environment: () => Promise<VectorEnvironment>,
  ) {}

  async createIndex(input: { readonly indexName: string; readonly dimension: number }): Promise<void> {
    new InputCheck("createIndex")
      .id("indexName", input?.indexName)
      .require(Number.isInteger(input?.dimension) && input.dimension >= 1, {
        field: "dimension",
        expected: "an integer of at least 1",
        received: String(input?.dimension),
      })
      .done();
    const environment = await this.environment();
    await this.driver.transaction("createIndex", async (tx) => {
      // Serialises concurrent creations of the same index (and of their tables).
      await lockStore(tx, this.layout);
      const existing = await this.find(tx, input.indexName);
      if (existing) {
        if (existing.dimension !== input.dimension) {
          throw new VectorDimensionError({
            indexName: input.indexName,
            expected: existing.dimension,
            actual: input.dimension,
          });
        }
        return;
      }
      const tableName = vectorTableName(this.layout.prefix, input.indexName);
      const table = this.layout.table(tableName);
      const kind = environment.mode;
      if (kind === "pgvector") {
        const pgvector = requirePgvector(environment, "createIndex");
        const ext = quoteIdent(pgvector.schema);
        await tx.query(`CREATE TABLE ${table} (
          id text PRIMARY KEY,
          embedding ${ext}.vector(${input.dimension}) NOT NULL,
          metadata jsonb NOT NULL DEFAULT '{}'::jsonb
        )`);
        if (input.dimension <= HNSW_MAX_DIMENSIONS && atLeast(pgvector.version, 0, 5)) {
          await tx.query(
            `CREATE INDEX ${quoteIdent(`${tableName}_hnsw`)} ON ${table} USING hnsw (embedding ${ext}.vector_cosine_ops)`,
          );
        }
      } else {
        await tx.query(`CREATE TABLE ${table} (
          id text PRIMARY KEY,
          embedding real[] NOT NULL,
          norm double precision NOT NULL,
          metadata jsonb NOT NULL DEFAULT '{}'::jsonb
        )`);
      }
      if (kind === "pgvector") {
        // Lets the planner serve a selective filter from the metadata index (an exact bitmap scan
        // plus sort) instead of the approximate graph. Exact tables score every passing row anyway,
        // so there the index would only slow writes down.
        await tx.query(
          `CREATE INDEX ${quoteIdent(`${tableName}_meta`)} ON ${table} USING gin (metadata jsonb_path_ops)`,
        );
      }
      await tx.query(
        `INSERT INTO ${this.layout.vectorIndexes} (name, table_name, dimension, kind) VALUES ($1, $2, $3, $4)`,
        [input.indexName, tableName, input.dimension, kind],
      );
    });
  }

  async describeIndex(input: {
    readonly indexName: string;
  }): Promise<{ readonly dimension: number; readonly count: number } | undefined> {
    new InputCheck("describeIndex").id("indexName", input?.indexName).done();
    await this.environment();
    return this.driver.session("describeIndex", async (db) => {
      const index = await this.find(db, input.indexName);
      if (!index) return undefined;
      const [row] = await db.query<{ count: string }>(
        `SELECT count(*) AS count FROM ${this.layout.table(index.table_name)}`,
      );
      return { dimension: index.dimension, count: Number(row?.count ?? 0) };
    });
  }

  async deleteIndex(input: { readonly indexName: string }): Promise<void> {
    new InputCheck("deleteIndex").id("indexName", input?.indexName).done();
    await this.environment();
    await this.driver.transaction("deleteIndex", async (tx) => {
      await lockStore(tx, this.layout);
      const [row] = await tx.query<{ table_name: string }>(
        `DELETE FROM ${this.layout.vectorIndexes} WHERE name = $1 RETURNING table_name`,
        [input.indexName],
      );
      if (row) await tx.query(`DROP TABLE IF EXISTS ${this.layout.table(row.table_name)}`);
    });
  }

  async upsert(input: {
    readonly indexName: string;
    readonly vectors: readonly VectorRecord[];
  }): Promise<void> {
    const records: readonly VectorRecord[] = Array.isArray(input?.vectors) ? input.vectors : [];
    const check = new InputCheck("upsert")
      .id("indexName", input?.indexName)
      .require(Array.isArray(input?.vectors), { field: "vectors", expected: "an array" });
    records.forEach((record, position) => {
      const field = `vectors.${position}`;
      check
        .id(`${field}.id`, record?.id)
        .require(isNumberArray(record?.vector), {
          field: `${field}.vector`,
          expected: "an array of finite numbers (within the 32-bit float range Postgres stores)",
        })
        .require(record?.metadata === undefined || isMetadata(record.metadata), {
          field: `${field}.metadata`,
          expected: "an object of strings, numbers and booleans",
        });
    });
    check.done();
    const environment = await this.environment();
    const index = await this.require("upsert", input.indexName);
    // Every vector is checked before any is written, so a bad batch writes nothing.
    for (const record of records) {
      if (record.vector.length !== index.dimension) {
        throw new VectorDimensionError({
          indexName: input.indexName,
          expected: index.dimension,
          actual: record.vector.length,
        });
      }
    }
    if (records.length === 0) return;
    // One row per id (the last wins), as a sequence of single upserts would leave it; a statement
    // may not touch the same row twice.
    const unique = [...new Map(records.map((record) => [record.id, record])).values()];
    const table = this.layout.table(index.table_name);
    const pgvector = index.kind === "pgvector";
    const ext = pgvector ? quoteIdent(requirePgvector(environment, "upsert").schema) : "";
    const rowsPerStatement = Math.max(
      1,
      Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(BYTES_PER_STATEMENT / (index.dimension * 4 + 64))),
    );
    await this.driver.transaction("upsert", async (tx) => {
      const hnsw = pgvector ? await this.hnswIndex(tx, index.table_name) : undefined;
      let rebuild: string | undefined;
      if (hnsw && unique.length >= HNSW_REBUILD_ROWS) {
        const [counted] = await tx.query<{ count: string }>(`SELECT count(*) AS count FROM ${table}`);
        if (unique.length >= Number(counted?.count ?? 0)) {
          await tx.query(`DROP INDEX ${this.layout.table(hnsw.name)}`);
          rebuild = hnsw.definition;
        }
      }
      for (let start = 0; start < unique.length; start += rowsPerStatement) {
        const chunk = unique.slice(start, start + rowsPerStatement);
        const values: unknown[] = [];
        const rows: string[] = [];
        for (const record of chunk) {
          // Vectors travel in Postgres's binary format: formatting and parsing decimal text
          // would cost more than the insert itself for large batches.
          const at = values.length;
          if (pgvector) {
            values.push(record.id, pgvectorBinary(record.vector), JSON.stringify(record.metadata ?? {}));
            rows.push(`($${at + 1}, $${at + 2}::${ext}.vector, $${at + 3}::jsonb)`);
          } else {
            // The norm of what is stored: `real` rounds every component to 32 bits.
            const stored = record.vector.map(Math.fround);
            values.push(
              record.id,
              realArrayBinary(stored),
              norm(stored),
              JSON.stringify(record.metadata ?? {}),
            );
            rows.push(`($${at + 1}, $${at + 2}::real[], $${at + 3}::float8, $${at + 4}::jsonb)`);
          }
        }
        await tx.query(
          pgvector
            ? `INSERT INTO ${table} (id, embedding, metadata) VALUES ${rows.join(", ")}
               ON CONFLICT (id) DO UPDATE SET embedding = excluded.embedding, metadata = excluded.metadata`
            : `INSERT INTO ${table} (id, embedding, norm, metadata) VALUES ${rows.join(", ")}
               ON CONFLICT (id) DO UPDATE
                 SET embedding = excluded.embedding, norm = excluded.norm, metadata = excluded.metadata`,
          values,
        );
      }
      if (rebuild) await tx.query(rebuild);
    });
  }

  async query(input: {
    readonly indexName: string;
    readonly vector: readonly number[];
    readonly topK: number;
    readonly filter?: VectorFilter | undefined;
  }): Promise<readonly VectorMatch[]> {
    new InputCheck("query")
      .id("indexName", input?.indexName)
      .require(isNumberArray(input?.vector), {
        field: "vector",
        expected: "an array of finite numbers (within the 32-bit float range Postgres stores)",
      })
      .optionalInteger("topK", input?.topK, 0)
      .require(input?.topK !== undefined, { field: "topK", expected: "an integer of at least 0" })
      .require(input?.filter === undefined || isFilter(input.filter), {
        field: "filter",
        expected: "an object of values or `{ $in: [...] }` lists",
      })
      .done();
    const environment = await this.environment();
    const index = await this.require("query", input.indexName);
    if (input.vector.length !== index.dimension) {
      throw new VectorDimensionError({
        indexName: input.indexName,
        expected: index.dimension,
        actual: input.vector.length,
      });
    }
    if (input.topK === 0) return [];
    const table = this.layout.table(index.table_name);
    const values: unknown[] = [];
    const where = filterSql(input.filter, values);
    const rows =
      index.kind === "pgvector"
        ? await this.queryPgvector(requirePgvector(environment, "query"), table, input, where, values)
        : await this.driver.query<MatchRow>("query", exactSql(table, where, values, input), values);
    return rows.map((row) => ({ id: row.id, score: clampScore(Number(row.score)), metadata: row.metadata }));
  }

  async delete(input: { readonly indexName: string; readonly ids: readonly string[] }): Promise<void> {
    new InputCheck("delete")
      .id("indexName", input?.indexName)
      .require(Array.isArray(input?.ids) && input.ids.every((id) => typeof id === "string"), {
        field: "ids",
        expected: "an array of vector ids",
      })
      .done();
    await this.environment();
    const index = await this.require("delete", input.indexName);
    if (input.ids.length === 0) return;
    await this.driver.query(
      "delete",
      `DELETE FROM ${this.layout.table(index.table_name)} WHERE id = ANY($1)`,
      [[...input.ids]],
    );
  }

  private async queryPgvector(
    pgvector: PgvectorInstall,
    table: string,
    input: { readonly vector: readonly number[]; readonly topK: number },
    where: string,
    filterValues: readonly unknown[],
  ): Promise<MatchRow[]> {
    const ext = quoteIdent(pgvector.schema);
    const values = [...filterValues, pgvectorBinary(input.vector), input.topK];
    const q = `$${values.length - 1}::${ext}.vector`;
    const limit = `$${values.length}`;
    const distance = `(embedding OPERATOR(${ext}.<=>) ${q})`;
    // The inner ORDER BY is the index's (distance only); the outer one restores exact order
    // (relaxed_order may return neighbours slightly out of order) and breaks ties by id.
    const sql = `WITH candidates AS MATERIALIZED (
        SELECT id, metadata, ${distance} AS distance FROM ${table} ${where} ORDER BY ${distance} LIMIT ${limit}
      )
      SELECT id, metadata, 1 - distance AS score FROM candidates ORDER BY distance, id`;
    return this.driver.transaction(
      "query",
      async (tx) => {
        await tx.query("SELECT set_config('hnsw.ef_search', $1, true)", [
          String(Math.min(MAX_EF_SEARCH, Math.max(40, input.topK))),
        ]);
        if (atLeast(pgvector.version, 0, 8)) {
          await tx.query("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)");
        }
        const rows = await tx.query<MatchRow>(sql, values);
        if (rows.length >= input.topK) return rows;
        // Fewer than asked: either that is all that matches, or the approximate index gave up
        // early (a selective filter, a small candidate list). Count to tell, then scan exactly.
        const [counted] = await tx.query<{ count: string }>(
          `SELECT count(*) AS count FROM (SELECT 1 FROM ${table} ${where} LIMIT $${filterValues.length + 1}) AS matching`,
          [...filterValues, input.topK],
        );
        if (Number(counted?.count ?? 0) <= rows.length) return rows;
        await tx.query("SELECT set_config('enable_indexscan', 'off', true)");
        return tx.query<MatchRow>(sql, values);
      },
      { retries: 0 },
    );
  }

  /** The HNSW index of a pgvector table (its name and `CREATE INDEX` statement), if it has one. */
  private async hnswIndex(
    db: Queryable,
    tableName: string,
  ): Promise<{ readonly name: string; readonly definition: string } | undefined> {
    const [row] = await db.query<{ name: string; definition: string }>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
        WHERE schemaname = $1 AND tablename = $2 AND indexdef LIKE '% USING hnsw %'`,
      [this.layout.schema, tableName],
    );
    return row;
  }

  private find(db: Queryable, indexName: string): Promise<IndexRow | undefined> {
    return db
      .query<IndexRow>(
        `SELECT table_name, dimension, kind FROM ${this.layout.vectorIndexes} WHERE name = $1`,
        [indexName],
      )
      .then((rows) => rows[0]);
  }

  private async require(operation: string, indexName: string): Promise<IndexRow> {
    const index = await this.driver.session(operation, (db) => this.find(db, indexName));
    if (!index) {
      throw new NotFoundError({
        kind: "index",
        id: indexName,
        hint: "Create it first with `vectors.createIndex({ indexName, dimension })`.",
      });
    }
    return index;
  }
}

interface MatchRow {
  readonly id: string;
  readonly score: number | string | null;
  readonly metadata: Record<string, VectorMetadataValue>;
}

function requirePgvector(environment: VectorEnvironment, operation: string): PgvectorInstall {
  if (environment.pgvector) return environment.pgvector;
  throw new StorageError({
    adapter: ADAPTER,
    operation,
    backendCode: "PGVECTOR_MISSING",
    message:
      'this index was created with pgvector, but the "vector" extension is no longer installed in this database. Reinstall pgvector, or delete the index and recreate it (the exact fallback is used when pgvector is missing).',
  });
}

/**
 * The filter as a `WHERE` clause, pushing its values onto `values`: equalities as one jsonb
 * containment, each `$in` as containment of any of its `{key: value}` objects. jsonb equality is
 * type-aware (`1` ≠ `"1"`, `1` = `1.0`) and a missing key never matches, as the contract wants.
 */
function filterSql(filter: VectorFilter | undefined, values: unknown[]): string {
  if (!filter) return "";
  const clauses: string[] = [];
  const equal: Record<string, VectorMetadataValue> = {};
  let hasEqual = false;
  for (const [key, condition] of Object.entries(filter)) {
    if (typeof condition === "object") {
      values.push(condition.$in.map((value) => JSON.stringify({ [key]: value })));
      clauses.push(`metadata @> ANY($${values.length}::jsonb[])`);
    } else {
      equal[key] = condition;
      hasEqual = true;
    }
  }
  if (hasEqual) {
    values.push(JSON.stringify(equal));
    clauses.unshift(`metadata @> $${values.length}::jsonb`);
  }
  return clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`;
}

/** Exact cosine over every row that passes the filter (stored norms; 0 for a zero vector). */
function exactSql(
  table: string,
  where: string,
  values: unknown[],
  input: { readonly vector: readonly number[]; readonly topK: number },
): string {
  values.push([...input.vector], norm(input.vector), input.topK);
  const q = `$${values.length - 2}::float8[]`;
  const queryNorm = `$${values.length - 1}::float8`;
  return `SELECT id, metadata, score FROM (
      SELECT id, metadata,
             CASE WHEN norm = 0 OR ${queryNorm} = 0 THEN 0
                  ELSE (SELECT sum(a::float8 * b) FROM unnest(embedding, ${q}) AS pair(a, b)) / (norm * ${queryNorm})
             END AS score
        FROM ${table} ${where}
    ) AS scored
    ORDER BY score DESC, id
    LIMIT $${values.length}`;
}

/** Cosine similarity within [-1, 1] despite rounding; 0 where it is undefined (a zero vector). */
function clampScore(score: number): number {
  return Number.isFinite(score) ? Math.min(1, Math.max(-1, score)) : 0;
}

function norm(vector: readonly number[]): number {
  let sum = 0;
  for (const value of vector) sum += value * value;
  return Math.sqrt(sum);
}

/** Finite numbers a 32-bit float can hold (what `real` and pgvector store). */
function isNumberArray(value: unknown): value is readonly number[] {
  return (
    Array.isArray(value) &&
    value.every(
      (entry) => typeof entry === "number" && Number.isFinite(entry) && Math.abs(entry) <= MAX_FLOAT32,
    )
  );
}

/** pgvector's binary `vector`: dimension (int16), 0 (int16), then big-endian float4s. */
function pgvectorBinary(vector: readonly number[]): Buffer {
  const buffer = Buffer.allocUnsafe(4 + vector.length * 4);
  buffer.writeInt16BE(vector.length, 0);
  buffer.writeInt16BE(0, 2);
  for (let i = 0; i < vector.length; i++) buffer.writeFloatBE(vector[i]!, 4 + i * 4);
  return buffer;
}

/** Postgres's binary one-dimensional `real[]` (array_recv): header, then length-prefixed float4s. */
function realArrayBinary(vector: readonly number[]): Buffer {
  const FLOAT4_OID = 700;
  const buffer = Buffer.allocUnsafe(20 + vector.length * 8);
  buffer.writeInt32BE(1, 0); // dimensions
  buffer.writeInt32BE(0, 4); // no NULLs
  buffer.writeInt32BE(FLOAT4_OID, 8);
  buffer.writeInt32BE(vector.length, 12);
  buffer.writeInt32BE(1, 16); // lower bound
  for (let i = 0; i < vector.length; i++) {
    buffer.writeInt32BE(4, 20 + i * 8);
    buffer.writeFloatBE(vector[i]!, 24 + i * 8);
  }
  return buffer;
}

function isMetadataValue(value: unknown): value is VectorMetadataValue {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

function isMetadata(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(isMetadataValue)
  );
}

function isFilter(value: unknown): value is VectorFilter {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (condition) =>
      isMetadataValue(condition) ||
      (typeof condition === "object" &&
        condition !== null &&
        Array.isArray((condition as { $in?: unknown }).$in) &&
        (condition as { $in: unknown[] }).$in.every(isMetadataValue)),
  );
}
