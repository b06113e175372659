import type { AssistantContent, ModelMessage, ToolContent } from "ai";
import type { AgentSdkError } from "../errors/agent-sdk-error.js";
import type { ModelInfo } from "../models/model-reference.js";
import type {
  FinishReason,
  RunResult,
  RunStatus,
  StepResult,
  TokenUsage,
  ToolCallRecord,
  ToolResultRecord,
} from "../run-result.js";
import { toToolResultOutput } from "./execute-tool-call.js";
import type { EventSink } from "./run-stream.js";
import { addUsage, EMPTY_USAGE } from "./usage.js";

interface OpenStep {
  index: number;
  model: ModelInfo;
  text: string;
  toolCalls: ToolCallRecord[];
  results: Map<string, ToolResultRecord>;
}

/**
 * Records a run for a runtime: emits events in the order the contract promises and builds the
 * {@link RunResult} and the conversation messages. Every runtime drives one, so event order and
 * message shape are the same whatever the runtime.
 */
export class RunRecorder {
  /** The conversation so far: the input, then each finished step's messages. */
  readonly messages: ModelMessage[];
  private readonly newMessages: ModelMessage[] = [];
  private readonly steps: StepResult[] = [];
  private usage: TokenUsage = EMPTY_USAGE;
  private step: OpenStep | undefined;
  private finished: RunResult | undefined;

  constructor(
    private readonly options: {
      runId: string;
      agentId: string;
      runtime: string;
      input: readonly ModelMessage[];
      emit?: EventSink | undefined;
    },
  ) {
    this.messages = [...options.input];
  }

  get runId(): string {
    return this.options.runId;
  }

  /** Number of steps ended so far. */
  get stepCount(): number {
    return this.steps.length;
  }

  /** Whether a step is open. */
  get inStep(): boolean {
    return this.step !== undefined;
  }

  /** Emits `run-start`. */
  start(): void {
    this.options.emit?.({
      type: "run-start",
      runId: this.options.runId,
      agentId: this.options.agentId,
      runtime: this.options.runtime,
    });
  }

  /** Opens a step (a model call) and emits `step-start`. */
  startStep(model: ModelInfo): void {
    const index = this.steps.length;
    this.step = { index, model, text: "", toolCalls: [], results: new Map() };
    this.options.emit?.({ type: "step-start", runId: this.options.runId, step: index, model });
  }

  /** Appends answer text and emits `text-delta`. */
  textDelta(delta: string): void {
    const step = this.requireStep();
    step.text += delta;
    this.options.emit?.({ type: "text-delta", runId: this.options.runId, step: step.index, delta });
  }

  /** Records a tool call and emits `tool-call`. */
  toolCall(call: ToolCallRecord): void {
    const step = this.requireStep();
    step.toolCalls.push(call);
    this.options.emit?.({ type: "tool-call", runId: this.options.runId, step: step.index, ...call });
  }

  /** Records a tool call's outcome and emits `tool-result` or `tool-error`. */
  toolOutcome(record: ToolResultRecord): void {
    const step = this.requireStep();
    step.results.set(record.toolCallId, record);
    const emit = this.options.emit;
    if (!emit) return;
    const base = {
      runId: this.options.runId,
      step: step.index,
      toolCallId: record.toolCallId,
      toolName: record.toolName,
    };
    if (record.isError) emit({ type: "tool-error", ...base, error: record.error as AgentSdkError });
    else emit({ type: "tool-result", ...base, output: record.output });
  }

  /**
   * Closes the step, appends its messages to the conversation and emits `step-end`. Tool calls
   * without an outcome (an interrupted step) are left out of the messages so the history stays
   * valid for any provider.
   */
  endStep(finishReason: FinishReason, usage: TokenUsage, answeredBy?: ModelInfo): StepResult {
    const step = this.requireStep();
    const model = answeredBy ?? step.model;
    this.step = undefined;
    const toolResults = step.toolCalls.flatMap((call) => {
      const result = step.results.get(call.toolCallId);
      return result ? [result] : [];
    });
    const result: StepResult = {
      index: step.index,
      model,
      text: step.text,
      toolCalls: step.toolCalls,
      toolResults,
      finishReason,
      usage,
    };
    this.steps.push(result);
    this.usage = addUsage(this.usage, usage);
    this.appendMessages(step.text, toolResults);
    this.options.emit?.({
      type: "step-end",
      runId: this.options.runId,
      step: step.index,
      model,
      finishReason,
      usage,
      text: step.text,
    });
    return result;
  }

  /** Ends the run: emits `error` when it failed, then `run-end`, and returns the result. Idempotent. */
  finish(status: RunStatus, error?: AgentSdkError): RunResult {
    if (this.finished) return this.finished;
    if (this.step) this.endStep("interrupted", EMPTY_USAGE);
    const last = this.steps[this.steps.length - 1];
    const result: RunResult = {
      runId: this.options.runId,
      status,
      text: last?.text ?? "",
      steps: this.steps,
      usage: this.usage,
      finishReason:
        status === "aborted" ? "interrupted" : (last?.finishReason ?? (error ? "error" : "other")),
      messages: this.newMessages,
      ...(error === undefined ? {} : { error }),
    };
    this.finished = result;
    if (status === "failed" && error)
      this.options.emit?.({ type: "error", runId: this.options.runId, error });
    this.options.emit?.({ type: "run-end", runId: this.options.runId, result });
    return result;
  }

  private appendMessages(text: string, toolResults: readonly ToolResultRecord[]): void {
    const content: Exclude<AssistantContent, string> = [];
    if (text.length > 0) content.push({ type: "text", text });
    for (const record of toolResults) {
      content.push({
        type: "tool-call",
        toolCallId: record.toolCallId,
        toolName: record.toolName,
        input: record.input,
      });
    }
    if (content.length === 0) return;
    this.push({ role: "assistant", content });
    if (toolResults.length === 0) return;
    const results: ToolContent = toolResults.map((record) => ({
      type: "tool-result" as const,
      toolCallId: record.toolCallId,
      toolName: record.toolName,
      output: toToolResultOutput(record),
    }));
    this.push({ role: "tool", content: results });
  }

  private push(message: ModelMessage): void {
    this.messages.push(message);
    this.newMessages.push(message);
  }

  private requireStep(): OpenStep {
    if (!this.step) throw new Error("RunRecorder: no open step (startStep was not called)");
    return this.step;
  }
}

/** A new random run id. */
export function createRunId(): string {
  return `run_${crypto.randomUUID()}`;
}
