import { InvalidDefinitionError, NotFoundError, StorageError } from "@flowmaestro/runtime";
import type { ModelMessage } from "ai";
import { InputCheck, randomId } from "../../internal/inputs.js";
import { decodeMessage, encodeMessage } from "../../internal/message-codec.js";
import {
  checkAppendMessages,
  checkCreateThread,
  checkDeleteMessages,
  checkListMessages,
  checkListThreads,
  checkSaveSnapshot,
  checkSnapshotKey,
  checkThreadKey,
  checkUpdateThread,
  checkWorkingMemoryKey,
  jsonText,
} from "../../internal/validate-input.js";
import type {
  AppendMessagesInput,
  CreateThreadInput,
  JsonValue,
  ListMessagesInput,
  ListThreadsInput,
  RunSnapshot,
  SaveSnapshotInput,
  SnapshotKey,
  StorageAdapter,
  StoredMessage,
  StoredThread,
  ThreadKey,
  UpdateThreadInput,
  VectorStore,
  WorkingMemoryKey,
  WorkingMemoryRecord,
} from "../../storage-adapter.js";
import { Driver, loadPg, type OwnedPool, type PostgresPool, type Queryable } from "./driver.js";
import { ADAPTER, secretsOf } from "./errors.js";
import { IDENTIFIER, type Layout, layoutOf, MAX_PREFIX_LENGTH, MAX_SCHEMA_LENGTH } from "./identifiers.js";
import { migrate, readSchemaVersion } from "./migrator.js";
import {
  detectVectors,
  type PostgresVectorMode,
  PostgresVectorStore,
  type VectorEnvironment,
} from "./vectors.js";

/** Options of {@link createPostgresStorage}: a connection string or a pool, and where to put the tables. */
export interface PostgresStorageOptions<TPool extends PostgresPool = PostgresPool> {
  /**
   * A Postgres connection string (`postgres://user:password@host:5432/db`). The adapter then
   * creates a `pg.Pool` (importing the optional peer `pg` on first use) and ends it on
   * {@link StorageAdapter.close}. The password never appears in errors. Give this or `pool`.
   */
  readonly connectionString?: string | undefined;
  /**
   * Your own pool: a `pg.Pool`, or anything with its `query` and `connect()` (a PGlite-backed or
   * instrumented pool). The adapter never ends it: `close()` leaves it to you. Give this or
   * `connectionString`.
   */
  readonly pool?: TPool | undefined;
  /**
   * Schema that holds the tables; created when missing. A plain identifier (letters, digits and
   * `_`, not starting with a digit, at most 63 characters), used quoted, so case is kept.
   * @default "public"
   */
  readonly schema?: string | undefined;
  /**
   * Prefix of every table and index name, so several stores (or other apps) can share a schema.
   * Letters, digits and `_`, at most 16 characters; may be empty.
   * @default "fm_"
   */
  readonly tablePrefix?: string | undefined;
  /**
   * Vector search path for new indexes:
   * - `"auto"`: pgvector when the `vector` extension is installed or `CREATE EXTENSION IF NOT
   *   EXISTS vector` succeeds, else the exact fallback;
   * - `"pgvector"`: pgvector, and `init()` fails with a `StorageError` when the extension is
   *   unavailable;
   * - `"exact"`: never touch extensions; `real[]` columns with cosine computed in SQL, exact but
   *   O(rows × dimension) per query.
   *
   * An index keeps the path it was created with. Check the one in use with
   * {@link PostgresStorage.vectorMode}.
   * @default "auto"
   */
  readonly vectors?: "auto" | PostgresVectorMode | undefined;
}

/** The Postgres storage adapter: a {@link StorageAdapter} that always has {@link VectorStore | vectors}. */
export interface PostgresStorage<TPool extends PostgresPool = PostgresPool> extends StorageAdapter {
  readonly name: "postgres";
  /** Vector indexes: pgvector HNSW when available, else exact cosine in SQL (see `vectors` option). */
  readonly vectors: VectorStore;
  /**
   * The pool in use (escape hatch for your own queries): the one you passed, or the `pg.Pool`
   * created from `connectionString` (cast it to `pg.Pool`), created on first call if needed.
   */
  getPool(): Promise<TPool>;
  /** Which vector path new indexes get: `"pgvector"` or `"exact"` (after {@link StorageAdapter.init}). */
  vectorMode(): Promise<PostgresVectorMode>;
}

/**
 * Creates the Postgres storage adapter: threads, messages, working memory, run snapshots and
 * vector indexes in one schema, created and upgraded by versioned migrations on first use (safe
 * when several processes start at once). Every row is keyed by its resource id, so one tenant can
 * never read or change another's data. A run snapshot's compare-and-set (`saveSnapshot` with
 * `expectedVersion`) is one `UPDATE`, atomic across processes and connections: of several saves
 * with the same expected version exactly one succeeds, under `READ COMMITTED` (the default) and
 * under `SERIALIZABLE`, where the losers' serialization failures resolve `undefined` too.
 *
 * @example
 * ```ts
 * import { createPostgresStorage } from "@flowmaestro/memory/postgres";
 *
 * const storage = createPostgresStorage({ connectionString: process.env.DATABASE_URL });
 * await storage.init(); // optional: fail fast at start-up
 * const thread = await storage.createThread({ resourceId: "user-1", title: "Support" });
 * ```
 * Limits: messages are stored as lossless JSON text, so any message round-trips; but thread
 * metadata and snapshot state are `jsonb`, and working memory is `text`, and Postgres holds no
 * U+0000 character in either (such a write is a `StorageError`). Vector search is approximate
 * (HNSW) without a filter on pgvector, exact with one; the exact fallback scores every row that
 * passes the filter, O(rows × dimension) per query, so prefer pgvector beyond ~10,000 vectors.
 *
 * @throws {InvalidDefinitionError} when the options are invalid (checked here, before connecting).
 */
export function createPostgresStorage<TPool extends PostgresPool = PostgresPool>(
  options: PostgresStorageOptions<TPool>,
): PostgresStorage<TPool> {
  const schema = options?.schema ?? "public";
  const tablePrefix = options?.tablePrefix ?? "fm_";
  const vectors = options?.vectors ?? "auto";
  const hasUrl = options?.connectionString !== undefined;
  const hasPool = options?.pool !== undefined;
  new InputCheck("createPostgresStorage")
    .require(hasUrl !== hasPool, {
      field: "connectionString",
      expected: "set, or `pool` set instead (exactly one of the two)",
      received: hasUrl ? "both" : "neither",
    })
    .require(
      !hasUrl || (typeof options.connectionString === "string" && options.connectionString.length > 0),
      {
        field: "connectionString",
        expected: "a non-empty Postgres connection string",
      },
    )
    .require(
      !hasPool ||
        (typeof options.pool === "object" &&
          typeof options.pool?.query === "function" &&
          typeof options.pool?.connect === "function"),
      { field: "pool", expected: "a pg.Pool (or an object with its `query` and `connect` methods)" },
    )
    .require(typeof schema === "string" && IDENTIFIER.test(schema) && schema.length <= MAX_SCHEMA_LENGTH, {
      field: "schema",
      expected: `an identifier of letters, digits and _ (not starting with a digit), at most ${MAX_SCHEMA_LENGTH} characters`,
      received: typeof schema === "string" ? JSON.stringify(schema.slice(0, 80)) : typeof schema,
    })
    .require(
      typeof tablePrefix === "string" &&
        (tablePrefix === "" || IDENTIFIER.test(tablePrefix)) &&
        tablePrefix.length <= MAX_PREFIX_LENGTH,
      {
        field: "tablePrefix",
        expected: `empty, or letters, digits and _ (not starting with a digit), at most ${MAX_PREFIX_LENGTH} characters`,
        received:
          typeof tablePrefix === "string" ? JSON.stringify(tablePrefix.slice(0, 80)) : typeof tablePrefix,
      },
    )
    .require(vectors === "auto" || vectors === "pgvector" || vectors === "exact", {
      field: "vectors",
      expected: '"auto", "pgvector" or "exact"',
      received: String(vectors),
    })
    .done();
  return new PostgresStorageImpl<TPool>(options, layoutOf(schema, tablePrefix), vectors);
}

interface Ready {
  readonly vectors: VectorEnvironment;
}

class PostgresStorageImpl<TPool extends PostgresPool> implements PostgresStorage<TPool> {
  readonly specificationVersion = "v1" as const;
  readonly name = "postgres" as const;
  readonly vectors: PostgresVectorStore;

  private readonly driver: Driver;
  private readonly ownsPool: boolean;
  private pool: Promise<PostgresPool> | undefined;
  private ready: Promise<Ready> | undefined;
  private closed = false;

  constructor(
    private readonly options: PostgresStorageOptions<TPool>,
    private readonly layout: Layout,
    private readonly vectorsOption: "auto" | PostgresVectorMode,
  ) {
    this.ownsPool = options.pool === undefined;
    this.driver = new Driver(() => this.getPool(), secretsOf(options.connectionString));
    this.vectors = new PostgresVectorStore(this.driver, layout, async () => (await this.start()).vectors);
  }

  getPool(): Promise<TPool> {
    if (this.options.pool !== undefined) return Promise.resolve(this.options.pool);
    if (this.closed) {
      return Promise.reject(
        new StorageError({
          adapter: ADAPTER,
          operation: "getPool",
          backendCode: "CLOSED",
          message: "this storage adapter was closed; create a new one.",
        }),
      );
    }
    this.pool ??= loadPg().then(
      (pg) => {
        const pool = new pg.Pool({ connectionString: this.options.connectionString as string });
        // An idle connection the server drops emits `error` on the pool; unhandled, that would
        // crash the process. The pool discards that connection by itself, and the next query
        // reports any lasting failure as a StorageError.
        pool.on("error", () => undefined);
        return pool;
      },
      (error: unknown) => {
        this.pool = undefined;
        throw error;
      },
    );
    return this.pool as Promise<TPool>;
  }

  async init(): Promise<void> {
    await this.start();
  }

  async schemaVersion(): Promise<number> {
    await this.start();
    return this.driver.session("schemaVersion", (db) => readSchemaVersion(db, this.layout));
  }

  async vectorMode(): Promise<PostgresVectorMode> {
    return (await this.start()).vectors.mode;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    if (!this.ownsPool || pool === undefined) return;
    try {
      await ((await pool) as OwnedPool).end();
    } catch {
      // Never connected (pg missing) or already ending: nothing left to close.
    }
  }

  async createThread(input: CreateThreadInput): Promise<StoredThread> {
    checkCreateThread(input);
    const metadata = jsonText(input.metadata ?? {}, "metadata", "createThread");
    const id = input.id ?? randomId("thread");
    await this.start();
    const [row] = await this.driver.query<ThreadRow>(
      "createThread",
      `INSERT INTO ${this.layout.threads} (resource_id, id, title, metadata, created_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, now(), now())
       ON CONFLICT (resource_id, id) DO NOTHING
       RETURNING ${THREAD_COLUMNS}`,
      [input.resourceId, id, input.title ?? null, metadata],
    );
    if (!row) {
      throw new StorageError({
        adapter: ADAPTER,
        operation: "createThread",
        backendCode: "THREAD_EXISTS",
        message: `thread "${id}" already exists for resource "${input.resourceId}".`,
      });
    }
    return toThread(row);
  }

  async getThread(input: ThreadKey): Promise<StoredThread | undefined> {
    checkThreadKey("getThread", input);
    await this.start();
    const [row] = await this.driver.query<ThreadRow>(
      "getThread",
      `SELECT ${THREAD_COLUMNS} FROM ${this.layout.threads} WHERE resource_id = $1 AND id = $2`,
      [input.resourceId, input.threadId],
    );
    return row ? toThread(row) : undefined;
  }

  async listThreads(input: ListThreadsInput): Promise<readonly StoredThread[]> {
    checkListThreads(input);
    await this.start();
    const rows = await this.driver.query<ThreadRow>(
      "listThreads",
      `SELECT ${THREAD_COLUMNS} FROM ${this.layout.threads}
        WHERE resource_id = $1
        ORDER BY updated_at DESC, id DESC
        LIMIT $2 OFFSET $3`,
      [input.resourceId, input.limit ?? 100, input.offset ?? 0],
    );
    return rows.map(toThread);
  }

  async updateThread(input: UpdateThreadInput): Promise<StoredThread> {
    checkUpdateThread(input);
    let set: string | null = null;
    let remove: string[] = [];
    if (input.metadata !== undefined) {
      const patch = JSON.parse(jsonText(input.metadata, "metadata", "updateThread")) as Record<
        string,
        JsonValue
      >;
      const kept = Object.entries(patch).filter(([, value]) => value !== null);
      set = JSON.stringify(Object.fromEntries(kept));
      remove = Object.keys(patch).filter((key) => patch[key] === null);
    }
    await this.start();
    const [row] = await this.driver.query<ThreadRow>(
      "updateThread",
      `UPDATE ${this.layout.threads}
          SET title = COALESCE($3, title),
              metadata = CASE WHEN $4::jsonb IS NULL THEN metadata ELSE (metadata || $4::jsonb) - $5::text[] END,
              updated_at = GREATEST(updated_at, clock_timestamp())
        WHERE resource_id = $1 AND id = $2
        RETURNING ${THREAD_COLUMNS}`,
      [input.resourceId, input.threadId, input.title ?? null, set, remove],
    );
    if (!row) throw threadNotFound(input);
    return toThread(row);
  }

  async deleteThread(input: ThreadKey): Promise<void> {
    checkThreadKey("deleteThread", input);
    await this.start();
    // Messages and thread-scope working memory go by foreign-key cascade; snapshots name their
    // thread without a foreign key (a run may be saved before its thread exists).
    await this.driver.query(
      "deleteThread",
      `WITH gone AS (
         DELETE FROM ${this.layout.threads} WHERE resource_id = $1 AND id = $2 RETURNING id
       )
       DELETE FROM ${this.layout.snapshots} WHERE resource_id = $1 AND thread_id IN (SELECT id FROM gone)`,
      [input.resourceId, input.threadId],
    );
  }

  async appendMessages(input: AppendMessagesInput): Promise<readonly StoredMessage[]> {
    const messages = Array.isArray(input?.messages) ? input.messages : [];
    checkAppendMessages(input);
    // Encode everything first: a message that cannot be stored must not leave half a batch.
    const prepared = messages.map((entry, index) => ({
      id: entry.id ?? randomId("msg"),
      encoded: encodeOrThrow(entry.message, index),
      runId: entry.runId,
      step: entry.step,
      createdAt: entry.createdAt,
    }));
    await this.start();
    const key = [input.resourceId, input.threadId] as const;
    return this.driver.transaction("appendMessages", async (tx) => {
      // The row lock serialises writers of this thread: each batch gets consecutive positions
      // after everything committed before it, and writers of other threads never wait.
      const [thread] = await tx.query<{ next_position: string }>(
        `SELECT next_position FROM ${this.layout.threads} WHERE resource_id = $1 AND id = $2 FOR UPDATE`,
        [...key],
      );
      if (!thread) throw threadNotFound(input);
      let next = Number(thread.next_position);
      const positions = new Map<string, number>();
      if (prepared.length > 0) {
        const existing = await tx.query<{ id: string; position: string }>(
          `SELECT id, position FROM ${this.layout.messages} WHERE resource_id = $1 AND thread_id = $2 AND id = ANY($3)`,
          [...key, prepared.map((entry) => entry.id)],
        );
        for (const row of existing) positions.set(row.id, Number(row.position));
      }
      for (const entry of prepared) {
        if (!positions.has(entry.id)) positions.set(entry.id, next++);
      }
      const created = new Map<string, Date>();
      if (prepared.length > 0) {
        // One row per id: a later entry with the same id replaces an earlier one in this batch.
        const last = [...new Map(prepared.map((entry) => [entry.id, entry])).values()];
        const rows = await tx.query<{ id: string; created_at: Date }>(
          `INSERT INTO ${this.layout.messages} (resource_id, thread_id, id, position, message, run_id, step, created_at)
           SELECT $1, $2, u.id, u.position, u.message, u.run_id, u.step, COALESCE(u.created_at, now())
             FROM unnest($3::text[], $4::int8[], $5::text[], $6::text[], $7::int4[], $8::timestamptz[])
                  AS u(id, position, message, run_id, step, created_at)
           ON CONFLICT (resource_id, thread_id, id) DO UPDATE
              SET message = excluded.message, run_id = excluded.run_id, step = excluded.step,
                  created_at = excluded.created_at
           RETURNING id, created_at`,
          [
            ...key,
            last.map((entry) => entry.id),
            last.map((entry) => positions.get(entry.id)),
            last.map((entry) => entry.encoded),
            last.map((entry) => entry.runId ?? null),
            last.map((entry) => entry.step ?? null),
            last.map((entry) => entry.createdAt ?? null),
          ],
        );
        for (const row of rows) created.set(row.id, row.created_at);
      }
      await tx.query(
        `UPDATE ${this.layout.threads}
            SET next_position = $3, updated_at = GREATEST(updated_at, clock_timestamp())
          WHERE resource_id = $1 AND id = $2`,
        [...key, next],
      );
      return prepared.map(
        (entry): StoredMessage => ({
          id: entry.id,
          threadId: input.threadId,
          resourceId: input.resourceId,
          position: positions.get(entry.id) as number,
          message: decodeMessage(entry.encoded),
          runId: entry.runId,
          step: entry.step,
          createdAt: entry.createdAt ? new Date(entry.createdAt.getTime()) : (created.get(entry.id) as Date),
        }),
      );
    });
  }

  async listMessages(input: ListMessagesInput): Promise<readonly StoredMessage[]> {
    checkListMessages(input);
    await this.start();
    const query = listMessagesQuery(this.layout, input);
    return this.driver.session("listMessages", async (db) => {
      await this.requireThread(db, input);
      if (query === undefined) return [];
      const rows = await db.query<MessageRow>(query.text, query.values);
      return rows.map(toMessage);
    });
  }

  async countMessages(input: ThreadKey): Promise<number> {
    checkThreadKey("countMessages", input);
    await this.start();
    return this.driver.session("countMessages", async (db) => {
      await this.requireThread(db, input);
      const [row] = await db.query<{ count: string }>(
        `SELECT count(*) AS count FROM ${this.layout.messages} WHERE resource_id = $1 AND thread_id = $2`,
        [input.resourceId, input.threadId],
      );
      return Number(row?.count ?? 0);
    });
  }

  async deleteMessages(input: ThreadKey & { readonly ids: readonly string[] }): Promise<void> {
    checkDeleteMessages(input);
    await this.start();
    await this.driver.session("deleteMessages", async (db) => {
      await this.requireThread(db, input);
      if (input.ids.length === 0) return;
      await db.query(
        `DELETE FROM ${this.layout.messages} WHERE resource_id = $1 AND thread_id = $2 AND id = ANY($3)`,
        [input.resourceId, input.threadId, [...input.ids]],
      );
    });
  }

  async getWorkingMemory(input: WorkingMemoryKey): Promise<WorkingMemoryRecord | undefined> {
    checkWorkingMemoryKey("getWorkingMemory", input);
    await this.start();
    const [row] =
      input.threadId === undefined
        ? await this.driver.query<WorkingMemoryRow>(
            "getWorkingMemory",
            `SELECT content, updated_at FROM ${this.layout.workingMemory} WHERE resource_id = $1 AND thread_id IS NULL`,
            [input.resourceId],
          )
        : await this.driver.query<WorkingMemoryRow>(
            "getWorkingMemory",
            `SELECT content, updated_at FROM ${this.layout.workingMemory} WHERE resource_id = $1 AND thread_id = $2`,
            [input.resourceId, input.threadId],
          );
    return row ? toWorkingMemory(input, row) : undefined;
  }

  async setWorkingMemory(
    input: WorkingMemoryKey & { readonly content: string },
  ): Promise<WorkingMemoryRecord> {
    checkWorkingMemoryKey("setWorkingMemory", input, true);
    await this.start();
    const table = this.layout.workingMemory;
    const update =
      "DO UPDATE SET content = excluded.content, updated_at = GREATEST(w.updated_at, clock_timestamp())";
    if (input.threadId === undefined) {
      const [row] = await this.driver.query<WorkingMemoryRow>(
        "setWorkingMemory",
        `INSERT INTO ${table} AS w (resource_id, thread_id, content, updated_at) VALUES ($1, NULL, $2, now())
         ON CONFLICT (resource_id) WHERE thread_id IS NULL ${update}
         RETURNING content, updated_at`,
        [input.resourceId, input.content],
      );
      return toWorkingMemory(input, row as WorkingMemoryRow);
    }
    let rows: WorkingMemoryRow[];
    try {
      rows = await this.driver.query<WorkingMemoryRow>(
        "setWorkingMemory",
        `INSERT INTO ${table} AS w (resource_id, thread_id, content, updated_at)
         SELECT $1, $2, $3, now()
          WHERE EXISTS (SELECT 1 FROM ${this.layout.threads} WHERE resource_id = $1 AND id = $2)
         ON CONFLICT (resource_id, thread_id) WHERE thread_id IS NOT NULL ${update}
         RETURNING content, updated_at`,
        [input.resourceId, input.threadId, input.content],
      );
    } catch (error) {
      // The thread was deleted between the check and the insert: it does not exist.
      if (StorageError.isInstance(error) && error.backendCode === "23503") rows = [];
      else throw error;
    }
    const [row] = rows;
    if (!row) throw threadNotFound({ resourceId: input.resourceId, threadId: input.threadId });
    return toWorkingMemory(input, row);
  }

  async saveSnapshot(input: SaveSnapshotInput): Promise<RunSnapshot | undefined> {
    checkSaveSnapshot(input);
    const state = jsonText(input.state, "state", "saveSnapshot");
    await this.start();
    const table = this.layout.snapshots;
    const values = [input.resourceId, input.runId, input.threadId ?? null, state];
    let rows: SnapshotWriteRow[];
    if (input.expectedVersion === undefined) {
      rows = await this.driver.query<SnapshotWriteRow>(
        "saveSnapshot",
        `INSERT INTO ${table} AS s (resource_id, run_id, thread_id, state, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, 1, now(), now())
         ON CONFLICT (resource_id, run_id) DO UPDATE
            SET thread_id = excluded.thread_id, state = excluded.state, version = s.version + 1,
                updated_at = GREATEST(s.updated_at, clock_timestamp())
         RETURNING ${SNAPSHOT_WRITE_COLUMNS}`,
        values,
      );
    } else {
      try {
        // One statement: a concurrent writer holds the row lock until it commits, then this
        // UPDATE re-checks its WHERE on the row that writer left (READ COMMITTED), whose version
        // no longer matches, and updates nothing.
        rows = await this.driver.query<SnapshotWriteRow>(
          "saveSnapshot",
          `UPDATE ${table} AS s
              SET thread_id = $3, state = $4::jsonb, version = s.version + 1,
                  updated_at = GREATEST(s.updated_at, clock_timestamp())
            WHERE s.resource_id = $1 AND s.run_id = $2 AND s.version = $5::int8
           RETURNING ${SNAPSHOT_WRITE_COLUMNS}`,
          [...values, input.expectedVersion],
        );
      } catch (error) {
        // Under REPEATABLE READ or SERIALIZABLE (a pool's default isolation) Postgres reports a
        // concurrent change as a serialization failure instead: another save changed the
        // version first, which is a lost compare-and-set, not a backend fault.
        if (StorageError.isInstance(error) && error.backendCode === "40001") rows = [];
        else throw error;
      }
    }
    const [row] = rows;
    if (!row) return undefined;
    // The state from our own JSON text, as loadSnapshot would return it (no need to send it back).
    return toSnapshot(input, { ...row, state: JSON.parse(state) as JsonValue });
  }

  async loadSnapshot(input: SnapshotKey): Promise<RunSnapshot | undefined> {
    checkSnapshotKey("loadSnapshot", input);
    await this.start();
    const [row] = await this.driver.query<SnapshotRow>(
      "loadSnapshot",
      `SELECT ${SNAPSHOT_WRITE_COLUMNS}, state FROM ${this.layout.snapshots}
        WHERE resource_id = $1 AND run_id = $2`,
      [input.resourceId, input.runId],
    );
    return row ? toSnapshot(input, row) : undefined;
  }

  async deleteSnapshot(input: SnapshotKey): Promise<void> {
    checkSnapshotKey("deleteSnapshot", input);
    await this.start();
    await this.driver.query(
      "deleteSnapshot",
      `DELETE FROM ${this.layout.snapshots} WHERE resource_id = $1 AND run_id = $2`,
      [input.resourceId, input.runId],
    );
  }

  /** Runs migrations and vector detection once per instance; a failure is retried on the next call. */
  private start(): Promise<Ready> {
    this.ready ??= (async () => {
      await migrate(this.driver, this.layout);
      return { vectors: await detectVectors(this.driver, this.layout, this.vectorsOption) };
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async requireThread(db: Queryable, key: ThreadKey): Promise<void> {
    const rows = await db.query(`SELECT 1 FROM ${this.layout.threads} WHERE resource_id = $1 AND id = $2`, [
      key.resourceId,
      key.threadId,
    ]);
    if (rows.length === 0) throw threadNotFound(key);
  }
}

const THREAD_COLUMNS = "resource_id, id, title, metadata, created_at, updated_at";

interface ThreadRow {
  readonly resource_id: string;
  readonly id: string;
  readonly title: string | null;
  readonly metadata: Record<string, JsonValue>;
  readonly created_at: Date;
  readonly updated_at: Date;
}

interface MessageRow {
  readonly resource_id: string;
  readonly thread_id: string;
  readonly id: string;
  readonly position: string;
  readonly message: string;
  readonly run_id: string | null;
  readonly step: number | null;
  readonly created_at: Date;
}

interface WorkingMemoryRow {
  readonly content: string;
  readonly updated_at: Date;
}

/** What a snapshot write returns; a read adds `state`. */
const SNAPSHOT_WRITE_COLUMNS = "thread_id, version, created_at, updated_at";

interface SnapshotWriteRow {
  readonly thread_id: string | null;
  /** `bigint`, which `pg` returns as a string. */
  readonly version: string | number;
  readonly created_at: Date;
  readonly updated_at: Date;
}

interface SnapshotRow extends SnapshotWriteRow {
  readonly state: JsonValue;
}

function toSnapshot(key: SnapshotKey, row: SnapshotRow): RunSnapshot {
  return {
    runId: key.runId,
    resourceId: key.resourceId,
    threadId: row.thread_id ?? undefined,
    state: row.state,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The SQL of a {@link StorageAdapter.listMessages} window, or `undefined` when it selects nothing
 * (`last: 0`, `ids: []`). Every window is an index range on `(resource_id, thread_id, position)`:
 * `last: n` reads the index backwards and stops after n rows, whatever the thread's length.
 * Exported for the plan test.
 * @internal
 */
export function listMessagesQuery(
  layout: Layout,
  input: ListMessagesInput,
): { readonly text: string; readonly values: unknown[] } | undefined {
  if (input.last === 0 || (input.ids !== undefined && input.ids.length === 0)) return undefined;
  const values: unknown[] = [input.resourceId, input.threadId];
  const where = ["resource_id = $1", "thread_id = $2"];
  // Positions are integers: `< 2.5` is `< 3` and `> 2.5` is `> 2`, compared as bigint so the
  // index applies (a numeric comparison would cast the column).
  if (input.beforePosition !== undefined) {
    values.push(clampPosition(Math.ceil(input.beforePosition)));
    where.push(`position < $${values.length}::int8`);
  }
  if (input.afterPosition !== undefined) {
    values.push(clampPosition(Math.floor(input.afterPosition)));
    where.push(`position > $${values.length}::int8`);
  }
  if (input.ids !== undefined) {
    values.push([...input.ids]);
    where.push(`id = ANY($${values.length}::text[])`);
  }
  const select = `SELECT resource_id, thread_id, id, position, message, run_id, step, created_at
    FROM ${layout.messages} WHERE ${where.join(" AND ")}`;
  if (input.last === undefined) return { text: `${select} ORDER BY position`, values };
  values.push(input.last);
  return {
    text: `SELECT * FROM (${select} ORDER BY position DESC LIMIT $${values.length}) AS window_rows ORDER BY position`,
    values,
  };
}

function clampPosition(position: number): string {
  return String(Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, position)));
}

function toThread(row: ThreadRow): StoredThread {
  return {
    id: row.id,
    resourceId: row.resource_id,
    title: row.title ?? undefined,
    metadata: row.metadata,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    threadId: row.thread_id,
    resourceId: row.resource_id,
    position: Number(row.position),
    message: decodeMessage(row.message),
    runId: row.run_id ?? undefined,
    step: row.step ?? undefined,
    createdAt: row.created_at,
  };
}

function toWorkingMemory(key: WorkingMemoryKey, row: WorkingMemoryRow): WorkingMemoryRecord {
  return {
    resourceId: key.resourceId,
    threadId: key.threadId,
    content: row.content,
    updatedAt: row.updated_at,
  };
}

function threadNotFound(key: ThreadKey): NotFoundError {
  return new NotFoundError({ kind: "thread", id: key.threadId, resourceId: key.resourceId });
}

/** The lossless JSON of a message, or an `InvalidDefinitionError` naming it when it has none. */
function encodeOrThrow(message: ModelMessage, index: number): string {
  try {
    return encodeMessage(message);
  } catch (cause) {
    throw new InvalidDefinitionError({
      subject: "storage input (appendMessages)",
      issues: [
        {
          field: `messages.${index}.message`,
          expected: "a message without cycles or values JSON cannot hold",
          received: cause instanceof Error ? cause.message : String(cause),
        },
      ],
    });
  }
}
