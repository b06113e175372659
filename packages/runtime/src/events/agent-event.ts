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
  /** `true` when this run continues a suspended run (`agent.resume`); its steps continue its numbering. */
  readonly resumed: boolean;
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

/**
 * The model began a tool call whose arguments stream (providers that stream tool input). Followed
 * by `tool-input-delta`s, then the `tool-call` with the whole input.
 */
export interface ToolInputStartEvent extends EventBase {
  readonly type: "tool-input-start";
  readonly step: number;
  readonly toolCallId: string;
  readonly toolName: string;
}

/** A piece of a tool call's arguments (raw JSON text), as the model streams them. */
export interface ToolInputDeltaEvent extends EventBase {
  readonly type: "tool-input-delta";
  readonly step: number;
  readonly toolCallId: string;
  readonly delta: string;
}

/**
 * A tool call needs approval before it runs (the tool's `needsApproval`, or the agent's
 * `requireToolApproval`). The call does not run; once the step's other calls are done the run
 * ends with status `suspended`, and `agent.resume(runId, [{ approvalId, approved, reason }])`
 * continues it.
 */
export interface ToolApprovalRequestEvent extends EventBase {
  readonly type: "tool-approval-request";
  readonly step: number;
  /** Id the decision refers to. */
  readonly approvalId: string;
  readonly toolCallId: string;
  readonly toolName: string;
  /** The validated arguments the call would run with. */
  readonly input: unknown;
}

/**
 * The structured output so far (the agent has an `outputSchema`): the answer text parsed as
 * partial JSON, not yet validated. Emitted when it changes; the validated object is the result's
 * `output`.
 */
export interface ObjectDeltaEvent extends EventBase {
  readonly type: "object-delta";
  readonly step: number;
  readonly partial: unknown;
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

/**
 * An event of a nested run started by a tool call of this run (an agent used as a tool,
 * `agent.asTool()`), emitted under that call: after its `tool-call`, before its outcome. `event`
 * is the nested run's own event as that run emitted it (its own `runId`, its steps numbered from
 * 0, itself possibly a `subagent-event` of a deeper run); the nested run's events are in the
 * contract's order among themselves. Its usage and cost count in this run's `usage` and `costUsd`.
 */
export interface SubagentEvent extends EventBase {
  readonly type: "subagent-event";
  /** The step of this run whose tool call started the nested run. */
  readonly step: number;
  readonly toolCallId: string;
  readonly toolName: string;
  readonly event: AgentEvent;
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
 * 2. Per step: `step-start`; then `reasoning-delta`s, `text-delta`s (with `object-delta`s after
 *    them when the agent has an output schema), `tool-input-start`/`tool-input-delta`s and
 *    `tool-call`s in the order the model produced them; then, per tool call, after its `tool-call`:
 *    the `subagent-event`s of a nested run it started (an agent used as a tool; they may come
 *    while the model's turn still streams, interleaved with other calls' events), then one
 *    `tool-result` or `tool-error` in completion order (a call the run ended before gets an
 *    `ABORTED` tool-error), or one `tool-approval-request` for a call that waits for approval (it
 *    gets its outcome in the resumed run); then `step-end`, except for the step a run suspends in.
 *    A resumed run starts (after `run-start`) with the outcomes of the decided calls and the
 *    suspended step's `step-end`, under that step's number.
 * 3. `error`, only when the run failed.
 * 4. `run-end`, once, last.
 */
export type AgentEvent =
  | RunStartEvent
  | StepStartEvent
  | TextDeltaEvent
  | ReasoningDeltaEvent
  | ToolInputStartEvent
  | ToolInputDeltaEvent
  | ToolCallEvent
  | ToolApprovalRequestEvent
  | ObjectDeltaEvent
  | ToolResultEvent
  | ToolErrorEvent
  | SubagentEvent
  | StepEndEvent
  | ErrorEvent
  | RunEndEvent;

/** Every event `type`. */
export type AgentEventType = AgentEvent["type"];
