import type { LanguageModelV4Usage } from "@ai-sdk/provider";
import type { TokenUsage } from "../run-result.js";

/** Usage of nothing. */
export const EMPTY_USAGE: TokenUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  reasoningTokens: 0,
  cachedInputTokens: 0,
});

/** Converts the AI SDK's usage report, counting unreported numbers as 0. */
export function fromModelUsage(usage: LanguageModelV4Usage | undefined): TokenUsage {
  if (!usage) return EMPTY_USAGE;
  const inputTokens = usage.inputTokens?.total ?? 0;
  const outputTokens = usage.outputTokens?.total ?? 0;
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    reasoningTokens: usage.outputTokens?.reasoning ?? 0,
    cachedInputTokens: usage.inputTokens?.cacheRead ?? 0,
  };
}

/** Adds two usages. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
  };
}
