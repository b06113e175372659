import { StorageError } from "@flowmaestro/runtime";
import type { Client } from "@libsql/client";
import { ADAPTER } from "./errors.js";
import { DEFAULT_TABLE_PREFIX, type TableNames, tableNames } from "./tables.js";

/**
 * One schema version: the statements that take a store from `version - 1` to `version`.
 * Statements run in one write transaction together with the row that records the version, so a
 * migration is applied completely or not at all.
 *
 * @internal
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: (tables: TableNames) => readonly string[];
}

/**
 * Every schema version, oldest first. Append only: a released migration is never edited, since
 * stores in the wild are at every version. Versions are contiguous from 1.
 *
 * Why no foreign keys: the client keeps a pool of connections and `PRAGMA foreign_keys` is per
 * connection (and a host's own client may have it off), so cascades could not be relied upon.
 * `deleteThread` deletes a thread's rows explicitly, in one write transaction.
 *
 * @internal
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "threads, messages, working memory, run snapshots",
    statements: (t) => [
      `CREATE TABLE ${t.threads} (
        resource_id TEXT NOT NULL,
        id TEXT NOT NULL,
        title TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (resource_id, id)
      )`,
      // listThreads: one resource's threads, most recently updated first.
      `CREATE INDEX ${t.threads}_by_updated ON ${t.threads} (resource_id, updated_at DESC)`,
      `CREATE TABLE ${t.messages} (
        resource_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        run_id TEXT,
        step INTEGER,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (resource_id, thread_id, id)
      )`,
      // Every window (last N, before/after a position) walks this index; unique as a safety net.
      `CREATE UNIQUE INDEX ${t.messages}_by_position ON ${t.messages} (resource_id, thread_id, position)`,
      // thread_id '' is the resource scope: thread ids are never empty, and a NULL would defeat
      // the primary key (SQLite treats NULLs as distinct).
      `CREATE TABLE ${t.workingMemory} (
        resource_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        content TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (resource_id, thread_id)
      )`,
      `CREATE TABLE ${t.snapshots} (
        resource_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        thread_id TEXT,
        state TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (resource_id, run_id)
      )`,
      `CREATE INDEX ${t.snapshots}_by_thread ON ${t.snapshots} (resource_id, thread_id)`,
    ],
  },
  {
    version: 2,
    description: "vector index registry; per-thread position counter",
    statements: (t) => [
      `CREATE TABLE ${t.vectorIndexes} (
        name TEXT PRIMARY KEY NOT NULL,
        dimension INTEGER NOT NULL,
        table_name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      )`,
      // v1 derived a new message's position from MAX(position), which hands a deleted last
      // message's position out again. The counter only grows, so a position is never reused.
      `ALTER TABLE ${t.threads} ADD COLUMN last_position INTEGER NOT NULL DEFAULT -1`,
      `UPDATE ${t.threads} SET last_position = COALESCE(
        (SELECT MAX(m.position) FROM ${t.messages} AS m
          WHERE m.resource_id = ${t.threads}.resource_id AND m.thread_id = ${t.threads}.id),
        -1)`,
    ],
  },
  {
    version: 3,
    description: "run snapshot versions (compare-and-set)",
    // Existing snapshots start at version 1, as if just created.
    statements: (t) => [`ALTER TABLE ${t.snapshots} ADD COLUMN version INTEGER NOT NULL DEFAULT 1`],
  },
];

/** The schema version this code writes. @internal */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Creates the migrations table when missing. @internal */
async function ensureMigrationsTable(client: Client, tables: TableNames): Promise<void> {
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${tables.migrations} (
      version INTEGER PRIMARY KEY NOT NULL,
      description TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`,
  );
}

/** The store's schema version: the highest applied migration, 0 for a new store. @internal */
export async function readSchemaVersion(client: Client, tables: TableNames): Promise<number> {
  const result = await client.execute(`SELECT MAX(version) AS version FROM ${tables.migrations}`);
  const version = result.rows[0]?.version;
  return version === null || version === undefined ? 0 : Number(version);
}

/**
 * Brings a store up to `toVersion` (default: the latest) and returns the version it is at.
 *
 * Safe with several adapters and processes on one database: each migration runs in one write
 * transaction (`BEGIN IMMEDIATE`) whose first statement records its version under a primary key.
 * Two writers racing for the same version are serialised by the database; the second one's insert
 * conflicts, its transaction rolls back whole, and it re-reads the version and carries on.
 *
 * A store at a version newer than this code knows is an error: downgrading is not supported.
 *
 * Exported for upgrade tests (build a store at an old version, write data the old way, upgrade).
 *
 * @internal
 */
export async function migrateLibsql(
  client: Client,
  options: { readonly tablePrefix?: string | undefined; readonly toVersion?: number | undefined } = {},
): Promise<number> {
  const tables = tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX);
  const target = options.toVersion ?? LATEST_SCHEMA_VERSION;
  if (!Number.isInteger(target) || target < 0 || target > LATEST_SCHEMA_VERSION) {
    throw new StorageError({
      adapter: ADAPTER,
      operation: "init",
      backendCode: "SCHEMA_VERSION_UNKNOWN",
      message: `schema version ${String(target)} does not exist; this @flowmaestro/memory knows versions 1 to ${LATEST_SCHEMA_VERSION}.`,
    });
  }
  await ensureMigrationsTable(client, tables);
  for (;;) {
    const current = await readSchemaVersion(client, tables);
    if (current > LATEST_SCHEMA_VERSION) {
      throw new StorageError({
        adapter: ADAPTER,
        operation: "init",
        backendCode: "SCHEMA_VERSION_NEWER",
        message: `the store (tables "${tables.prefix}*") is at schema version ${current}, written by a newer @flowmaestro/memory; this one knows up to version ${LATEST_SCHEMA_VERSION}. Upgrade @flowmaestro/memory.`,
      });
    }
    if (current >= target) return current;
    const next = MIGRATIONS[current]!;
    try {
      await client.batch(
        [
          {
            sql: `INSERT INTO ${tables.migrations} (version, description, applied_at) VALUES (?, ?, ?)`,
            args: [next.version, next.description, Date.now()],
          },
          ...next.statements(tables),
        ],
        "write",
      );
    } catch (error) {
      // Another adapter applied this version first: our transaction rolled back whole. Anything
      // else is a real failure.
      if ((await readSchemaVersion(client, tables)) >= next.version) continue;
      throw error;
    }
  }
}
