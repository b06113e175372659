import type { LanguageModelV4 } from "@ai-sdk/provider";

/**
 * A model: an AI SDK (spec v4, the `ai@7` provider packages) language model instance, or a
 * `"provider/model"` string such as `"openai/gpt-4o"` resolved through a {@link ProviderRegistry}.
 */
export type ModelReference = LanguageModelV4 | string;

/** Which model produced a step. */
export interface ModelInfo {
  /** Provider id, e.g. `openai.responses`. */
  readonly provider: string;
  /** Model id, e.g. `gpt-4o`. */
  readonly modelId: string;
}

/** Whether a value is an AI SDK v4 language model (the spec `ai@7` providers implement). */
export function isLanguageModelV4(value: unknown): value is LanguageModelV4 {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { specificationVersion?: unknown }).specificationVersion === "v4" &&
    typeof (value as { doStream?: unknown }).doStream === "function" &&
    typeof (value as { doGenerate?: unknown }).doGenerate === "function"
  );
}

/** Provider and model id of a model. */
export function modelInfoOf(model: Pick<LanguageModelV4, "provider" | "modelId">): ModelInfo {
  return { provider: model.provider, modelId: model.modelId };
}

/** AI SDK generation whose provider packages implement each language-model spec version. */
const AI_SDK_OF_SPEC: Readonly<Record<string, string>> = { v1: "AI SDK 4", v2: "AI SDK 5", v3: "AI SDK 6" };

/**
 * The provider package majors that implement spec v4, by package. Kept in step with the
 * `peerDependencies` ranges of `@flowmaestro/runtime`.
 */
export const PROVIDER_PACKAGE_RANGES: Readonly<Record<string, string>> = {
  "@ai-sdk/openai": "^4",
  "@ai-sdk/anthropic": "^4",
  "@ai-sdk/google": "^4",
  "@ai-sdk/cohere": "^4",
  "@ai-sdk/mistral": "^4",
  "@ai-sdk/groq": "^4",
  "@ai-sdk/openai-compatible": "^3",
};

/**
 * For a model object of another spec version: what it is and what to install instead, e.g.
 * `a v3 model (provider "openai.chat", AI SDK 6); run: npm install @ai-sdk/openai@^4`.
 * `undefined` when the value does not look like a language model at all.
 */
export function describeOtherModelVersion(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { specificationVersion, provider } = value as { specificationVersion?: unknown; provider?: unknown };
  if (typeof specificationVersion !== "string" || specificationVersion === "v4") return undefined;
  const providerId = typeof provider === "string" ? provider : "unknown";
  const generation = AI_SDK_OF_SPEC[specificationVersion];
  const packageName = `@ai-sdk/${providerId.split(".")[0]}`;
  const range = PROVIDER_PACKAGE_RANGES[packageName];
  const install = range
    ? `run: npm install ${packageName}@${range}`
    : "install the release of its provider package that targets ai@7 (language-model spec v4)";
  return `a ${specificationVersion} model (provider "${providerId}"${generation ? `, ${generation}` : ""}); ${install}`;
}
