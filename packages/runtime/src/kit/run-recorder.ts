import type { SharedV4FileDataData, SharedV4FileDataUrl, SharedV4ProviderMetadata } from "@ai-sdk/provider";
import type { AssistantContent, ModelMessage, ToolContent } from "ai";
import type { RunContext } from "../agent-runtime.js";
import { AbortedError } from "../errors/aborted-error.js";
import type { AgentSdkError } from "../errors/agent-sdk-error.js";
import { AgentSdkError as SdkError } from "../errors/agent-sdk-error.js";
import { ToolDeclinedError } from "../errors/tool-declined-error.js";
import { ToolExecutionError } from "../errors/tool-execution-error.js";
import type { AgentEvent } from "../events/agent-event.js";
import type { ModelInfo } from "../models/model-reference.js";
import { parseFinalOutput } from "../output/define-output.js";
import type { AgentOutputSchema } from "../output/output-schema.js";
import { createPartialObjectTracker, type PartialObjectTracker } from "../output/partial-json.js";
import type {
  ApprovalDecision,
  FinishReason,
  ModelWarning,
  PendingApproval,
  RunResult,
  RunStatus,
  StepResult,
  TokenUsage,
  ToolCallRecord,
  ToolResultRecord,
} from "../run-result.js";
import type { AgentTool, ToolRunHooks } from "../tools/agent-tool.js";
import { ABORTED, untilAborted } from "./abortable.js";
import {
  executeToolCall,
  failToolCall,
  type ParsedToolArguments,
  parseToolArguments,
} from "./execute-tool-call.js";
import type { EventSink } from "./run-stream.js";
import { TextBuilder } from "./text-builder.js";
import { type ApprovalPolicy, approvalInput, approvalNeeded, createApprovalId } from "./tool-approval.js";
import {
  hasMappedOutput,
  rememberModelOutput,
  type ToolResultOutput,
  toToolResultOutput,
} from "./tool-result-output.js";
import type { RunTrace } from "./tracing.js";
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
  /** The run's `resourceId`, handed to every tool call. */
  readonly resourceId?: string | undefined;
  /** How deeply the run is nested in agents used as tools (`context.run.depth`). @default 0 */
  readonly depth?: number | undefined;
  /** Whether the run streams (`context.run.streaming`). @default false */
  readonly streaming?: boolean | undefined;
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
  /** The run's trace: an `execute_tool` span per call. */
  readonly trace?: RunTrace | undefined;
  /** Which calls wait for approval; unset: none. */
  readonly approval?: ApprovalPolicy | undefined;
  /** This run continues a suspended one (`run-start` says so). */
  readonly resumed?: boolean | undefined;
  /**
   * Checked after each step with the run's usage and cost so far: an error ends the run
   * (`budget_exceeded`). Returns `undefined` while within budget.
   */
  readonly checkBudget?: ((step: StepResult, total: RunTotals) => AgentSdkError | undefined) | undefined;
  /** Cost of a step's usage in US dollars, `undefined` when its model has no price. */
  readonly costOf?: ((usage: TokenUsage, model: ModelInfo) => number | undefined) | undefined;
  /**
   * The structured output: each step's text is followed as partial JSON (`object-delta`), and a
   * completed run's answer is validated into `output` (an invalid one fails the run).
   */
  readonly outputSchema?: AgentOutputSchema | undefined;
  /** Wraps each tool execution (see {@link ToolExecutionWrapper}); unset: calls run directly. */
  readonly executeTool?: ToolExecutionWrapper | undefined;
}

/**
 * Wraps the execution of one tool call, e.g. to make it a checkpointed step of a durable
 * workflow. `execute` runs the call as usual (lookup, validation, timeout, output checks) and
 * never rejects; the wrapper resolves with the outcome to record (it may return a recorded one
 * without calling `execute`). It is called synchronously, in the order the model sent the calls,
 * so a workflow engine that numbers its steps at call time numbers them the same on replay. A
 * rejection becomes a `TOOL_EXECUTION_FAILED` outcome.
 */
export type ToolExecutionWrapper = (
  call: { readonly toolCallId: string; readonly toolName: string; readonly input: unknown },
  execute: () => Promise<ToolResultRecord>,
) => Promise<ToolResultRecord>;

/** What a run used so far (for budgets). */
export interface RunTotals {
  readonly usage: TokenUsage;
  readonly costUsd: number | undefined;
}

/** Why a runtime's loop must stop before the next model call. */
export type HaltReason = "suspended" | "budget_exceeded";

/**
 * The step a run suspended in, as stored with the run: its assistant parts, its calls, the
 * outcomes of those that ran, and the calls waiting for a decision. JSON-safe.
 */
export interface SuspendedStep {
  readonly index: number;
  readonly model: ModelInfo;
  readonly content: readonly unknown[];
  readonly text: string;
  readonly reasoningText: string;
  readonly finishReason: FinishReason;
  readonly toolCalls: readonly ToolCallRecord[];
  /** Outcomes of the calls that ran before the run suspended. */
  readonly results: readonly StoredToolResult[];
  readonly pending: readonly PendingApproval[];
}

/** A tool outcome as stored with a suspended run. */
export interface StoredToolResult {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: unknown;
  readonly isError: boolean;
  /** The model-facing output (a {@link ToolResultOutput}) of a successful call. */
  readonly output?: unknown;
  /** The tool's own output, when its `toModelOutput` made {@link output} (absent otherwise). */
  readonly toolOutput?: unknown;
  readonly error?: { readonly code: string; readonly category: string; readonly message: string };
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
  /** Set from the builders when the step closes ({@link RunRecorder.seal}). */
  text: string;
  reasoningText: string;
  readonly textOut: TextBuilder;
  readonly reasoningOut: TextBuilder;
  /** The text of each text or reasoning part, written into the part when the step closes. */
  readonly partText: Map<TextualPart, TextBuilder>;
  readonly toolCalls: ToolCallRecord[];
  readonly running: Map<string, Promise<ToolResultRecord>>;
  readonly results: Map<string, ToolResultRecord>;
  /** Outcomes (and approval requests) that arrived before the model finished its turn, in order. */
  readonly early: Array<ToolResultRecord | PendingApproval>;
  /** Calls waiting for a decision, by tool call id. */
  readonly pending: Map<string, PendingApproval>;
  turnEnded: boolean;
  end: ModelTurnEnd | undefined;
  readonly warnings: ModelWarning[];
  settled: (() => void) | undefined;
  /** The step's text as partial JSON, when the agent has an output schema. */
  readonly partial: PartialObjectTracker | undefined;
  /** What nested runs of the step's calls used (`context.run.addUsage`), once one reported. */
  nested: { usage: TokenUsage; costUsd: number | undefined } | undefined;
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
  private costUsd: number | undefined = 0;
  /** Number of the first step this run opens (a resumed run continues the numbering). */
  private stepBase = 0;
  /** Steps closed here without a model call (the suspended step a resumed run completes). */
  private resumedSteps = 0;
  private halt: { reason: HaltReason; error?: AgentSdkError } | undefined;
  private haltWaiters: Array<(reason: HaltReason) => void> = [];
  private suspendedStep: SuspendedStep | undefined;
  /** Tool calls whose arguments are streaming (announced by `tool-input-start`). */
  private readonly streamingInputs = new Set<string>();
  /** What each call's {@link ToolRunHooks} reports into (one per run; the hooks are one object per call). */
  private readonly nestedSink: NestedSink;

  constructor(private readonly options: RunRecorderOptions) {
    this.messages = [...options.input];
    this.nestedSink = {
      depth: options.depth ?? 0,
      streaming: options.streaming === true,
      usage: (step, usage, costUsd) => this.addNestedUsage(step, usage, costUsd),
      event: (step, toolCallId, toolName, event) => this.emitNested(step, toolCallId, toolName, event),
    };
  }

  /**
   * Set when the loop must stop before its next model call: the open step is complete but calls
   * wait for approval (`suspended`: finish with that status), or the budget is used up
   * (`budget_exceeded`: finish with that status and {@link haltError}).
   */
  get haltReason(): HaltReason | undefined {
    return this.halt?.reason;
  }

  /** The budget error when {@link haltReason} is `budget_exceeded`. */
  get haltError(): AgentSdkError | undefined {
    return this.halt?.error;
  }

  /** Resolves once {@link haltReason} is set (for runtimes whose framework runs the loop). */
  whenHalted(): Promise<HaltReason> {
    if (this.halt) return Promise.resolve(this.halt.reason);
    return new Promise((resolve) => this.haltWaiters.push(resolve));
  }

  /** The step the run suspended in, once {@link finish} recorded status `suspended`. */
  get suspended(): SuspendedStep | undefined {
    return this.suspendedStep;
  }

  /** Calls of the open step waiting for a decision. */
  get pendingApprovalCount(): number {
    return this.step?.pending.size ?? 0;
  }

  get runId(): string {
    return this.options.runId;
  }

  /** Number of model steps ended so far in this run. */
  get stepCount(): number {
    return this.steps.length - this.resumedSteps;
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
    return step.turnEnded && step.results.size + step.pending.size >= step.toolCalls.length;
  }

  /** Emits `run-start`. */
  start(): void {
    this.emit({
      type: "run-start",
      runId: this.runId,
      agentId: this.options.agentId,
      runtime: this.options.runtime,
      resumed: this.options.resumed === true,
    });
  }

  /** Opens a step (a model call) and emits `step-start`. */
  startStep(model: ModelInfo): void {
    if (this.finished) return;
    if (this.step) throw new Error("RunRecorder: a step is already open");
    const index = this.stepBase + this.steps.length;
    this.step = {
      index,
      model,
      content: [],
      openText: new Map(),
      openReasoning: new Map(),
      text: "",
      reasoningText: "",
      textOut: new TextBuilder(),
      reasoningOut: new TextBuilder(),
      partText: new Map(),
      toolCalls: [],
      running: new Map(),
      results: new Map(),
      early: [],
      pending: new Map(),
      turnEnded: false,
      end: undefined,
      warnings: [],
      settled: undefined,
      partial: this.options.outputSchema ? createPartialObjectTracker() : undefined,
      nested: undefined,
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
    this.partBuilder(step, part).append(delta);
    step.textOut.append(delta);
    this.emit({ type: "text-delta", runId: this.runId, step: step.index, delta });
    if (step.partial) this.emitPartial(step, step.partial.push(delta));
  }

  private emitPartial(step: OpenStep, partial: unknown): void {
    if (partial !== undefined)
      this.emit({ type: "object-delta", runId: this.runId, step: step.index, partial });
  }

  /** A piece of reasoning; grouped by `id` like {@link textDelta}. */
  reasoningDelta(delta: string, id = "reasoning", providerMetadata?: SharedV4ProviderMetadata): void {
    const step = this.open();
    if (!step) return;
    const part = this.upsert(step, "reasoning", id, providerMetadata);
    if (delta.length === 0) return;
    this.partBuilder(step, part).append(delta);
    step.reasoningOut.append(delta);
    this.emit({ type: "reasoning-delta", runId: this.runId, step: step.index, delta });
  }

  /** The model began streaming a tool call's arguments (`tool-input-start`). */
  toolInputStart(toolCallId: string, toolName: string): void {
    const step = this.open();
    if (!step) return;
    this.streamingInputs.add(toolCallId);
    this.emit({ type: "tool-input-start", runId: this.runId, step: step.index, toolCallId, toolName });
  }

  /** A piece of a streaming tool call's arguments. */
  toolInputDelta(toolCallId: string, delta: string): void {
    const step = this.open();
    if (!step || delta.length === 0 || !this.streamingInputs.has(toolCallId)) return;
    this.emit({ type: "tool-input-delta", runId: this.runId, step: step.index, toolCallId, delta });
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
    this.outcomes.set(toolCallId, deferred());
    if (!parsed.ok) {
      const failed = Promise.resolve<ToolResultRecord>(
        failToolCall({ toolCallId, toolName, input: parsed.input }, parsed.error, this.options),
      );
      step.running.set(toolCallId, failed);
      failed.then((record) => this.settle(step, record));
      return parsed;
    }
    const incoming = { toolCallId, toolName, input: parsed.input };
    const provider = this.options.provider();
    const gate = approvalNeeded(incoming, this.options.approval, {
      tools: this.options.tools,
      runId: this.runId,
      agentId: this.options.agentId,
      context: this.options.context,
      messages: this.messages,
      provider,
    });
    if (gate === false) {
      this.startCall(step, incoming, provider);
    } else if (gate === true) {
      this.requestApproval(step, incoming);
    } else {
      // Counted as running until the requirement answers, so the step waits for it.
      const deciding = gate.then((needed) => {
        if (needed) this.requestApproval(step, incoming);
        else this.startCall(step, incoming, provider);
      });
      step.running.set(toolCallId, deciding as unknown as Promise<ToolResultRecord>);
    }
    return parsed;
  }

  private startCall(
    step: OpenStep,
    call: { toolCallId: string; toolName: string; input: unknown },
    provider: string,
  ): void {
    const execute = () =>
      executeToolCall(call, {
        tools: this.options.tools,
        runId: this.runId,
        agentId: this.options.agentId,
        signal: this.options.signal,
        messages: this.messages,
        context: this.options.context,
        resourceId: this.options.resourceId,
        hooks: new CallHooks(this.nestedSink, step, call.toolCallId, call.toolName),
        provider,
        trace: this.options.trace,
      });
    const wrap = this.options.executeTool;
    const running = wrap ? wrapped(wrap, call, execute) : execute();
    step.running.set(call.toolCallId, running);
    running.then((record) => this.settle(step, record));
  }

  private requestApproval(
    step: OpenStep,
    call: { toolCallId: string; toolName: string; input: unknown },
  ): void {
    if (this.finished || step !== this.step) return;
    step.running.delete(call.toolCallId);
    // The approver sees the arguments the tool will get; the call keeps the model's raw ones.
    const approval: PendingApproval = {
      approvalId: createApprovalId(),
      ...call,
      input: approvalInput(call, { tools: this.options.tools, provider: this.options.provider() }),
    };
    step.pending.set(call.toolCallId, approval);
    if (step.turnEnded) this.emitApproval(step, approval);
    else step.early.push(approval);
    this.checkSettled(step);
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
    this.flushEarly(step);
    this.checkSettled(step);
  }

  /**
   * Waits until every tool call of the open step has its outcome: `true` then (at once when there
   * is none left, or no open step), `false` as soon as the run's signal fires instead (a tool that
   * ignores the abort does not hold the run).
   */
  async toolsSettled(): Promise<boolean> {
    const step = this.step;
    if (!step || step.results.size + step.pending.size >= step.toolCalls.length) return true;
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
    if (step.pending.size > 0) {
      throw new Error('RunRecorder: calls wait for approval; finish the run with status "suspended"');
    }
    const end = step.end as ModelTurnEnd;
    return this.closeStep(step, end.finishReason, end.usage, end.answeredBy, true);
  }

  /**
   * Ends the run: a complete open step is ended normally; an incomplete one is closed as
   * interrupted (`interrupted` when aborted, else `error`), with an `ABORTED` outcome for each call
   * still running, and kept out of `messages`. Then emits `error` when the run failed, and
   * `run-end`. Idempotent.
   */
  finish(requested: RunStatus, cause?: AgentSdkError): RunResult {
    let status = requested;
    let error = cause;
    if (this.finished) return this.finished;
    const step = this.step;
    let pendingApprovals: readonly PendingApproval[] = [];
    if (status === "suspended") {
      if (!step || !this.stepComplete || step.pending.size === 0) {
        throw new Error("RunRecorder: no complete step with calls waiting for approval to suspend in");
      }
      pendingApprovals = this.suspendIn(step);
    } else if (step) {
      if (this.stepComplete && step.pending.size === 0) this.endStep();
      else this.interrupt(step, status);
    }
    const last = this.steps[this.steps.length - 1];
    let output: { output: unknown } | undefined;
    if (status === "completed" && this.options.outputSchema) {
      const parsed = parseFinalOutput(last?.text ?? "", this.options.outputSchema);
      if (parsed.ok) output = { output: parsed.value };
      else {
        status = "failed";
        error = parsed.error;
      }
    }
    const result: RunResult = {
      runId: this.runId,
      status,
      text: last?.text ?? "",
      steps: this.steps,
      usage: this.usage,
      finishReason:
        status === "aborted" ? "interrupted" : (last?.finishReason ?? (error ? "error" : "other")),
      costUsd: this.costUsd,
      messages: this.newMessages,
      warnings: this.warnings,
      pendingApprovals,
      ...output,
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

  /**
   * Continues the step a run suspended in (a resumed run): restores it, runs the approved calls,
   * records the declined ones as `TOOL_DECLINED` errors, waits for every outcome and ends the step
   * (its messages join the conversation; `step-end` reports no usage: no model call happened in
   * this run). Resolves `false` when the run is aborted first.
   */
  async resumeStep(saved: SuspendedStep, decisions: ReadonlyMap<string, ApprovalDecision>): Promise<boolean> {
    if (this.step || this.steps.length > 0) throw new Error("RunRecorder: resumeStep must come first");
    this.stepBase = saved.index;
    this.resumedSteps = 1;
    const step: OpenStep = {
      index: saved.index,
      model: saved.model,
      content: saved.content.map((part) => ({ ...(part as object) })) as AssistantPart[],
      openText: new Map(),
      openReasoning: new Map(),
      text: saved.text,
      reasoningText: saved.reasoningText,
      textOut: builderOf(saved.text),
      reasoningOut: builderOf(saved.reasoningText),
      partText: new Map(),
      toolCalls: [...saved.toolCalls],
      running: new Map(),
      results: new Map(saved.results.map((stored) => [stored.toolCallId, fromStoredResult(stored)])),
      early: [],
      pending: new Map(),
      turnEnded: true,
      end: { finishReason: saved.finishReason, usage: EMPTY_USAGE, answeredBy: saved.model },
      warnings: [],
      settled: undefined,
      partial: undefined,
      nested: undefined,
    };
    this.step = step;
    for (const approval of saved.pending) {
      this.outcomes.set(approval.toolCallId, deferred());
      const decision = decisions.get(approval.approvalId) as ApprovalDecision;
      // The model's raw arguments, validated again as for any call (approval showed the validated ones).
      const sent = saved.toolCalls.find((candidate) => candidate.toolCallId === approval.toolCallId);
      const call = {
        toolCallId: approval.toolCallId,
        toolName: approval.toolName,
        input: sent ? sent.input : approval.input,
      };
      if (decision.approved) {
        this.startCall(step, call, saved.model.provider);
      } else {
        this.settle(
          step,
          failToolCall(
            call,
            new ToolDeclinedError({ toolName: approval.toolName, reason: decision.reason }),
            this.options,
          ),
        );
      }
    }
    if (!(await this.toolsSettled())) return false;
    this.endStep();
    return true;
  }

  private suspendIn(step: OpenStep): readonly PendingApproval[] {
    this.flushEarly(step);
    this.seal(step);
    const pending = step.toolCalls.flatMap((call) => {
      const approval = step.pending.get(call.toolCallId);
      return approval ? [approval] : [];
    });
    const results = step.toolCalls.flatMap((call) => {
      const record = step.results.get(call.toolCallId);
      return record ? [toStoredResult(record)] : [];
    });
    const end = step.end as ModelTurnEnd;
    const model = end.answeredBy ?? step.model;
    this.suspendedStep = {
      index: step.index,
      model,
      content: step.content,
      text: step.text,
      reasoningText: step.reasoningText,
      finishReason: end.finishReason,
      toolCalls: step.toolCalls,
      results,
      pending,
    };
    // A framework waiting on a pending call's outcome is released once the run's signal fires (the
    // run is over then, and nothing it does is stored any more).
    const release = () => {
      for (const approval of pending) {
        this.outcomes.get(approval.toolCallId)?.resolve({
          toolCallId: approval.toolCallId,
          toolName: approval.toolName,
          input: approval.input,
          isError: true,
          error: new AbortedError({ message: `Tool call ${approval.toolCallId} waits for approval.` }),
        });
      }
    };
    if (this.options.signal.aborted) release();
    else this.options.signal.addEventListener("abort", release, { once: true });
    // The step counts (its model call happened) but joins the conversation only when resumed.
    this.step = undefined;
    const costUsd = this.options.costOf?.(end.usage, model) ?? undefined;
    this.steps.push({
      index: step.index,
      model,
      text: step.text,
      reasoningText: step.reasoningText,
      toolCalls: step.toolCalls,
      toolResults: step.toolCalls.flatMap((call) => {
        const record = step.results.get(call.toolCallId);
        return record ? [record] : [];
      }),
      finishReason: end.finishReason,
      usage: end.usage,
      warnings: step.warnings,
      costUsd,
      ...nestedOf(step),
    });
    this.addCost(end.usage, costUsd);
    this.warnings.push(...step.warnings);
    return pending;
  }

  private addCost(usage: TokenUsage, costUsd: number | undefined): void {
    this.usage = addUsage(this.usage, usage);
    if (!this.options.costOf) {
      this.costUsd = undefined;
      return;
    }
    this.costUsd = this.costUsd === undefined || costUsd === undefined ? undefined : this.costUsd + costUsd;
  }

  /** A call's nested run reported usage: it counts in the run (and in its step while that is open). */
  private addNestedUsage(step: OpenStep, reported: TokenUsage, reportedCost: number | undefined): void {
    if (this.finished) return;
    // Reported by tool code: counts that are not numbers count as 0, a cost that is not one as unpriced.
    const usage = toTokenUsage(reported);
    const costUsd = isCount(reportedCost) ? reportedCost : undefined;
    this.addCost(usage, costUsd);
    if (step !== this.step) return;
    const nested = step.nested;
    if (!nested) step.nested = { usage, costUsd };
    else {
      nested.usage = addUsage(nested.usage, usage);
      nested.costUsd =
        nested.costUsd === undefined || costUsd === undefined ? undefined : nested.costUsd + costUsd;
    }
  }

  /** An event of a call's nested run, emitted under the call until the call has its outcome. */
  private emitNested(step: OpenStep, toolCallId: string, toolName: string, event: AgentEvent): void {
    const emit = this.options.emit;
    if (!emit || this.finished || step !== this.step || step.results.has(toolCallId)) return;
    emit({ type: "subagent-event", runId: this.runId, step: step.index, toolCallId, toolName, event });
  }

  private setHalt(reason: HaltReason, error?: AgentSdkError): void {
    if (this.halt) return;
    this.halt = error === undefined ? { reason } : { reason, error };
    const waiters = this.haltWaiters;
    this.haltWaiters = [];
    for (const waiter of waiters) waiter(reason);
  }

  private flushEarly(step: OpenStep): void {
    for (const item of step.early) {
      if ("approvalId" in item) this.emitApproval(step, item);
      else this.emitOutcome(step, item);
    }
    step.early.length = 0;
  }

  private interrupt(step: OpenStep, status: RunStatus): void {
    this.flushEarly(step);
    step.turnEnded = true;
    step.pending.clear();
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
    this.seal(step);
    if (step.partial) this.emitPartial(step, step.partial.flush());
    const model = answeredBy ?? step.model;
    const toolResults = step.toolCalls.flatMap((call) => {
      const record = step.results.get(call.toolCallId);
      return record ? [record] : [];
    });
    const costUsd = this.options.costOf?.(usage, model) ?? undefined;
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
      costUsd,
      ...nestedOf(step),
    };
    this.steps.push(result);
    this.addCost(usage, costUsd);
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
    if (complete && this.options.checkBudget) {
      const over = this.options.checkBudget(result, { usage: this.usage, costUsd: this.costUsd });
      if (over) this.setHalt("budget_exceeded", over);
    }
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
    if (step.results.size + step.pending.size < step.toolCalls.length) return;
    if (step.pending.size > 0 && step.turnEnded) this.setHalt("suspended");
    const settled = step.settled;
    step.settled = undefined;
    settled?.();
  }

  private emitApproval(step: OpenStep, approval: PendingApproval): void {
    this.emit({ type: "tool-approval-request", runId: this.runId, step: step.index, ...approval });
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

  /** The builder of a text or reasoning part's text. */
  private partBuilder(step: OpenStep, part: TextualPart): TextBuilder {
    let builder = step.partText.get(part);
    if (!builder) {
      builder = builderOf(part.text);
      step.partText.set(part, builder);
    }
    return builder;
  }

  /** Writes the built texts into the step and its parts (the step is closing). */
  private seal(step: OpenStep): void {
    step.text = step.textOut.toString();
    step.reasoningText = step.reasoningOut.toString();
    for (const [part, builder] of step.partText) part.text = builder.toString();
    step.partText.clear();
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

/**
 * A tool outcome as a suspended run stores it: its model-facing output (and the tool's own output
 * when `toModelOutput` made the former), or its error's code, category and message (a durable
 * runtime checkpoints outcomes in this form).
 */
export function toStoredResult(record: ToolResultRecord): StoredToolResult {
  const base = {
    toolCallId: record.toolCallId,
    toolName: record.toolName,
    input: record.input,
    isError: record.isError,
  };
  if (!record.isError) {
    const output = toToolResultOutput(record);
    return hasMappedOutput(record)
      ? { ...base, output, toolOutput: record.output ?? null }
      : { ...base, output };
  }
  const error = record.error;
  return {
    ...base,
    error: {
      code: error?.code ?? "INTERNAL",
      category: error?.category ?? "runtime",
      message: error?.message ?? "Tool failed.",
    },
  };
}

/**
 * A stored outcome back as a record ({@link toStoredResult} reversed): the model is shown exactly
 * the stored model-facing output again.
 */
export function fromStoredResult(stored: StoredToolResult): ToolResultRecord {
  const base = {
    toolCallId: stored.toolCallId,
    toolName: stored.toolName,
    input: stored.input,
    isError: stored.isError,
  };
  if (!stored.isError) {
    const output = stored.output as { type: string; value?: unknown } | undefined;
    const mapped = "toolOutput" in stored;
    const record: ToolResultRecord = {
      ...base,
      output: mapped ? stored.toolOutput : output?.type === "text" ? output.value : (output?.value ?? null),
    };
    if (output && MODEL_OUTPUT_TYPES.has(output.type)) {
      rememberModelOutput(record, output as ToolResultOutput, mapped);
    }
    return record;
  }
  const error = stored.error ?? { code: "INTERNAL", category: "runtime", message: "Tool failed." };
  return {
    ...base,
    error: new SdkError({
      code: error.code as AgentSdkError["code"],
      category: error.category as AgentSdkError["category"],
      message: error.message,
    }),
  };
}

const MODEL_OUTPUT_TYPES = new Set(["text", "json", "content"]);

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function toTokenUsage(usage: Partial<TokenUsage> | undefined): TokenUsage {
  const count = (value: unknown) => (isCount(value) ? value : 0);
  return {
    inputTokens: count(usage?.inputTokens),
    outputTokens: count(usage?.outputTokens),
    totalTokens: count(usage?.totalTokens),
    reasoningTokens: count(usage?.reasoningTokens),
    cachedInputTokens: count(usage?.cachedInputTokens),
  };
}

/** The step's nested usage fields of its {@link StepResult}: none when no nested run reported. */
function nestedOf(step: OpenStep): Pick<StepResult, "nestedUsage" | "nestedCostUsd"> {
  const nested = step.nested;
  return nested ? { nestedUsage: nested.usage, nestedCostUsd: nested.costUsd } : {};
}

/** Where the hooks of a run's calls report to (bound once per run). */
interface NestedSink {
  readonly depth: number;
  readonly streaming: boolean;
  usage(step: OpenStep, usage: TokenUsage, costUsd: number | undefined): void;
  event(step: OpenStep, toolCallId: string, toolName: string, event: AgentEvent): void;
}

/** A call's {@link ToolRunHooks}: one small object per call, its methods on the prototype. */
class CallHooks implements ToolRunHooks {
  readonly depth: number;
  readonly streaming: boolean;

  constructor(
    private readonly sink: NestedSink,
    private readonly step: OpenStep,
    private readonly toolCallId: string,
    private readonly toolName: string,
  ) {
    this.depth = sink.depth;
    this.streaming = sink.streaming;
  }

  addUsage(usage: TokenUsage, costUsd: number | undefined): void {
    this.sink.usage(this.step, usage, costUsd);
  }

  emit(event: AgentEvent): void {
    this.sink.event(this.step, this.toolCallId, this.toolName, event);
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

/** Runs a call through a {@link ToolExecutionWrapper}; a throw or rejection becomes the call's error. */
function wrapped(
  wrap: ToolExecutionWrapper,
  call: { readonly toolCallId: string; readonly toolName: string; readonly input: unknown },
  execute: () => Promise<ToolResultRecord>,
): Promise<ToolResultRecord> {
  const failed = (cause: unknown): ToolResultRecord => ({
    ...call,
    isError: true,
    error: new ToolExecutionError({ toolName: call.toolName, toolCallId: call.toolCallId, cause }),
  });
  try {
    return wrap(call, execute).catch(failed);
  } catch (cause) {
    return Promise.resolve(failed(cause));
  }
}

/** A new random run id. */
export function createRunId(): string {
  return `run_${crypto.randomUUID()}`;
}

function builderOf(text: string): TextBuilder {
  const builder = new TextBuilder();
  builder.append(text);
  return builder;
}
