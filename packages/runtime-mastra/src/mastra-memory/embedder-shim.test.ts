import type { EmbeddingModelV3, EmbeddingModelV4 } from "@ai-sdk/provider";
import { createHashEmbedder, createInMemoryStorage } from "@flowmaestro/memory";
import type { MastraDBMessage } from "@mastra/core/agent";
import { Memory } from "@mastra/memory";
import { describe, expect, it } from "vitest";
import { toMastraEmbedder } from "./embedder-shim.js";
import { FlowMaestroMastraStore } from "./flowmaestro-memory-storage.js";
import { FlowMaestroVector } from "./flowmaestro-vector.js";

function userMessage(
  id: string,
  threadId: string,
  resourceId: string,
  text: string,
  at: number,
): MastraDBMessage {
  return {
    id,
    role: "user",
    threadId,
    resourceId,
    createdAt: new Date(at),
    content: { format: 2, parts: [{ type: "text", text }], content: text },
  };
}

function recallSetup(embedder: EmbeddingModelV4 | EmbeddingModelV3) {
  const storage = createInMemoryStorage();
  const memory = new Memory({
    storage: new FlowMaestroMastraStore(storage),
    vector: new FlowMaestroVector({ storage, indexNameFor: (dimension) => `fm_recall_${dimension}` }),
    embedder: embedder as never,
    options: { lastMessages: 10, semanticRecall: { topK: 1, messageRange: 0, scope: "resource" } },
  });
  return { storage, memory };
}

describe("toMastraEmbedder", () => {
  it("passes a v3 model through", () => {
    const v3 = { ...createHashEmbedder(), specificationVersion: "v3" } as unknown as EmbeddingModelV3;
    expect(toMastraEmbedder(v3)).toBe(v3);
  });

  it("presents a v4 model as v3 with the same embeddings", async () => {
    const v4 = createHashEmbedder({ dimension: 32 });
    const shim = toMastraEmbedder(v4);
    expect(shim).toMatchObject({ specificationVersion: "v3", provider: v4.provider, modelId: v4.modelId });
    expect(await shim.maxEmbeddingsPerCall).toEqual(await v4.maxEmbeddingsPerCall);
    const [viaShim, direct] = await Promise.all([
      shim.doEmbed({ values: ["ada lives in lisbon"] }),
      v4.doEmbed({ values: ["ada lives in lisbon"] }),
    ]);
    expect(viaShim.embeddings).toEqual(direct.embeddings);
  });

  it("reports v4's `deprecated` warnings as v3 `other` ones", async () => {
    const v4: EmbeddingModelV4 = {
      specificationVersion: "v4",
      provider: "test",
      modelId: "m",
      maxEmbeddingsPerCall: 1,
      supportsParallelCalls: false,
      doEmbed: async () => ({
        embeddings: [[1]],
        warnings: [{ type: "deprecated", setting: "x", message: "x is deprecated" }],
      }),
    };
    expect((await toMastraEmbedder(v4).doEmbed({ values: ["a"] })).warnings).toEqual([
      { type: "other", message: "x is deprecated" },
    ]);
  });

  it("is what makes @mastra/memory 1.31 embed at all: a raw v4 model is rejected", async () => {
    const { memory } = recallSetup(createHashEmbedder());
    await memory.saveThread({
      thread: { id: "t1", resourceId: "r1", title: "", createdAt: new Date(), updatedAt: new Date() },
    });
    // @mastra/memory embeds through AI SDK 4's embedMany for any spec version but v2/v3.
    await expect(
      memory.saveMessages({ messages: [userMessage("m1", "t1", "r1", "hello", Date.now())] }),
    ).rejects.toThrow(/Unsupported model version|only supports/i);
  });

  it("recalls across threads of a resource with the shim, on FlowMaestro storage and vectors", async () => {
    const { storage, memory } = recallSetup(toMastraEmbedder(createHashEmbedder()));
    const now = Date.now();
    for (const id of ["old", "new"]) {
      await memory.saveThread({
        thread: { id, resourceId: "r1", title: "", createdAt: new Date(), updatedAt: new Date() },
      });
    }
    await memory.saveMessages({
      messages: [
        userMessage("a", "old", "r1", "My cat is called Miso and she loves tuna", now),
        userMessage("b", "old", "r1", "The weather in Lisbon is sunny today", now + 1),
      ],
    });
    const recalled = await memory.recall({
      threadId: "new",
      resourceId: "r1",
      vectorSearchString: "what is my cat called?",
      threadConfig: { lastMessages: false, semanticRecall: { topK: 1, messageRange: 0, scope: "resource" } },
    });
    expect(recalled.messages.map((message) => message.id)).toEqual(["a"]);
    // Stored the FlowMaestro way: the recall index of the dimension, FlowMaestro metadata keys.
    const described = await storage.vectors.describeIndex({ indexName: "fm_recall_256" });
    expect(described).toEqual({ dimension: 256, count: 2 });
    expect((await storage.getThread({ threadId: "old", resourceId: "r1" }))?.metadata).toEqual({
      "flowmaestro.recallIndexes": ["fm_recall_256"],
    });
  });
});
