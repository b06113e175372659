import type { UIMessage, UIMessageChunk } from "ai";
import type { AgentSdkErrorCode } from "../errors/agent-sdk-error.js";
import type { RunStatus, TokenUsage } from "../run-result.js";

/**
 * Metadata of the assistant message a run streams (`message.metadata` on the client). Sent on the
 * `start` chunk and updated on `finish`; {@link approvalDecisionsFrom} reads `runId` from it to know
 * which suspended run the client's approvals belong to.
 */
export interface RunMessageMetadata {
  /** Id of the run that produced (or last continued) the message. */
  readonly runId: string;
  /** The memory thread of the run, when the host passed `threadId`. */
  readonly threadId?: string;
  /** Id of the agent. */
  readonly agentId?: string;
  /** `running` until the run ends, then its {@link RunStatus}. */
  readonly status?: RunStatus | "running";
  /** Extra fields from the `messageMetadata` option. */
  readonly [key: string]: unknown;
}

/**
 * Payload of the `data-run` part: the run's id, status and, at the end, usage and cost. A
 * transient `data-run` (status `running`) is sent when the run starts (it reaches `onData` on the
 * client, not the message); the final one, with id `run-<runId>`, is kept in the message.
 */
export interface RunUIData {
  readonly runId: string;
  /** The memory thread of the run, when the host passed `threadId`. */
  readonly threadId?: string;
  /** `running` on the transient start part; the run's status on the final part. */
  readonly status: RunStatus | "running";
  /** `true` when this run continued a suspended run. */
  readonly resumed: boolean;
  /** Tokens used by this run (the final part only). */
  readonly usage?: TokenUsage;
  /** Cost of this run in US dollars (the final part only; absent when a model has no price). */
  readonly costUsd?: number;
  /**
   * Why the run did not complete (`failed`, `aborted`, `max_iterations`, `budget_exceeded`): the
   * error's code and message, never its cause.
   */
  readonly error?: { readonly code: AgentSdkErrorCode; readonly message: string };
}

/**
 * The `data-*` parts a run stream carries: `data-run` ({@link RunUIData}) and `data-object` (the
 * structured output: partial while it streams, the validated object at the end; one part per run,
 * id `object-<runId>`).
 */
export type RunUIDataTypes = {
  run: RunUIData;
  object: unknown;
};

/**
 * The UI message a run streams, for typing `useChat<RunUIMessage>()` and `readUIMessageStream`.
 * Tool parts are typed loosely (`tool-<name>` with unknown input and output).
 */
export type RunUIMessage = UIMessage<RunMessageMetadata, RunUIDataTypes>;

/** A chunk of the AI SDK 7 UI message stream protocol, as {@link toUIMessageStream} produces it. */
export type RunUIMessageChunk = UIMessageChunk<RunMessageMetadata, RunUIDataTypes>;
