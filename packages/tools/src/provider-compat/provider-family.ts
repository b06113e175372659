/**
 * Families of model providers whose tool-schema dialects differ.
 *
 * - `openai`: OpenAI and Azure OpenAI (strict mode / structured outputs rules).
 * - `gemini`: Google Gemini, on the Gemini API or Vertex AI (OpenAPI 3.0 schema subset).
 * - `anthropic`: Anthropic Claude, direct or through Vertex AI / Bedrock (JSON Schema, object root).
 * - `other`: anything else; the original schema is used as it is.
 */
export type ProviderFamily = "openai" | "gemini" | "anthropic" | "other";

/**
 * Maps an AI SDK provider id (`LanguageModel.provider`, e.g. `openai.responses`,
 * `google.vertex.chat`, `anthropic.messages`) to its {@link ProviderFamily}. Matching is on
 * dot-separated segments, so `vertex.anthropic.messages` is `anthropic` (Claude on Vertex), not
 * `gemini`. Unknown ids, including OpenAI-compatible hosts such as `groq.chat` or `mistral.chat`
 * whose schema rules differ from OpenAI's, are `other`.
 *
 * @example
 * ```ts
 * providerFamily("openai.chat"); // "openai"
 * providerFamily("google.generative-ai"); // "gemini"
 * providerFamily("groq.chat"); // "other"
 * ```
 */
export function providerFamily(providerId: string): ProviderFamily {
  const segments = providerId.trim().toLowerCase().split(".");
  if (segments.includes("anthropic")) return "anthropic";
  const first = segments[0] ?? "";
  if (first === "openai" || first === "azure" || first === "azure-openai") return "openai";
  if (first === "google" || first === "vertex" || first === "gemini") return "gemini";
  return "other";
}

/** @internal True when `value` names a family rather than a provider id. */
export function isProviderFamily(value: string): value is ProviderFamily {
  return value === "openai" || value === "gemini" || value === "anthropic" || value === "other";
}
