import type { ModelReference } from "@flowmaestro/runtime";

/** Real models used when their key is set, in this order. Override with FLOWMAESTRO_MODEL=provider/model. */
const BY_KEY: Array<[envVar: string, model: string]> = [
  ["OPENAI_API_KEY", "openai/gpt-4o-mini"],
  ["ANTHROPIC_API_KEY", "anthropic/claude-haiku-4-5"],
  ["GOOGLE_GENERATIVE_AI_API_KEY", "google/gemini-2.5-flash"],
];

/**
 * Picks a real model when a provider key is in the environment, otherwise the given scripted
 * fallback, and says which in one line.
 */
export function pickModel(scripted: () => ModelReference): ModelReference {
  const explicit = process.env.FLOWMAESTRO_MODEL;
  if (explicit) {
    console.log(`Model: ${explicit} (from FLOWMAESTRO_MODEL)`);
    return explicit;
  }
  for (const [envVar, model] of BY_KEY) {
    if (process.env[envVar]) {
      console.log(`Model: ${model} (${envVar} is set)`);
      return model;
    }
  }
  console.log(
    "Model: scripted (no provider key set; set OPENAI_API_KEY or another provider's key to use a real model)",
  );
  return scripted();
}
