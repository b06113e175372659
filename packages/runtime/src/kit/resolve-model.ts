import type { LanguageModelV4, LanguageModelV4CallOptions } from "@ai-sdk/provider";
import type { ResolvedAgentDefinition } from "../agent-definition.js";
import type { ModelReference } from "../models/model-reference.js";
import type { ProviderRegistry } from "../models/provider-registry.js";
import { createFallbackModel, type FallbackModel, type ModelRetryOptions } from "./fallback-model.js";
import { toFunctionTools } from "./to-function-tools.js";

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

/** The tools of a model call, as the language-model spec types them. */
type CallTools = NonNullable<LanguageModelV4CallOptions["tools"]>;

/** Options of {@link createDefinitionModel}. */
export interface DefinitionModelOptions {
  /**
   * Reshapes the tools of a call for a fallback model whose provider differs from the first
   * model's. Runtimes whose calls carry tools besides the definition's (or in another order)
   * replace them one by one here.
   * @default The definition's tools as {@link toFunctionTools} shapes them for `provider`.
   */
  reshapeTools?: (tools: CallTools, provider: string) => CallTools | undefined;
}

/**
 * The model a run of a definition calls: {@link createRunModel} over the definition's model (or
 * list of models) and retry policy, where a call that reaches a fallback model of another provider
 * carries the tool schemas shaped for that provider (the first model's provider is `model.provider`).
 * Create one per run.
 *
 * @example
 * ```ts
 * const model = createDefinitionModel(definition, providers);
 * const tools = toFunctionTools(definition.tools, model.provider);
 * ```
 */
export function createDefinitionModel(
  definition: Pick<ResolvedAgentDefinition, "model" | "retry" | "tools">,
  providers: ProviderRegistry,
  options: DefinitionModelOptions = {},
): FallbackModel {
  const reshapeTools =
    options.reshapeTools ??
    ((_tools: CallTools, provider: string) => toFunctionTools(definition.tools, provider));
  const model = createRunModel(definition.model, providers, definition.retry, (candidate, callOptions) =>
    candidate.provider === model.provider || !callOptions.tools
      ? callOptions
      : { ...callOptions, tools: reshapeTools(callOptions.tools, candidate.provider) },
  );
  return model;
}
