import { StorageError } from "@flowmaestro/runtime";
import type { Driver, Queryable } from "./driver.js";
import { ADAPTER } from "./errors.js";
import { type Layout, quoteIdent } from "./identifiers.js";

/** One step of the schema: applied once, in order, inside the migration transaction. @internal */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (layout: Layout) => readonly string[];
}

/**
 * The schema, as an ordered list of steps. Never edit a released step: add a new one. Every
 * column a later version needs is added by that version with `ALTER TABLE` (a store created by an
 * older release only ever ran the older steps; `CREATE TABLE IF NOT EXISTS` alone would leave it
 * without the column: Mastra #11789, #15925).
 * @internal
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "threads, messages, working memory, snapshots",
    statements: (l) => [
      `CREATE TABLE ${l.threads} (
        resource_id text NOT NULL,
        id text NOT NULL,
        title text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        next_position bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (resource_id, id)
      )`,
      `CREATE INDEX ${quoteIdent(`${l.prefix}threads_recent`)} ON ${l.threads} (resource_id, updated_at DESC, id DESC)`,
      // Messages as text (the lossless codec's JSON), not jsonb: jsonb rejects U+0000 in strings
      // and reorders keys; nothing queries inside a message.
      `CREATE TABLE ${l.messages} (
        resource_id text NOT NULL,
        thread_id text NOT NULL,
        id text NOT NULL,
        position bigint NOT NULL,
        message text NOT NULL,
        run_id text,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (resource_id, thread_id, id),
        UNIQUE (resource_id, thread_id, position),
        FOREIGN KEY (resource_id, thread_id) REFERENCES ${l.threads} (resource_id, id) ON DELETE CASCADE
      )`,
      // thread_id NULL is the resource scope; a thread scope goes with its thread (a foreign key
      // with a NULL column is not checked, so one table serves both).
      `CREATE TABLE ${l.workingMemory} (
        resource_id text NOT NULL,
        thread_id text,
        content text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        FOREIGN KEY (resource_id, thread_id) REFERENCES ${l.threads} (resource_id, id) ON DELETE CASCADE
      )`,
      `CREATE UNIQUE INDEX ${quoteIdent(`${l.prefix}working_memory_resource`)} ON ${l.workingMemory} (resource_id) WHERE thread_id IS NULL`,
      `CREATE UNIQUE INDEX ${quoteIdent(`${l.prefix}working_memory_thread`)} ON ${l.workingMemory} (resource_id, thread_id) WHERE thread_id IS NOT NULL`,
      `CREATE TABLE ${l.snapshots} (
        resource_id text NOT NULL,
        run_id text NOT NULL,
        thread_id text,
        state jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (resource_id, run_id)
      )`,
      `CREATE INDEX ${quoteIdent(`${l.prefix}snapshots_thread`)} ON ${l.snapshots} (resource_id, thread_id) WHERE thread_id IS NOT NULL`,
    ],
  },
  {
    version: 2,
    name: "message step, vector index registry",
    statements: (l) => [
      `ALTER TABLE ${l.messages} ADD COLUMN step integer`,
      `CREATE TABLE ${l.vectorIndexes} (
        name text PRIMARY KEY,
        table_name text NOT NULL UNIQUE,
        dimension integer NOT NULL CHECK (dimension > 0),
        kind text NOT NULL CHECK (kind IN ('pgvector', 'exact')),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`,
    ],
  },
  {
    version: 3,
    name: "run snapshot versions (compare-and-set)",
    // Existing snapshots start at version 1, as if just created. A constant default: no table
    // rewrite on Postgres 11+. `IF NOT EXISTS` on top of the version record, so a column added
    // by hand (or a re-run) is not an error.
    statements: (l) => [
      `ALTER TABLE ${l.snapshots} ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 1`,
    ],
  },
];

/** The version this code creates and understands. @internal */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * First key of every advisory lock the adapter takes ("FM"); the second is `hashtext` of the
 * store's schema and prefix, so stores in other schemas never wait for each other.
 * @internal
 */
export const LOCK_CLASS = 0x464d;

/** Takes the store's transaction-scoped advisory lock (released at COMMIT/ROLLBACK). @internal */
export async function lockStore(tx: Queryable, layout: Layout): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_CLASS, layout.lockKey]);
}

/** The store's recorded version; 0 when it has none (no schema, no version table). @internal */
export async function readSchemaVersion(db: Queryable, layout: Layout): Promise<number> {
  const [found] = await db.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [
    layout.versions,
  ]);
  if (!found?.present) return 0;
  const [row] = await db.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${layout.versions}`,
  );
  return row?.version ?? 0;
}

/**
 * Brings the store to `targetVersion` (the latest unless a test asks for less): one transaction
 * under the store's advisory lock, so several processes calling `init()` at once apply each step
 * exactly once and the others wait, then find nothing to do. Already there: a read, no lock, no
 * DDL (so a database user without CREATE can run an up-to-date store). A store newer than this
 * code is refused (backendCode `SCHEMA_TOO_NEW`) rather than half-used.
 * @returns the version the store is at.
 * @internal
 */
export async function migrate(
  driver: Driver,
  layout: Layout,
  targetVersion: number = LATEST_SCHEMA_VERSION,
): Promise<number> {
  const current = await driver.session("init", (db) => readSchemaVersion(db, layout));
  assertKnown(current, layout);
  if (current >= targetVersion) return current;
  return driver.transaction("init", async (tx) => {
    await lockStore(tx, layout);
    const [schema] = await tx.query<{ present: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS present",
      [layout.schema],
    );
    if (!schema?.present) await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(layout.schema)}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${layout.versions} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    // Read again under the lock: another process may have migrated while this one waited.
    const locked = await readSchemaVersion(tx, layout);
    assertKnown(locked, layout);
    for (const migration of MIGRATIONS) {
      if (migration.version <= locked || migration.version > targetVersion) continue;
      for (const statement of migration.statements(layout)) await tx.query(statement);
      await tx.query(`INSERT INTO ${layout.versions} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    return Math.max(locked, Math.min(targetVersion, LATEST_SCHEMA_VERSION));
  });
}

function assertKnown(version: number, layout: Layout): void {
  if (version <= LATEST_SCHEMA_VERSION) return;
  throw new StorageError({
    adapter: ADAPTER,
    operation: "init",
    backendCode: "SCHEMA_TOO_NEW",
    message: `the store in schema "${layout.schema}" (table prefix "${layout.prefix}") is at schema version ${version}, but this version of @flowmaestro/memory knows versions up to ${LATEST_SCHEMA_VERSION}. Upgrade @flowmaestro/memory in this app (a newer release migrated the store), or point it at another schema.`,
  });
}
