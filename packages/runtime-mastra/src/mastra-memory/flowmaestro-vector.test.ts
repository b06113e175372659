import { createInMemoryStorage, type InMemoryStorage } from "@flowmaestro/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { withBridgeScope } from "./bridge-scope.js";
import { FlowMaestroVector } from "./flowmaestro-vector.js";
import { recallVectorId } from "./recall-compat.js";

const unit = (index: number, dimension = 4) =>
  Array.from({ length: dimension }, (_, at) => (at === index ? 1 : 0));

describe("FlowMaestroVector", () => {
  let storage: InMemoryStorage;
  let vector: FlowMaestroVector;

  beforeEach(async () => {
    storage = createInMemoryStorage();
    vector = new FlowMaestroVector({ storage, indexNameFor: (dimension) => `fm_recall_${dimension}` });
    for (const [threadId, resourceId] of [
      ["t1", "r1"],
      ["t2", "r1"],
      ["t1", "r2"],
    ] as const) {
      await storage.createThread({ id: threadId, resourceId });
      await storage.appendMessages({
        threadId,
        resourceId,
        messages: [
          { id: "m1", message: { role: "user", content: "one" } },
          { id: "m2", message: { role: "user", content: "two" } },
        ],
      });
    }
  });

  it("maps Mastra's message index names onto the FlowMaestro recall index of their dimension", () => {
    expect(vector.indexFor("memory_messages_384")).toBe("fm_recall_384");
    expect(vector.indexFor("memory_messages")).toBe("fm_recall_1536");
    expect(vector.indexFor("knowledge")).toBe("knowledge");
  });

  it("stores Mastra's vectors the FlowMaestro way: ids, metadata keys, positions, the thread's index list", async () => {
    await vector.createIndex({ indexName: "memory_messages_4", dimension: 4, metric: "cosine" });
    const ids = await vector.upsert({
      indexName: "memory_messages_4",
      vectors: [unit(0), unit(1)],
      ids: ["ignored", "ignored-too"],
      metadata: [
        {
          message_id: "m2",
          thread_id: "t1",
          resource_id: "r1",
          role: "user",
          content: "two",
          created_at: "x",
        },
        { message_id: "m1", thread_id: "t2", resource_id: "r1" },
      ],
    });
    expect(ids).toEqual([
      recallVectorId({ resourceId: "r1", threadId: "t1" }, "m2"),
      recallVectorId({ resourceId: "r1", threadId: "t2" }, "m1"),
    ]);
    const [match] = await storage.vectors.query({ indexName: "fm_recall_4", vector: unit(0), topK: 1 });
    expect(match?.metadata).toEqual({ messageId: "m2", threadId: "t1", resourceId: "r1", position: 1 });
    expect((await storage.getThread({ threadId: "t1", resourceId: "r1" }))?.metadata).toEqual({
      "flowmaestro.recallIndexes": ["fm_recall_4"],
    });
  });

  it("queries with Mastra's filters and answers with Mastra's metadata keys", async () => {
    await vector.createIndex({ indexName: "memory_messages_4", dimension: 4 });
    await storage.vectors.upsert({
      indexName: "fm_recall_4",
      vectors: [
        {
          id: "a",
          vector: unit(0),
          metadata: { resourceId: "r1", threadId: "t1", messageId: "m1", position: 0 },
        },
        {
          id: "b",
          vector: unit(0),
          metadata: { resourceId: "r1", threadId: "t2", messageId: "m1", position: 0 },
        },
        {
          id: "c",
          vector: unit(0),
          metadata: { resourceId: "r2", threadId: "t1", messageId: "m1", position: 0 },
        },
      ],
    });
    const byResource = await vector.query({
      indexName: "memory_messages_4",
      queryVector: unit(0),
      topK: 10,
      filter: { resource_id: "r1" },
    });
    expect(byResource.map((result) => result.id).sort()).toEqual(["a", "b"]);
    expect(byResource[0]?.metadata).toMatchObject({ message_id: "m1", resource_id: "r1", position: 0 });
    const combined = await vector.query({
      indexName: "memory_messages_4",
      queryVector: unit(0),
      topK: 10,
      filter: { $and: [{ resource_id: { $eq: "r1" } }, { thread_id: { $in: ["t2", "t9"] } }] },
    });
    expect(combined.map((result) => result.id)).toEqual(["b"]);
    await expect(
      vector.query({ indexName: "memory_messages_4", queryVector: unit(0), filter: { score: { $gt: 1 } } }),
    ).rejects.toThrow(/not supported/);
  });

  it("inside a run, narrows every query to the run's resource (thread-scoped recall filters by thread only)", async () => {
    await vector.createIndex({ indexName: "memory_messages_4", dimension: 4 });
    await storage.vectors.upsert({
      indexName: "fm_recall_4",
      vectors: [
        {
          id: "mine",
          vector: unit(0),
          metadata: { resourceId: "r1", threadId: "t1", messageId: "m1", position: 0 },
        },
        {
          id: "theirs",
          vector: unit(0),
          metadata: { resourceId: "r2", threadId: "t1", messageId: "m1", position: 0 },
        },
      ],
    });
    const scope = {
      runId: "run",
      threadId: "t1",
      resourceId: "r1",
      onFailure: () => {},
      isClosed: () => false,
    };
    const results = await withBridgeScope(scope, () =>
      vector.query({
        indexName: "memory_messages_4",
        queryVector: unit(0),
        topK: 10,
        filter: { thread_id: "t1" },
      }),
    );
    expect(results.map((result) => result.id)).toEqual(["mine"]);
    const other = await withBridgeScope(scope, () =>
      vector.query({
        indexName: "memory_messages_4",
        queryVector: unit(0),
        topK: 10,
        filter: { resource_id: "r2" },
      }),
    );
    expect(other).toEqual([]);
  });

  it("deletes vectors by filter (a FlowMaestro index deletes by id)", async () => {
    await vector.createIndex({ indexName: "memory_messages_4", dimension: 4 });
    await vector.upsert({
      indexName: "memory_messages_4",
      vectors: [unit(0), unit(1), unit(2)],
      metadata: [
        { message_id: "m1", thread_id: "t1", resource_id: "r1" },
        { message_id: "m2", thread_id: "t1", resource_id: "r1" },
        { message_id: "m1", thread_id: "t2", resource_id: "r1" },
      ],
    });
    await vector.deleteVectors({ indexName: "memory_messages_4", filter: { thread_id: "t1" } });
    expect(await vector.describeIndex({ indexName: "memory_messages_4" })).toEqual({
      dimension: 4,
      count: 1,
      metric: "cosine",
    });
    expect(await vector.listIndexes()).toEqual(["memory_messages_4"]);
  });

  it("rejects another similarity metric and in-place updates", async () => {
    await expect(
      vector.createIndex({ indexName: "memory_messages_4", dimension: 4, metric: "dotproduct" }),
    ).rejects.toThrow(/cosine/);
    await expect(
      vector.updateVector({ indexName: "memory_messages_4", id: "a", update: { vector: unit(0) } }),
    ).rejects.toThrow(/not supported/);
  });

  it("needs an adapter with vectors", () => {
    const noVectors = { ...createInMemoryStorage(), vectors: undefined };
    expect(() => new FlowMaestroVector({ storage: noVectors, indexNameFor: () => "x" })).toThrow(
      /no vector support/,
    );
  });
});
