import type { LanguageModelV4 } from "@ai-sdk/provider";
import { ProviderNotInstalledError } from "../errors/provider-not-installed-error.js";
import { UnknownProviderError } from "../errors/unknown-provider-error.js";

/** Creates a model of one provider from a model id, e.g. `gpt-4o`. */
export type ProviderFactory = (modelId: string) => LanguageModelV4 | PromiseLike<LanguageModelV4>;

/** Resolves `"provider/model"` strings to AI SDK models. */
export interface ProviderRegistry {
  /** Registers (or replaces) a provider under `id`. */
  register(id: string, factory: ProviderFactory): void;
  /** Whether a provider is registered under `id`. */
  has(id: string): boolean;
  /** Registered provider ids. */
  ids(): string[];
  /**
   * Resolves `"provider/model"` to a model. Throws {@link UnknownProviderError} for an unknown
   * provider and {@link ProviderNotInstalledError} when its package is missing.
   */
  resolve(reference: string): Promise<LanguageModelV4>;
}

/** Options of {@link createOpenAICompatibleProvider}. */
export interface OpenAICompatibleProviderOptions {
  /** Provider name reported in results, e.g. `ollama`. */
  name: string;
  /** Base URL of the server's OpenAI-compatible API, e.g. `http://127.0.0.1:11434/v1`. */
  baseURL: string;
  /** API key, if the server wants one. */
  apiKey?: string;
}

/** @internal Loads an optional peer package, turning "not found" into an actionable error. */
export type PackageImporter = (packageName: string) => Promise<Record<string, unknown>>;

const importPackage: PackageImporter = (packageName) =>
  import(packageName) as Promise<Record<string, unknown>>;

/** @internal Exposed for tests that simulate a missing peer. */
export async function loadProviderPackage(
  provider: string,
  packageName: string,
  importer: PackageImporter = importPackage,
): Promise<Record<string, unknown>> {
  try {
    return await importer(packageName);
  } catch (cause) {
    const code = (cause as { code?: string } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new ProviderNotInstalledError({ provider, packageName, cause });
    }
    throw cause;
  }
}

function fromPackage(provider: string, packageName: string, exportName: string, importer?: PackageImporter) {
  return async (modelId: string): Promise<LanguageModelV4> => {
    const module = await loadProviderPackage(provider, packageName, importer);
    const create = module[exportName] as ((id: string) => LanguageModelV4) | undefined;
    if (typeof create !== "function") {
      throw new ProviderNotInstalledError({
        provider,
        packageName: `${packageName}@latest (export ${exportName} missing)`,
      });
    }
    return create(modelId);
  };
}

/**
 * A provider for any server that speaks the OpenAI chat API (Ollama, LM Studio, vLLM, llama.cpp).
 * Needs the optional peer `@ai-sdk/openai-compatible`.
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): ProviderFactory {
  return async (modelId) => {
    const module = await loadProviderPackage(options.name, "@ai-sdk/openai-compatible");
    const create = module.createOpenAICompatible as (
      settings: Record<string, unknown>,
    ) => (id: string) => LanguageModelV4;
    return create({
      name: options.name,
      baseURL: options.baseURL,
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    })(modelId);
  };
}

/** The providers every registry starts with, and the optional peer package each one needs. */
export const BUILT_IN_PROVIDERS: Readonly<Record<string, { packageName: string; exportName: string }>> = {
  openai: { packageName: "@ai-sdk/openai", exportName: "openai" },
  anthropic: { packageName: "@ai-sdk/anthropic", exportName: "anthropic" },
  google: { packageName: "@ai-sdk/google", exportName: "google" },
  cohere: { packageName: "@ai-sdk/cohere", exportName: "cohere" },
  mistral: { packageName: "@ai-sdk/mistral", exportName: "mistral" },
  groq: { packageName: "@ai-sdk/groq", exportName: "groq" },
};

/**
 * Creates a registry holding the built-in providers (openai, anthropic, google, cohere, mistral,
 * groq, and `ollama` on `OLLAMA_BASE_URL` or `http://127.0.0.1:11434/v1`). Keys come from each
 * provider's usual environment variable (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, …).
 */
export function createProviderRegistry(options: { importer?: PackageImporter } = {}): ProviderRegistry {
  const factories = new Map<string, ProviderFactory>();
  for (const [id, spec] of Object.entries(BUILT_IN_PROVIDERS)) {
    factories.set(id, fromPackage(id, spec.packageName, spec.exportName, options.importer));
  }
  factories.set(
    "ollama",
    createOpenAICompatibleProvider({
      name: "ollama",
      baseURL: process.env.OLLAMA_BASE_URL ?? "http://127.0.0.1:11434/v1",
    }),
  );
  return {
    register(id, factory) {
      factories.set(id, factory);
    },
    has: (id) => factories.has(id),
    ids: () => [...factories.keys()],
    async resolve(reference) {
      const { provider, modelId } = splitModelString(reference);
      const factory = factories.get(provider);
      if (!factory) throw new UnknownProviderError({ provider, availableProviders: [...factories.keys()] });
      return factory(modelId);
    },
  };
}

/** @internal Splits `"provider/model-id"`; the model id may itself contain slashes. */
export function splitModelString(reference: string): { provider: string; modelId: string } {
  const slash = reference.indexOf("/");
  return slash <= 0
    ? { provider: reference, modelId: "" }
    : { provider: reference.slice(0, slash), modelId: reference.slice(slash + 1) };
}

/** The registry runtimes use unless they are given another. */
export const defaultProviderRegistry: ProviderRegistry = createProviderRegistry();
