import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { ModelReference } from "../models/model-reference.js";
import type { ProviderRegistry } from "../models/provider-registry.js";

/** Resolves a model reference to an AI SDK model through the runtime's registry. */
export async function resolveModel(
  reference: ModelReference,
  providers: ProviderRegistry,
): Promise<LanguageModelV4> {
  return typeof reference === "string" ? providers.resolve(reference) : reference;
}
