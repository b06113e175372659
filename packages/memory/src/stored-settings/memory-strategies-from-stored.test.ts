import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { describe, expect, it } from "vitest";
import { createInMemoryStorage } from "../adapters/in-memory/in-memory-storage.js";
import { createCountingEmbedder } from "../memory/__fixtures__/counting-embedder.js";
import { createMemory } from "../memory/create-memory.js";
import { memoryStrategiesFromStored } from "./memory-strategies-from-stored.js";
import { parseMemorySettings } from "./stored-memory-settings.js";

describe("memoryStrategiesFromStored", () => {
  it("maps buffer.maxMessages onto lastMessages", () => {
    expect(memoryStrategiesFromStored({ type: "buffer", maxMessages: 12 })).toEqual({
      strategies: { lastMessages: 12 },
      embeddingModel: undefined,
    });
    expect(memoryStrategiesFromStored({ type: "buffer" })).toEqual({
      strategies: {},
      embeddingModel: undefined,
    });
  });

  it("maps summary onto a summary that keeps maxMessages, with the model resolved", () => {
    const model = createScriptedModel({ turns: [], modelId: "gpt-4o-mini" });
    const seen: string[] = [];
    const { strategies } = memoryStrategiesFromStored(
      { type: "summary", maxMessages: 30, summaryModel: "openai/gpt-4o-mini" },
      {
        resolveModel: (reference) => {
          seen.push(reference);
          return model;
        },
      },
    );
    expect(seen).toEqual(["openai/gpt-4o-mini"]);
    expect(strategies).toEqual({
      lastMessages: 60,
      summary: { keepMessages: 30, triggerMessages: 60, model },
    });
    // Valid createMemory options as they are.
    expect(() => createMemory({ ...strategies, storage: createInMemoryStorage() })).not.toThrow();
  });

  it("leaves the summary model to the run when none is stored, with the defaults otherwise", () => {
    const { strategies } = memoryStrategiesFromStored({ type: "summary" });
    expect(strategies).toEqual({ lastMessages: 40, summary: { keepMessages: 10, triggerMessages: 40 } });
    expect(createMemory({ ...strategies, storage: createInMemoryStorage() }).settings.summary).toEqual({
      keepMessages: 10,
      triggerMessages: 40,
    });
  });

  it("resolves the summary model with the default registry when no resolver is given", () => {
    expect(() => memoryStrategiesFromStored({ type: "summary", summaryModel: "nosuchprovider/x" })).toThrow(
      /nosuchprovider/,
    );
  });

  it("maps vector onto semantic recall and reports the embedding model", () => {
    const result = memoryStrategiesFromStored(
      parseMemorySettings({
        type: "vector",
        topK: 5,
        scope: "thread",
        embeddingModel: "openai/text-embedding-3-small",
      }),
    );
    expect(result).toEqual({
      strategies: { semanticRecall: { topK: 5, scope: "thread" } },
      embeddingModel: "openai/text-embedding-3-small",
    });
    const memory = createMemory({
      ...result.strategies,
      storage: createInMemoryStorage(),
      embedder: createCountingEmbedder(),
    });
    expect(memory.settings.semanticRecall).toEqual({
      topK: 5,
      scope: "thread",
      messageRange: { before: 1, after: 1 },
    });
    // Without an embedder, createMemory says what is missing.
    expect(() => createMemory({ ...result.strategies, storage: createInMemoryStorage() })).toThrow(
      InvalidDefinitionError,
    );
  });
});
