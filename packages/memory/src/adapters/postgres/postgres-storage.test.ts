import { inspect } from "node:util";
import { AgentSdkError, type StorageError, type VectorDimensionError } from "@flowmaestro/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VectorFilter } from "../../storage-adapter.js";
import { Driver } from "./driver.js";
import { layoutOf, vectorTableName } from "./identifiers.js";
import { createPostgresStorage, type PostgresStorage } from "./index.js";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from "./migrator.js";
import { listMessagesQuery } from "./postgres-storage.js";
import { createPgliteDatabase, type PgliteDatabase } from "./test-support.js";

/** Awaits a call that must fail with an SDK error of `code`; returns the error. */
async function sdkError<T extends AgentSdkError>(call: Promise<unknown>, code: string): Promise<T> {
  const error = await call.then(
    () => expect.fail(`expected ${code}, but the call succeeded`),
    (caught: unknown) => caught,
  );
  expect(AgentSdkError.isInstance(error), String(error)).toBe(true);
  expect((error as AgentSdkError).code, (error as Error).message).toBe(code);
  return error as T;
}

/** A seeded PRNG (mulberry32), so vector fixtures are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

const text = (content: string) => ({ message: { role: "user" as const, content } });

for (const variant of [
  { label: "PGlite + pgvector", pgvector: true, mode: "pgvector" },
  { label: "PGlite without pgvector", pgvector: false, mode: "exact" },
] as const) {
  describe(variant.label, () => {
    let database: PgliteDatabase;
    let storage: PostgresStorage;
    const driver = () => new Driver(async () => database.pool, []);

    beforeAll(async () => {
      database = await createPgliteDatabase({ pgvector: variant.pgvector });
      storage = createPostgresStorage({ pool: database.pool, schema: "main_store" });
      await storage.init();
    }, 60_000);
    afterAll(async () => {
      await storage?.close();
      await database?.close();
    });

    it(`"auto" picks ${variant.mode}`, async () => {
      expect(await storage.vectorMode()).toBe(variant.mode);
      expect(await storage.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      expect(storage.name).toBe("postgres");
      expect(await storage.getPool()).toBe(database.pool);
    });

    describe("migrations", () => {
      it("records every version, and re-running init is a no-op", async () => {
        const versions = async () =>
          (
            await database.pool.query(
              "SELECT version, name, applied_at FROM main_store.fm_schema_version ORDER BY version",
            )
          ).rows;
        const before = await versions();
        expect(before.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
        const again = createPostgresStorage({ pool: database.pool, schema: "main_store" });
        await again.init();
        await again.init();
        expect(await again.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
        expect(await versions()).toEqual(before);
      });

      it("upgrades a v1 store in place, data intact (the column v1 lacked is added)", async () => {
        const schema = "upgrade_store";
        const layout = layoutOf(schema, "fm_");
        expect(await migrate(driver(), layout, 1)).toBe(1);
        const columns = async () =>
          (
            await database.pool.query(
              "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'fm_messages'",
              [schema],
            )
          ).rows.map((row) => row.column_name as string);
        expect(await columns()).not.toContain("step");
        // Data as a v1 release wrote it.
        await database.pool.query(
          `INSERT INTO ${layout.threads} (resource_id, id, title, metadata, next_position) VALUES ('r', 't', 'Old', '{"a":1}', 2)`,
        );
        await database.pool.query(
          `INSERT INTO ${layout.messages} (resource_id, thread_id, id, position, message, run_id, created_at)
           VALUES ('r', 't', 'm0', 0, '{"role":"user","content":"one"}', 'run-1', now()),
                  ('r', 't', 'm1', 1, '{"role":"assistant","content":"two"}', NULL, now())`,
        );
        await database.pool.query(
          `INSERT INTO ${layout.workingMemory} (resource_id, thread_id, content) VALUES ('r', NULL, 'facts'), ('r', 't', 'thread facts')`,
        );
        await database.pool.query(
          `INSERT INTO ${layout.snapshots} (resource_id, run_id, thread_id, state) VALUES ('r', 'run-1', 't', '{"step":3}')`,
        );

        const upgraded = createPostgresStorage({ pool: database.pool, schema });
        expect(await upgraded.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
        expect(await columns()).toContain("step");
        const key = { resourceId: "r", threadId: "t" };
        expect(await upgraded.getThread(key)).toMatchObject({ title: "Old", metadata: { a: 1 } });
        expect(await upgraded.listMessages(key)).toMatchObject([
          {
            id: "m0",
            position: 0,
            runId: "run-1",
            step: undefined,
            message: { role: "user", content: "one" },
          },
          { id: "m1", position: 1, runId: undefined, message: { role: "assistant", content: "two" } },
        ]);
        expect((await upgraded.getWorkingMemory({ resourceId: "r" }))?.content).toBe("facts");
        expect((await upgraded.getWorkingMemory(key))?.content).toBe("thread facts");
        expect(await upgraded.loadSnapshot({ resourceId: "r", runId: "run-1" })).toMatchObject({
          state: { step: 3 },
          version: 1,
        });
        // The new column works, and positions continue after the old messages.
        const [added] = await upgraded.appendMessages({ ...key, messages: [{ ...text("three"), step: 4 }] });
        expect(added).toMatchObject({ position: 2, step: 4 });
        expect(await upgraded.listMessages({ ...key, last: 1 })).toMatchObject([{ position: 2, step: 4 }]);
        // Vectors (a v2 table) work too.
        await upgraded.vectors.createIndex({ indexName: "after-upgrade", dimension: 2 });
        expect(await upgraded.vectors.describeIndex({ indexName: "after-upgrade" })).toEqual({
          dimension: 2,
          count: 0,
        });
        // Migrating again, to any version it already has, changes nothing.
        expect(await migrate(driver(), layout)).toBe(LATEST_SCHEMA_VERSION);
        expect(await migrate(driver(), layout, 1)).toBe(LATEST_SCHEMA_VERSION);
      });

      it("upgrades a v2 store (the previous release): its snapshots start at version 1", async () => {
        const schema = "upgrade_v2_store";
        const layout = layoutOf(schema, "fm_");
        expect(await migrate(driver(), layout, 2)).toBe(2);
        // A snapshot as the v2 release wrote it: no version column.
        await database.pool.query(
          `INSERT INTO ${layout.snapshots} (resource_id, run_id, thread_id, state) VALUES ('r', 'run-1', NULL, '{"step":3}')`,
        );
        const upgraded = createPostgresStorage({ pool: database.pool, schema });
        expect(await upgraded.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
        const key = { resourceId: "r", runId: "run-1" };
        expect(await upgraded.loadSnapshot(key)).toMatchObject({ version: 1, state: { step: 3 } });
        expect(
          await upgraded.saveSnapshot({ ...key, state: { step: 4 }, expectedVersion: 2 }),
        ).toBeUndefined();
        expect(await upgraded.saveSnapshot({ ...key, state: { step: 4 }, expectedVersion: 1 })).toMatchObject(
          {
            version: 2,
            state: { step: 4 },
          },
        );
        // Re-running the step is harmless, and migrating again changes nothing.
        for (const statement of MIGRATIONS[2]!.statements(layout)) await database.pool.query(statement);
        expect(await migrate(driver(), layout)).toBe(LATEST_SCHEMA_VERSION);
        expect(await upgraded.loadSnapshot(key)).toMatchObject({ version: 2, state: { step: 4 } });
      });

      it("refuses a store newer than this code knows", async () => {
        const schema = "future_store";
        await migrate(driver(), layoutOf(schema, "fm_"));
        await database.pool.query(
          `INSERT INTO ${schema}.fm_schema_version (version, name) VALUES (${LATEST_SCHEMA_VERSION + 7}, 'from the future')`,
        );
        const future = createPostgresStorage({ pool: database.pool, schema });
        const error = await sdkError<StorageError>(future.init(), "STORAGE_ERROR");
        expect(error.backendCode).toBe("SCHEMA_TOO_NEW");
        expect(error.message).toContain(`version ${LATEST_SCHEMA_VERSION + 7}`);
        expect(error.message).toContain(`up to ${LATEST_SCHEMA_VERSION}`);
        // Every method reports it (lazy init), rather than touching the newer tables.
        await sdkError(future.getThread({ resourceId: "r", threadId: "t" }), "STORAGE_ERROR");
      });

      it("keeps stores with different prefixes in one schema apart", async () => {
        const a = createPostgresStorage({ pool: database.pool, schema: "shared_schema", tablePrefix: "a_" });
        const b = createPostgresStorage({ pool: database.pool, schema: "shared_schema", tablePrefix: "" });
        await a.createThread({ id: "t", resourceId: "r" });
        expect(await b.getThread({ resourceId: "r", threadId: "t" })).toBeUndefined();
        await b.createThread({ id: "t", resourceId: "r" });
        const tables = await database.pool.query(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'shared_schema' ORDER BY tablename",
        );
        expect(tables.rows.map((row) => row.tablename)).toEqual(
          expect.arrayContaining(["a_threads", "threads", "a_schema_version", "schema_version"]),
        );
      });
    });

    it("tenant isolation: another resource id finds nothing and changes nothing", async () => {
      const owner = { resourceId: "iso-owner", threadId: "iso-thread" };
      const other = { resourceId: "iso-other", threadId: "iso-thread" };
      await storage.createThread({ id: owner.threadId, resourceId: owner.resourceId, title: "mine" });
      await storage.appendMessages({ ...owner, messages: [{ id: "m", ...text("secret") }] });
      await storage.setWorkingMemory({ ...owner, content: "thread wm" });
      await storage.setWorkingMemory({ resourceId: owner.resourceId, content: "resource wm" });
      await storage.saveSnapshot({
        resourceId: owner.resourceId,
        runId: "iso-run",
        threadId: owner.threadId,
        state: 1,
      });

      expect(await storage.getThread(other)).toBeUndefined();
      expect(await storage.listThreads({ resourceId: other.resourceId })).toEqual([]);
      await sdkError(storage.updateThread({ ...other, title: "stolen" }), "NOT_FOUND");
      await sdkError(storage.appendMessages({ ...other, messages: [text("x")] }), "NOT_FOUND");
      await sdkError(storage.listMessages(other), "NOT_FOUND");
      await sdkError(storage.countMessages(other), "NOT_FOUND");
      await sdkError(storage.deleteMessages({ ...other, ids: ["m"] }), "NOT_FOUND");
      expect(await storage.getWorkingMemory(other)).toBeUndefined();
      expect(await storage.getWorkingMemory({ resourceId: other.resourceId })).toBeUndefined();
      await sdkError(storage.setWorkingMemory({ ...other, content: "x" }), "NOT_FOUND");
      expect(await storage.loadSnapshot({ resourceId: other.resourceId, runId: "iso-run" })).toBeUndefined();
      await storage.deleteSnapshot({ resourceId: other.resourceId, runId: "iso-run" });
      await storage.deleteThread(other);

      expect(await storage.getThread(owner)).toMatchObject({ title: "mine" });
      expect(await storage.listMessages(owner)).toMatchObject([{ id: "m", message: { content: "secret" } }]);
      expect((await storage.getWorkingMemory(owner))?.content).toBe("thread wm");
      expect((await storage.getWorkingMemory({ resourceId: owner.resourceId }))?.content).toBe("resource wm");
      expect(await storage.loadSnapshot({ resourceId: owner.resourceId, runId: "iso-run" })).toBeDefined();

      // Deleting the thread takes its messages, thread working memory and snapshots with it.
      await storage.deleteThread(owner);
      const left = await database.pool.query(
        `SELECT (SELECT count(*) FROM main_store.fm_messages WHERE resource_id = $1)::int AS messages,
                (SELECT count(*) FROM main_store.fm_working_memory WHERE resource_id = $1 AND thread_id IS NOT NULL)::int AS memory,
                (SELECT count(*) FROM main_store.fm_snapshots WHERE resource_id = $1)::int AS snapshots`,
        [owner.resourceId],
      );
      expect(left.rows[0]).toEqual({ messages: 0, memory: 0, snapshots: 0 });
      expect((await storage.getWorkingMemory({ resourceId: owner.resourceId }))?.content).toBe("resource wm");
    });

    it("U+0000: messages round-trip; jsonb and text columns refuse it as a StorageError", async () => {
      const key = { resourceId: "nul", threadId: "nul-thread" };
      await storage.createThread({ id: key.threadId, resourceId: key.resourceId });
      await storage.appendMessages({ ...key, messages: [{ id: "m", ...text("a\u0000b") }] });
      expect((await storage.listMessages(key))[0]?.message.content).toBe("a\u0000b");
      const error = await sdkError<StorageError>(
        storage.saveSnapshot({ resourceId: key.resourceId, runId: "nul-run", state: "a\u0000b" }),
        "STORAGE_ERROR",
      );
      expect(error.backendCode).toBe("22P05");
      await sdkError(storage.setWorkingMemory({ ...key, content: "a\u0000b" }), "STORAGE_ERROR");
    });

    // The same SQL on both variants: run the 10,000-message case once.
    if (!variant.pgvector)
      it("windows are index ranges: last 20 of a 10,000-message thread reads 20 rows", async () => {
        const key = { resourceId: "plan", threadId: "long" };
        await storage.createThread({ id: key.threadId, resourceId: key.resourceId });
        const messages = Array.from({ length: 10_000 }, (_, index) => ({
          id: `m${index}`,
          ...text(`#${index}`),
        }));
        await storage.appendMessages({ ...key, messages });
        const last = await storage.listMessages({ ...key, last: 20 });
        expect(last.map((message) => message.position)).toEqual(
          Array.from({ length: 20 }, (_, i) => 9980 + i),
        );

        const query = listMessagesQuery(layoutOf("main_store", "fm_"), { ...key, last: 20 });
        const plan = await database.pool.query(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${query?.text}`,
          query?.values,
        );
        const nodes: Array<Record<string, unknown>> = [];
        const walk = (node: Record<string, unknown>) => {
          nodes.push(node);
          for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
        };
        walk(plan.rows[0]["QUERY PLAN"][0].Plan);
        const scan = nodes.find((node) => node["Relation Name"] === "fm_messages");
        expect(scan?.["Node Type"]).toBe("Index Scan");
        expect(scan?.["Scan Direction"]).toBe("Backward");
        expect(scan?.["Actual Rows"]).toBe(20);
        // Other windows are ranges of the same index.
        const range = listMessagesQuery(layoutOf("main_store", "fm_"), {
          ...key,
          afterPosition: 5000.5,
          beforePosition: 5003,
        });
        expect(
          (await database.pool.query(range!.text, range!.values)).rows.map((row) => Number(row.position)),
        ).toEqual([5001, 5002]);
      }, 60_000);

    describe("vectors", () => {
      it("creates one table per index, with an HNSW cosine index on pgvector", async () => {
        await storage.vectors.createIndex({ indexName: "Docs v1", dimension: 4 });
        const table = vectorTableName("fm_", "Docs v1");
        const [registered] = (
          await database.pool.query(
            "SELECT table_name, dimension, kind FROM main_store.fm_vector_indexes WHERE name = $1",
            ["Docs v1"],
          )
        ).rows;
        expect(registered).toEqual({ table_name: table, dimension: 4, kind: variant.mode });
        const indexes = (
          await database.pool.query(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'main_store' AND tablename = $1",
            [table],
          )
        ).rows.map((row) => row.indexdef as string);
        if (variant.pgvector)
          expect(indexes.some((def) => /USING hnsw \(embedding .*vector_cosine_ops\)/.test(def))).toBe(true);
        else expect(indexes.some((def) => def.includes("hnsw"))).toBe(false);
        // A metadata index only where the planner can use it instead of the approximate graph.
        expect(indexes.some((def) => def.includes("jsonb_path_ops"))).toBe(variant.pgvector);
      });

      it("sanitises any index name into a distinct safe table", async () => {
        const names = ['a"; DROP TABLE x; --', "A-B", "a_b", "ünï/cødé ✓", "x".repeat(200)];
        for (const indexName of names) {
          await storage.vectors.createIndex({ indexName, dimension: 2 });
          await storage.vectors.upsert({ indexName, vectors: [{ id: indexName, vector: [1, 0] }] });
        }
        for (const indexName of names) {
          expect(await storage.vectors.describeIndex({ indexName })).toEqual({ dimension: 2, count: 1 });
          expect(
            (await storage.vectors.query({ indexName, vector: [1, 0], topK: 5 })).map((m) => m.id),
          ).toEqual([indexName]);
          const table = vectorTableName("fm_", indexName);
          expect(table).toMatch(/^[a-z0-9_]{1,58}$/);
        }
        expect(new Set(names.map((name) => vectorTableName("fm_", name))).size).toBe(names.length);
        for (const indexName of names) await storage.vectors.deleteIndex({ indexName });
        for (const indexName of names) {
          const table = `main_store.${vectorTableName("fm_", indexName)}`;
          const gone = await database.pool.query("SELECT to_regclass($1) IS NULL AS gone", [table]);
          expect(gone.rows[0].gone).toBe(true);
          expect(await storage.vectors.describeIndex({ indexName })).toBeUndefined();
        }
      });

      it("checks dimensions before writing, and names the index and both dimensions", async () => {
        const indexName = "dims";
        await storage.vectors.createIndex({ indexName, dimension: 3 });
        const mismatch = await sdkError<VectorDimensionError>(
          storage.vectors.createIndex({ indexName, dimension: 4 }),
          "VECTOR_DIMENSION_MISMATCH",
        );
        expect(mismatch).toMatchObject({ indexName, expected: 3, actual: 4 });
        const upsert = await sdkError<VectorDimensionError>(
          storage.vectors.upsert({
            indexName,
            vectors: [
              { id: "ok", vector: [1, 2, 3] },
              { id: "bad", vector: [1, 2] },
            ],
          }),
          "VECTOR_DIMENSION_MISMATCH",
        );
        expect(upsert).toMatchObject({ indexName, expected: 3, actual: 2 });
        expect(await storage.vectors.describeIndex({ indexName })).toEqual({ dimension: 3, count: 0 });
        await sdkError(
          storage.vectors.query({ indexName, vector: [1], topK: 1 }),
          "VECTOR_DIMENSION_MISMATCH",
        );
        for (const call of [
          storage.vectors.upsert({ indexName: "nope", vectors: [] }),
          storage.vectors.query({ indexName: "nope", vector: [1], topK: 1 }),
          storage.vectors.delete({ indexName: "nope", ids: [] }),
        ]) {
          expect(await sdkError(call, "NOT_FOUND")).toMatchObject({ kind: "index", id: "nope" });
        }
      });

      it("ranks by cosine similarity, with filters in SQL that never under-return", async () => {
        const indexName = "ranked";
        const dimension = 16;
        const next = random(20240611);
        const records = Array.from({ length: 600 }, (_, index) => ({
          id: `v${index}`,
          vector: Array.from({ length: dimension }, () => next() * 2 - 1),
          // 3 rare rows: a selective filter the approximate index alone would miss.
          metadata: { group: index % 3 === 0 ? "a" : "b", rare: index % 200 === 7, n: index % 5 },
        }));
        await storage.vectors.createIndex({ indexName, dimension });
        await storage.vectors.upsert({ indexName, vectors: records });
        const probe = Array.from({ length: dimension }, () => next() * 2 - 1);
        const expected = (keep: (record: (typeof records)[number]) => boolean, topK: number) =>
          records
            .filter(keep)
            .map((record) => ({ id: record.id, score: cosine(probe, record.vector) }))
            .sort((a, b) => b.score - a.score)
            .slice(0, topK);

        type Row = (typeof records)[number];
        const cases: ReadonlyArray<{ filter?: VectorFilter; keep: (row: Row) => boolean; topK: number }> = [
          { keep: () => true, topK: 10 },
          { filter: { rare: true }, keep: (row) => row.metadata.rare, topK: 10 },
          {
            filter: { group: "a", n: { $in: [1, 3] } },
            keep: (row) => row.metadata.group === "a" && [1, 3].includes(row.metadata.n),
            topK: 50,
          },
          { filter: { n: { $in: [] } }, keep: () => false, topK: 5 },
          { filter: { group: "a" }, keep: (row) => row.metadata.group === "a", topK: 300 },
        ];
        for (const { filter, keep, topK } of cases) {
          const matches = await storage.vectors.query({ indexName, vector: probe, topK, filter });
          const want = expected(keep, topK);
          // Never fewer than exist, never one that fails the filter, best first.
          expect(matches).toHaveLength(want.length);
          for (const match of matches) expect(keep(records[Number(match.id.slice(1))]!)).toBe(true);
          const scores = matches.map((match) => match.score);
          expect(scores).toEqual([...scores].sort((a, b) => b - a));
          if (variant.mode === "exact" || filter?.rare !== undefined) {
            // An exact scan (or three rows found and re-sorted): the brute-force answer.
            expect(matches.map((match) => match.id)).toEqual(want.map((match) => match.id));
            for (const [i, match] of matches.entries()) expect(match.score).toBeCloseTo(want[i]!.score, 5);
          } else if (filter === undefined) {
            // HNSW is approximate (its graph is built with random levels): high recall, not exact.
            const found = new Set(matches.map((match) => match.id));
            expect(want.filter((match) => found.has(match.id)).length).toBeGreaterThanOrEqual(8);
          }
        }
      });

      it("falls back to an exact scan when the approximate index under-returns (zero vectors)", async () => {
        // pgvector's HNSW leaves zero vectors out of a cosine index, so the index alone finds 2
        // of these 4 rows; the adapter must notice and still return all 4.
        const indexName = "zeros";
        await storage.vectors.createIndex({ indexName, dimension: 2 });
        await storage.vectors.upsert({
          indexName,
          vectors: [
            { id: "x", vector: [1, 0] },
            { id: "y", vector: [0, 1] },
            { id: "z1", vector: [0, 0] },
            { id: "z2", vector: [0, 0] },
          ],
        });
        if (variant.pgvector) {
          // The premise: the HNSW index on its own under-returns here.
          const client = await database.pool.connect();
          try {
            await client.query("BEGIN");
            await client.query("SET LOCAL enable_seqscan = off");
            const table = `main_store.${vectorTableName("fm_", indexName)}`;
            const plain = await client.query(
              `SELECT id FROM ${table} ORDER BY embedding <=> '[1,0.5]' LIMIT 10`,
            );
            expect(plain.rows.length).toBeLessThan(4);
          } finally {
            await client.query("ROLLBACK");
            client.release();
          }
        }
        const matches = await storage.vectors.query({ indexName, vector: [1, 0.5], topK: 10 });
        expect(matches.map((match) => match.id)).toEqual(["x", "y", "z1", "z2"]);
        expect(matches.slice(2).map((match) => match.score)).toEqual([0, 0]);
      });

      it("upserts many vectors in chunks, replacing by id (last wins)", async () => {
        const indexName = "bulk";
        await storage.vectors.createIndex({ indexName, dimension: 8 });
        const next = random(7);
        // Past one statement's 1,000 rows and, on pgvector, past the bulk-load threshold (the HNSW
        // index is rebuilt after the load). Kept small: PGlite builds HNSW graphs in WebAssembly.
        const vectors = Array.from({ length: 2_300 }, (_, index) => ({
          id: `b${index % 2_200}`,
          vector: Array.from({ length: 8 }, () => next() * 2 - 1),
          metadata: { index },
        }));
        await storage.vectors.upsert({ indexName, vectors });
        expect(await storage.vectors.describeIndex({ indexName })).toEqual({ dimension: 8, count: 2_200 });
        const [top] = await storage.vectors.query({ indexName, vector: vectors[2_299]!.vector, topK: 1 });
        expect(top).toMatchObject({ id: "b99", metadata: { index: 2_299 } });
        expect(top!.score).toBeCloseTo(1, 5);
        // Stored as 32-bit floats, exactly (binary transfer, no decimal round trip).
        const stored = await database.pool.query(
          `SELECT embedding::text AS embedding FROM main_store.${vectorTableName("fm_", indexName)} WHERE id = 'b0'`,
        );
        const parsed = (stored.rows[0].embedding as string)
          .replace(/[[\]{}]/g, "")
          .split(",")
          .map(Number);
        // `b0` was last written by row 2,200; the text form is float4's shortest exact form.
        expect(parsed.map(Math.fround)).toEqual(vectors[2_200]!.vector.map(Math.fround));
        if (variant.pgvector) {
          const hnsw = await database.pool.query(
            "SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'main_store' AND tablename = $1 AND indexdef LIKE '%hnsw%'",
            [vectorTableName("fm_", indexName)],
          );
          expect(hnsw.rows[0].n).toBe(1);
        }
        await sdkError(
          storage.vectors.upsert({
            indexName,
            vectors: [{ id: "huge", vector: [1e39, 0, 0, 0, 0, 0, 0, 0] }],
          }),
          "INVALID_DEFINITION",
        );
      }, 60_000);
    });

    it("fails init clearly when pgvector is required but missing", async () => {
      const strict = createPostgresStorage({
        pool: database.pool,
        schema: "strict_store",
        vectors: "pgvector",
      });
      if (variant.pgvector) {
        expect(await strict.vectorMode()).toBe("pgvector");
        return;
      }
      const error = await sdkError<StorageError>(strict.init(), "STORAGE_ERROR");
      expect(error.message).toContain('pgvector extension ("vector")');
      expect(error.message).toContain('vectors: "exact"');
      expect(error.backendCode).toBe("0A000");
      // `exact` never touches extensions.
      const exact = createPostgresStorage({ pool: database.pool, schema: "strict_store", vectors: "exact" });
      expect(await exact.vectorMode()).toBe("exact");
    });

    it("close() leaves a pool it did not create open", async () => {
      const borrowed = createPostgresStorage({ pool: database.pool, schema: "main_store" });
      await borrowed.init();
      await borrowed.close();
      await borrowed.close();
      expect((await database.pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    });
  });
}

describe("options and connection errors", () => {
  it("rejects invalid options before connecting", () => {
    const invalid = [
      {},
      { connectionString: "postgres://x", pool: { query: () => undefined, connect: () => undefined } },
      { connectionString: "" },
      { pool: {} },
      { connectionString: "postgres://x", schema: 'public"; DROP SCHEMA public; --' },
      { connectionString: "postgres://x", schema: "9lives" },
      { connectionString: "postgres://x", tablePrefix: "a-b" },
      { connectionString: "postgres://x", tablePrefix: "x".repeat(17) },
      { connectionString: "postgres://x", vectors: "faiss" },
    ];
    for (const options of invalid) {
      let caught: unknown;
      try {
        createPostgresStorage(options as never);
      } catch (error) {
        caught = error;
      }
      expect(AgentSdkError.isInstance(caught) && caught.code, JSON.stringify(options)).toBe(
        "INVALID_DEFINITION",
      );
    }
  });

  it("never shows a connection string's password, in messages or causes", async () => {
    const password = "Sup3r-S3cret-pw";
    for (const connectionString of [
      // Nothing listens on port 1: ECONNREFUSED.
      `postgres://fm_user:${password}@127.0.0.1:1/app`,
      `postgres://fm_user:${encodeURIComponent(`${password}/@`)}@127.0.0.1:1/app`,
      // Not even a URL.
      `postgres://fm_user:${password}@[not-a-host/app`,
    ]) {
      const storage = createPostgresStorage({ connectionString });
      const error = await sdkError<StorageError>(storage.init(), "STORAGE_ERROR");
      const everything = [
        error.message,
        error.stack,
        inspect(error, { depth: 20 }),
        JSON.stringify(error),
        String((error.cause as Error | undefined)?.message),
      ].join("\n");
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(encodeURIComponent(password));
      if (connectionString.includes("127.0.0.1:1/")) {
        expect(error.backendCode).toBe("ECONNREFUSED");
        expect(error.message).toMatch(/is the Postgres server running/);
      }
      await storage.close();
    }
  });

  it("a closed adapter fails with a StorageError", async () => {
    const storage = createPostgresStorage({ connectionString: "postgres://u@127.0.0.1:1/db" });
    await storage.close();
    const error = await sdkError<StorageError>(
      storage.getThread({ resourceId: "r", threadId: "t" }),
      "STORAGE_ERROR",
    );
    expect(error.backendCode).toBe("CLOSED");
  });
});
