import type { ModelMessage } from "ai";
import type { AgentSdkError } from "./errors/agent-sdk-error.js";
import type { ModelInfo } from "./models/model-reference.js";

/**
 * How a run ended.
 * - `completed`: the model answered without requesting more tools.
 * - `max_iterations`: the iteration limit was reached while the model still called tools.
 * - `aborted`: the caller's `AbortSignal` fired.
 * - `failed`: the model call failed; see `error`.
 */
export type RunStatus = "completed" | "max_iterations" | "aborted" | "failed";

/** Why a model call stopped, as the AI SDK reports it (`interrupted`: aborted). */
export type FinishReason =
  | "stop"
  | "length"
  | "content-filter"
  | "tool-calls"
  | "error"
  | "interrupted"
  | "other";

/** Token counts. Providers that do not report a number count as 0. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Output tokens spent on reasoning, when reported. */
  readonly reasoningTokens: number;
  /** Input tokens read from the provider's prompt cache, when reported. */
  readonly cachedInputTokens: number;
}

/** One tool call the model made. */
export interface ToolCallRecord {
  readonly toolCallId: string;
  readonly toolName: string;
  /** Arguments as the model sent them (parsed JSON). */
  readonly input: unknown;
}

/** The outcome of one tool call: `output` on success, `error` otherwise. */
export interface ToolResultRecord {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: AgentSdkError;
  readonly isError: boolean;
}

/** One model call and the tool calls it requested. */
export interface StepResult {
  /** Counts from 0. */
  readonly index: number;
  /** The model that answered (after any retries and fallbacks). */
  readonly model: ModelInfo;
  readonly text: string;
  readonly toolCalls: readonly ToolCallRecord[];
  /** In the order of `toolCalls`. */
  readonly toolResults: readonly ToolResultRecord[];
  readonly finishReason: FinishReason;
  readonly usage: TokenUsage;
}

/** What a run produced. */
export interface RunResult {
  readonly runId: string;
  readonly status: RunStatus;
  /** Text of the last step: the final answer when `status` is `completed`. */
  readonly text: string;
  readonly steps: readonly StepResult[];
  /** Summed over all steps. */
  readonly usage: TokenUsage;
  /** Finish reason of the last step (`interrupted` when aborted before any step ended). */
  readonly finishReason: FinishReason;
  /**
   * Messages this run added to the conversation (assistant and tool messages), ready to append
   * to the input for the next turn. Tool calls that never got a result are left out.
   */
  readonly messages: readonly ModelMessage[];
  /** Set when `status` is not `completed`. */
  readonly error?: AgentSdkError;
}
