import { describe, expect, it } from "vitest";
import { ProviderNotInstalledError } from "../errors/provider-not-installed-error.js";
import { UnknownProviderError } from "../errors/unknown-provider-error.js";
import { createScriptedModel } from "../testing/scripted-model.js";
import { createProviderRegistry, splitModelString } from "./provider-registry.js";

describe("provider registry", () => {
  it("knows the built-in providers", () => {
    const registry = createProviderRegistry();
    for (const id of ["openai", "anthropic", "google", "cohere", "mistral", "groq", "ollama"]) {
      expect(registry.has(id)).toBe(true);
    }
  });

  it("resolves an installed provider's model (openai is a dev dependency here)", async () => {
    const model = await createProviderRegistry().resolve("openai/gpt-4o-mini");
    expect(model.specificationVersion).toBe("v4");
    expect(model.modelId).toBe("gpt-4o-mini");
    expect(model.provider).toMatch(/^openai/);
  });

  it("resolves an OpenAI-compatible local server (ollama)", async () => {
    const model = await createProviderRegistry().resolve("ollama/llama3.2");
    expect(model.modelId).toBe("llama3.2");
    expect(model.provider).toMatch(/^ollama/);
  });

  it("names the package to install when a provider's peer is missing", async () => {
    const missing = Object.assign(new Error("Cannot find package '@ai-sdk/anthropic'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const registry = createProviderRegistry({ importer: () => Promise.reject(missing) });
    const failure = await registry.resolve("anthropic/claude-sonnet-4-5").catch((error: unknown) => error);
    expect(ProviderNotInstalledError.isInstance(failure)).toBe(true);
    expect((failure as ProviderNotInstalledError).packageName).toBe("@ai-sdk/anthropic");
    expect((failure as Error).message).toContain("npm install @ai-sdk/anthropic");
  });

  it("rejects unknown providers and accepts registered ones", async () => {
    const registry = createProviderRegistry();
    await expect(registry.resolve("acme/x")).rejects.toSatisfy(UnknownProviderError.isInstance);
    const scripted = createScriptedModel({ turns: [] });
    registry.register("acme", () => scripted);
    await expect(registry.resolve("acme/x")).resolves.toBe(scripted);
  });

  it("keeps slashes inside model ids", () => {
    expect(splitModelString("groq/meta-llama/llama-4")).toEqual({
      provider: "groq",
      modelId: "meta-llama/llama-4",
    });
  });
});
