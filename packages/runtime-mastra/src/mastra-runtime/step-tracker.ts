import type { FinishReason, ModelInfo, TokenUsage, ToolResultRecord } from "@flowmaestro/runtime";
import {
  EMPTY_USAGE,
  executeToolCall,
  parseToolArguments,
  type RunRecorder,
  type ToolCallScope,
} from "@flowmaestro/runtime/kit";

/** A tool call the model made in the open step, as we parsed it from the model's own output. */
interface TrackedCall {
  readonly toolName: string;
  /** Parsed arguments (the raw string when the JSON was malformed). */
  readonly input: unknown;
  /** Set when we already know the outcome without running the tool (malformed JSON, unknown tool). */
  settled?: Promise<ToolResultRecord>;
}

interface OpenStep {
  readonly calls: Map<string, TrackedCall>;
  modelDone: boolean;
  outcomes: number;
  /** Outcomes that arrived before the model finished its turn, in completion order. */
  readonly early: ToolResultRecord[];
  finishReason: FinishReason;
  usage: TokenUsage;
  answeredBy: ModelInfo | undefined;
}

/**
 * Turns what we observe at Mastra's two edges (the model calls it makes, the tools it runs) into
 * RunRecorder calls, with the same ordering rules as the legacy loop: text and tool calls as the
 * model produces them; tool outcomes in completion order once the model finished its turn; the
 * step ends once every call has an outcome. Observing the edges rather than Mastra's chunk stream
 * keeps both `execute` (Mastra's `generate`, which exposes no chunk stream) and `stream` on one
 * code path, and gives us the model's raw tool arguments, usage and errors, which Mastra's chunks
 * reshape.
 *
 * @internal
 */
export class StepTracker {
  /** The first error a model call raised, as the provider raised it. */
  modelError: unknown;
  /** Tool calls in the last ended step; > 0 when Mastra stopped at its step limit. */
  lastStepToolCalls = 0;
  private step: OpenStep | undefined;
  private closed = false;

  constructor(
    private readonly recorder: RunRecorder,
    private readonly scope: ToolCallScope,
    private readonly modelInfo: ModelInfo,
  ) {}

  /** Stops all further recording (the run ended; late Mastra activity must not emit events). */
  close(): void {
    this.closed = true;
  }

  /** A model call begins. */
  modelCallStart(): void {
    if (this.closed) return;
    // A step still open here had a tool call Mastra never ran; close it with what we have.
    if (this.step) this.endStep(this.step);
    this.step = {
      calls: new Map(),
      modelDone: false,
      outcomes: 0,
      early: [],
      finishReason: "other",
      usage: EMPTY_USAGE,
      answeredBy: undefined,
    };
    this.recorder.startStep(this.modelInfo);
  }

  textDelta(delta: string): void {
    if (this.closed || !this.step || delta.length === 0) return;
    this.recorder.textDelta(delta);
  }

  /**
   * The model called a tool. Returns whether the raw arguments were malformed JSON, so the model
   * wrapper can hide them from Mastra (which would `console.error` about them).
   */
  toolCall(toolCallId: string, toolName: string, rawInput: unknown): { malformed: boolean } {
    const step = this.step;
    if (this.closed || !step) return { malformed: false };
    const parsed = parseToolArguments(toolName, rawInput);
    this.recorder.toolCall({ toolCallId, toolName, input: parsed.input });
    const call: TrackedCall = { toolName, input: parsed.input };
    step.calls.set(toolCallId, call);
    if (parsed.error) {
      const record: ToolResultRecord = {
        toolCallId,
        toolName,
        input: parsed.input,
        error: parsed.error,
        isError: true,
      };
      call.settled = Promise.resolve(record);
      this.report(step, record);
    } else if (!this.scope.tools.has(toolName)) {
      // Mastra answers unknown tools itself, without calling us; produce our error for the record.
      call.settled = executeToolCall({ toolCallId, toolName, input: parsed.input }, this.scope);
      call.settled.then((record) => this.report(step, record));
    }
    return { malformed: parsed.error !== undefined };
  }

  /** The model finished its turn; `answeredBy` is the model that answered (after fallbacks). */
  modelCallEnd(finishReason: FinishReason, usage: TokenUsage, answeredBy: ModelInfo | undefined): void {
    const step = this.step;
    if (this.closed || !step) return;
    step.modelDone = true;
    step.finishReason = finishReason;
    step.usage = usage;
    step.answeredBy = answeredBy;
    for (const record of step.early) this.recorder.toolOutcome(record);
    step.early.length = 0;
    this.endIfComplete(step);
  }

  /** A model call failed (or was aborted); the step stays open and the run end closes it. */
  modelCallFailed(error: unknown): void {
    if (this.modelError === undefined) this.modelError = error;
  }

  /**
   * Mastra runs one of our tools. The arguments Mastra passes are ignored: we use the ones we
   * parsed from the model's output, so validation sees exactly what the model sent.
   */
  runTool(toolCallId: string, toolName: string, mastraInput: unknown): Promise<ToolResultRecord> {
    const step = this.step;
    const call = step?.calls.get(toolCallId);
    if (call?.settled) return call.settled;
    const input = call ? call.input : mastraInput;
    const running = executeToolCall({ toolCallId, toolName, input }, this.scope);
    if (call && step) {
      call.settled = running;
      running.then((record) => this.report(step, record));
    }
    return running;
  }

  private report(step: OpenStep, record: ToolResultRecord): void {
    if (this.closed || step !== this.step) return;
    step.outcomes++;
    if (step.modelDone) {
      this.recorder.toolOutcome(record);
      this.endIfComplete(step);
    } else {
      step.early.push(record);
    }
  }

  private endIfComplete(step: OpenStep): void {
    if (step.modelDone && step.outcomes >= step.calls.size) this.endStep(step);
  }

  private endStep(step: OpenStep): void {
    this.step = undefined;
    for (const record of step.early) this.recorder.toolOutcome(record);
    this.lastStepToolCalls = step.calls.size;
    this.recorder.endStep(step.finishReason, step.usage, step.answeredBy);
  }
}
