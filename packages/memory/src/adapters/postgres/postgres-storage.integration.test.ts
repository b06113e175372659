import { fileURLToPath } from "node:url";
import { AgentSdkError, type StorageError } from "@flowmaestro/runtime";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcessesTogether } from "../../internal/test-processes.js";
import type { StoredMessage } from "../../storage-adapter.js";
import { Driver } from "./driver.js";
import { layoutOf } from "./identifiers.js";
import { createPostgresStorage, type PostgresStorage } from "./index.js";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from "./migrator.js";
import { POSTGRES_URL, uniqueSchema } from "./test-support.js";

const text = (content: string) => ({ message: { role: "user" as const, content } });
const RACER = fileURLToPath(new URL("./__fixtures__/snapshot-racer-process.ts", import.meta.url));
const contentOf = (message: StoredMessage) => message.message.content as string;

// The machine's PostgreSQL server (CI sets POSTGRES_URL). Every run works in its own schemas and
// drops them afterwards, so parallel runs on one server never meet.
describe.skipIf(!POSTGRES_URL)("PostgreSQL server (POSTGRES_URL)", () => {
  const url = POSTGRES_URL as string;
  const schema = uniqueSchema("server");
  const created: string[] = [schema];
  let admin: pg.Pool;
  let storage: PostgresStorage;

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: url, max: 2 });
    // Several connections, so concurrent writers really run at once on the server.
    storage = createPostgresStorage({ connectionString: url, schema });
    await storage.init();
  });
  afterAll(async () => {
    await storage?.close();
    for (const name of created) await admin?.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await admin?.end();
  });

  it("uses the exact vector fallback where pgvector is not installed", async () => {
    const extension = await admin.query(
      "SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'vector'",
    );
    const expected = extension.rows[0].n > 0 ? "pgvector" : "exact";
    expect(await storage.vectorMode()).toBe(expected);
    expect(await storage.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
  });

  it('fails init clearly with vectors: "pgvector" when the extension is unavailable', async () => {
    const available = await admin.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
    const strict = createPostgresStorage({ connectionString: url, schema, vectors: "pgvector" });
    try {
      if (available.rows.length > 0) {
        expect(await strict.vectorMode()).toBe("pgvector");
        return;
      }
      const error = await strict.init().then(
        () => expect.fail("init should fail"),
        (caught: unknown) => caught as StorageError,
      );
      expect(AgentSdkError.isInstance(error) && error.code).toBe("STORAGE_ERROR");
      expect(error.message).toContain('pgvector extension ("vector")');
      expect(error.message).toContain('vectors: "exact"');
    } finally {
      await strict.close();
    }
  });

  it("concurrent init() from several processes migrates once", async () => {
    const fresh = uniqueSchema("race");
    created.push(fresh);
    // Separate pools stand for separate processes.
    const racers = Array.from({ length: 6 }, () =>
      createPostgresStorage({ connectionString: url, schema: fresh }),
    );
    try {
      await Promise.all(racers.map((racer) => racer.init()));
      const versions = await admin.query(`SELECT version FROM "${fresh}".fm_schema_version ORDER BY version`);
      // Every step exactly once: one row per version, 1 to the latest.
      expect(versions.rows.map((row) => row.version)).toEqual(
        MIGRATIONS.map((migration) => migration.version),
      );
      for (const racer of racers) expect(await racer.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    } finally {
      await Promise.all(racers.map((racer) => racer.close()));
    }
  });

  it("upgrades a v1 store to the latest version, data intact", async () => {
    const old = uniqueSchema("upgrade");
    created.push(old);
    const layout = layoutOf(old, "fm_");
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      expect(await migrate(new Driver(async () => pool, []), layout, 1)).toBe(1);
      await pool.query(`INSERT INTO ${layout.threads} (resource_id, id, next_position) VALUES ('r', 't', 1)`);
      await pool.query(
        `INSERT INTO ${layout.messages} (resource_id, thread_id, id, position, message, created_at)
         VALUES ('r', 't', 'old', 0, '{"role":"user","content":"from v1"}', now())`,
      );
      const upgraded = createPostgresStorage({ pool, schema: old });
      expect(await upgraded.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      await upgraded.appendMessages({
        resourceId: "r",
        threadId: "t",
        messages: [{ ...text("from v2"), step: 1 }],
      });
      const listed = await upgraded.listMessages({ resourceId: "r", threadId: "t" });
      expect(listed.map((message) => [message.id === "old", contentOf(message), message.step])).toEqual([
        [true, "from v1", undefined],
        [false, "from v2", 1],
      ]);
      await upgraded.close();
    } finally {
      await pool.end();
    }
  });

  it("processes racing compare-and-set saves of one run: exactly one wins each version", {
    timeout: 90_000,
  }, async () => {
    const key = { resourceId: "race", runId: uniqueSchema("run") };
    expect((await storage.saveSnapshot({ ...key, state: { round: 0 } }))?.version).toBe(1);
    const processes = 4;
    const rounds = 15;
    // Each process tries every round r with expectedVersion r. Versions only grow, one per won
    // save, so whatever the interleaving each round has exactly one winner (not a timing claim).
    const results = await runProcessesTogether<{ ok: boolean; won?: number[]; error?: string }>(
      RACER,
      Array.from({ length: processes }, (_, writer) => ({ url, schema, writer, ...key, rounds })),
    );
    for (const result of results) expect(result.ok, result.error).toBe(true);
    const winners = Array.from({ length: rounds }, (_, index) =>
      results.flatMap((result, writer) => (result.won?.includes(index + 1) ? [writer] : [])),
    );
    winners.forEach((writers, index) => {
      expect(writers, `processes whose save with expectedVersion ${index + 1} succeeded`).toHaveLength(1);
    });
    expect(await storage.loadSnapshot(key)).toMatchObject({
      version: rounds + 1,
      state: { writer: winners[rounds - 1]![0], round: rounds },
    });
  });

  it("a pool at SERIALIZABLE: a lost compare-and-set resolves undefined, not a serialization error", async () => {
    // Under REPEATABLE READ and SERIALIZABLE Postgres reports a concurrent update of the row as
    // 40001 instead of re-checking it; the adapter reads that as the lost race it is.
    const pool = new pg.Pool({
      connectionString: url,
      max: 8,
      options: "-c default_transaction_isolation=serializable",
    });
    const strict = createPostgresStorage({ pool, schema });
    try {
      const [level] = (await pool.query("SHOW transaction_isolation")).rows;
      expect(level.transaction_isolation).toBe("serializable");
      const key = { resourceId: "race", runId: uniqueSchema("serializable") };
      await strict.saveSnapshot({ ...key, state: { racer: null } });
      for (let round = 1; round <= 5; round++) {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, racer) =>
            strict.saveSnapshot({ ...key, state: { racer }, expectedVersion: round }),
          ),
        );
        const won = results.filter((result) => result !== undefined);
        expect(won, `round ${round}`).toHaveLength(1);
        expect(won[0]?.version).toBe(round + 1);
      }
    } finally {
      await strict.close();
      await pool.end();
    }
  });

  it("upgrades a v2 store (the previous release): its snapshots start at version 1", async () => {
    const old = uniqueSchema("upgrade_v2");
    created.push(old);
    const layout = layoutOf(old, "fm_");
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      expect(await migrate(new Driver(async () => pool, []), layout, 2)).toBe(2);
      await pool.query(
        `INSERT INTO ${layout.snapshots} (resource_id, run_id, state) VALUES ('r', 'run', '{"step":3}')`,
      );
      const upgraded = createPostgresStorage({ pool, schema: old });
      expect(await upgraded.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      const key = { resourceId: "r", runId: "run" };
      expect(await upgraded.loadSnapshot(key)).toMatchObject({ version: 1, state: { step: 3 } });
      expect(await upgraded.saveSnapshot({ ...key, state: { step: 4 }, expectedVersion: 1 })).toMatchObject({
        version: 2,
      });
      await upgraded.close();
    } finally {
      await pool.end();
    }
  });

  it("5 concurrent writers on one thread: nothing lost, duplicated or reordered", async () => {
    const key = { resourceId: "conc", threadId: "one-thread" };
    await storage.createThread({ id: key.threadId, resourceId: key.resourceId });
    const writers = 5;
    const batches = 8;
    const returned = await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        const results: Array<readonly StoredMessage[]> = [];
        for (let batch = 0; batch < batches; batch++) {
          results.push(
            await storage.appendMessages({
              ...key,
              messages: [0, 1, 2].map((n) => ({
                id: `w${writer}-b${batch}-m${n}`,
                ...text(`w${writer} b${batch} m${n}`),
              })),
            }),
          );
        }
        return results;
      }),
    );
    // Every batch got consecutive positions.
    for (const batch of returned.flat()) {
      expect(batch.map((message) => message.position - batch[0]!.position)).toEqual([0, 1, 2]);
    }
    const listed = await storage.listMessages(key);
    expect(listed).toHaveLength(writers * batches * 3);
    expect(new Set(listed.map((message) => message.id)).size).toBe(listed.length);
    expect(new Set(listed.map((message) => message.position)).size).toBe(listed.length);
    listed.forEach((message, index) => {
      if (index > 0) expect(message.position).toBeGreaterThan(listed[index - 1]!.position);
    });
    const ids = listed.map((message) => message.id);
    for (let writer = 0; writer < writers; writer++) {
      const starts = Array.from({ length: batches }, (_, batch) => ids.indexOf(`w${writer}-b${batch}-m0`));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    }
    expect(await storage.countMessages(key)).toBe(writers * batches * 3);
  });

  it("20 concurrent threads, each with concurrent writers", async () => {
    const resourceId = "conc-many";
    const threads = Array.from({ length: 20 }, (_, index) => `thread-${index}`);
    await Promise.all(threads.map((id) => storage.createThread({ id, resourceId })));
    await Promise.all(
      threads.flatMap((threadId) =>
        [0, 1].map(async (writer) => {
          for (let batch = 0; batch < 3; batch++) {
            await storage.appendMessages({
              resourceId,
              threadId,
              messages: [0, 1].map((n) => ({
                id: `${writer}-${batch}-${n}`,
                ...text(`${threadId} ${writer}.${batch}.${n}`),
              })),
            });
          }
        }),
      ),
    );
    for (const threadId of threads) {
      const listed = await storage.listMessages({ resourceId, threadId });
      expect(listed.map((message) => message.position)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(listed.every((message) => contentOf(message).startsWith(`${threadId} `))).toBe(true);
    }
    expect(await storage.listThreads({ resourceId })).toHaveLength(20);
  });

  it("exact vectors: filtered top-k equals brute force", async () => {
    const indexName = "server-exact";
    await storage.vectors.createIndex({ indexName, dimension: 3 });
    const vectors = Array.from({ length: 60 }, (_, index) => ({
      id: `v${index}`,
      vector: [Math.cos(index), Math.sin(index), (index % 7) / 7],
      metadata: { parity: index % 2 === 0 ? "even" : "odd", bucket: index % 4 },
    }));
    await storage.vectors.upsert({ indexName, vectors });
    const probe = [1, 0.2, 0.5];
    const norm = (v: readonly number[]) => Math.hypot(...v);
    const cosine = (v: readonly number[]) =>
      (v[0]! * probe[0]! + v[1]! * probe[1]! + v[2]! * probe[2]!) / (norm(v) * norm(probe));
    const want = vectors
      .filter((v) => v.metadata.parity === "even" && [0, 2].includes(v.metadata.bucket))
      .sort((a, b) => cosine(b.vector) - cosine(a.vector))
      .slice(0, 40);
    const matches = await storage.vectors.query({
      indexName,
      vector: probe,
      topK: 40,
      filter: { parity: "even", bucket: { $in: [0, 2] } },
    });
    expect(matches.map((match) => match.id)).toEqual(want.map((v) => v.id));
    for (const [index, match] of matches.entries())
      expect(match.score).toBeCloseTo(cosine(want[index]!.vector), 5);
  });

  it("recovers after the server drops its connections", async () => {
    // Only this adapter's connections are dropped (other test files may share the server).
    const applicationName = uniqueSchema("recover");
    const separator = url.includes("?") ? "&" : "?";
    const victim = createPostgresStorage({
      connectionString: `${url}${separator}application_name=${applicationName}`,
      schema,
    });
    try {
      await victim.getThread({ resourceId: "r", threadId: "t" });
      const terminated = await admin.query(
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1",
        [applicationName],
      );
      expect(terminated.rows.length).toBeGreaterThan(0);
      // A call that meets the dead connection fails as a StorageError and the connection is
      // discarded; one after it gets a new connection.
      let result: unknown;
      for (let attempt = 0; attempt < 3 && result === undefined; attempt++) {
        try {
          result = await victim.listThreads({ resourceId: "conc-many", limit: 1 });
        } catch (error) {
          expect(AgentSdkError.isInstance(error) && error.code, String(error)).toBe("STORAGE_ERROR");
        }
      }
      expect(result).toHaveLength(1);
    } finally {
      await victim.close();
    }
  });
});
