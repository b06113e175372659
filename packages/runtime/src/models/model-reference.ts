import type { LanguageModelV4 } from "@ai-sdk/provider";

/**
 * A model: an AI SDK (v4 spec, `ai@7` providers) language model instance, or a
 * `"provider/model"` string such as `"openai/gpt-4o"` resolved through a {@link ProviderRegistry}.
 */
export type ModelReference = LanguageModelV4 | string;

/** Which model produced a step. */
export interface ModelInfo {
  /** Provider id, e.g. `openai`. */
  readonly provider: string;
  /** Model id, e.g. `gpt-4o`. */
  readonly modelId: string;
}

/** @internal */
export function isLanguageModelV4(value: unknown): value is LanguageModelV4 {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { specificationVersion?: unknown }).specificationVersion === "v4" &&
    typeof (value as { doStream?: unknown }).doStream === "function" &&
    typeof (value as { doGenerate?: unknown }).doGenerate === "function"
  );
}

/** Provider and model id of a reference, without resolving it. */
export function modelInfoOf(reference: ModelReference): ModelInfo {
  if (typeof reference !== "string") return { provider: reference.provider, modelId: reference.modelId };
  const slash = reference.indexOf("/");
  return slash <= 0
    ? { provider: reference, modelId: "" }
    : { provider: reference.slice(0, slash), modelId: reference.slice(slash + 1) };
}
