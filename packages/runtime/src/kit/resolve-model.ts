import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { ModelReference } from "../models/model-reference.js";
import type { ProviderRegistry } from "../models/provider-registry.js";
import { createFallbackModel, type FallbackModel, type ModelRetryOptions } from "./fallback-model.js";

/** Resolves one model reference to an AI SDK model through the runtime's registry. */
export async function resolveModel(
  reference: ModelReference,
  providers: ProviderRegistry,
): Promise<LanguageModelV4> {
  return typeof reference === "string" ? providers.resolve(reference) : reference;
}

/**
 * The model a run calls: a {@link FallbackModel} over the definition's model (or list of models)
 * with its retry policy. Create one per run.
 */
export function createRunModel(
  model: ModelReference | readonly ModelReference[],
  providers: ProviderRegistry,
  retry?: ModelRetryOptions,
  prepareCall?: Parameters<typeof createFallbackModel>[1]["prepareCall"],
): FallbackModel {
  return createFallbackModel(Array.isArray(model) ? model : [model as ModelReference], {
    providers,
    retry,
    prepareCall,
  });
}
