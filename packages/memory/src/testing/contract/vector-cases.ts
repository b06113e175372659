import type { VectorDimensionError } from "@flowmaestro/runtime";
import { expect } from "vitest";
import type { VectorMatch, VectorRecord, VectorStore } from "../../storage-adapter.js";
import type { GroupContext } from "./contract-context.js";
import { cosine, expectSdkError, mulberry32 } from "./fixtures.js";

/**
 * Small fixed vectors with hand-computed cosine scores. Against `[1, 0, 0]`: a 1, b 1/√2,
 * c 1/3, d 0, e -1, f -2/√5. Against `[0, 3, 4]`: c 14/15, d 3/5, b 3/(5√2), a 0, e 0,
 * f -3/(5√5).
 */
const FIXED: VectorRecord[] = [
  { id: "a", vector: [1, 0, 0], metadata: { name: "a" } },
  { id: "b", vector: [1, 1, 0], metadata: { name: "b" } },
  { id: "c", vector: [1, 2, 2], metadata: { name: "c" } },
  { id: "d", vector: [0, 1, 0], metadata: { name: "d" } },
  { id: "e", vector: [-1, 0, 0], metadata: { name: "e" } },
  { id: "f", vector: [-2, -1, 0], metadata: { name: "f" } },
];

/** Checks each match's score against a hand-computed one (5 decimals). */
function expectScores(matches: readonly VectorMatch[], expected: readonly number[]): void {
  expect(matches).toHaveLength(expected.length);
  for (const [index, match] of matches.entries()) {
    expect(match.score, `score of ${match.id}`).toBeCloseTo(expected[index]!, 5);
  }
}

/** Vector indexes: dimensions, ranking, upserts, deletes, filters. @internal */
export function describeVectorCases(context: GroupContext): void {
  const { adapter, uniqueId, cleanup } = context;
  const test = (name: string, body: () => Promise<void>) => context.test(name, body, "vectors");

  const vectors = (): VectorStore => adapter().vectors!;
  const newIndex = async (dimension: number, records: readonly VectorRecord[] = []) => {
    const indexName = uniqueId("idx");
    const store = vectors();
    cleanup(() => store.deleteIndex({ indexName }));
    await store.createIndex({ indexName, dimension });
    if (records.length > 0) await store.upsert({ indexName, vectors: records });
    return indexName;
  };

  test("createIndex is idempotent", async () => {
    const indexName = await newIndex(3);
    await vectors().createIndex({ indexName, dimension: 3 });
    await Promise.all([1, 2, 3].map(() => vectors().createIndex({ indexName, dimension: 3 })));
    expect(await vectors().describeIndex({ indexName })).toEqual({ dimension: 3, count: 0 });
  });

  test("createIndex concurrently on a new index", async () => {
    const indexName = uniqueId("idx");
    const store = vectors();
    cleanup(() => store.deleteIndex({ indexName }));
    await Promise.all([1, 2, 3, 4].map(() => store.createIndex({ indexName, dimension: 4 })));
    expect(await store.describeIndex({ indexName })).toEqual({ dimension: 4, count: 0 });
  });

  test("createIndex with another dimension is VECTOR_DIMENSION_MISMATCH", async () => {
    const indexName = await newIndex(3);
    const error = await expectSdkError<VectorDimensionError>(
      vectors().createIndex({ indexName, dimension: 5 }),
      "VECTOR_DIMENSION_MISMATCH",
    );
    expect(error.indexName).toBe(indexName);
    expect(error.expected).toBe(3);
    expect(error.actual).toBe(5);
    expect(error.message).toContain(indexName);
    expect(error.message).toContain("3");
    expect(error.message).toContain("5");
    expect(await vectors().describeIndex({ indexName })).toEqual({ dimension: 3, count: 0 });
  });

  test("describeIndex of a missing index is undefined", async () => {
    expect(await vectors().describeIndex({ indexName: uniqueId("idx") })).toBeUndefined();
  });

  test("upsert with a wrong dimension writes nothing", async () => {
    const indexName = await newIndex(3, [{ id: "existing", vector: [1, 0, 0] }]);
    const error = await expectSdkError<VectorDimensionError>(
      vectors().upsert({
        indexName,
        vectors: [
          { id: "good", vector: [0, 1, 0] },
          { id: "bad", vector: [0, 1, 0, 0] },
        ],
      }),
      "VECTOR_DIMENSION_MISMATCH",
    );
    expect(error).toMatchObject({ indexName, expected: 3, actual: 4 });
    expect(error.message).toContain(indexName);
    expect(await vectors().describeIndex({ indexName })).toEqual({ dimension: 3, count: 1 });
    const all = await vectors().query({ indexName, vector: [0, 1, 0], topK: 10 });
    expect(all.map((m) => m.id)).toEqual(["existing"]);
  });

  test("query with a wrong dimension is VECTOR_DIMENSION_MISMATCH", async () => {
    const indexName = await newIndex(3, FIXED);
    const error = await expectSdkError<VectorDimensionError>(
      vectors().query({ indexName, vector: [1, 0], topK: 3 }),
      "VECTOR_DIMENSION_MISMATCH",
    );
    expect(error).toMatchObject({ indexName, expected: 3, actual: 2 });
  });

  test("a missing index is NOT_FOUND", async () => {
    const indexName = uniqueId("idx");
    await expectSdkError(vectors().upsert({ indexName, vectors: [{ id: "x", vector: [1] }] }), "NOT_FOUND");
    await expectSdkError(vectors().query({ indexName, vector: [1], topK: 1 }), "NOT_FOUND");
    await vectors().deleteIndex({ indexName });
  });

  test("top-k ordering and cosine scores", async () => {
    const indexName = await newIndex(3, FIXED);
    const all = await vectors().query({ indexName, vector: [1, 0, 0], topK: 10 });
    expect(all.map((m) => m.id)).toEqual(["a", "b", "c", "d", "f", "e"]);
    const expected = [1, Math.SQRT1_2, 1 / 3, 0, -2 / Math.sqrt(5), -1];
    expectScores(all, expected);
    for (const match of all) {
      expect(match.score).toBeGreaterThanOrEqual(-1 - 1e-9);
      expect(match.score).toBeLessThanOrEqual(1 + 1e-9);
      expect(match.metadata).toEqual({ name: match.id });
    }
    // Cosine ignores the query's length.
    const scaled = await vectors().query({ indexName, vector: [2, 0, 0], topK: 3 });
    expect(scaled.map((m) => m.id)).toEqual(["a", "b", "c"]);
    expectScores(scaled, expected.slice(0, 3));
    const other = await vectors().query({ indexName, vector: [0, 3, 4], topK: 3 });
    expect(other.map((m) => m.id)).toEqual(["c", "d", "b"]);
    expectScores(other, [14 / 15, 3 / 5, 3 / (5 * Math.SQRT2)]);
  });

  test("topK larger than the index returns everything", async () => {
    const indexName = await newIndex(3, FIXED.slice(0, 2));
    expect((await vectors().query({ indexName, vector: [1, 0, 0], topK: 50 })).map((m) => m.id)).toEqual([
      "a",
      "b",
    ]);
  });

  test("upsert replaces by id", async () => {
    const indexName = await newIndex(3, FIXED);
    await vectors().upsert({
      indexName,
      vectors: [{ id: "e", vector: [1, 0, 0.0001], metadata: { name: "e2" } }],
    });
    expect(await vectors().describeIndex({ indexName })).toEqual({ dimension: 3, count: 6 });
    const top = await vectors().query({ indexName, vector: [-1, 0, 0], topK: 1 });
    expect(top[0]!.id).toBe("f");
    const near = await vectors().query({ indexName, vector: [1, 0, 0], topK: 2 });
    expect(near.map((m) => m.id).sort()).toEqual(["a", "e"]);
    expect(near.find((m) => m.id === "e")!.metadata).toEqual({ name: "e2" });
  });

  test("delete removes vectors and ignores unknown ids", async () => {
    const indexName = await newIndex(3, FIXED);
    await vectors().delete({ indexName, ids: ["a", "c", "unknown"] });
    expect(await vectors().describeIndex({ indexName })).toEqual({ dimension: 3, count: 4 });
    const all = await vectors().query({ indexName, vector: [1, 0, 0], topK: 10 });
    expect(all.map((m) => m.id)).toEqual(["b", "d", "f", "e"]);
    await vectors().delete({ indexName, ids: [] });
    expect((await vectors().describeIndex({ indexName }))?.count).toBe(4);
  });

  test("describeIndex counts vectors", async () => {
    const indexName = await newIndex(3);
    await vectors().upsert({ indexName, vectors: FIXED.slice(0, 4) });
    expect(await vectors().describeIndex({ indexName })).toEqual({ dimension: 3, count: 4 });
    await vectors().upsert({ indexName, vectors: FIXED.slice(2) });
    expect(await vectors().describeIndex({ indexName })).toEqual({ dimension: 3, count: 6 });
  });

  test("deleteIndex removes the index and its vectors", async () => {
    const indexName = await newIndex(3, FIXED);
    await vectors().deleteIndex({ indexName });
    expect(await vectors().describeIndex({ indexName })).toBeUndefined();
    await expectSdkError(vectors().query({ indexName, vector: [1, 0, 0], topK: 1 }), "NOT_FOUND");
    await vectors().deleteIndex({ indexName });
    // Re-created with another dimension, it starts empty.
    await vectors().createIndex({ indexName, dimension: 2 });
    expect(await vectors().describeIndex({ indexName })).toEqual({ dimension: 2, count: 0 });
  });

  const FILTERABLE: VectorRecord[] = [
    { id: "v1", vector: [1, 0], metadata: { kind: "doc", lang: "en", year: 2024, public: true } },
    { id: "v2", vector: [1, 0], metadata: { kind: "doc", lang: "de", year: 2023, public: false } },
    { id: "v3", vector: [1, 0], metadata: { kind: "faq", lang: "en", year: 2024, public: true } },
    { id: "v4", vector: [1, 0], metadata: { kind: "faq", lang: "fr" } },
    { id: "v5", vector: [1, 0] },
  ];
  const matching = async (indexName: string, filter: Record<string, any>) =>
    (await vectors().query({ indexName, vector: [1, 0], topK: 10, filter })).map((m) => m.id).sort();

  test("filter by equality", async () => {
    const indexName = await newIndex(2, FILTERABLE);
    expect(await matching(indexName, { kind: "doc" })).toEqual(["v1", "v2"]);
    expect(await matching(indexName, { year: 2024 })).toEqual(["v1", "v3"]);
    expect(await matching(indexName, { public: false })).toEqual(["v2"]);
    expect(await matching(indexName, { public: true })).toEqual(["v1", "v3"]);
    expect(await matching(indexName, { missing: "x" })).toEqual([]);
    expect(await matching(indexName, { kind: "none" })).toEqual([]);
    expect(await matching(indexName, {})).toEqual(["v1", "v2", "v3", "v4", "v5"]);
  });

  test("filter with $in", async () => {
    const indexName = await newIndex(2, FILTERABLE);
    expect(await matching(indexName, { lang: { $in: ["de", "fr"] } })).toEqual(["v2", "v4"]);
    expect(await matching(indexName, { year: { $in: [2023, 2025] } })).toEqual(["v2"]);
    expect(await matching(indexName, { public: { $in: [true] } })).toEqual(["v1", "v3"]);
    expect(await matching(indexName, { lang: { $in: [] } })).toEqual([]);
  });

  test("filter keys are ANDed", async () => {
    const indexName = await newIndex(2, FILTERABLE);
    expect(await matching(indexName, { kind: "faq", lang: "en" })).toEqual(["v3"]);
    expect(await matching(indexName, { kind: { $in: ["doc", "faq"] }, year: { $in: [2023] } })).toEqual([
      "v2",
    ]);
    expect(await matching(indexName, { year: 2024, public: true, kind: "doc" })).toEqual(["v1"]);
    expect(await matching(indexName, { kind: "faq", year: 2023 })).toEqual([]);
  });

  test("filter equality is type-strict", async () => {
    const indexName = await newIndex(2, FILTERABLE);
    expect(await matching(indexName, { year: "2024" })).toEqual([]);
    expect(await matching(indexName, { public: "true" })).toEqual([]);
    expect(await matching(indexName, { year: { $in: ["2023"] } })).toEqual([]);
  });

  test("a filter never under-returns", async () => {
    // 200 vectors: 193 common ones close to the query, 7 rare ones far from it. An index that
    // filters after an approximate top-k would find no rare ones; the contract says exact.
    const random = mulberry32(20240607);
    const dimension = 8;
    const query = Array.from({ length: dimension }, () => random() * 2 - 1);
    const noisy = (base: number[], sign: number, noise: number) =>
      base.map((x) => sign * x + (random() * 2 - 1) * noise);
    const records: VectorRecord[] = Array.from({ length: 200 }, (_, index) => {
      const rare = index % 29 === 5; // 7 of 200
      return {
        id: `v${index}`,
        vector: noisy(query, rare ? -1 : 1, rare ? 0.8 : 0.3),
        metadata: { group: rare ? "rare" : "common", index },
      };
    });
    const rareRecords = records.filter((r) => r.metadata?.group === "rare");
    expect(rareRecords).toHaveLength(7);
    const indexName = await newIndex(dimension, records);
    const expected = rareRecords
      .map((r) => ({ id: r.id, score: cosine(query, r.vector) }))
      .sort((a, b) => b.score - a.score);
    const top5 = await vectors().query({ indexName, vector: query, topK: 5, filter: { group: "rare" } });
    expect(top5.map((m) => m.id)).toEqual(expected.slice(0, 5).map((m) => m.id));
    expectScores(
      top5,
      expected.slice(0, 5).map((m) => m.score),
    );
    const all = await vectors().query({
      indexName,
      vector: query,
      topK: 10,
      filter: { group: { $in: ["rare"] } },
    });
    expect(all.map((m) => m.id)).toEqual(expected.map((m) => m.id));
    const unfiltered = await vectors().query({ indexName, vector: query, topK: 5 });
    expect(unfiltered.every((m) => m.metadata.group === "common")).toBe(true);
  });

  test("metadata round trip", async () => {
    const metadata = {
      text: "ünïcødé 🙂 'quoted' \"double\" \\",
      empty: "",
      int: 42,
      float: -1.25,
      zero: 0,
      yes: true,
      no: false,
    };
    const indexName = await newIndex(2, [
      { id: "with", vector: [1, 0], metadata },
      { id: "without", vector: [0, 1] },
    ]);
    const [first, second] = await vectors().query({ indexName, vector: [1, 0], topK: 2 });
    expect(first).toMatchObject({ id: "with", metadata });
    expect(first!.metadata).toEqual(metadata);
    expect(second).toMatchObject({ id: "without", metadata: {} });
    // Returned metadata is a copy.
    (first!.metadata as any).text = "mutated";
    const [again] = await vectors().query({ indexName, vector: [1, 0], topK: 1 });
    expect(again!.metadata).toEqual(metadata);
  });

  test("vector ids are opaque strings", async () => {
    const ids = ["it's", "%_", "ü 🙂", "a/b\\c", "x".repeat(200)];
    const indexName = await newIndex(
      2,
      ids.map((id, index) => ({ id, vector: [1, index + 1] })),
    );
    const all = await vectors().query({ indexName, vector: [1, 0], topK: 10 });
    expect(all.map((m) => m.id)).toEqual(ids);
  });

  test("indexes are independent", async () => {
    const first = await newIndex(3, FIXED);
    const second = await newIndex(3, [{ id: "a", vector: [0, 0, 1], metadata: { name: "other" } }]);
    expect((await vectors().describeIndex({ indexName: second }))?.count).toBe(1);
    const [top] = await vectors().query({ indexName: second, vector: [1, 0, 0], topK: 1 });
    expect(top).toMatchObject({ id: "a", metadata: { name: "other" } });
    await vectors().deleteIndex({ indexName: second });
    expect((await vectors().describeIndex({ indexName: first }))?.count).toBe(6);
  });
}
