import type { LanguageModelV4 } from "@ai-sdk/provider";
import { defaultProviderRegistry, type MemoryStrategySettings } from "@flowmaestro/runtime";
import { DEFAULT_LAST_MESSAGES } from "../strategies/buffer.js";
import { DEFAULT_SUMMARY_KEEP_MESSAGES, DEFAULT_SUMMARY_TRIGGER_MESSAGES } from "../strategies/summary.js";
import type { MemorySettings } from "./stored-memory-settings.js";

/** Options of {@link memoryStrategiesFromStored}. */
export interface MemoryStrategiesFromStoredOptions {
  /**
   * Resolves a stored `"provider/model"` (the summary model) to a language model.
   * @default defaultProviderRegistry.resolve from `@flowmaestro/runtime`
   */
  resolveModel?: (reference: string) => LanguageModelV4;
}

/** What {@link memoryStrategiesFromStored} returns. */
export interface StoredMemoryStrategies {
  /** The strategy settings: spread them into `createMemory({ ...strategies, storage, embedder })`. */
  readonly strategies: MemoryStrategySettings;
  /**
   * The stored embedding model (`"provider/model"`) of vector settings, for the host to resolve
   * and pass as `createMemory`'s `embedder`; `undefined` when none is stored (choose one).
   */
  readonly embeddingModel: string | undefined;
}

/**
 * Maps stored FlowMaestro memory settings (see {@link parseMemorySettings}) onto `createMemory`'s
 * strategy settings:
 *
 * - `buffer` → `lastMessages: maxMessages`.
 * - `summary` → `summary: { keepMessages: maxMessages, triggerMessages, model }`, the model resolved
 *   from `summaryModel` (unset: the run's model). `triggerMessages` is the default 40, or twice
 *   `keepMessages` when that is more; `lastMessages` is set to it, so no message outside the summary
 *   is ever left out of the history.
 * - `vector` → `semanticRecall: { topK, scope }` (the buffer keeps its default); `embeddingModel`
 *   is reported, not resolved: embedding models come from the host.
 *
 * @throws the resolver's error for a summary model it cannot resolve (e.g. `UNKNOWN_PROVIDER`).
 *
 * @example
 * ```ts
 * const { definition, memory: stored } = fromStoredAgent(row, context);
 * const { strategies, embeddingModel } = stored ? memoryStrategiesFromStored(stored) : { strategies: {}, embeddingModel: undefined };
 * const memory = createMemory({ ...strategies, embedder: embeddingModel ? myEmbedder(embeddingModel) : undefined });
 * ```
 */
export function memoryStrategiesFromStored(
  settings: MemorySettings,
  options: MemoryStrategiesFromStoredOptions = {},
): StoredMemoryStrategies {
  switch (settings.type) {
    case "buffer":
      return {
        strategies: settings.maxMessages === undefined ? {} : { lastMessages: settings.maxMessages },
        embeddingModel: undefined,
      };
    case "summary": {
      const keepMessages = settings.maxMessages ?? DEFAULT_SUMMARY_KEEP_MESSAGES;
      const triggerMessages = Math.max(DEFAULT_SUMMARY_TRIGGER_MESSAGES, keepMessages * 2);
      const resolve =
        options.resolveModel ?? ((reference: string) => defaultProviderRegistry.resolve(reference));
      const model = settings.summaryModel === undefined ? undefined : resolve(settings.summaryModel);
      return {
        strategies: {
          lastMessages: Math.max(DEFAULT_LAST_MESSAGES, triggerMessages),
          summary: { keepMessages, triggerMessages, ...(model === undefined ? {} : { model }) },
        },
        embeddingModel: undefined,
      };
    }
    case "vector":
      return {
        strategies: {
          semanticRecall: {
            ...(settings.topK === undefined ? {} : { topK: settings.topK }),
            ...(settings.scope === undefined ? {} : { scope: settings.scope }),
          },
        },
        embeddingModel: settings.embeddingModel,
      };
  }
}
