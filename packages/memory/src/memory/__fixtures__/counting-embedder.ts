import type { EmbeddingModelV4 } from "@ai-sdk/provider";
import { createHashEmbedder } from "../../embedders/hash-embedder.js";

/** A deterministic hash embedder that records every text it embeds. */
export interface CountingEmbedder extends EmbeddingModelV4 {
  readonly embedded: string[];
}

export function createCountingEmbedder(dimension = 64): CountingEmbedder {
  const inner = createHashEmbedder({ dimension });
  const embedded: string[] = [];
  return {
    ...inner,
    embedded,
    doEmbed(options) {
      embedded.push(...options.values);
      return inner.doEmbed(options);
    },
  };
}
