import type { SharedV4Warning } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import type { AgentSdkError } from "./errors/agent-sdk-error.js";
import type { ModelInfo } from "./models/model-reference.js";

/**
 * How a run ended.
 * - `completed`: the model answered without requesting more tools.
 * - `max_iterations`: the iteration limit was reached while the model still called tools.
 * - `aborted`: the caller's `AbortSignal` fired.
 * - `failed`: the model call failed, a storage write failed, or the structured output was invalid;
 *   see `error`.
 * - `suspended`: tool calls wait for approval (see `pendingApprovals`); the run's state is stored and
 *   `agent.resume(runId, decisions)` continues it.
 * - `budget_exceeded`: the run's token or cost budget was used up (checked after each model call).
 */
export type RunStatus =
  | "completed"
  | "max_iterations"
  | "aborted"
  | "failed"
  | "suspended"
  | "budget_exceeded";

/** A tool call that waits for a decision (see {@link RunResult.pendingApprovals}). */
export interface PendingApproval {
  /** Id the decision refers to. */
  readonly approvalId: string;
  readonly toolCallId: string;
  readonly toolName: string;
  /** The validated arguments the call will run with once approved. */
  readonly input: unknown;
}

/** The decision on one {@link PendingApproval}, passed to `agent.resume`. */
export interface ApprovalDecision {
  readonly approvalId: string;
  readonly approved: boolean;
  /** Why (mostly for a decline): the model sees it with the declined call. */
  readonly reason?: string | undefined;
}

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

/**
 * A warning from the provider about a call, e.g. a setting the model does not support (the AI
 * SDK's `SharedV4Warning`: `{ type: "unsupported", feature, details? }` and friends).
 */
export type ModelWarning = SharedV4Warning;

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
  /** Answer text of this step (partial when the step was interrupted). */
  readonly text: string;
  /** Reasoning text the model showed in this step (empty when it showed none). */
  readonly reasoningText: string;
  readonly toolCalls: readonly ToolCallRecord[];
  /** One outcome per tool call, in the order of `toolCalls`. */
  readonly toolResults: readonly ToolResultRecord[];
  /**
   * Why the model stopped; `interrupted` when the run was aborted during this step, `error` when
   * the model call failed during it. An interrupted or failed step's messages are not in
   * {@link RunResult.messages}.
   */
  readonly finishReason: FinishReason;
  readonly usage: TokenUsage;
  /** Warnings the provider reported for this step's call. */
  readonly warnings: readonly ModelWarning[];
  /** Cost of this step in US dollars from the agent's price table; `undefined` when its model has no price. */
  readonly costUsd: number | undefined;
  /**
   * Usage of nested runs this step's tool calls started (agents used as tools, reported through
   * `context.run.addUsage`), summed; absent when there was none. Not in {@link usage}, which is
   * this step's own model call; both count in the run's `usage` and budget.
   */
  readonly nestedUsage?: TokenUsage;
  /** Cost of {@link nestedUsage} in US dollars; `undefined` when part of it has no price. Absent with it. */
  readonly nestedCostUsd?: number | undefined;
}

/** What a run produced. */
export interface RunResult<OUTPUT = unknown> {
  readonly runId: string;
  readonly status: RunStatus;
  /**
   * Text of the last step: the final answer when `status` is `completed`; the partial text of the
   * interrupted step when the run was aborted or failed mid-answer.
   */
  readonly text: string;
  readonly steps: readonly StepResult[];
  /**
   * Summed over all steps (of this run; a resumed run counts its own steps), nested runs included:
   * each step's `usage` plus its `nestedUsage` (agents used as tools).
   */
  readonly usage: TokenUsage;
  /**
   * Summed cost in US dollars from the agent's price table, nested runs included (`costUsd` plus
   * `nestedCostUsd` of each step); `undefined` when a model used has no price (see `pricing`).
   */
  readonly costUsd: number | undefined;
  /**
   * The validated structured output, when the agent has an `outputSchema` and the run completed.
   * A final answer that fails the schema fails the run with `INVALID_OUTPUT`.
   */
  readonly output?: OUTPUT;
  /** The tool calls waiting for a decision, when `status` is `suspended` (else empty). */
  readonly pendingApprovals: readonly PendingApproval[];
  /** Finish reason of the last step (`interrupted` when aborted before any step ended). */
  readonly finishReason: FinishReason;
  /**
   * Messages this run added to the conversation (assistant and tool messages), ready to append
   * to the input for the next turn, whatever the status. They hold every finished step, each
   * assistant message with its parts as the provider produced them (reasoning, text, tool calls,
   * with their `providerOptions`: signatures, item ids) followed by the tool results. A step that
   * did not finish (aborted, or its model call failed) is left out, so the conversation is always
   * safe to send to a model again; its partial output is in `steps` and `text`. The step a run
   * suspends in is left out too: its messages (the tool calls and their outcomes) open the resumed
   * run's `messages`.
   */
  readonly messages: readonly ModelMessage[];
  /** Warnings the provider reported, over all steps. */
  readonly warnings: readonly ModelWarning[];
  /** Set when `status` is neither `completed` nor `suspended`. */
  readonly error?: AgentSdkError;
}
