import type { RunStream } from "../../agent-runtime.js";
import { AgentSdkError } from "../../errors/agent-sdk-error.js";
import { ToolDeclinedError } from "../../errors/tool-declined-error.js";
import type { AgentEvent } from "../../events/agent-event.js";
import type { RunResult, TokenUsage } from "../../run-result.js";

/** Fake run events and results for the UI stream tests (no runtime involved). */
export const RUN_ID = "run_ui_1";
const model = { provider: "scripted", modelId: "scripted-model" };

export const usage: TokenUsage = {
  inputTokens: 10,
  outputTokens: 5,
  totalTokens: 15,
  reasoningTokens: 0,
  cachedInputTokens: 0,
};

export const ev = {
  runStart: (resumed = false): AgentEvent => ({
    type: "run-start",
    runId: RUN_ID,
    agentId: "assistant",
    runtime: "fake",
    resumed,
  }),
  stepStart: (step: number): AgentEvent => ({ type: "step-start", runId: RUN_ID, step, model }),
  text: (step: number, delta: string): AgentEvent => ({ type: "text-delta", runId: RUN_ID, step, delta }),
  reasoning: (step: number, delta: string): AgentEvent => ({
    type: "reasoning-delta",
    runId: RUN_ID,
    step,
    delta,
  }),
  inputStart: (step: number, toolCallId: string, toolName: string): AgentEvent => ({
    type: "tool-input-start",
    runId: RUN_ID,
    step,
    toolCallId,
    toolName,
  }),
  inputDelta: (step: number, toolCallId: string, delta: string): AgentEvent => ({
    type: "tool-input-delta",
    runId: RUN_ID,
    step,
    toolCallId,
    delta,
  }),
  call: (step: number, toolCallId: string, toolName: string, input: unknown): AgentEvent => ({
    type: "tool-call",
    runId: RUN_ID,
    step,
    toolCallId,
    toolName,
    input,
  }),
  approval: (
    step: number,
    approvalId: string,
    toolCallId: string,
    toolName: string,
    input: unknown,
  ): AgentEvent => ({
    type: "tool-approval-request",
    runId: RUN_ID,
    step,
    approvalId,
    toolCallId,
    toolName,
    input,
  }),
  result: (step: number, toolCallId: string, toolName: string, output: unknown): AgentEvent => ({
    type: "tool-result",
    runId: RUN_ID,
    step,
    toolCallId,
    toolName,
    output,
  }),
  toolError: (step: number, toolCallId: string, toolName: string, error: AgentSdkError): AgentEvent => ({
    type: "tool-error",
    runId: RUN_ID,
    step,
    toolCallId,
    toolName,
    error,
  }),
  declined: (step: number, toolCallId: string, toolName: string, reason?: string): AgentEvent => ({
    type: "tool-error",
    runId: RUN_ID,
    step,
    toolCallId,
    toolName,
    error: new ToolDeclinedError({ toolName, reason }),
  }),
  object: (step: number, partial: unknown): AgentEvent => ({
    type: "object-delta",
    runId: RUN_ID,
    step,
    partial,
  }),
  stepEnd: (step: number, finishReason: "stop" | "tool-calls" = "stop", text = ""): AgentEvent => ({
    type: "step-end",
    runId: RUN_ID,
    step,
    model,
    finishReason,
    usage,
    text,
    warnings: [],
  }),
  error: (error: AgentSdkError): AgentEvent => ({ type: "error", runId: RUN_ID, error }),
  runEnd: (result: Partial<RunResult> = {}): AgentEvent => ({
    type: "run-end",
    runId: RUN_ID,
    result: runResult(result),
  }),
};

/** A whole `RunResult` with defaults (completed, no steps). */
export function runResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    runId: RUN_ID,
    status: "completed",
    text: "",
    steps: [],
    usage,
    costUsd: 0.000125,
    pendingApprovals: [],
    finishReason: "stop",
    messages: [],
    warnings: [],
    ...overrides,
  };
}

/** An error whose cause holds text that must never reach a client. */
export function failure(code: "MODEL_ERROR" | "TOOL_EXECUTION_FAILED", message: string): AgentSdkError {
  return new AgentSdkError({
    code,
    category: code === "MODEL_ERROR" ? "model" : "tool",
    message,
    cause: new Error("internal cause: do-not-leak"),
  });
}

/** Reading statistics of a {@link countingRun}. */
export interface ReadStats {
  /** `next()` calls on the run's iterator. */
  reads: number;
  /** `return()` calls (the reader let go). */
  returns: number;
}

/** Wraps a run so every read of its events is counted; `onRead` runs before each read. */
export function countingRun(
  run: RunStream,
  onRead?: (stats: ReadStats) => void,
): { run: RunStream; stats: ReadStats } {
  const stats: ReadStats = { reads: 0, returns: 0 };
  const counted: RunStream = {
    runId: run.runId,
    result: run.result,
    textStream: run.textStream,
    [Symbol.asyncIterator]: () => {
      const inner = run[Symbol.asyncIterator]();
      return {
        next: () => {
          onRead?.(stats);
          stats.reads++;
          return inner.next();
        },
        return: async () => {
          stats.returns++;
          return (await inner.return?.()) ?? { done: true, value: undefined };
        },
      };
    },
  };
  return { run: counted, stats };
}

/**
 * A run that replays `events` one by one, exactly as given (the kit's `createRunStream` coalesces
 * deltas a reader is behind on, which would make chunk sequences depend on timing). The result is
 * the `run-end` event's.
 */
export function arrayRun(events: readonly AgentEvent[]): RunStream {
  const end = events.at(-1);
  const result = end?.type === "run-end" ? end.result : runResult();
  const iterate = (): AsyncIterator<AgentEvent> => {
    let index = 0;
    return {
      next: async () =>
        index < events.length
          ? { done: false, value: events[index++] as AgentEvent }
          : { done: true, value: undefined },
      return: async () => {
        index = events.length;
        return { done: true, value: undefined };
      },
    };
  };
  return {
    runId: RUN_ID,
    result: Promise.resolve(result),
    [Symbol.asyncIterator]: iterate,
    textStream: {
      [Symbol.asyncIterator]: () => {
        const inner = iterate();
        return {
          next: async (): Promise<IteratorResult<string>> => {
            for (;;) {
              const step = await inner.next();
              if (step.done) return { done: true, value: undefined };
              if (step.value.type === "text-delta") return { done: false, value: step.value.delta };
            }
          },
        };
      },
    },
  };
}

/** A step with two calls that wait for approval: the run suspends. */
export const suspendingRun: AgentEvent[] = [
  ev.runStart(),
  ev.stepStart(0),
  ev.text(0, "I will delete both files."),
  ev.call(0, "call_a", "deleteFile", { path: "a.txt" }),
  ev.call(0, "call_b", "deleteFile", { path: "b.txt" }),
  ev.approval(0, "approval_a", "call_a", "deleteFile", { path: "a.txt" }),
  ev.approval(0, "approval_b", "call_b", "deleteFile", { path: "b.txt" }),
  ev.runEnd({
    status: "suspended",
    finishReason: "tool-calls",
    pendingApprovals: [
      { approvalId: "approval_a", toolCallId: "call_a", toolName: "deleteFile", input: { path: "a.txt" } },
      { approvalId: "approval_b", toolCallId: "call_b", toolName: "deleteFile", input: { path: "b.txt" } },
    ],
  }),
];

/** That run resumed: the first call approved, the second declined ("keep b"), then the answer. */
export const resumedRun: AgentEvent[] = [
  ev.runStart(true),
  ev.result(0, "call_a", "deleteFile", { deleted: "a.txt" }),
  ev.declined(0, "call_b", "deleteFile", "keep b"),
  ev.stepEnd(0, "tool-calls"),
  ev.stepStart(1),
  ev.text(1, "Deleted a.txt; kept b.txt."),
  ev.stepEnd(1),
  ev.runEnd({ text: "Deleted a.txt; kept b.txt." }),
];
