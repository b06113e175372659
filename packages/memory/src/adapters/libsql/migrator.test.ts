import type { StorageError } from "@flowmaestro/runtime";
import { type Client, createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLibsqlStorage } from "./index.js";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrateLibsql, readSchemaVersion } from "./migrator.js";
import { tableNames } from "./tables.js";
import { expectCode, fileUrl, tempDir } from "./test-utils.js";

const t = tableNames("fm_");

// A generous time budget for busy CI machines; nothing asserts on time.
describe("libSQL schema migrations", { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const clients: Client[] = [];
  const open = (url = fileUrl(dir.path)) => {
    const client = createClient({ url, timeout: 5000 });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await dir.remove();
  });

  it("ships contiguous versions, at least two", () => {
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(2);
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it("creates the latest schema on init and records every version", async () => {
    const client = open();
    const storage = createLibsqlStorage({ client });
    await storage.init();
    expect(await storage.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    const rows = await client.execute(`SELECT version, description FROM ${t.migrations} ORDER BY version`);
    expect(rows.rows.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
  });

  it("init() twice, and concurrently, applies nothing twice", async () => {
    const client = open();
    const storage = createLibsqlStorage({ client });
    await Promise.all([storage.init(), storage.init(), storage.schemaVersion(), storage.init()]);
    const before = await client.execute(`SELECT version, applied_at FROM ${t.migrations} ORDER BY version`);
    await storage.init();
    await createLibsqlStorage({ client }).init();
    const after = await client.execute(`SELECT version, applied_at FROM ${t.migrations} ORDER BY version`);
    expect(after.rows).toEqual(before.rows);
    expect(after.rows).toHaveLength(LATEST_SCHEMA_VERSION);
  });

  it("two adapters with their own clients on one file migrate it once", async () => {
    const url = fileUrl(dir.path);
    const adapters = Array.from({ length: 4 }, () => createLibsqlStorage({ url }));
    await Promise.all(adapters.map((adapter) => adapter.init()));
    const versions = await Promise.all(adapters.map((adapter) => adapter.schemaVersion()));
    expect(versions).toEqual(adapters.map(() => LATEST_SCHEMA_VERSION));
    const rows = await open(url).execute(`SELECT COUNT(*) AS n FROM ${t.migrations}`);
    expect(Number(rows.rows[0]?.n)).toBe(LATEST_SCHEMA_VERSION);
    await Promise.all(adapters.map((adapter) => adapter.close()));
  });

  it("upgrades a v1 store to the latest version with its data intact", async () => {
    const client = open();
    expect(await migrateLibsql(client, { toVersion: 1 })).toBe(1);
    expect(await readSchemaVersion(client, t)).toBe(1);
    // Data as the v1 code wrote it: positions from MAX(position), no counter column.
    await client.batch(
      [
        {
          sql: `INSERT INTO ${t.threads} (resource_id, id, title, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
          args: ["r1", "th1", "Old thread", '{"plan":"pro"}', 1000, 2000],
        },
        ...["a", "b", "c"].map((id, position) => ({
          sql: `INSERT INTO ${t.messages} (resource_id, thread_id, id, position, role, content, run_id, step, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          args: [
            "r1",
            "th1",
            id,
            position,
            "user",
            JSON.stringify({ role: "user", content: `old ${id}` }),
            "run1",
            0,
            1500,
          ],
        })),
        {
          sql: `INSERT INTO ${t.workingMemory} (resource_id, thread_id, content, updated_at) VALUES (?, ?, ?, ?)`,
          args: ["r1", "", "# User\nlikes tea", 1600],
        },
        {
          sql: `INSERT INTO ${t.snapshots} (resource_id, run_id, thread_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
          args: ["r1", "run1", "th1", '{"step":3}', 1700, 1800],
        },
      ],
      "write",
    );

    const storage = createLibsqlStorage({ client });
    await storage.init();
    expect(await storage.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);

    const thread = await storage.getThread({ resourceId: "r1", threadId: "th1" });
    expect(thread).toMatchObject({ title: "Old thread", metadata: { plan: "pro" } });
    expect(thread?.createdAt.getTime()).toBe(1000);
    const messages = await storage.listMessages({ resourceId: "r1", threadId: "th1" });
    expect(messages.map((message) => [message.id, message.position, message.runId, message.step])).toEqual([
      ["a", 0, "run1", 0],
      ["b", 1, "run1", 0],
      ["c", 2, "run1", 0],
    ]);
    expect(messages[0]?.message).toEqual({ role: "user", content: "old a" });
    expect((await storage.getWorkingMemory({ resourceId: "r1" }))?.content).toBe("# User\nlikes tea");
    expect(await storage.loadSnapshot({ resourceId: "r1", runId: "run1" })).toMatchObject({
      state: { step: 3 },
      version: 1,
    });

    // v2's counter was backfilled: new messages go after the old ones, and a deleted last
    // position is not handed out again.
    await storage.deleteMessages({ resourceId: "r1", threadId: "th1", ids: ["c"] });
    const [appended] = await storage.appendMessages({
      resourceId: "r1",
      threadId: "th1",
      messages: [{ message: { role: "user", content: "new" } }],
    });
    expect(appended?.position).toBe(3);

    // v2's vector registry works.
    await storage.vectors.createIndex({ indexName: "docs", dimension: 2 });
    expect(await storage.vectors.describeIndex({ indexName: "docs" })).toEqual({ dimension: 2, count: 0 });

    // And init() again is a no-op.
    await createLibsqlStorage({ client }).init();
    expect(await storage.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
  });

  it("upgrades a v2 store (the previous release): its snapshots start at version 1", async () => {
    const client = open();
    expect(await migrateLibsql(client, { toVersion: 2 })).toBe(2);
    // A snapshot as the v2 release wrote it: no version column.
    await client.execute({
      sql: `INSERT INTO ${t.snapshots} (resource_id, run_id, thread_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      args: ["r1", "run1", null, '{"step":3}', 1700, 1800],
    });
    const storage = createLibsqlStorage({ client });
    expect(await storage.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    const key = { resourceId: "r1", runId: "run1" };
    expect(await storage.loadSnapshot(key)).toMatchObject({ version: 1, state: { step: 3 } });
    expect(await storage.saveSnapshot({ ...key, state: { step: 4 }, expectedVersion: 2 })).toBeUndefined();
    expect(await storage.saveSnapshot({ ...key, state: { step: 4 }, expectedVersion: 1 })).toMatchObject({
      version: 2,
      state: { step: 4 },
    });
    // init() again applies nothing.
    await createLibsqlStorage({ client }).init();
    const rows = await client.execute(`SELECT COUNT(*) AS n FROM ${t.migrations}`);
    expect(Number(rows.rows[0]?.n)).toBe(LATEST_SCHEMA_VERSION);
    expect(await storage.loadSnapshot(key)).toMatchObject({ version: 2, state: { step: 4 } });
  });

  it("rolls a failed migration back whole and reports it", async () => {
    const client = open();
    await migrateLibsql(client, { toVersion: 1 });
    // Something else owns the name v2 wants, so v2 fails half way.
    await client.execute(`CREATE TABLE ${t.vectorIndexes} (something TEXT)`);
    const error = await expectCode<StorageError>(createLibsqlStorage({ client }).init(), "STORAGE_ERROR");
    expect(error.operation).toBe("init");
    expect(await readSchemaVersion(client, t)).toBe(1);
    const columns = await client.execute(`PRAGMA table_info(${t.threads})`);
    expect(columns.rows.map((row) => row.name)).not.toContain("last_position");
  });

  it("refuses a store written by a newer @flowmaestro/memory", async () => {
    const client = open();
    await migrateLibsql(client);
    await client.execute({
      sql: `INSERT INTO ${t.migrations} (version, description, applied_at) VALUES (?, 'from the future', 0)`,
      args: [LATEST_SCHEMA_VERSION + 1],
    });
    const storage = createLibsqlStorage({ client });
    const error = await expectCode<StorageError>(storage.init(), "STORAGE_ERROR");
    expect(error.backendCode).toBe("SCHEMA_VERSION_NEWER");
    expect(error.message).toContain("newer @flowmaestro/memory");
    expect(error.message).toContain("Upgrade @flowmaestro/memory");
    // Every other method fails the same way rather than touching the store.
    await expectCode(storage.getThread({ resourceId: "r", threadId: "t" }), "STORAGE_ERROR");
  });

  it("keeps stores with different table prefixes apart in one database", async () => {
    const client = open();
    const a = createLibsqlStorage({ client, tablePrefix: "app_a_" });
    const b = createLibsqlStorage({ client, tablePrefix: "app_b_" });
    await a.createThread({ resourceId: "r", id: "same" });
    expect(await b.getThread({ resourceId: "r", threadId: "same" })).toBeUndefined();
    await b.createThread({ resourceId: "r", id: "same" });
    const names = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    const tables = names.rows.map((row) => String(row.name));
    expect(tables).toContain("app_a_threads");
    expect(tables).toContain("app_b_schema_migrations");
    expect(tables.filter((name) => name.startsWith("fm_"))).toEqual([]);
  });

  it("rejects a version it does not know", async () => {
    await expectCode(migrateLibsql(open(), { toVersion: LATEST_SCHEMA_VERSION + 1 }), "STORAGE_ERROR");
  });
});
