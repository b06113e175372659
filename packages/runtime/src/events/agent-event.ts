import type { AgentSdkError } from "../errors/agent-sdk-error.js";
import type { ModelInfo } from "../models/model-reference.js";
import type { FinishReason, ModelWarning, RunResult, TokenUsage } from "../run-result.js";

/** Fields every event carries. */
interface EventBase {
  /** Id of the run. */
  readonly runId: string;
}

/** First event of every run. */
export interface RunStartEvent extends EventBase {
  readonly type: "run-start";
  readonly agentId: string;
  /** Name of the runtime running the agent, e.g. `legacy`. */
  readonly runtime: string;
}

/** A model call begins. `step` counts from 0. */
export interface StepStartEvent extends EventBase {
  readonly type: "step-start";
  readonly step: number;
  /** The model tried first (with fallbacks, `step-end` says which one answered). */
  readonly model: ModelInfo;
}

/** A piece of the model's answer text. */
export interface TextDeltaEvent extends EventBase {
  readonly type: "text-delta";
  readonly step: number;
  readonly delta: string;
}

/** A piece of the model's visible reasoning (thinking), for models and providers that show it. */
export interface ReasoningDeltaEvent extends EventBase {
  readonly type: "reasoning-delta";
  readonly step: number;
  readonly delta: string;
}

/** The model called a tool; `input` is the parsed (not yet validated) argument object. */
export interface ToolCallEvent extends EventBase {
  readonly type: "tool-call";
  readonly step: number;
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: unknown;
}

/** A tool call succeeded. */
export interface ToolResultEvent extends EventBase {
  readonly type: "tool-result";
  readonly step: number;
  readonly toolCallId: string;
  readonly toolName: string;
  readonly output: unknown;
}

/**
 * A tool call failed (unknown tool, invalid arguments, the tool threw or timed out). The error
 * is sent back to the model and the run goes on.
 */
export interface ToolErrorEvent extends EventBase {
  readonly type: "tool-error";
  readonly step: number;
  readonly toolCallId: string;
  readonly toolName: string;
  readonly error: AgentSdkError;
}

/** A model call and its tool calls are finished (or were interrupted by an abort). */
export interface StepEndEvent extends EventBase {
  readonly type: "step-end";
  readonly step: number;
  /** The model that answered this step. */
  readonly model: ModelInfo;
  readonly finishReason: FinishReason;
  readonly usage: TokenUsage;
  /** Text the model produced in this step. */
  readonly text: string;
  /** Warnings the provider reported for this step's call. */
  readonly warnings: readonly ModelWarning[];
}

/** The run failed; followed by `run-end` with status `failed`. */
export interface ErrorEvent extends EventBase {
  readonly type: "error";
  readonly error: AgentSdkError;
}

/** Last event of every run, whatever its status. */
export interface RunEndEvent extends EventBase {
  readonly type: "run-end";
  readonly result: RunResult;
}

/**
 * Events of a run, in this order on every runtime:
 *
 * 1. `run-start`, once, first.
 * 2. Per step: `step-start`; then `reasoning-delta`s, `text-delta`s and `tool-call`s in the order
 *    the model produced them; then one `tool-result` or `tool-error` per tool call, in completion
 *    order, each after its `tool-call` (a call the run ended before gets an `ABORTED` tool-error);
 *    then `step-end`.
 * 3. `error`, only when the run failed.
 * 4. `run-end`, once, last.
 */
export type AgentEvent =
  | RunStartEvent
  | StepStartEvent
  | TextDeltaEvent
  | ReasoningDeltaEvent
  | ToolCallEvent
  | ToolResultEvent
  | ToolErrorEvent
  | StepEndEvent
  | ErrorEvent
  | RunEndEvent;

/** Every event `type`. */
export type AgentEventType = AgentEvent["type"];
