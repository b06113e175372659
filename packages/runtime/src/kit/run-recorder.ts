import type { SharedV4FileDataData, SharedV4FileDataUrl, SharedV4ProviderMetadata } from "@ai-sdk/provider";
import type { AssistantContent, ModelMessage, ToolContent } from "ai";
import type { RunContext } from "../agent-runtime.js";
import { AbortedError } from "../errors/aborted-error.js";
import type { AgentSdkError } from "../errors/agent-sdk-error.js";
import type { ModelInfo } from "../models/model-reference.js";
import type {
  FinishReason,
  ModelWarning,
  RunResult,
  RunStatus,
  StepResult,
  TokenUsage,
  ToolCallRecord,
  ToolResultRecord,
} from "../run-result.js";
import type { AgentTool } from "../tools/agent-tool.js";
import { ABORTED, untilAborted } from "./abortable.js";
import {
  executeToolCall,
  type ParsedToolArguments,
  parseToolArguments,
  toToolResultOutput,
} from "./execute-tool-call.js";
import type { EventSink } from "./run-stream.js";
import { addUsage, EMPTY_USAGE } from "./usage.js";

/** What a {@link RunRecorder} needs to know about its run. */
export interface RunRecorderOptions {
  readonly runId: string;
  readonly agentId: string;
  /** Name of the runtime, for `run-start`. */
  readonly runtime: string;
  /** The conversation the run starts from. */
  readonly input: readonly ModelMessage[];
  /** Where events go; unset when nobody listens. */
  readonly emit?: EventSink | undefined;
  /** The agent's tools, by name. */
  readonly tools: ReadonlyMap<string, AgentTool>;
  /** The run's signal, handed to tools: it fires on abort and when the run ends. */
  readonly signal: AbortSignal;
  readonly context: RunContext;
  readonly maxToolInputDepth: number;
  /** Provider id of the model that answered the open step, for the tools' provider variants. */
  readonly provider: () => string;
  /** Called with the messages of each complete step as it ends (memory stores them). */
  readonly onStepMessages?: ((messages: readonly ModelMessage[], step: number) => void) | undefined;
  /**
   * When set, {@link RunRecorder.finish} records the result but emits neither `error` nor
   * `run-end`: the caller completes the run with {@link RunRecorder.emitEnd} once pending work
   * (memory writes) is done, possibly with another status.
   */
  readonly holdRunEnd?: boolean | undefined;
}

/** A tool call as the model sent it. */
export interface ModelToolCall {
  readonly toolCallId: string;
  readonly toolName: string;
  /** Raw arguments: a JSON string per the AI SDK spec. */
  readonly input: unknown;
  /** The provider ran the tool itself (web search and the like); it is recorded, not executed. */
  readonly providerExecuted?: boolean | undefined;
  readonly providerMetadata?: SharedV4ProviderMetadata | undefined;
}

/** How the model's turn of a step ended. */
export interface ModelTurnEnd {
  readonly finishReason: FinishReason;
  readonly usage: TokenUsage;
  /** The model that answered (after retries and fallbacks); the step's first model when unset. */
  readonly answeredBy?: ModelInfo | undefined;
}

type AssistantPart = Exclude<AssistantContent, string>[number];
type TextualPart = { type: "text" | "reasoning"; text: string; providerOptions?: SharedV4ProviderMetadata };

interface OpenStep {
  readonly index: number;
  readonly model: ModelInfo;
  /** The assistant message's parts, in the order the model produced them. */
  readonly content: AssistantPart[];
  /** Text and reasoning parts still open, by stream part id. */
  readonly openText: Map<string, TextualPart>;
  readonly openReasoning: Map<string, TextualPart>;
  text: string;
  reasoningText: string;
  readonly toolCalls: ToolCallRecord[];
  readonly running: Map<string, Promise<ToolResultRecord>>;
  readonly results: Map<string, ToolResultRecord>;
  /** Outcomes that arrived before the model finished its turn, in completion order. */
  readonly early: ToolResultRecord[];
  turnEnded: boolean;
  end: ModelTurnEnd | undefined;
  readonly warnings: ModelWarning[];
  settled: (() => void) | undefined;
}

/**
 * Records a run for a runtime and holds the rules every runtime follows, so that events, results
 * and messages are the same whatever runs the loop:
 * - events are emitted in the contract's order; the assistant message of a step keeps its parts
 *   (reasoning, text, tool calls, files) in the order the model produced them, each with its
 *   provider metadata as `providerOptions`, so the next call sends back signatures and item ids;
 * - a tool call starts as soon as the model sends it ({@link toolCall}); its outcome is reported
 *   in completion order, but never before the model's turn has ended ({@link endModelTurn});
 * - every call gets exactly one outcome: a call the run ends before gets an `ABORTED` one;
 * - a step's messages join the conversation only when the step is complete ({@link endStep}); an
 *   interrupted step stays in `steps` but out of `messages`, so the conversation is always safe
 *   to send to a model again.
 */
export class RunRecorder {
  /** The conversation so far: the input, then each finished step's messages. */
  readonly messages: ModelMessage[];
  private readonly newMessages: ModelMessage[] = [];
  private readonly steps: StepResult[] = [];
  private readonly warnings: ModelWarning[] = [];
  /** Each tool call's recorded outcome, by id, for the whole run. */
  private readonly outcomes = new Map<string, Deferred<ToolResultRecord>>();
  private usage: TokenUsage = EMPTY_USAGE;
  private step: OpenStep | undefined;
  private finished: RunResult | undefined;

  constructor(private readonly options: RunRecorderOptions) {
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

  /** Whether the run has finished. */
  get isFinished(): boolean {
    return this.finished !== undefined;
  }

  /** Tool calls of the open step, or of the last ended step when none is open. */
  get lastStepToolCallCount(): number {
    return this.step?.toolCalls.length ?? this.steps[this.steps.length - 1]?.toolCalls.length ?? 0;
  }

  /** Whether the open step's model turn has ended and every tool call has its outcome. */
  get stepComplete(): boolean {
    const step = this.step;
    if (!step) return false;
    return step.turnEnded && step.results.size >= step.toolCalls.length;
  }

  /** Emits `run-start`. */
  start(): void {
    this.emit({
      type: "run-start",
      runId: this.runId,
      agentId: this.options.agentId,
      runtime: this.options.runtime,
    });
  }

  /** Opens a step (a model call) and emits `step-start`. */
  startStep(model: ModelInfo): void {
    if (this.finished) return;
    if (this.step) throw new Error("RunRecorder: a step is already open");
    const index = this.steps.length;
    this.step = {
      index,
      model,
      content: [],
      openText: new Map(),
      openReasoning: new Map(),
      text: "",
      reasoningText: "",
      toolCalls: [],
      running: new Map(),
      results: new Map(),
      early: [],
      turnEnded: false,
      end: undefined,
      warnings: [],
      settled: undefined,
    };
    this.emit({ type: "step-start", runId: this.runId, step: index, model });
  }

  /**
   * A piece of answer text. Deltas with the same `id` form one text part (the stream's text-start
   * … text-end); a later `providerMetadata` replaces an earlier one, as the AI SDK does.
   */
  textDelta(delta: string, id = "text", providerMetadata?: SharedV4ProviderMetadata): void {
    const step = this.open();
    if (!step) return;
    const part = this.upsert(step, "text", id, providerMetadata);
    if (delta.length === 0) return;
    part.text += delta;
    step.text += delta;
    this.emit({ type: "text-delta", runId: this.runId, step: step.index, delta });
  }

  /** A piece of reasoning; grouped by `id` like {@link textDelta}. */
  reasoningDelta(delta: string, id = "reasoning", providerMetadata?: SharedV4ProviderMetadata): void {
    const step = this.open();
    if (!step) return;
    const part = this.upsert(step, "reasoning", id, providerMetadata);
    if (delta.length === 0) return;
    part.text += delta;
    step.reasoningText += delta;
    this.emit({ type: "reasoning-delta", runId: this.runId, step: step.index, delta });
  }

  /** A text or reasoning part begins or ends (stream `*-start`/`*-end`), possibly with metadata. */
  partBoundary(
    type: "text" | "reasoning",
    id: string,
    boundary: "start" | "end",
    providerMetadata?: SharedV4ProviderMetadata,
  ): void {
    const step = this.open();
    if (!step) return;
    this.upsert(step, type, id, providerMetadata);
    if (boundary === "end") (type === "text" ? step.openText : step.openReasoning).delete(id);
  }

  /** A whole text or reasoning part (a non-streaming answer). */
  contentPart(type: "text" | "reasoning", text: string, providerMetadata?: SharedV4ProviderMetadata): void {
    const step = this.open();
    if (!step) return;
    const id = `whole-${step.content.length}`;
    if (type === "text") this.textDelta(text, id, providerMetadata);
    else this.reasoningDelta(text, id, providerMetadata);
    (type === "text" ? step.openText : step.openReasoning).delete(id);
  }

  /** A file the model generated; kept in the assistant message (bytes as base64, URLs as their text). */
  file(
    data: SharedV4FileDataData | SharedV4FileDataUrl,
    mediaType: string,
    providerMetadata?: SharedV4ProviderMetadata,
  ): void {
    const step = this.open();
    if (!step) return;
    const content =
      data.type === "url"
        ? data.url.toString()
        : typeof data.data === "string"
          ? data.data
          : Buffer.from(data.data).toString("base64");
    step.content.push({ type: "file", data: content, mediaType, ...withOptions(providerMetadata) });
  }

  /** The result of a tool the provider ran itself; kept in the assistant message. */
  providerToolResult(part: {
    toolCallId: string;
    toolName: string;
    result: unknown;
    isError?: boolean | undefined;
    providerMetadata?: SharedV4ProviderMetadata | undefined;
  }): void {
    const step = this.open();
    if (!step) return;
    step.content.push({
      type: "tool-result",
      toolCallId: part.toolCallId,
      toolName: part.toolName,
      output: part.isError
        ? { type: "error-json", value: (part.result ?? null) as never }
        : { type: "json", value: (part.result ?? null) as never },
      ...withOptions(part.providerMetadata),
    } as AssistantPart);
  }

  /**
   * The model called a tool: records it, emits `tool-call` and starts it at once (unless the
   * provider ran it, or its arguments are malformed or too deep: those get their error outcome at
   * once). Returns the parsed arguments, so a runtime can tell its framework about bad ones.
   */
  toolCall(call: ModelToolCall): ParsedToolArguments {
    const step = this.open();
    const parsed = parseToolArguments(call.toolName, call.input, this.options.maxToolInputDepth);
    if (!step) return parsed;
    if (call.providerExecuted) {
      step.content.push({
        type: "tool-call",
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        input: parsed.ok ? parsed.input : {},
        providerExecuted: true,
        ...withOptions(call.providerMetadata),
      });
      return parsed;
    }
    // A repeated id is the same call; it keeps its one outcome.
    if (step.running.has(call.toolCallId) || step.results.has(call.toolCallId)) return parsed;
    const { toolCallId, toolName } = call;
    step.toolCalls.push({ toolCallId, toolName, input: parsed.input });
    step.content.push({
      type: "tool-call",
      toolCallId,
      toolName,
      input: parsed.ok ? parsed.input : {},
      ...withOptions(call.providerMetadata),
    });
    this.emit({
      type: "tool-call",
      runId: this.runId,
      step: step.index,
      toolCallId,
      toolName,
      input: parsed.input,
    });
    const running = parsed.ok
      ? executeToolCall(
          { toolCallId, toolName, input: parsed.input },
          {
            tools: this.options.tools,
            runId: this.runId,
            agentId: this.options.agentId,
            signal: this.options.signal,
            messages: this.messages,
            context: this.options.context,
            provider: this.options.provider(),
          },
        )
      : Promise.resolve<ToolResultRecord>({
          toolCallId,
          toolName,
          input: parsed.input,
          error: parsed.error,
          isError: true,
        });
    step.running.set(toolCallId, running);
    this.outcomes.set(toolCallId, deferred());
    running.then((record) => this.settle(step, record));
    return parsed;
  }

  /**
   * The recorded outcome of a tool call the recorder started ({@link toolCall}): the tool's own, or
   * the `ABORTED` one it gets when the run ends first. `undefined` for a call it never saw.
   */
  outcomeOf(toolCallId: string): Promise<ToolResultRecord> | undefined {
    return this.outcomes.get(toolCallId)?.promise;
  }

  /** Warnings the provider reported for the open step's call. */
  addWarnings(warnings: readonly ModelWarning[] | undefined): void {
    const step = this.open();
    if (step && warnings && warnings.length > 0) step.warnings.push(...warnings);
  }

  /** The model finished its turn: outcomes that arrived earlier are reported now, in completion order. */
  endModelTurn(end: ModelTurnEnd): void {
    const step = this.open();
    if (!step || step.turnEnded) return;
    step.turnEnded = true;
    step.end = end;
    for (const record of step.early) this.emitOutcome(step, record);
    step.early.length = 0;
    this.checkSettled(step);
  }

  /**
   * Waits until every tool call of the open step has its outcome: `true` then (at once when there
   * is none left, or no open step), `false` as soon as the run's signal fires instead (a tool that
   * ignores the abort does not hold the run).
   */
  async toolsSettled(): Promise<boolean> {
    const step = this.step;
    if (!step || step.results.size >= step.toolCalls.length) return true;
    const settled = new Promise<void>((resolve) => {
      const previous = step.settled;
      step.settled = () => {
        previous?.();
        resolve();
      };
    });
    return (await untilAborted(settled, this.options.signal)) !== ABORTED;
  }

  /**
   * Closes a complete step (model turn ended, every call answered): appends its messages to the
   * conversation and emits `step-end`.
   */
  endStep(): StepResult {
    const step = this.step;
    if (!step) throw new Error("RunRecorder: no open step (startStep was not called)");
    if (!this.stepComplete)
      throw new Error("RunRecorder: the step is not complete (endModelTurn, toolsSettled)");
    const end = step.end as ModelTurnEnd;
    return this.closeStep(step, end.finishReason, end.usage, end.answeredBy, true);
  }

  /**
   * Ends the run: a complete open step is ended normally; an incomplete one is closed as
   * interrupted (`interrupted` when aborted, else `error`), with an `ABORTED` outcome for each call
   * still running, and kept out of `messages`. Then emits `error` when the run failed, and
   * `run-end`. Idempotent.
   */
  finish(status: RunStatus, error?: AgentSdkError): RunResult {
    if (this.finished) return this.finished;
    const step = this.step;
    if (step) {
      if (this.stepComplete) this.endStep();
      else this.interrupt(step, status);
    }
    const last = this.steps[this.steps.length - 1];
    const result: RunResult = {
      runId: this.runId,
      status,
      text: last?.text ?? "",
      steps: this.steps,
      usage: this.usage,
      finishReason:
        status === "aborted" ? "interrupted" : (last?.finishReason ?? (error ? "error" : "other")),
      messages: this.newMessages,
      warnings: this.warnings,
      ...(error === undefined ? {} : { error }),
    };
    this.finished = result;
    if (!this.options.holdRunEnd) this.emitEnd(result);
    return result;
  }

  /**
   * Emits the end of a run held by `holdRunEnd`: `error` when it failed, then `run-end`. The
   * result may differ from what {@link finish} returned (a failed memory write fails the run).
   */
  emitEnd(result: RunResult): RunResult {
    this.finished = result;
    if (result.status === "failed" && result.error) {
      this.emit({ type: "error", runId: this.runId, error: result.error });
    }
    this.emit({ type: "run-end", runId: this.runId, result });
    return result;
  }

  private interrupt(step: OpenStep, status: RunStatus): void {
    for (const record of step.early) this.emitOutcome(step, record);
    step.early.length = 0;
    step.turnEnded = true;
    for (const call of step.toolCalls) {
      if (step.results.has(call.toolCallId)) continue;
      const abandoned: ToolResultRecord = {
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        input: call.input,
        isError: true,
        error: new AbortedError({
          message: `Tool call ${call.toolCallId} ("${call.toolName}") was abandoned: the run ended (${status}) before it finished.`,
        }),
      };
      step.results.set(call.toolCallId, abandoned);
      this.outcomes.get(call.toolCallId)?.resolve(abandoned);
      this.emitOutcome(step, abandoned);
    }
    const finishReason: FinishReason = status === "aborted" ? "interrupted" : "error";
    this.closeStep(step, finishReason, step.end?.usage ?? EMPTY_USAGE, step.end?.answeredBy, false);
  }

  private closeStep(
    step: OpenStep,
    finishReason: FinishReason,
    usage: TokenUsage,
    answeredBy: ModelInfo | undefined,
    complete: boolean,
  ): StepResult {
    this.step = undefined;
    const model = answeredBy ?? step.model;
    const toolResults = step.toolCalls.flatMap((call) => {
      const record = step.results.get(call.toolCallId);
      return record ? [record] : [];
    });
    const result: StepResult = {
      index: step.index,
      model,
      text: step.text,
      reasoningText: step.reasoningText,
      toolCalls: step.toolCalls,
      toolResults,
      finishReason,
      usage,
      warnings: step.warnings,
    };
    this.steps.push(result);
    this.usage = addUsage(this.usage, usage);
    this.warnings.push(...step.warnings);
    if (complete) this.appendMessages(step, toolResults);
    this.emit({
      type: "step-end",
      runId: this.runId,
      step: step.index,
      model,
      finishReason,
      usage,
      text: step.text,
      warnings: step.warnings,
    });
    return result;
  }

  private appendMessages(step: OpenStep, toolResults: readonly ToolResultRecord[]): void {
    // As the AI SDK does: empty text parts without provider metadata carry nothing.
    const empty = (part: AssistantPart) =>
      part.type === "text" && part.text.length === 0 && part.providerOptions === undefined;
    const content = step.content.some(empty) ? step.content.filter((part) => !empty(part)) : step.content;
    if (content.length === 0) return;
    const assistant: ModelMessage = { role: "assistant", content };
    this.push(assistant);
    if (toolResults.length === 0) {
      this.options.onStepMessages?.([assistant], step.index);
      return;
    }
    // As the AI SDK does, a result carries its call's provider metadata.
    let metadata: Map<string, SharedV4ProviderMetadata> | undefined;
    for (const part of content) {
      if (part.type === "tool-call" && part.providerOptions) {
        metadata ??= new Map();
        metadata.set(part.toolCallId, part.providerOptions);
      }
    }
    const results: ToolContent = toolResults.map((record) => ({
      type: "tool-result" as const,
      toolCallId: record.toolCallId,
      toolName: record.toolName,
      output: toToolResultOutput(record),
      ...withOptions(metadata?.get(record.toolCallId)),
    }));
    const tool: ModelMessage = { role: "tool", content: results };
    this.push(tool);
    this.options.onStepMessages?.([assistant, tool], step.index);
  }

  private settle(step: OpenStep, record: ToolResultRecord): void {
    if (this.finished || step !== this.step || step.results.has(record.toolCallId)) return;
    step.results.set(record.toolCallId, record);
    this.outcomes.get(record.toolCallId)?.resolve(record);
    if (step.turnEnded) this.emitOutcome(step, record);
    else step.early.push(record);
    this.checkSettled(step);
  }

  private checkSettled(step: OpenStep): void {
    if (step.results.size < step.toolCalls.length) return;
    const settled = step.settled;
    step.settled = undefined;
    settled?.();
  }

  private emitOutcome(step: OpenStep, record: ToolResultRecord): void {
    const emit = this.options.emit;
    if (!emit) return;
    const base = {
      runId: this.runId,
      step: step.index,
      toolCallId: record.toolCallId,
      toolName: record.toolName,
    };
    if (record.isError) emit({ type: "tool-error", ...base, error: record.error as AgentSdkError });
    else emit({ type: "tool-result", ...base, output: record.output });
  }

  private upsert(
    step: OpenStep,
    type: "text" | "reasoning",
    id: string,
    providerMetadata: SharedV4ProviderMetadata | undefined,
  ): TextualPart {
    const open = type === "text" ? step.openText : step.openReasoning;
    let part = open.get(id);
    if (!part) {
      part = { type, text: "" };
      open.set(id, part);
      step.content.push(part as AssistantPart);
    }
    if (providerMetadata !== undefined) part.providerOptions = providerMetadata;
    return part;
  }

  private open(): OpenStep | undefined {
    return this.finished ? undefined : this.step;
  }

  private push(message: ModelMessage): void {
    this.messages.push(message);
    this.newMessages.push(message);
  }

  private emit(event: Parameters<EventSink>[0]): void {
    this.options.emit?.(event);
  }
}

function withOptions(providerMetadata: SharedV4ProviderMetadata | undefined) {
  return providerMetadata === undefined ? {} : { providerOptions: providerMetadata };
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A new random run id. */
export function createRunId(): string {
  return `run_${crypto.randomUUID()}`;
}
