import { describe, expect, it } from "vitest";
import { providerFamily } from "./provider-family.js";

describe("providerFamily", () => {
  it.each([
    ["openai.responses", "openai"],
    ["openai.chat", "openai"],
    ["openai.completion", "openai"],
    ["azure.chat", "openai"],
    ["azure-openai.responses", "openai"],
    ["google.generative-ai", "gemini"],
    ["google.vertex.chat", "gemini"],
    ["anthropic.messages", "anthropic"],
    ["vertex.anthropic.messages", "anthropic"],
    ["bedrock.anthropic.messages", "anthropic"],
    ["groq.chat", "other"],
    ["mistral.chat", "other"],
    ["cohere.chat", "other"],
    ["gateway", "other"],
    ["my-openai-compatible.chat", "other"],
    ["", "other"],
  ] as const)("%s → %s", (id, family) => {
    expect(providerFamily(id)).toBe(family);
  });
});
