import { AbortedError, ModelError } from "@flowmaestro/runtime";
import { APICallError } from "ai";
import { MockEmbeddingModelV3, MockEmbeddingModelV4 } from "ai/test";
import { describe, expect, it, vi } from "vitest";
import { embeddingDimension, embedValues } from "./embed-values.js";
import { createHashEmbedder } from "./hash-embedder.js";

/** A v4 mock whose vector for a value is `[value.length, index in its call]`. */
function lengthModel(maxEmbeddingsPerCall: number | undefined = undefined) {
  return new MockEmbeddingModelV4({
    provider: "mock",
    modelId: "length",
    maxEmbeddingsPerCall,
    supportsParallelCalls: false,
    doEmbed: async ({ values }) => ({
      embeddings: values.map((value, index) => [value.length, index]),
      warnings: [],
    }),
  });
}

function failingModel(error: unknown) {
  return new MockEmbeddingModelV4({
    provider: "mock",
    modelId: "broken",
    doEmbed: async () => {
      throw error;
    },
  });
}

function apiError(statusCode: number) {
  return new APICallError({
    message: `HTTP ${statusCode}`,
    url: "https://api.example.com/embeddings",
    requestBodyValues: {},
    statusCode,
  });
}

describe("embedValues", () => {
  it("embeds in order, in calls of at most maxEmbeddingsPerCall values", async () => {
    const model = lengthModel(2);
    const vectors = await embedValues(model, ["a", "bb", "ccc", "dddd", "eeeee"]);
    expect(vectors).toEqual([
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 1],
      [5, 0],
    ]);
    expect(model.doEmbedCalls.map((call) => call.values)).toEqual([["a", "bb"], ["ccc", "dddd"], ["eeeee"]]);
  });

  it("returns [] for no values without calling the model", async () => {
    const model = lengthModel();
    expect(await embedValues(model, [])).toEqual([]);
    expect(model.doEmbedCalls).toHaveLength(0);
  });

  it("accepts v3 models", async () => {
    const model = new MockEmbeddingModelV3({
      doEmbed: async ({ values }) => ({ embeddings: values.map(() => [0.6, 0.8]), warnings: [] }),
    });
    expect(await embedValues(model, ["x", "y"])).toEqual([
      [0.6, 0.8],
      [0.6, 0.8],
    ]);
  });

  it("works with the hash embedder", async () => {
    const vectors = await embedValues(createHashEmbedder({ dimension: 32 }), ["one", "two"]);
    expect(vectors.map((vector) => vector.length)).toEqual([32, 32]);
  });

  it("wraps a provider failure as a ModelError with status and retryability", async () => {
    const error = await embedValues(failingModel(apiError(400)), ["x"]).catch((caught: unknown) => caught);
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "MODEL_ERROR",
      category: "model",
      provider: "mock",
      modelId: "broken",
      statusCode: 400,
      retryable: false,
    });
    expect((error as Error).message).toBe("Model mock/broken failed (HTTP 400): HTTP 400");
  });

  it("retries retryable failures, then reports the last one", async () => {
    const model = failingModel(apiError(503));
    vi.useFakeTimers();
    let error: unknown;
    try {
      const pending = embedValues(model, ["x"], { maxRetries: 1 }).catch((caught: unknown) => caught);
      // Skip the AI SDK's retry back-off (2 s before the first retry).
      await vi.advanceTimersByTimeAsync(5_000);
      error = await pending;
    } finally {
      vi.useRealTimers();
    }
    expect(model.doEmbedCalls).toHaveLength(2);
    expect(error).toMatchObject({ code: "MODEL_ERROR", statusCode: 503, retryable: true });

    const plain = await embedValues(failingModel(new Error("socket hang up")), ["x"], {
      maxRetries: 0,
    }).catch((caught: unknown) => caught);
    expect(plain).toMatchObject({ code: "MODEL_ERROR", statusCode: undefined, retryable: false });
    expect((plain as Error).message).toContain("socket hang up");
  });

  it("rejects a malformed result", async () => {
    const wrongCount = new MockEmbeddingModelV4({
      maxEmbeddingsPerCall: 10,
      doEmbed: async () => ({ embeddings: [[1]], warnings: [] }),
    });
    // The AI SDK checks the count itself; its error becomes a ModelError too.
    await expect(embedValues(wrongCount, ["a", "b"])).rejects.toMatchObject({
      code: "MODEL_ERROR",
      message: expect.stringContaining("Expected 2 embeddings, but received 1"),
    });
    const ragged = new MockEmbeddingModelV4({
      maxEmbeddingsPerCall: 10,
      doEmbed: async () => ({ embeddings: [[1, 2], [1]], warnings: [] }),
    });
    await expect(embedValues(ragged, ["a", "b"])).rejects.toThrow(
      "returned a malformed result: vector 1 has length 1, vector 0 has 2.",
    );
    const notANumber = new MockEmbeddingModelV4({
      doEmbed: async () => ({ embeddings: [[Number.NaN]], warnings: [] }),
    });
    const error = await embedValues(notANumber, ["a"]).catch((caught: unknown) => caught);
    expect(ModelError.isInstance(error)).toBe(true);
  });

  it("rejects with AbortedError when the signal fires", async () => {
    const controller = new AbortController();
    controller.abort();
    const model = lengthModel();
    const before = await embedValues(model, ["x"], { signal: controller.signal }).catch(
      (caught: unknown) => caught,
    );
    expect(AbortedError.isInstance(before)).toBe(true);
    expect(model.doEmbedCalls).toHaveLength(0);

    const late = new AbortController();
    // A model that never answers and ignores its signal.
    const slow = new MockEmbeddingModelV4({ doEmbed: () => new Promise(() => {}) });
    const pending = embedValues(slow, ["x"], { signal: late.signal });
    late.abort();
    expect(AbortedError.isInstance(await pending.catch((caught: unknown) => caught))).toBe(true);
  });
});

describe("embeddingDimension", () => {
  it("probes once per model instance", async () => {
    const model = new MockEmbeddingModelV4({
      doEmbed: async ({ values }) => ({ embeddings: values.map(() => [0, 0, 1]), warnings: [] }),
    });
    expect(await Promise.all([embeddingDimension(model), embeddingDimension(model)])).toEqual([3, 3]);
    expect(await embeddingDimension(model)).toBe(3);
    expect(model.doEmbedCalls).toHaveLength(1);
    expect(await embeddingDimension(createHashEmbedder({ dimension: 48 }))).toBe(48);
  });

  it("does not cache a failed probe", async () => {
    let fail = true;
    const model = new MockEmbeddingModelV4({
      doEmbed: async ({ values }) => {
        if (fail) throw apiError(400);
        return { embeddings: values.map(() => [1, 0]), warnings: [] };
      },
    });
    await expect(embeddingDimension(model)).rejects.toMatchObject({ code: "MODEL_ERROR" });
    fail = false;
    expect(await embeddingDimension(model)).toBe(2);
  });

  it("rejects an empty probe vector", async () => {
    const model = new MockEmbeddingModelV4({ doEmbed: async () => ({ embeddings: [[]], warnings: [] }) });
    await expect(embeddingDimension(model)).rejects.toThrow("returned an empty vector for a probe text");
  });
});
