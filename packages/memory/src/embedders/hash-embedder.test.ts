import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { cosineSimilarity, embed, embedMany } from "ai";
import { describe, expect, it } from "vitest";
import { createHashEmbedder, DEFAULT_HASH_EMBEDDER_DIMENSION, hash32 } from "./hash-embedder.js";

async function embedOne(text: string, model = createHashEmbedder()): Promise<number[]> {
  const result = await model.doEmbed({ values: [text] });
  return result.embeddings[0] as number[];
}

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, component) => sum + component * component, 0));
}

// The first components of one text's vector at dimension 256 (hash-v1).
const PINNED_HEAD = [0, -0.254452, 0, 0, 0, 0, 0.254452, -0.089058, 0.038168, 0, 0, 0];

/** Fixed fixtures: [query, a related text, an unrelated text]. */
const FIXTURES: ReadonlyArray<readonly [string, string, string]> = [
  [
    "How do I install the CLI on Linux?",
    "Installing the command line tool on Linux",
    "Refunds are possible within 30 days of purchase.",
  ],
  ["refund policy", "Refunds are possible within 30 days.", "Install the package with npm."],
  ["configuraton file location", "The configuration file lives in ~/.config", "Billing happens monthly"],
  ["reset my password", "To reset a forgotten password, open Settings", "The API rate limit is 100 requests"],
  ["Téléchargement du fichier", "telechargement du fichier", "Upload a photo"],
];

describe("createHashEmbedder", () => {
  it("implements the v4 embedding model spec", async () => {
    const model = createHashEmbedder();
    expect(model).toMatchObject({
      specificationVersion: "v4",
      provider: "flowmaestro",
      modelId: "hash-v1",
      maxEmbeddingsPerCall: Number.POSITIVE_INFINITY,
      supportsParallelCalls: true,
    });
    const result = await model.doEmbed({ values: ["Hello, world", ""] });
    expect(Object.keys(result).sort()).toEqual(["embeddings", "usage", "warnings"]);
    expect(result.usage).toEqual({ tokens: 2 });
    expect(result.warnings).toEqual([]);
    expect(result.embeddings).toHaveLength(2);
    expect(createHashEmbedder({ modelId: "custom" }).modelId).toBe("custom");
  });

  it("is deterministic, across instances too", async () => {
    const text = "The quick brown fox jumps over the lazy dog. Ünïcödé ﬁne!";
    const first = await embedOne(text);
    expect(await embedOne(text)).toEqual(first);
    expect(await embedOne(text, createHashEmbedder())).toEqual(first);
    // Pinned values: a change here changes every stored vector, so it needs a new modelId.
    expect([hash32(""), hash32("a"), hash32("w:install")]).toEqual([2872998923, 444641715, 454448886]);
    expect(first.slice(0, 12).map((component) => Number(component.toFixed(6)))).toEqual(PINNED_HEAD);
  });

  it("returns unit vectors, also for empty text and stop words only", async () => {
    for (const text of ["", "   ", "!!!", "the and of", "Install", "a ".repeat(500), "x".repeat(10_000)]) {
      expect(norm(await embedOne(text))).toBeCloseTo(1, 10);
    }
    expect(await embedOne("")).toEqual(await embedOne("?!"));
  });

  it("has the configured dimension, and honours a per-call dimensions option", async () => {
    expect(await embedOne("abc")).toHaveLength(DEFAULT_HASH_EMBEDDER_DIMENSION);
    const model = createHashEmbedder({ dimension: 1024 });
    expect(await embedOne("abc", model)).toHaveLength(1024);
    expect((await model.doEmbed({ values: ["abc"], dimensions: 8 })).embeddings[0]).toHaveLength(8);
    expect(await embedOne("abc", createHashEmbedder({ dimension: 1 }))).toEqual([expect.closeTo(1, 10)]);
  });

  it("rejects a bad dimension or model id naming the field", async () => {
    for (const dimension of [0, -1, 1.5, 70_000, Number.NaN]) {
      expect(() => createHashEmbedder({ dimension })).toThrow(InvalidDefinitionError);
    }
    expect(() => createHashEmbedder({ dimension: 0, modelId: "" })).toThrow(
      "Invalid hash embedder options: `dimension` must be an integer from 1 to 65536 (received 0); `modelId` must be a non-empty string",
    );
    await expect(createHashEmbedder().doEmbed({ values: ["x"], dimensions: 0 })).rejects.toThrow(
      "`dimensions` must be an integer from 1 to 65536",
    );
  });

  it("puts related texts closer than unrelated ones (fixed fixtures)", async () => {
    for (const [query, related, unrelated] of FIXTURES) {
      const [q, r, u] = await Promise.all([query, related, unrelated].map((text) => embedOne(text)));
      const close = cosineSimilarity(q as number[], r as number[]);
      const far = cosineSimilarity(q as number[], u as number[]);
      expect(close, `${query} ~ ${related}`).toBeGreaterThan(far + 0.05);
    }
  });

  it("tolerates typos and inflections through character n-grams", async () => {
    const base = await embedOne("installation");
    expect(cosineSimilarity(base, await embedOne("instalation"))).toBeGreaterThan(0.5);
    expect(cosineSimilarity(base, await embedOne("billing"))).toBeLessThan(0.2);
    expect(cosineSimilarity(await embedOne("Linux"), await embedOne("LINUX"))).toBeCloseTo(1, 10);
  });

  it("has no semantics: synonyms are not close", async () => {
    expect(cosineSimilarity(await embedOne("car"), await embedOne("automobile"))).toBeLessThan(0.2);
  });

  it("works through embed and embedMany from ai", async () => {
    const model = createHashEmbedder({ dimension: 64 });
    const values = ["Install on Linux", "Linux install", "Refund policy"];
    const many = await embedMany({ model, values });
    expect(many.embeddings).toHaveLength(3);
    expect(many.usage.tokens).toBe(7);
    const single = await embed({ model, value: "Install on Linux" });
    expect(single.embedding).toEqual(many.embeddings[0]);
    expect(cosineSimilarity(many.embeddings[0] as number[], many.embeddings[1] as number[])).toBeGreaterThan(
      cosineSimilarity(many.embeddings[0] as number[], many.embeddings[2] as number[]),
    );
  });

  it("honours the abort signal", async () => {
    const model = createHashEmbedder();
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(model.doEmbed({ values: ["x"], abortSignal: controller.signal })).rejects.toThrow("stop");
    await expect(
      embedMany({ model, values: ["x"], abortSignal: controller.signal, maxRetries: 0 }),
    ).rejects.toThrow();

    // A long batch yields to the event loop and stops when the signal fires meanwhile.
    const late = new AbortController();
    const pending = model.doEmbed({
      values: Array.from({ length: 2_000 }, (_, i) => `text ${i}`),
      abortSignal: late.signal,
    });
    late.abort(new Error("late stop"));
    await expect(pending).rejects.toThrow("late stop");
  });
});
