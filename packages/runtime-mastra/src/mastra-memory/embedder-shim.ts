import type { EmbeddingModelV3, EmbeddingModelV3Result, EmbeddingModelV4 } from "@ai-sdk/provider";

/**
 * An embedding model as `@mastra/memory` 1.31 accepts it. Mastra embeds with a
 * `switch (embedder.specificationVersion)`: `v3` goes to AI SDK 6's `embedMany`, `v2` to AI SDK 5's,
 * and anything else to AI SDK 4's, which throws `UnsupportedModelVersionError` for an AI SDK 7
 * (`v4`) model (@mastra/memory dist/src-zTE4189S.js, `embedMessageContent`; @mastra/core types
 * allow only V2/V3: dist/vector/vector.d.ts `MastraSupportedEmbeddingModel`). A v4 model's
 * `doEmbed` takes a superset of v3's options and returns the same fields (embeddings, usage,
 * providerMetadata, response, warnings), so presenting it as `v3` is enough. v3 (and v2) models
 * pass through unchanged.
 *
 * @internal
 */
export function toMastraEmbedder(embedder: EmbeddingModelV4 | EmbeddingModelV3): EmbeddingModelV3 {
  if (embedder.specificationVersion !== "v4") return embedder;
  return {
    specificationVersion: "v3",
    provider: embedder.provider,
    modelId: embedder.modelId,
    get maxEmbeddingsPerCall() {
      return embedder.maxEmbeddingsPerCall;
    },
    get supportsParallelCalls() {
      return embedder.supportsParallelCalls;
    },
    doEmbed: async (options) => {
      const result = await embedder.doEmbed(options);
      // v4 added a `deprecated` warning; v3 reports it as `other`.
      const warnings = result.warnings.map((warning) =>
        warning.type === "deprecated" ? { type: "other" as const, message: warning.message } : warning,
      ) as EmbeddingModelV3Result["warnings"];
      return { ...result, warnings };
    },
  };
}
