import type { LanguageModelV4 } from "@ai-sdk/provider";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import { ProviderNotInstalledError } from "../errors/provider-not-installed-error.js";
import { UnknownProviderError } from "../errors/unknown-provider-error.js";
import { describeOtherModelVersion, isLanguageModelV4, PROVIDER_PACKAGE_RANGES } from "./model-reference.js";

/** Creates a model of one provider from a model id, e.g. `gpt-4o`. */
export type ProviderFactory = (modelId: string) => LanguageModelV4;

/**
 * Resolves `"provider/model"` strings to AI SDK models. Resolution is synchronous, so
 * `createAgent` resolves every model string when the agent is defined: a missing provider package
 * fails at start-up, not on the first request.
 */
export interface ProviderRegistry {
  /** Registers (or replaces) a provider under `id`. */
  register(id: string, factory: ProviderFactory): void;
  /** Whether a provider is registered under `id`. */
  has(id: string): boolean;
  /** Registered provider ids. */
  ids(): string[];
  /**
   * Resolves `"provider/model"` to a model. Throws {@link UnknownProviderError} for an unknown
   * provider, {@link ProviderNotInstalledError} when its package is missing, and
   * {@link InvalidDefinitionError} when the factory returns something other than an AI SDK v4
   * language model (e.g. a provider package of an older AI SDK generation).
   */
  resolve(reference: string): LanguageModelV4;
}

/** Loads an optional peer package by name, synchronously (`require`); throws when it is missing. */
export type PackageLoader = (packageName: string) => Record<string, unknown>;

/** Options of {@link createProviderRegistry}. */
export interface ProviderRegistryOptions {
  /**
   * How provider packages are loaded. The default uses Node's `require` (which loads the
   * packages' CommonJS builds, or their ESM builds through `require(esm)` on Node 22).
   */
  loadPackage?: PackageLoader;
  /** Base URL of the built-in `ollama` provider. @default process.env.OLLAMA_BASE_URL ?? "http://127.0.0.1:11434/v1" */
  ollamaBaseURL?: string;
}

/** Options of {@link createOpenAICompatibleProvider}. */
export interface OpenAICompatibleProviderOptions {
  /** Provider name reported in results, e.g. `ollama`. */
  name: string;
  /** Base URL of the server's OpenAI-compatible API, e.g. `http://127.0.0.1:11434/v1`. */
  baseURL: string;
  /** API key, if the server wants one. */
  apiKey?: string;
  /** How `@ai-sdk/openai-compatible` is loaded. @default Node's `require` */
  loadPackage?: PackageLoader;
}

const requirePackage: PackageLoader = (packageName) => {
  const nodeModule = (
    globalThis.process as
      | {
          getBuiltinModule?: (id: string) => {
            createRequire(path: string): (id: string) => Record<string, unknown>;
          };
        }
      | undefined
  )?.getBuiltinModule?.("module");
  if (!nodeModule) {
    throw new Error(
      `Cannot load ${packageName}: "provider/model" strings need Node 22 (process.getBuiltinModule); pass an AI SDK model instance instead.`,
    );
  }
  return nodeModule.createRequire(import.meta.url)(packageName);
};

function loadProviderPackage(provider: string, packageName: string, load: PackageLoader) {
  try {
    return load(packageName);
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    const message = cause instanceof Error ? cause.message : "";
    // Only this package missing, not one of its own dependencies.
    if ((code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") && message.includes(packageName)) {
      const range = PROVIDER_PACKAGE_RANGES[packageName];
      throw new ProviderNotInstalledError({
        provider,
        packageName: range ? `${packageName}@${range}` : packageName,
        cause,
      });
    }
    throw cause;
  }
}

function checkModel(model: unknown, reference: string): LanguageModelV4 {
  if (isLanguageModelV4(model)) return model;
  throw new InvalidDefinitionError({
    issues: [
      {
        field: "model",
        expected: `an AI SDK v4 language model for "${reference}"`,
        received: describeOtherModelVersion(model) ?? typeof model,
      },
    ],
  });
}

function fromPackage(provider: string, packageName: string, exportName: string, load: PackageLoader) {
  return (modelId: string): LanguageModelV4 => {
    const module = loadProviderPackage(provider, packageName, load);
    const create = module[exportName] as ((id: string) => unknown) | undefined;
    if (typeof create !== "function") {
      throw new ProviderNotInstalledError({
        provider,
        packageName: `${packageName}@${PROVIDER_PACKAGE_RANGES[packageName] ?? "latest"} (its export \`${exportName}\` is missing)`,
      });
    }
    return checkModel(create(modelId), `${provider}/${modelId}`);
  };
}

/**
 * A provider for any server that speaks the OpenAI chat API (Ollama, LM Studio, vLLM, llama.cpp).
 * Needs the optional peer `@ai-sdk/openai-compatible` (^3).
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): ProviderFactory {
  return (modelId) => {
    const module = loadProviderPackage(
      options.name,
      "@ai-sdk/openai-compatible",
      options.loadPackage ?? requirePackage,
    );
    const create = module.createOpenAICompatible as (
      settings: Record<string, unknown>,
    ) => (id: string) => unknown;
    const model = create({
      name: options.name,
      baseURL: options.baseURL,
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    })(modelId);
    return checkModel(model, `${options.name}/${modelId}`);
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
 *
 * @example
 * ```ts
 * const providers = createProviderRegistry();
 * providers.register("acme", (modelId) => createAcme({ apiKey })(modelId));
 * createAgent({ runtime, providers, name: "a", model: "acme/turbo-1" });
 * ```
 */
export function createProviderRegistry(options: ProviderRegistryOptions = {}): ProviderRegistry {
  const load = options.loadPackage ?? requirePackage;
  const factories = new Map<string, ProviderFactory>();
  for (const [id, spec] of Object.entries(BUILT_IN_PROVIDERS)) {
    factories.set(id, fromPackage(id, spec.packageName, spec.exportName, load));
  }
  factories.set(
    "ollama",
    createOpenAICompatibleProvider({
      name: "ollama",
      baseURL: options.ollamaBaseURL ?? process.env.OLLAMA_BASE_URL ?? "http://127.0.0.1:11434/v1",
      loadPackage: load,
    }),
  );
  return {
    register(id, factory) {
      factories.set(id, factory);
    },
    has: (id) => factories.has(id),
    ids: () => [...factories.keys()],
    resolve(reference) {
      const { provider, modelId } = splitModelString(reference);
      const factory = factories.get(provider);
      if (!factory) throw new UnknownProviderError({ provider, availableProviders: [...factories.keys()] });
      return checkModel(factory(modelId), reference);
    },
  };
}

/** Splits `"provider/model-id"`; the model id may itself contain slashes. */
export function splitModelString(reference: string): { provider: string; modelId: string } {
  const slash = reference.indexOf("/");
  return slash <= 0
    ? { provider: reference, modelId: "" }
    : { provider: reference.slice(0, slash), modelId: reference.slice(slash + 1) };
}

/** The registry `createAgent` uses unless it is given another. */
export const defaultProviderRegistry: ProviderRegistry = createProviderRegistry();
