import { describe, expect, it } from "vitest";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
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

  it("resolves an installed provider's model synchronously (openai is a dev dependency here)", () => {
    const model = createProviderRegistry().resolve("openai/gpt-4o-mini");
    expect(model.specificationVersion).toBe("v4");
    expect(model.modelId).toBe("gpt-4o-mini");
    expect(model.provider).toMatch(/^openai/);
  });

  it("resolves an OpenAI-compatible local server (ollama)", () => {
    const model = createProviderRegistry({ ollamaBaseURL: "http://127.0.0.1:1/v1" }).resolve(
      "ollama/llama3.2",
    );
    expect(model.modelId).toBe("llama3.2");
    expect(model.provider).toMatch(/^ollama/);
  });

  it("names the package and the version range to install when a provider's peer is missing", () => {
    const missing = Object.assign(new Error("Cannot find module '@ai-sdk/anthropic'"), {
      code: "MODULE_NOT_FOUND",
    });
    const registry = createProviderRegistry({
      loadPackage: () => {
        throw missing;
      },
    });
    const failure = (() => {
      try {
        registry.resolve("anthropic/claude-sonnet-4-5");
      } catch (error) {
        return error;
      }
    })();
    expect(ProviderNotInstalledError.isInstance(failure)).toBe(true);
    expect((failure as ProviderNotInstalledError).packageName).toBe("@ai-sdk/anthropic@^4");
    expect((failure as Error).message).toContain("npm install @ai-sdk/anthropic@^4");
  });

  it("does not blame the provider for a missing dependency of its own", () => {
    const nested = Object.assign(new Error("Cannot find module 'some-dependency'"), {
      code: "MODULE_NOT_FOUND",
    });
    const registry = createProviderRegistry({
      loadPackage: () => {
        throw nested;
      },
    });
    expect(() => registry.resolve("openai/gpt-4o")).toThrow(nested);
  });

  it("rejects a provider package of an older AI SDK generation, naming the release to install", () => {
    const v3 = {
      specificationVersion: "v3",
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate() {},
      doStream() {},
    };
    const registry = createProviderRegistry({ loadPackage: () => ({ openai: () => v3 }) });
    try {
      registry.resolve("openai/gpt-4o");
      expect.unreachable();
    } catch (error) {
      expect(InvalidDefinitionError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain("AI SDK 6");
      expect((error as Error).message).toContain("npm install @ai-sdk/openai@^4");
    }
  });

  it("rejects unknown providers and accepts registered ones", () => {
    const registry = createProviderRegistry();
    expect(() => registry.resolve("acme/x")).toThrow(expect.objectContaining({ code: "UNKNOWN_PROVIDER" }));
    try {
      registry.resolve("acme/x");
    } catch (error) {
      expect(UnknownProviderError.isInstance(error)).toBe(true);
      // It tells how to register one, with the API that exists.
      expect((error as Error).message).toContain("createProviderRegistry()");
      expect((error as Error).message).toContain('providers.register("acme"');
      expect((error as Error).message).not.toContain("registerProvider");
    }
    const scripted = createScriptedModel({ turns: [] });
    registry.register("acme", () => scripted);
    expect(registry.resolve("acme/x")).toBe(scripted);
  });

  it("keeps slashes inside model ids", () => {
    expect(splitModelString("groq/meta-llama/llama-4")).toEqual({
      provider: "groq",
      modelId: "meta-llama/llama-4",
    });
  });
});
