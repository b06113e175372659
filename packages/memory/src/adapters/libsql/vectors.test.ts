import type { NotFoundError, VectorDimensionError } from "@flowmaestro/runtime";
import { type Client, createClient, type InStatement } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { VectorRecord } from "../../storage-adapter.js";
import { createLibsqlStorage, type LibsqlStorage } from "./index.js";
import { cosine, expectCode, seededRandom } from "./test-utils.js";
import { vectorRowsPerTransaction, vectorTableName } from "./vectors.js";

/** A client that records the SQL it runs, so tests can see which query path was taken. */
function recordingClient(inner: Client): { client: Client; sql: string[]; batches: number[] } {
  const sql: string[] = [];
  const batches: number[] = [];
  const text = (statement: InStatement | string) =>
    typeof statement === "string" ? statement : statement.sql;
  const client = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === "execute") {
        return (statement: InStatement | string, args?: unknown) => {
          sql.push(text(statement));
          return args === undefined
            ? target.execute(statement as InStatement)
            : target.execute(statement as string, args as never);
        };
      }
      if (property === "batch") {
        return (statements: InStatement[], mode?: never) => {
          batches.push(statements.length);
          for (const statement of statements) sql.push(text(statement));
          return target.batch(statements, mode);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { client, sql, batches };
}

function randomVectors(
  count: number,
  dimension: number,
  seed: number,
  group = (index: number) => index % 10,
) {
  const random = seededRandom(seed);
  return Array.from(
    { length: count },
    (_, index): VectorRecord => ({
      id: `v${index}`,
      vector: Array.from({ length: dimension }, () => random() * 2 - 1),
      metadata: { group: group(index), even: index % 2 === 0, label: `item-${index}` },
    }),
  );
}

function bruteForce(
  records: readonly VectorRecord[],
  query: readonly number[],
  keep = (_: VectorRecord) => true,
) {
  return records
    .filter(keep)
    .map((record) => ({ id: record.id, score: cosine(query, record.vector) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

// A generous time budget for busy CI machines; nothing asserts on time.
describe("libSQL vectors", { timeout: 60_000 }, () => {
  let inner: Client;
  let recorded: ReturnType<typeof recordingClient>;
  let storage: LibsqlStorage;

  beforeEach(() => {
    inner = createClient({ url: ":memory:" });
    recorded = recordingClient(inner);
    storage = createLibsqlStorage({ client: recorded.client });
  });
  afterEach(async () => {
    await storage.close();
    inner.close();
  });

  it("creates an index idempotently and refuses another dimension", async () => {
    await storage.vectors.createIndex({ indexName: "docs", dimension: 4 });
    await storage.vectors.createIndex({ indexName: "docs", dimension: 4 });
    const error = await expectCode<VectorDimensionError>(
      storage.vectors.createIndex({ indexName: "docs", dimension: 8 }),
      "VECTOR_DIMENSION_MISMATCH",
    );
    expect(error).toMatchObject({ indexName: "docs", expected: 4, actual: 8 });
    expect(await storage.vectors.describeIndex({ indexName: "docs" })).toEqual({ dimension: 4, count: 0 });
    // Native libSQL vectors: an F32_BLOB column and a DiskANN index.
    const table = vectorTableName("fm_", "docs");
    const schema = await inner.execute({
      sql: "SELECT sql FROM sqlite_master WHERE tbl_name = ?",
      args: [table],
    });
    const ddl = schema.rows.map((row) => String(row.sql)).join("\n");
    expect(ddl).toContain("F32_BLOB(4)");
    expect(ddl).toContain("libsql_vector_idx(embedding, 'metric=cosine')");
  });

  it("concurrent createIndex calls agree", async () => {
    await Promise.all([1, 2, 3].map(() => storage.vectors.createIndex({ indexName: "race", dimension: 3 })));
    expect(await storage.vectors.describeIndex({ indexName: "race" })).toEqual({ dimension: 3, count: 0 });
  });

  it("names a missing index in NotFoundError (kind index)", async () => {
    for (const call of [
      storage.vectors.upsert({ indexName: "nope", vectors: [{ id: "a", vector: [1] }] }),
      storage.vectors.query({ indexName: "nope", vector: [1], topK: 1 }),
      storage.vectors.delete({ indexName: "nope", ids: ["a"] }),
    ]) {
      const error = await expectCode<NotFoundError>(call, "NOT_FOUND");
      expect(error).toMatchObject({ kind: "index", id: "nope" });
    }
    expect(await storage.vectors.describeIndex({ indexName: "nope" })).toBeUndefined();
    await storage.vectors.deleteIndex({ indexName: "nope" });
  });

  it("rejects a wrong-dimension vector before writing any of the batch", async () => {
    await storage.vectors.createIndex({ indexName: "docs", dimension: 3 });
    const upsert = await expectCode<VectorDimensionError>(
      storage.vectors.upsert({
        indexName: "docs",
        vectors: [
          { id: "ok", vector: [1, 0, 0] },
          { id: "bad", vector: [1, 0] },
        ],
      }),
      "VECTOR_DIMENSION_MISMATCH",
    );
    expect(upsert).toMatchObject({ indexName: "docs", expected: 3, actual: 2 });
    expect(upsert.message).toContain('"docs"');
    expect(await storage.vectors.describeIndex({ indexName: "docs" })).toEqual({ dimension: 3, count: 0 });
    const query = await expectCode<VectorDimensionError>(
      storage.vectors.query({ indexName: "docs", vector: [1, 0, 0, 0], topK: 1 }),
      "VECTOR_DIMENSION_MISMATCH",
    );
    expect(query).toMatchObject({ indexName: "docs", expected: 3, actual: 4 });
  });

  it("upsert replaces by id, in the table and in the DiskANN index", async () => {
    await storage.vectors.createIndex({ indexName: "docs", dimension: 3 });
    await storage.vectors.upsert({
      indexName: "docs",
      vectors: [
        { id: "a", vector: [1, 0, 0], metadata: { v: 1 } },
        { id: "b", vector: [0, 1, 0] },
      ],
    });
    await storage.vectors.upsert({
      indexName: "docs",
      vectors: [{ id: "a", vector: [0, 0, 1], metadata: { v: 2 } }],
    });
    expect(await storage.vectors.describeIndex({ indexName: "docs" })).toEqual({ dimension: 3, count: 2 });
    const [best] = await storage.vectors.query({ indexName: "docs", vector: [0, 0, 1], topK: 1 });
    expect(best).toEqual({ id: "a", score: expect.closeTo(1, 6), metadata: { v: 2 } });
    // The old direction no longer finds "a".
    const near = await storage.vectors.query({ indexName: "docs", vector: [0.9, 0.1, 0], topK: 1 });
    expect(near.map((match) => match.id)).toEqual(["b"]);
  });

  it("answers unfiltered queries from vector_top_k with exact cosine scores, best first", async () => {
    const records = randomVectors(400, 16, 7);
    await storage.vectors.createIndex({ indexName: "ann", dimension: 16 });
    await storage.vectors.upsert({ indexName: "ann", vectors: records });
    const query = randomVectors(1, 16, 99)[0]!.vector;
    recorded.sql.length = 0;
    const matches = await storage.vectors.query({ indexName: "ann", vector: query, topK: 10 });
    expect(matches).toHaveLength(10);
    expect(recorded.sql.some((sql) => sql.includes("vector_top_k("))).toBe(true);
    // No fallback scan was needed.
    expect(recorded.sql.filter((sql) => sql.includes("vector_distance_cos"))).toHaveLength(1);
    for (let i = 1; i < matches.length; i++)
      expect(matches[i]!.score).toBeLessThanOrEqual(matches[i - 1]!.score);
    const byId = new Map(records.map((record) => [record.id, record]));
    for (const match of matches)
      expect(match.score).toBeCloseTo(cosine(query, byId.get(match.id)!.vector), 5);
    // DiskANN is approximate; on 400 vectors it finds (nearly) all of the true top 10.
    const truth = new Set(
      bruteForce(records, query)
        .slice(0, 10)
        .map((entry) => entry.id),
    );
    expect(matches.filter((match) => truth.has(match.id)).length).toBeGreaterThanOrEqual(8);
  });

  it("filtered queries are exact: a rare filter still returns every match", async () => {
    // Group 7 has 3 members, all pointing away from the query: the ANN candidates miss them.
    const records = randomVectors(600, 8, 11, (index) => (index % 200 === 7 ? 7 : index % 5));
    await storage.vectors.createIndex({ indexName: "filtered", dimension: 8 });
    await storage.vectors.upsert({ indexName: "filtered", vectors: records });
    const query = records.find((record) => record.metadata?.group === 0)!.vector;
    recorded.sql.length = 0;
    const rare = await storage.vectors.query({
      indexName: "filtered",
      vector: query,
      topK: 5,
      filter: { group: 7 },
    });
    expect(rare.map((match) => match.id)).toEqual(
      bruteForce(records, query, (record) => record.metadata?.group === 7).map((entry) => entry.id),
    );
    expect(rare).toHaveLength(3);
    // Over-fetch from the ANN index first, then the exact scan with the filter in SQL.
    expect(recorded.sql.some((sql) => sql.includes("vector_top_k("))).toBe(true);
    expect(recorded.sql.some((sql) => sql.includes("FROM fm_vec_") && !sql.includes("vector_top_k("))).toBe(
      true,
    );

    const common = await storage.vectors.query({
      indexName: "filtered",
      vector: query,
      topK: 20,
      filter: { group: { $in: [1, 2] }, even: true },
    });
    expect(common).toHaveLength(20);
    for (const match of common) {
      expect([1, 2]).toContain(match.metadata.group);
      expect(match.metadata.even).toBe(true);
    }
    const available = records.filter(
      (r) => [1, 2].includes(r.metadata?.group as number) && r.metadata?.even,
    ).length;
    const all = await storage.vectors.query({
      indexName: "filtered",
      vector: query,
      topK: 1000,
      filter: { group: { $in: [1, 2] }, even: true },
    });
    expect(all).toHaveLength(available);
  });

  it("matches metadata by value and JSON type, for any key", async () => {
    await storage.vectors.createIndex({ indexName: "meta", dimension: 2 });
    await storage.vectors.upsert({
      indexName: "meta",
      vectors: [
        { id: "bool", vector: [1, 0], metadata: { flag: true } },
        { id: "one", vector: [1, 0.1], metadata: { flag: 1 } },
        { id: "text", vector: [1, 0.2], metadata: { flag: "1" } },
        { id: "odd-key", vector: [1, 0.3], metadata: { 'we"ird.key[0]': "x", "$.path": 2.5 } },
        { id: "none", vector: [1, 0.4] },
      ],
    });
    const ids = async (
      filter: Record<string, never> | Parameters<LibsqlStorage["vectors"]["query"]>[0]["filter"],
    ) =>
      (await storage.vectors.query({ indexName: "meta", vector: [1, 0], topK: 10, filter })).map(
        (match) => match.id,
      );
    expect(await ids({ flag: true })).toEqual(["bool"]);
    expect(await ids({ flag: 1 })).toEqual(["one"]);
    expect(await ids({ flag: "1" })).toEqual(["text"]);
    expect(await ids({ flag: { $in: [true, "1"] } })).toEqual(["bool", "text"]);
    expect(await ids({ flag: { $in: [] } })).toEqual([]);
    expect(await ids({ 'we"ird.key[0]': "x", "$.path": 2.5 })).toEqual(["odd-key"]);
    expect(await ids({ missing: false })).toEqual([]);
    expect(await ids({})).toEqual(["bool", "one", "text", "odd-key", "none"]);
  });

  it("scores a zero vector 0 and returns nothing for topK 0", async () => {
    await storage.vectors.createIndex({ indexName: "zero", dimension: 2 });
    await storage.vectors.upsert({
      indexName: "zero",
      vectors: [
        { id: "zero", vector: [0, 0] },
        { id: "x", vector: [1, 0] },
        { id: "opposite", vector: [-1, 0] },
      ],
    });
    const matches = await storage.vectors.query({ indexName: "zero", vector: [1, 0], topK: 3 });
    expect(matches.map((match) => [match.id, Math.round(match.score * 1e6) / 1e6])).toEqual([
      ["x", 1],
      ["zero", 0],
      ["opposite", -1],
    ]);
    expect(await storage.vectors.query({ indexName: "zero", vector: [1, 0], topK: 0 })).toEqual([]);
  });

  it("upserts in chunked transactions: 1,234 vectors in three", async () => {
    await storage.vectors.createIndex({ indexName: "bulk", dimension: 8 });
    recorded.batches.length = 0;
    await storage.vectors.upsert({ indexName: "bulk", vectors: randomVectors(1234, 8, 5) });
    expect(vectorRowsPerTransaction(8)).toBe(500);
    expect(recorded.batches).toHaveLength(3);
    expect(vectorRowsPerTransaction(1536)).toBe(21);
    expect(await storage.vectors.describeIndex({ indexName: "bulk" })).toEqual({ dimension: 8, count: 1234 });
  });

  it("deletes vectors by id and drops an index with its table", async () => {
    await storage.vectors.createIndex({ indexName: "gone", dimension: 2 });
    await storage.vectors.upsert({
      indexName: "gone",
      vectors: [
        { id: "a", vector: [1, 0] },
        { id: "b", vector: [0, 1] },
      ],
    });
    await storage.vectors.delete({ indexName: "gone", ids: ["a", "unknown"] });
    expect(
      (await storage.vectors.query({ indexName: "gone", vector: [1, 0], topK: 5 })).map((m) => m.id),
    ).toEqual(["b"]);
    await storage.vectors.deleteIndex({ indexName: "gone" });
    expect(await storage.vectors.describeIndex({ indexName: "gone" })).toBeUndefined();
    const left = await inner.execute({
      sql: "SELECT name FROM sqlite_master WHERE name LIKE ?",
      args: [`${vectorTableName("fm_", "gone")}%`],
    });
    expect(left.rows).toEqual([]);
    // The name is free again, for another dimension.
    await storage.vectors.createIndex({ indexName: "gone", dimension: 5 });
  });

  it("sanitises index names into distinct safe tables and validates their length", async () => {
    const names = ["Docs", "docs", 'x"; DROP TABLE fm_threads; --', "ü".repeat(200), "a".repeat(200)];
    for (const [index, name] of names.entries()) {
      await storage.vectors.createIndex({ indexName: name, dimension: 2 + index });
      expect(vectorTableName("fm_", name)).toMatch(/^fm_vec_[a-z0-9_]+$/);
    }
    expect(new Set(names.map((name) => vectorTableName("fm_", name))).size).toBe(names.length);
    for (const [index, name] of names.entries()) {
      expect(await storage.vectors.describeIndex({ indexName: name })).toEqual({
        dimension: 2 + index,
        count: 0,
      });
    }
    expect(await storage.listThreads({ resourceId: "r" })).toEqual([]);
    await expectCode(
      storage.vectors.createIndex({ indexName: "a".repeat(201), dimension: 2 }),
      "INVALID_DEFINITION",
    );
    await expectCode(storage.vectors.createIndex({ indexName: "", dimension: 2 }), "INVALID_DEFINITION");
    await expectCode(storage.vectors.createIndex({ indexName: "d", dimension: 0 }), "INVALID_DEFINITION");
    await expectCode(
      storage.vectors.upsert({ indexName: "docs", vectors: [{ id: "a", vector: [1, Number.NaN] }] }),
      "INVALID_DEFINITION",
    );
  });
});
