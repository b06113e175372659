import { isAbsolute, resolve } from "node:path";
import { InvalidDefinitionError, NotFoundError, StorageError } from "@flowmaestro/runtime";
import type { Client, InStatement, InValue, Row } from "@libsql/client";
import { InputCheck, randomId } from "../../internal/inputs.js";
import { decodeMessage, decodeValue, encodeMessage, encodeValue } from "../../internal/message-codec.js";
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
import { localFilePath, openClient } from "./driver.js";
import { ADAPTER, type ErrorContext, toStorageError } from "./errors.js";
import { migrateLibsql, readSchemaVersion } from "./migrator.js";
import {
  DEFAULT_TABLE_PREFIX,
  MAX_TABLE_PREFIX_LENGTH,
  TABLE_PREFIX_PATTERN,
  type TableNames,
  tableNames,
} from "./tables.js";
import { createLibsqlVectorStore } from "./vectors.js";

/** The database the adapter opens when no `url` or `client` is given: a file under the working directory. */
export const DEFAULT_LIBSQL_URL = "file:./.flowmaestro/agent.db";

/** How long a write waits for another connection's lock before failing with `SQLITE_BUSY`. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Options of {@link createLibsqlStorage}. Pass connection details (`url`, `authToken`) or a `client`. */
export interface LibsqlStorageOptions {
  /**
   * The database: a local file (`file:path/to/agent.db`, relative to the working directory, or
   * `file:/absolute/agent.db`), `:memory:` (private to this adapter, gone on `close`), or a remote
   * libSQL server / Turso database (`libsql://…`, `https://…`). The parent directory of a file is
   * created on first use.
   * @default "file:./.flowmaestro/agent.db"
   */
  readonly url?: string | undefined;
  /**
   * Auth token of a remote libSQL server or Turso database. It never appears in an error, log or
   * message the adapter produces.
   * @default undefined
   */
  readonly authToken?: string | undefined;
  /**
   * Your own `@libsql/client` client, used instead of opening one from `url`. The adapter never
   * closes it (`close()` leaves it open) and changes none of its settings: configure its busy
   * timeout (`timeout`) and journal mode yourself.
   * @default undefined
   */
  readonly client?: Client | undefined;
  /**
   * Prefix of every table and index the adapter creates, so several stores (or other software)
   * can share one database. Lowercase letters, digits and `_`, not starting with a digit.
   * @default "fm_"
   */
  readonly tablePrefix?: string | undefined;
  /**
   * Milliseconds a statement waits for another connection's lock (another process writing the
   * same file) before failing with `SQLITE_BUSY`. Applies to the client the adapter opens for a
   * local file.
   * @default 5000
   */
  readonly busyTimeoutMs?: number | undefined;
  /**
   * Durability of a local file's commits (SQLite's `synchronous` pragma, with WAL). `normal`: a
   * commit survives the process being killed (what "every finished step is stored" needs); an OS
   * crash or power loss may lose the last commits. `full`: also survives those, at one disk sync
   * per write (about 1 ms per write on a typical disk).
   * @default "normal"
   */
  readonly synchronous?: "normal" | "full" | undefined;
}

/**
 * The libSQL storage adapter: a {@link StorageAdapter} backed by a local SQLite/libSQL file, an
 * in-memory database or a remote libSQL server, with native vectors (DiskANN).
 */
export interface LibsqlStorage extends StorageAdapter {
  readonly name: "libsql";
  /** Vector indexes in libSQL's native `F32_BLOB` columns with DiskANN indexes; always present. */
  readonly vectors: VectorStore;
  /**
   * The underlying `@libsql/client` client (opened on first call when the adapter owns it), for
   * queries of your own. Does not create the schema; call {@link StorageAdapter.init} for that.
   * The adapter closes its own client on `close()`, and replaces it after an `SQLITE_BUSY`
   * failure (a libSQL bug leaves that connection unable to commit), so call this again rather
   * than keeping the client for long.
   */
  getClient(): Promise<Client>;
}

/**
 * Creates the libSQL storage adapter, the embedded default: by default one file,
 * `./.flowmaestro/agent.db`, that several processes can share (WAL mode, busy timeout). Nothing
 * is opened until first use; `@libsql/client` (an optional peer) is loaded then.
 *
 * The schema is versioned and created or upgraded by `init()` (called by every method on first
 * use). Messages are appended in one write transaction each, with positions taken from a
 * per-thread counter, so concurrent writers never lose, duplicate or reorder a message. A run
 * snapshot's compare-and-set (`saveSnapshot` with `expectedVersion`) is one statement, atomic
 * for every process sharing a local file: of several saves with the same expected version,
 * exactly one succeeds.
 *
 * @example
 * ```ts
 * import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
 *
 * const storage = createLibsqlStorage(); // file:./.flowmaestro/agent.db
 * const thread = await storage.createThread({ resourceId: "user-1", title: "Support" });
 * await storage.appendMessages({
 *   threadId: thread.id,
 *   resourceId: "user-1",
 *   messages: [{ message: { role: "user", content: "Hello" } }],
 * });
 * ```
 *
 * @throws {InvalidDefinitionError} when an option is invalid (checked immediately).
 */
export function createLibsqlStorage(options: LibsqlStorageOptions = {}): LibsqlStorage {
  checkOptions(options);
  return new LibsqlStorageAdapter(options);
}

function checkOptions(options: LibsqlStorageOptions): void {
  if (options === null || typeof options !== "object") {
    throw new InvalidDefinitionError({
      subject: "libSQL storage options",
      issues: [{ field: "options", expected: "an object" }],
    });
  }
  const { url, authToken, client, tablePrefix, busyTimeoutMs, synchronous } = options;
  const check = new InputCheck("createLibsqlStorage")
    .require(synchronous === undefined || synchronous === "normal" || synchronous === "full", {
      field: "synchronous",
      expected: '"normal" or "full"',
    })
    .require(url === undefined || (typeof url === "string" && url.length > 0), {
      field: "url",
      expected: 'a database URL such as "file:./agent.db", ":memory:" or "libsql://…"',
    })
    .require(authToken === undefined || typeof authToken === "string", {
      field: "authToken",
      expected: "a string",
    })
    .require(
      client === undefined ||
        (typeof client === "object" &&
          client !== null &&
          typeof client.execute === "function" &&
          typeof client.batch === "function"),
      { field: "client", expected: "a @libsql/client Client" },
    )
    .require(client === undefined || (url === undefined && authToken === undefined), {
      field: "client",
      expected: "either `client` or `url`/`authToken`, not both",
    })
    .require(
      tablePrefix === undefined ||
        (typeof tablePrefix === "string" &&
          tablePrefix.length <= MAX_TABLE_PREFIX_LENGTH &&
          TABLE_PREFIX_PATTERN.test(tablePrefix)),
      {
        field: "tablePrefix",
        expected: `lowercase letters, digits and "_", not starting with a digit, at most ${MAX_TABLE_PREFIX_LENGTH} characters (e.g. "fm_")`,
        received: typeof tablePrefix === "string" ? JSON.stringify(tablePrefix) : typeof tablePrefix,
      },
    )
    .optionalInteger("busyTimeoutMs", busyTimeoutMs, 0, 2_147_483_647);
  check.done();
}

const THREAD_COLUMNS = "resource_id, id, title, metadata, created_at, updated_at";
/** What a snapshot write returns (the state is the writer's own text) and a read adds `state` to. */
const SNAPSHOT_RESULT_COLUMNS = "thread_id, version, created_at, updated_at";
const MESSAGE_COLUMNS = "id, position, content, run_id, step, created_at";
/** Attempts of `updateThread`'s compare-and-swap before it gives up on a hot thread. */
const MAX_UPDATE_ATTEMPTS = 50;

/**
 * The SQL of a `listMessages` window. Every window is a range of the `(resource_id, thread_id,
 * position)` index; `last` reads it backwards with a `LIMIT` (then the rows are reversed), so
 * the last 20 of 10,000 messages read 20 index entries, not the thread.
 *
 * @internal
 */
export function listMessagesStatement(
  tables: TableNames,
  input: ListMessagesInput,
): { sql: string; args: InValue[] } {
  const where = ["resource_id = ?", "thread_id = ?"];
  const args: InValue[] = [input.resourceId, input.threadId];
  if (input.beforePosition !== undefined) {
    where.push("position < ?");
    args.push(input.beforePosition);
  }
  if (input.afterPosition !== undefined) {
    where.push("position > ?");
    args.push(input.afterPosition);
  }
  if (input.ids !== undefined) {
    // One JSON parameter however many ids (no bound-parameter limit); each is a primary-key probe.
    where.push("id IN (SELECT value FROM json_each(?))");
    args.push(JSON.stringify(input.ids));
  }
  const select = `SELECT ${MESSAGE_COLUMNS} FROM ${tables.messages} WHERE ${where.join(" AND ")}`;
  if (input.last === undefined) return { sql: `${select} ORDER BY position ASC`, args };
  args.push(input.last);
  return { sql: `${select} ORDER BY position DESC LIMIT ?`, args };
}

/** The adapter; internal, {@link createLibsqlStorage} returns it as {@link LibsqlStorage}. */
class LibsqlStorageAdapter implements LibsqlStorage {
  readonly specificationVersion = "v1" as const;
  readonly name = "libsql" as const;
  readonly vectors: VectorStore;

  readonly #options: LibsqlStorageOptions;
  readonly #tables: TableNames;
  readonly #errors: ErrorContext;
  /** The client new operations use (opened once; replaced only after `SQLITE_BUSY`, see {@link #retire}). */
  #client: Promise<Client> | undefined;
  /** The schema set-up, once per adapter. */
  #ready: Promise<void> | undefined;
  /** Operations running on each client, so a retired client is closed only once it is idle. */
  readonly #inUse = new Map<Client, number>();
  /** Own clients replaced after `SQLITE_BUSY`, closed when their last operation ends. */
  readonly #retired = new Set<Client>();
  /** The `file:` URL made absolute on first open, so a replacement client opens the same file. */
  #resolvedUrl: string | undefined;
  #closed = false;
  #lastTime = 0;

  constructor(options: LibsqlStorageOptions) {
    this.#options = options;
    this.#tables = tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX);
    const secrets = [options.authToken ?? ""];
    const urlToken = /[?&]authToken=([^&#]+)/i.exec(options.url ?? "")?.[1];
    if (urlToken) secrets.push(urlToken);
    this.#errors = { secrets, busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS };
    this.vectors = createLibsqlVectorStore({
      tables: this.#tables,
      run: (operation, check, body) => this.#run(operation, check, body),
      now: () => Date.now(),
    });
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  init(): Promise<void> {
    return this.#run("init", noCheck, async () => undefined);
  }

  schemaVersion(): Promise<number> {
    return this.#run("schemaVersion", noCheck, (client) => readSchemaVersion(client, this.#tables));
  }

  async getClient(): Promise<Client> {
    try {
      this.#assertOpen();
      return await this.#connect();
    } catch (error) {
      throw toStorageError("getClient", error, this.#errors);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Let a running migration finish rather than cut it off mid-transaction.
    await this.#ready?.catch(() => undefined);
    if (this.#options.client !== undefined) return;
    const current = await this.#client?.catch(() => undefined);
    this.#client = undefined;
    try {
      for (const client of [...this.#retired, ...(current ? [current] : [])]) client.close();
      this.#retired.clear();
    } catch (error) {
      throw toStorageError("close", error, this.#errors);
    }
  }

  // ---- threads ------------------------------------------------------------------------------

  createThread(input: CreateThreadInput): Promise<StoredThread> {
    let metadata = "{}";
    return this.#run(
      "createThread",
      () => {
        checkCreateThread(input);
        metadata = jsonText(input.metadata ?? {}, "metadata", "createThread");
      },
      async (client) => {
        const id = input.id ?? randomId("thread");
        const now = this.#now();
        const result = await client.execute({
          sql: `INSERT INTO ${this.#tables.threads} (resource_id, id, title, metadata, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (resource_id, id) DO NOTHING`,
          args: [input.resourceId, id, input.title ?? null, metadata, now, now],
        });
        if (result.rowsAffected === 0) {
          throw new StorageError({
            adapter: ADAPTER,
            operation: "createThread",
            backendCode: "THREAD_EXISTS",
            message: `thread "${id}" already exists for resource "${input.resourceId}".`,
          });
        }
        return {
          id,
          resourceId: input.resourceId,
          title: input.title,
          metadata: JSON.parse(metadata) as Record<string, JsonValue>,
          createdAt: new Date(now),
          updatedAt: new Date(now),
        };
      },
    );
  }

  getThread(input: ThreadKey): Promise<StoredThread | undefined> {
    return this.#run(
      "getThread",
      () => checkThreadKey("getThread", input),
      async (client) => {
        const result = await client.execute({
          sql: `SELECT ${THREAD_COLUMNS} FROM ${this.#tables.threads} WHERE resource_id = ? AND id = ?`,
          args: [input.resourceId, input.threadId],
        });
        const row = result.rows[0];
        return row ? toThread(row) : undefined;
      },
    );
  }

  listThreads(input: ListThreadsInput): Promise<readonly StoredThread[]> {
    return this.#run(
      "listThreads",
      () => checkListThreads(input),
      async (client) => {
        const limit = input.limit ?? 100;
        if (limit === 0) return [];
        // rowid breaks ties between threads touched in the same millisecond by different adapters.
        const result = await client.execute({
          sql: `SELECT ${THREAD_COLUMNS} FROM ${this.#tables.threads} WHERE resource_id = ?
                ORDER BY updated_at DESC, rowid DESC LIMIT ? OFFSET ?`,
          args: [input.resourceId, limit, input.offset ?? 0],
        });
        return result.rows.map(toThread);
      },
    );
  }

  updateThread(input: UpdateThreadInput): Promise<StoredThread> {
    let patch: Record<string, JsonValue> | undefined;
    return this.#run(
      "updateThread",
      () => {
        checkUpdateThread(input);
        if (input.metadata !== undefined) {
          patch = JSON.parse(jsonText(input.metadata, "metadata", "updateThread")) as Record<
            string,
            JsonValue
          >;
        }
      },
      async (client) => {
        const t = this.#tables.threads;
        const notFound = () =>
          new NotFoundError({ kind: "thread", id: input.threadId, resourceId: input.resourceId });
        if (patch === undefined) {
          const result = await client.execute({
            sql: `UPDATE ${t} SET title = COALESCE(?, title), updated_at = MAX(updated_at, ?)
                  WHERE resource_id = ? AND id = ? RETURNING ${THREAD_COLUMNS}`,
            args: [input.title ?? null, this.#now(), input.resourceId, input.threadId],
          });
          const row = result.rows[0];
          if (!row) throw notFound();
          return toThread(row);
        }
        // A merge is read-modify-write: compare-and-swap on the metadata text we read, retrying
        // when a concurrent update got there first (no interactive transaction, which would hold
        // the only connection of an in-memory database).
        for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
          const current = await client.execute({
            sql: `SELECT metadata FROM ${t} WHERE resource_id = ? AND id = ?`,
            args: [input.resourceId, input.threadId],
          });
          const row = current.rows[0];
          if (!row) throw notFound();
          const before = String(row.metadata);
          const merged = JSON.parse(before) as Record<string, JsonValue>;
          for (const [key, value] of Object.entries(patch)) {
            if (value === null) delete merged[key];
            else merged[key] = value;
          }
          const result = await client.execute({
            sql: `UPDATE ${t} SET title = COALESCE(?, title), metadata = ?, updated_at = MAX(updated_at, ?)
                  WHERE resource_id = ? AND id = ? AND metadata = ? RETURNING ${THREAD_COLUMNS}`,
            args: [
              input.title ?? null,
              JSON.stringify(merged),
              this.#now(),
              input.resourceId,
              input.threadId,
              before,
            ],
          });
          const updated = result.rows[0];
          if (updated) return toThread(updated);
        }
        throw new StorageError({
          adapter: ADAPTER,
          operation: "updateThread",
          backendCode: "CONTENTION",
          message: `thread "${input.threadId}" kept changing under ${MAX_UPDATE_ATTEMPTS} attempts to merge its metadata; retry later.`,
        });
      },
    );
  }

  deleteThread(input: ThreadKey): Promise<void> {
    return this.#run(
      "deleteThread",
      () => checkThreadKey("deleteThread", input),
      async (client) => {
        const t = this.#tables;
        const key = [input.resourceId, input.threadId];
        await client.batch(
          [
            {
              // Only when the thread exists: deleting an absent thread is a no-op, even for a
              // snapshot that names it.
              sql: `DELETE FROM ${t.snapshots} WHERE resource_id = ? AND thread_id = ?
                    AND EXISTS (SELECT 1 FROM ${t.threads} WHERE resource_id = ? AND id = ?)`,
              args: [...key, ...key],
            },
            { sql: `DELETE FROM ${t.workingMemory} WHERE resource_id = ? AND thread_id = ?`, args: key },
            { sql: `DELETE FROM ${t.messages} WHERE resource_id = ? AND thread_id = ?`, args: key },
            { sql: `DELETE FROM ${t.threads} WHERE resource_id = ? AND id = ?`, args: key },
          ],
          "write",
        );
      },
    );
  }

  // ---- messages -----------------------------------------------------------------------------

  appendMessages(input: AppendMessagesInput): Promise<readonly StoredMessage[]> {
    type Prepared = {
      id: string;
      role: string;
      content: string;
      runId: string | undefined;
      step: number | undefined;
      createdAt: number;
    };
    let prepared: Prepared[] = [];
    return this.#run(
      "appendMessages",
      () => {
        checkAppendMessages(input);
        // Encode everything first: a message that cannot be stored must not leave half a batch.
        const now = Date.now();
        prepared = input.messages.map((entry, index) => ({
          id: entry.id ?? randomId("msg"),
          role: entry.message.role,
          content: encodeOrReject(entry.message, index),
          runId: entry.runId,
          step: entry.step,
          createdAt: entry.createdAt?.getTime() ?? now,
        }));
      },
      async (client) => {
        const t = this.#tables;
        const { resourceId, threadId } = input;
        // One write transaction (BEGIN IMMEDIATE): writers to this database, in this process or
        // another, are serialised, so each batch takes consecutive positions from the counter.
        // Two statements whatever the batch size (libSQL prepares every statement afresh, which
        // is most of a write's cost): the counter moves past the whole batch, then one INSERT
        // gives each new message the next position. A known id keeps its own position (positions
        // stay strictly increasing; a replaced message leaves a gap, which the contract allows).
        const count = prepared.length;
        const rows = prepared.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ");
        const values = prepared.flatMap((message, index) => [
          index,
          message.id,
          message.role,
          message.content,
          message.runId ?? null,
          message.step ?? null,
          message.createdAt,
        ]);
        const statements: InStatement[] = [
          {
            sql: `UPDATE ${t.threads} SET updated_at = MAX(updated_at, ?), last_position = last_position + ?
                  WHERE resource_id = ? AND id = ?`,
            args: [this.#now(), count, resourceId, threadId],
          },
          {
            sql: `INSERT INTO ${t.messages} (resource_id, thread_id, id, position, role, content, run_id, step, created_at)
                  SELECT th.resource_id, th.id, v.column2, th.last_position - ? + v.column1 + 1,
                         v.column3, v.column4, v.column5, v.column6, v.column7
                  FROM (VALUES ${rows}) AS v
                  JOIN ${t.threads} AS th ON th.resource_id = ? AND th.id = ?
                  WHERE true
                  ORDER BY v.column1
                  ON CONFLICT (resource_id, thread_id, id) DO UPDATE SET
                    role = excluded.role, content = excluded.content, run_id = excluded.run_id,
                    step = excluded.step, created_at = excluded.created_at
                  RETURNING id, position`,
            args: [count, ...values, resourceId, threadId],
          },
        ];
        const results = await client.batch(statements, "write");
        // No thread row touched: it does not exist for this resource, and nothing was written.
        if (results[0]?.rowsAffected === 0)
          throw new NotFoundError({ kind: "thread", id: threadId, resourceId });
        const positions = new Map<string, number>();
        for (const row of results[1]?.rows ?? []) positions.set(String(row.id), Number(row.position));
        return prepared.map((message): StoredMessage => {
          const position = positions.get(message.id);
          if (position === undefined)
            throw new Error(`libSQL returned no position for message "${message.id}"`);
          return {
            id: message.id,
            threadId,
            resourceId,
            position,
            message: decodeMessage(message.content),
            runId: message.runId,
            step: message.step,
            createdAt: new Date(message.createdAt),
          };
        });
      },
    );
  }

  listMessages(input: ListMessagesInput): Promise<readonly StoredMessage[]> {
    return this.#run(
      "listMessages",
      () => checkListMessages(input),
      async (client) => {
        const statements: InStatement[] = [this.#threadExists(input)];
        if (input.last !== 0) statements.push(listMessagesStatement(this.#tables, input));
        const [exists, selected] = await client.batch(statements, "read");
        this.#requireThread(exists?.rows.length ?? 0, input);
        const rows = selected?.rows ?? [];
        const ordered = input.last === undefined ? rows : [...rows].reverse();
        return ordered.map((row) => toMessage(row, input));
      },
    );
  }

  countMessages(input: ThreadKey): Promise<number> {
    return this.#run(
      "countMessages",
      () => checkThreadKey("countMessages", input),
      async (client) => {
        const [exists, counted] = await client.batch(
          [
            this.#threadExists(input),
            {
              sql: `SELECT COUNT(*) AS count FROM ${this.#tables.messages} WHERE resource_id = ? AND thread_id = ?`,
              args: [input.resourceId, input.threadId],
            },
          ],
          "read",
        );
        this.#requireThread(exists?.rows.length ?? 0, input);
        return Number(counted?.rows[0]?.count ?? 0);
      },
    );
  }

  deleteMessages(input: ThreadKey & { readonly ids: readonly string[] }): Promise<void> {
    return this.#run(
      "deleteMessages",
      () => checkDeleteMessages(input),
      async (client) => {
        const [exists] = await client.batch(
          [
            this.#threadExists(input),
            {
              sql: `DELETE FROM ${this.#tables.messages} WHERE resource_id = ? AND thread_id = ?
                    AND id IN (SELECT value FROM json_each(?))`,
              args: [input.resourceId, input.threadId, JSON.stringify(input.ids)],
            },
          ],
          "write",
        );
        this.#requireThread(exists?.rows.length ?? 0, input);
      },
    );
  }

  // ---- working memory -----------------------------------------------------------------------

  getWorkingMemory(input: WorkingMemoryKey): Promise<WorkingMemoryRecord | undefined> {
    return this.#run(
      "getWorkingMemory",
      () => checkWorkingMemoryKey("getWorkingMemory", input),
      async (client) => {
        const result = await client.execute({
          sql: `SELECT content, updated_at FROM ${this.#tables.workingMemory} WHERE resource_id = ? AND thread_id = ?`,
          args: [input.resourceId, input.threadId ?? ""],
        });
        const row = result.rows[0];
        if (!row) return undefined;
        return {
          resourceId: input.resourceId,
          threadId: input.threadId,
          content: String(row.content),
          updatedAt: new Date(Number(row.updated_at)),
        };
      },
    );
  }

  setWorkingMemory(input: WorkingMemoryKey & { readonly content: string }): Promise<WorkingMemoryRecord> {
    return this.#run(
      "setWorkingMemory",
      () => checkWorkingMemoryKey("setWorkingMemory", input, true),
      async (client) => {
        const t = this.#tables;
        const now = Date.now();
        // One statement: for a thread scope the thread's existence is checked by the same write.
        const scope =
          input.threadId === undefined
            ? { condition: "WHERE true", args: [] as InValue[] }
            : {
                condition: `WHERE EXISTS (SELECT 1 FROM ${t.threads} WHERE resource_id = ? AND id = ?)`,
                args: [input.resourceId, input.threadId],
              };
        const result = await client.execute({
          sql: `INSERT INTO ${t.workingMemory} (resource_id, thread_id, content, updated_at)
                SELECT ?, ?, ?, ? ${scope.condition}
                ON CONFLICT (resource_id, thread_id) DO UPDATE SET
                  content = excluded.content, updated_at = MAX(updated_at, excluded.updated_at)
                RETURNING updated_at`,
          args: [input.resourceId, input.threadId ?? "", input.content, now, ...scope.args],
        });
        const row = result.rows[0];
        if (!row) {
          throw new NotFoundError({ kind: "thread", id: input.threadId ?? "", resourceId: input.resourceId });
        }
        return {
          resourceId: input.resourceId,
          threadId: input.threadId,
          content: input.content,
          updatedAt: new Date(Number(row.updated_at)),
        };
      },
    );
  }

  // ---- snapshots ----------------------------------------------------------------------------

  saveSnapshot(input: SaveSnapshotInput): Promise<RunSnapshot | undefined> {
    let state = "null";
    return this.#run(
      "saveSnapshot",
      () => {
        checkSaveSnapshot(input);
        state = jsonText(encodeValue(input.state), "state", "saveSnapshot");
      },
      async (client) => {
        const now = Date.now();
        const table = this.#tables.snapshots;
        // One statement either way, so the compare and the write are one atomic step: SQLite
        // takes the file's write lock for the statement, so a writer in another process that
        // changed the version first makes this one match no row.
        const result = await client.execute(
          input.expectedVersion === undefined
            ? {
                sql: `INSERT INTO ${table} (resource_id, run_id, thread_id, state, version, created_at, updated_at)
                      VALUES (?, ?, ?, ?, 1, ?, ?)
                      ON CONFLICT (resource_id, run_id) DO UPDATE SET
                        thread_id = excluded.thread_id, state = excluded.state, version = version + 1,
                        updated_at = MAX(updated_at, excluded.updated_at)
                      RETURNING ${SNAPSHOT_RESULT_COLUMNS}`,
                args: [input.resourceId, input.runId, input.threadId ?? null, state, now, now],
              }
            : {
                sql: `UPDATE ${table} SET
                        thread_id = ?, state = ?, version = version + 1, updated_at = MAX(updated_at, ?)
                      WHERE resource_id = ? AND run_id = ? AND version = ?
                      RETURNING ${SNAPSHOT_RESULT_COLUMNS}`,
                args: [
                  input.threadId ?? null,
                  state,
                  now,
                  input.resourceId,
                  input.runId,
                  input.expectedVersion,
                ],
              },
        );
        const row = result.rows[0];
        // The state as `loadSnapshot` decodes it, from our own text (no need to read it back).
        return row ? toSnapshot(input, row, state) : undefined;
      },
    );
  }

  loadSnapshot(input: SnapshotKey): Promise<RunSnapshot | undefined> {
    return this.#run(
      "loadSnapshot",
      () => checkSnapshotKey("loadSnapshot", input),
      async (client) => {
        const result = await client.execute({
          sql: `SELECT ${SNAPSHOT_RESULT_COLUMNS}, state FROM ${this.#tables.snapshots}
                WHERE resource_id = ? AND run_id = ?`,
          args: [input.resourceId, input.runId],
        });
        const row = result.rows[0];
        return row ? toSnapshot(input, row, String(row.state)) : undefined;
      },
    );
  }

  deleteSnapshot(input: SnapshotKey): Promise<void> {
    return this.#run(
      "deleteSnapshot",
      () => checkSnapshotKey("deleteSnapshot", input),
      async (client) => {
        await client.execute({
          sql: `DELETE FROM ${this.#tables.snapshots} WHERE resource_id = ? AND run_id = ?`,
          args: [input.resourceId, input.runId],
        });
      },
    );
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * Every public method: check the input (before touching the database), wait for the schema,
   * run, and turn whatever was thrown into an SDK error.
   */
  async #run<T>(operation: string, check: () => void, body: (client: Client) => Promise<T>): Promise<T> {
    let client: Client | undefined;
    try {
      check();
      this.#assertOpen();
      await this.#initialised();
      client = await this.#connect();
      this.#inUse.set(client, (this.#inUse.get(client) ?? 0) + 1);
      return await body(client);
    } catch (error) {
      if (client !== undefined && isBusy(error)) this.#retire(client);
      throw toStorageError(operation, error, this.#errors);
    } finally {
      if (client !== undefined) this.#release(client);
    }
  }

  /** One schema set-up per adapter, shared by concurrent callers; retried after a failure. */
  #initialised(): Promise<void> {
    if (this.#ready === undefined) {
      const ready = this.#connect().then(async (client) => {
        try {
          await migrateLibsql(client, { tablePrefix: this.#tables.prefix });
        } catch (error) {
          if (isBusy(error)) this.#retire(client);
          throw error;
        }
      });
      this.#ready = ready;
      ready.catch(() => {
        if (this.#ready === ready) this.#ready = undefined;
      });
    }
    return this.#ready;
  }

  /** The client, opened once (the host's own, or one from `url`). */
  #connect(): Promise<Client> {
    if (this.#client === undefined) {
      const { client, url, authToken, busyTimeoutMs, synchronous } = this.#options;
      if (client === undefined) this.#resolvedUrl ??= absoluteFileUrl(url ?? DEFAULT_LIBSQL_URL);
      const connecting =
        client !== undefined
          ? Promise.resolve(client)
          : openClient({
              url: this.#resolvedUrl ?? url ?? DEFAULT_LIBSQL_URL,
              authToken,
              busyTimeoutMs: busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
              synchronous,
            });
      this.#client = connecting;
      connecting.catch(() => {
        if (this.#client === connecting) this.#client = undefined;
      });
    }
    return this.#client;
  }

  /**
   * Works around a libSQL bug (tursodatabase/libsql-client-ts#352, fix pending in libsql-js#237):
   * a statement that fails with `SQLITE_BUSY` is never reset, so every later `COMMIT` on that
   * pooled connection fails with "SQL statements in progress", although the lock is free. After
   * a busy failure the adapter's own file client is replaced by a fresh one (same absolute path)
   * and the old one closed once its running operations end. In-memory databases cannot be busy
   * and live in their one connection; a host's own client is never replaced.
   */
  #retire(client: Client): void {
    if (this.#options.client !== undefined || this.#retired.has(client)) return;
    if (localFilePath(this.#resolvedUrl ?? "") === undefined) return;
    const current = this.#client;
    void current?.then((active) => {
      if (active !== client || this.#client !== current) return;
      this.#client = undefined;
      this.#retired.add(client);
      if ((this.#inUse.get(client) ?? 0) === 0) this.#closeRetired(client);
    });
  }

  #release(client: Client): void {
    const count = (this.#inUse.get(client) ?? 1) - 1;
    if (count > 0) {
      this.#inUse.set(client, count);
      return;
    }
    this.#inUse.delete(client);
    if (this.#retired.has(client)) this.#closeRetired(client);
  }

  #closeRetired(client: Client): void {
    this.#retired.delete(client);
    try {
      client.close();
    } catch {
      // Already unusable; nothing else holds it.
    }
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new StorageError({
        adapter: ADAPTER,
        operation: "use",
        backendCode: "CLIENT_CLOSED",
        message: "this adapter was closed; create a new one with createLibsqlStorage().",
      });
    }
  }

  /** Thread timestamps never repeat within an adapter, so "most recently updated first" is exact. */
  #now(): number {
    const now = Date.now();
    this.#lastTime = now > this.#lastTime ? now : this.#lastTime + 1;
    return this.#lastTime;
  }

  #threadExists(key: ThreadKey): InStatement {
    return {
      sql: `SELECT 1 AS found FROM ${this.#tables.threads} WHERE resource_id = ? AND id = ?`,
      args: [key.resourceId, key.threadId],
    };
  }

  #requireThread(found: number, key: ThreadKey): void {
    if (found === 0)
      throw new NotFoundError({ kind: "thread", id: key.threadId, resourceId: key.resourceId });
  }
}

function noCheck(): void {}

/** `SQLITE_BUSY` (any extended code), from libSQL directly or inside a batch error. */
function isBusy(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, extendedCode } = error as { code?: unknown; extendedCode?: unknown };
  return [code, extendedCode].some((value) => typeof value === "string" && value.startsWith("SQLITE_BUSY"));
}

/** A relative `file:` URL resolved against the working directory now; other URLs unchanged. */
function absoluteFileUrl(url: string): string {
  const path = localFilePath(url);
  if (path === undefined || isAbsolute(path)) return url;
  const query = url.search(/[?#]/);
  // libSQL percent-decodes the path, so the characters that would end or alter it are encoded.
  const encoded = resolve(path).replace(/[%?#]/g, (character) => encodeURIComponent(character));
  return `file:${encoded}${query >= 0 ? url.slice(query) : ""}`;
}

function encodeOrReject(message: StoredMessage["message"], index: number): string {
  try {
    return encodeMessage(message);
  } catch (cause) {
    new InputCheck("appendMessages")
      .require(false, {
        field: `messages.${index}.message`,
        expected: "a message without cycles or values JSON cannot hold",
        received: cause instanceof Error ? cause.message : String(cause),
      })
      .done();
    throw cause;
  }
}

function toThread(row: Row): StoredThread {
  return {
    id: String(row.id),
    resourceId: String(row.resource_id),
    title: row.title === null || row.title === undefined ? undefined : String(row.title),
    metadata: JSON.parse(String(row.metadata)) as Record<string, JsonValue>,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

function toMessage(row: Row, key: ThreadKey): StoredMessage {
  return {
    id: String(row.id),
    threadId: key.threadId,
    resourceId: key.resourceId,
    position: Number(row.position),
    message: decodeMessage(String(row.content)),
    runId: row.run_id === null || row.run_id === undefined ? undefined : String(row.run_id),
    step: row.step === null || row.step === undefined ? undefined : Number(row.step),
    createdAt: new Date(Number(row.created_at)),
  };
}

function toSnapshot(key: SnapshotKey, row: Row, state: string): RunSnapshot {
  return {
    runId: key.runId,
    resourceId: key.resourceId,
    threadId: row.thread_id === null ? undefined : String(row.thread_id),
    state: decodeValue(JSON.parse(state)) as JsonValue,
    version: Number(row.version),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}
