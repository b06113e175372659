import type { ModelMessage } from "ai";
import type { AgentInput, MemoryOverrides, ResolvedAgentDefinition } from "../agent-definition.js";
import type { AgentRuntime, ResumeOptions, RunContext, RunOptions, RunStream } from "../agent-runtime.js";
import { validateRunOptions } from "../definition/validate-run-options.js";
import { AbortedError } from "../errors/aborted-error.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import { StorageError } from "../errors/storage-error.js";
import type { AgentMemory, MemorySession } from "../memory/agent-memory.js";
import type { ModelInfo } from "../models/model-reference.js";
import { modelInfoOf } from "../models/model-reference.js";
import type { RunResult, TokenUsage } from "../run-result.js";
import type { AgentTool } from "../tools/agent-tool.js";
import { checkBudget, checkPricesForBudget, costOf, priceOf } from "../usage/cost.js";
import type { ModelPrice, PriceTable } from "../usage/pricing.js";
import { ABORTED, untilAborted } from "./abortable.js";
import { normalizeInput } from "./normalize-input.js";
import { createDefinitionModel, type RunModel } from "./run-model.js";
import { createRunId, RunRecorder, type ToolExecutionWrapper } from "./run-recorder.js";
import { createRunStream, type EventSink, notify } from "./run-stream.js";
import {
  type ClaimedRun,
  cancelSuspendedRun,
  claimSuspendedRun,
  markRun,
  NO_RESOURCE,
  runStoreOf,
  type SuspendedRunState,
  saveSuspendedRun,
} from "./suspended-run.js";
import { type RunTrace, startRunTrace } from "./tracing.js";
import { addUsage, EMPTY_USAGE } from "./usage.js";

/**
 * The memory of a run, for a runtime that does memory itself (`memory: "runtime"`): the kit has
 * validated the ids and opened nothing.
 */
export interface RunMemory {
  readonly memory: AgentMemory;
  readonly threadId: string;
  readonly resourceId: string;
  /** Per-run overrides of the memory strategies (unvalidated beyond being an object). */
  readonly overrides: MemoryOverrides | undefined;
}

/** A run, validated and ready for a runtime's loop. */
export interface PreparedRun {
  /** The definition of this run (per-run overrides already applied by the agent). */
  readonly definition: ResolvedAgentDefinition;
  /** The conversation the run starts from. */
  readonly messages: readonly ModelMessage[];
  readonly runId: string;
  readonly runtimeName: string;
  /**
   * The run's signal: fires when the caller aborts and when the run ends, so tools and model
   * calls that outlive the run are told to stop. Pass it to everything the run starts.
   */
  readonly signal: AbortSignal;
  /** The caller's signal, if any (`signal` also fires for it). */
  readonly callerSignal: AbortSignal | undefined;
  readonly context: RunContext;
  /** `generate` for `execute` (the model's `doGenerate`), `stream` for `stream` (`doStream`). */
  readonly mode: "generate" | "stream";
  /** The definition's tools by name. */
  readonly tools: ReadonlyMap<string, AgentTool>;
  /** The model to call: retries, fallbacks, timeouts and abort handled. */
  readonly model: RunModel;
  /** Records the run: events, results, messages, tool execution. `run-start` is already emitted. */
  readonly recorder: RunRecorder;
  /**
   * Set for a runtime created with `memory: "runtime"` when the run continues a thread. With the
   * default (`memory: "kit"`) the kit does memory: `definition` then already carries the memory's
   * context and tools, `messages` the thread's history, and finished steps are stored for you.
   */
  readonly memory: RunMemory | undefined;
}

/** Options of {@link createAgentRuntime}. */
export interface CreateAgentRuntimeOptions<EXTRA extends object> {
  /** Runtime id, e.g. `legacy`. */
  name: string;
  /**
   * Runs one prepared run and resolves with `recorder.finish(...)`. It need not handle the
   * caller's abort (the run ends as `aborted` at once whatever it is doing) nor its own bugs (a
   * rejection ends the run as `failed` with an `INTERNAL` error).
   */
  run: (prepared: PreparedRun) => Promise<RunResult>;
  /** Extra members of the runtime object (escape hatches). */
  extra?: EXTRA;
  /**
   * Who does memory when a run has a `threadId`: `kit` (the default) opens the definition's
   * memory, sends the history and context, adds its tools, and stores the input and every
   * finished step before the next model call; `runtime` leaves it to the runtime (a framework
   * with its own memory), which gets {@link PreparedRun.memory}.
   * @default "kit"
   */
  memory?: "kit" | "runtime";
  /**
   * Wraps every tool execution of the runtime's runs (a durable runtime makes each a
   * checkpointed step); see {@link ToolExecutionWrapper}. Unset: calls run directly.
   */
  executeTool?: ToolExecutionWrapper | undefined;
}

const EMPTY_CONTEXT: RunContext = Object.freeze({});

let ended: AbortedError | undefined;
/**
 * The reason a run's signal fires with when the run is over (one shared instance: it is cheap).
 * Its stack is formatted at once: V8 keeps an unread stack's call sites, whose closures would
 * hold the first run's agent, memory and storage for the life of the process.
 */
function runEnded(): AbortedError {
  if (!ended) {
    ended = new AbortedError({ message: "The run has ended." });
    void ended.stack;
  }
  return ended;
}

/** Tools by name, built once per definition's tools array, not per run. */
const toolMaps = new WeakMap<readonly AgentTool[], ReadonlyMap<string, AgentTool>>();

function toolMapOf(tools: readonly AgentTool[]): ReadonlyMap<string, AgentTool> {
  let map = toolMaps.get(tools);
  if (!map) {
    map = new Map(tools.map((tool) => [tool.name, tool]));
    toolMaps.set(tools, map);
  }
  return map;
}

/**
 * Builds an {@link AgentRuntime} from one run function. Around every run it: validates the input
 * and the run options (typed errors naming the field), assigns the run id, wires `onEvent`,
 * creates the run's recorder, signal and model, ends the run as `aborted` the moment the caller
 * aborts (whatever the runtime is waiting for), turns a rejection into a `failed` result, and
 * turns `stream` into a {@link RunStream}. Runs never reject and never leave a rejection unhandled.
 */
export function createAgentRuntime<EXTRA extends object = object>(
  options: CreateAgentRuntimeOptions<EXTRA>,
): AgentRuntime & EXTRA {
  const { name, run } = options;
  const validate = (
    definition: ResolvedAgentDefinition,
    input: AgentInput,
    runOptions: RunOptions | undefined,
  ) => {
    if (!isResolved(definition)) {
      throw new InvalidDefinitionError({
        issues: [
          {
            field: "definition",
            expected:
              "a definition resolved by resolveAgentDefinition (createAgent does this), with `models` and `tools`",
          },
        ],
      });
    }
    const checked = validateRunOptions(runOptions);
    checkPricesForBudget(definition);
    return { messages: normalizeInput(input), runOptions: checked, memory: memoryOf(definition, checked) };
  };

  const start = (
    definition: ResolvedAgentDefinition,
    messages: ModelMessage[],
    runOptions: RunOptions,
    mode: PreparedRun["mode"],
    emit: EventSink | undefined,
    runId: string,
    memory: RunMemory | undefined,
    resume?: Resume,
  ): Promise<RunResult> => {
    const trace = startRunTrace(definition, {
      runId,
      runtime: name,
      threadId: runOptions.threadId,
      resourceId: runOptions.resourceId,
      input: messages,
      resumed: resume !== undefined,
    });
    const running =
      memory && memoryMode === "kit"
        ? startWithMemory(definition, messages, runOptions, mode, emit, runId, memory, resume, trace)
        : startRun(definition, messages, runOptions, mode, emit, runId, memory, undefined, resume, trace);
    return running.then((result) => trace.end(result));
  };

  /** Opens the run's memory session, then runs with its history, context and tools. */
  const startWithMemory = async (
    definition: ResolvedAgentDefinition,
    input: ModelMessage[],
    runOptions: RunOptions,
    mode: PreparedRun["mode"],
    emit: EventSink | undefined,
    runId: string,
    memory: RunMemory,
    resume: Resume | undefined,
    trace: RunTrace,
  ): Promise<RunResult> => {
    const callerSignal = runOptions.signal;
    const opening = new AbortController();
    const onAbort = () => opening.abort(callerSignal?.reason);
    callerSignal?.addEventListener("abort", onAbort, { once: true });
    let session: MemorySession | typeof ABORTED;
    try {
      session = await untilAborted(
        trace.memoryRecall(memory.memory, () =>
          memory.memory.open({
            threadId: memory.threadId,
            resourceId: memory.resourceId,
            runId,
            agentId: definition.id,
            input,
            overrides: memory.overrides,
            model: definition.models[0] as NonNullable<(typeof definition.models)[0]>,
            signal: opening.signal,
          }),
        ),
        callerSignal,
      );
    } catch (error) {
      await releaseClaim(resume);
      return failBeforeRun(definition, input, runOptions, emit, runId, memoryError(error, "open"), resume);
    } finally {
      callerSignal?.removeEventListener("abort", onAbort);
    }
    if (session === ABORTED) {
      await releaseClaim(resume);
      return failBeforeRun(definition, input, runOptions, emit, runId, undefined, resume);
    }
    const tools = session.tools.length === 0 ? definition.tools : [...definition.tools, ...session.tools];
    const instructions =
      session.context === undefined
        ? definition.instructions
        : definition.instructions
          ? `${definition.instructions}\n\n${session.context}`
          : session.context;
    const withMemory: ResolvedAgentDefinition = { ...definition, instructions, tools };
    const messages = session.history.length === 0 ? input : [...session.history, ...input];
    return startRun(
      withMemory,
      messages,
      runOptions,
      mode,
      emit,
      runId,
      undefined,
      { session, input },
      resume,
      trace,
    );
  };

  /** A run that ended before it started (its memory failed to open, or the caller aborted). */
  const failBeforeRun = (
    definition: ResolvedAgentDefinition,
    input: ModelMessage[],
    runOptions: RunOptions,
    emit: EventSink | undefined,
    runId: string,
    error: AgentSdkError | undefined,
    resume?: Resume,
  ): RunResult => {
    const recorder = new RunRecorder({
      runId,
      agentId: definition.id,
      runtime: name,
      input,
      emit,
      tools: toolMapOf(definition.tools),
      signal: runOptions.signal ?? new AbortController().signal,
      context: runOptions.context ?? EMPTY_CONTEXT,
      maxToolInputDepth: definition.maxToolInputDepth,
      provider: () =>
        modelInfoOf(definition.models[0] as NonNullable<(typeof definition.models)[0]>).provider,
      resumed: resume !== undefined,
    });
    recorder.start();
    return error === undefined
      ? recorder.finish("aborted", new AbortedError({ reason: runOptions.signal?.reason }))
      : recorder.finish("failed", error);
  };

  const startRun = (
    definition: ResolvedAgentDefinition,
    messages: ModelMessage[],
    runOptions: RunOptions,
    mode: PreparedRun["mode"],
    emit: EventSink | undefined,
    runId: string,
    runtimeMemory: RunMemory | undefined,
    kitMemory: { session: MemorySession; input: ModelMessage[] } | undefined,
    resume: Resume | undefined,
    trace: RunTrace,
  ): Promise<RunResult> => {
    const callerSignal = runOptions.signal;
    const controller = new AbortController();
    const onAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener("abort", onAbort, { once: true });
    // Memory writes: the input, then each finished step, in order; every model call waits for
    // them, so a process killed mid-run leaves every finished step stored.
    const session = kitMemory?.session;
    let pending: Promise<void> | undefined;
    let writeFailed: AgentSdkError | undefined;
    const persist = (messagesToSave: readonly ModelMessage[], step: number | undefined) => {
      if (!session) return;
      const previous = pending ?? Promise.resolve();
      pending = previous.then(() =>
        writeFailed
          ? undefined
          : session.save(messagesToSave, { step }).catch((error: unknown) => {
              writeFailed ??= memoryError(error, "save");
            }),
      );
    };
    const flushed = async (): Promise<void> => {
      while (pending) {
        const current = pending;
        await current;
        if (pending === current) pending = undefined;
      }
      if (writeFailed) throw writeFailed;
    };
    if (kitMemory && kitMemory.input.length > 0) persist(kitMemory.input, undefined);
    const model = createDefinitionModel(definition, {
      signal: controller.signal,
      beforeCall: session ? flushed : undefined,
      trace,
    });
    const tools = toolMapOf(definition.tools);
    const first = modelInfoOf(definition.models[0] as NonNullable<(typeof definition.models)[0]>);
    const recorder = new RunRecorder({
      runId,
      agentId: definition.id,
      runtime: name,
      input: messages,
      emit,
      tools,
      signal: controller.signal,
      context: runOptions.context ?? EMPTY_CONTEXT,
      resourceId: runOptions.resourceId,
      depth: runOptions.depth,
      streaming: mode === "stream",
      maxToolInputDepth: definition.maxToolInputDepth,
      // Arguments are mapped back from the schema of the provider that answered.
      provider: () => (model.answeredBy ?? first).provider,
      onStepMessages: session ? (stepMessages, step) => persist(stepMessages, step) : undefined,
      holdRunEnd: session !== undefined || definition.runStore !== undefined,
      approval: { requireAll: definition.requireToolApproval },
      resumed: resume !== undefined,
      costOf: (usage, modelInfo) => {
        const price = cachedPriceOf(definition.pricing, modelInfo);
        return price === undefined ? undefined : costOf(usage, price);
      },
      checkBudget: budgetCheck(definition, resume?.state),
      outputSchema: definition.outputSchema,
      trace,
      executeTool: options.executeTool,
    });
    recorder.start();
    const end = (result: RunResult): Promise<RunResult> =>
      endRun({
        recorder,
        result,
        session,
        flushed,
        definition,
        runId,
        runtimeName: name,
        resourceId: runOptions.resourceId,
        threadId: runtimeMemory?.threadId ?? (kitMemory ? runOptions.threadId : undefined),
        prefix: session || runtimeMemory ? [] : recorder.messages,
        resume,
      });
    const aborted = () => recorder.finish("aborted", new AbortedError({ reason: callerSignal?.reason }));
    if (callerSignal?.aborted) {
      callerSignal.removeEventListener("abort", onAbort);
      return end(aborted());
    }
    const prepared: PreparedRun = {
      definition,
      messages,
      runId,
      runtimeName: name,
      signal: controller.signal,
      callerSignal,
      context: runOptions.context ?? EMPTY_CONTEXT,
      mode,
      tools,
      model,
      recorder,
      memory: runtimeMemory,
    };
    const runLoop = (): Promise<RunResult> => {
      try {
        // A resumed run goes on from the conversation with the completed step.
        return run(resume ? { ...prepared, messages: [...recorder.messages] } : prepared);
      } catch (error) {
        return Promise.reject(error);
      }
    };
    // A resumed run first completes the step it suspended in (the decided calls), then loops.
    const running: Promise<RunResult> = resume
      ? recorder.resumeStep(resume.state.step, resume.decisions).then((settled) => {
          if (!settled) return aborted();
          if (recorder.haltReason === "budget_exceeded") {
            return recorder.finish("budget_exceeded", recorder.haltError);
          }
          return runLoop();
        })
      : runLoop();
    const ended = untilAborted(running, callerSignal).then(
      (outcome) => (outcome === ABORTED ? aborted() : outcome),
      (error: unknown) =>
        callerSignal?.aborted ? aborted() : recorder.finish("failed", internalError(name, error)),
    );
    return ended.then(end).finally(() => {
      callerSignal?.removeEventListener("abort", onAbort);
      // The run is over: whatever it started and is still running (a tool that ignored the
      // abort, a straggling model call) is told to stop.
      controller.abort(runEnded());
    });
  };

  const memoryMode = options.memory ?? "kit";
  return {
    ...(options.extra as EXTRA),
    specificationVersion: "v1",
    name,
    async execute(definition, input, runOptions) {
      const checked = validate(definition, input, runOptions);
      const onEvent = checked.runOptions.onEvent;
      const emit: EventSink | undefined = onEvent ? (event) => notify(onEvent, event) : undefined;
      const runId = checked.runOptions.runId ?? createRunId();
      return start(definition, checked.messages, checked.runOptions, "generate", emit, runId, checked.memory);
    },
    stream(definition, input, runOptions) {
      // Validate before the stream exists, so bad input throws here rather than inside the run.
      const checked = validate(definition, input, runOptions);
      const runId = checked.runOptions.runId ?? createRunId();
      return createRunStream(
        runId,
        (emit) =>
          start(definition, checked.messages, checked.runOptions, "stream", emit, runId, checked.memory),
        checked.runOptions.onEvent,
      );
    },
    async resume(definition, runId, decisions, resumeOptions): Promise<RunStream> {
      if (!isResolved(definition)) {
        throw new InvalidDefinitionError({
          issues: [{ field: "definition", expected: "a definition resolved by resolveAgentDefinition" }],
        });
      }
      const runOptions = validateResumeOptions(resumeOptions);
      checkPricesForBudget(definition);
      const store = runStoreOf(definition);
      const resourceId = runOptions.resourceId ?? NO_RESOURCE;
      const claimed = await claimSuspendedRun(store, definition, runId, resourceId, decisions);
      const state = claimed.state;
      const options: RunOptions = {
        ...runOptions,
        runId,
        ...(state.threadId === undefined ? {} : { threadId: state.threadId }),
      };
      const memory = state.threadId === undefined ? undefined : memoryOf(definition, options);
      // The run's iteration limit counts the steps before the suspension.
      const continued: ResolvedAgentDefinition = {
        ...definition,
        maxIterations: Math.max(1, definition.maxIterations - state.stepsUsed),
      };
      const resume: Resume = { ...claimed, store };
      return createRunStream(
        runId,
        (emit) => start(continued, [...state.prefix], options, "stream", emit, runId, memory, resume),
        options.onEvent,
      );
    },
    async cancel(definition, runId, cancelOptions): Promise<void> {
      if (!isResolved(definition)) {
        throw new InvalidDefinitionError({
          issues: [{ field: "definition", expected: "a definition resolved by resolveAgentDefinition" }],
        });
      }
      await cancelSuspendedRun(definition, runId, cancelOptions?.resourceId);
    },
  };
}

/** A claimed suspended run being continued. */
interface Resume extends ClaimedRun {
  readonly store: NonNullable<ResolvedAgentDefinition["runStore"]>;
}

/**
 * A resumed run that ended before it started (its memory could not be opened, or it was aborted)
 * gives its claim back before its result is out, so it can be resumed again. A store that fails
 * here leaves the run `resuming`; the run's own failure is what the caller sees.
 */
async function releaseClaim(resume: Resume | undefined): Promise<void> {
  if (!resume) return;
  await markRun(resume.store, resume.record, resume.state, "suspended").catch(() => false);
}

/**
 * Price lookups by table (a resolved definition's table is its own, never changed), so a step does
 * not scan the table again for a model that has no exact key.
 */
const PRICE_CACHE = new WeakMap<PriceTable, Map<string, ModelPrice | undefined>>();

function cachedPriceOf(table: PriceTable, model: ModelInfo): ModelPrice | undefined {
  let prices = PRICE_CACHE.get(table);
  if (!prices) {
    prices = new Map();
    PRICE_CACHE.set(table, prices);
  }
  const key = `${model.provider}\u0000${model.modelId}`;
  if (prices.has(key)) return prices.get(key);
  const price = priceOf(table, model);
  prices.set(key, price);
  return price;
}

/** Budget check of a run, counting what the run used before a suspension. */
function budgetCheck(
  definition: ResolvedAgentDefinition,
  before: SuspendedRunState | undefined,
):
  | ((step: unknown, total: { usage: TokenUsage; costUsd: number | undefined }) => AgentSdkError | undefined)
  | undefined {
  const budget = definition.budget;
  if (!budget || (budget.maxTokens === undefined && budget.maxCostUsd === undefined)) return undefined;
  const priorTokens = before?.usage.totalTokens ?? 0;
  const priorCost = before ? (before.costUsd ?? undefined) : 0;
  return (_step, total) =>
    checkBudget(budget, {
      tokens: priorTokens + total.usage.totalTokens,
      costUsd: priorCost === undefined || total.costUsd === undefined ? undefined : priorCost + total.costUsd,
    });
}

const RESUME_OPTION_KEYS = new Set(["signal", "onEvent", "context", "resourceId", "memory"]);

function validateResumeOptions(options: ResumeOptions | undefined): RunOptions {
  if (options !== undefined && typeof options === "object" && options !== null) {
    for (const key of Object.keys(options)) {
      if (!RESUME_OPTION_KEYS.has(key)) {
        throw new InvalidDefinitionError({
          subject: "resume options",
          issues: [
            {
              field: `options.${key}`,
              expected: `absent: resume takes ${[...RESUME_OPTION_KEYS].join(", ")} (the run id and thread come from the stored run)`,
            },
          ],
        });
      }
    }
  }
  return validateRunOptions(options);
}

/** What {@link endRun} needs. */
interface EndRun {
  readonly recorder: RunRecorder;
  readonly result: RunResult;
  readonly session: MemorySession | undefined;
  readonly flushed: () => Promise<void>;
  readonly definition: ResolvedAgentDefinition;
  readonly runId: string;
  readonly runtimeName: string;
  readonly resourceId: string | undefined;
  readonly threadId: string | undefined;
  readonly prefix: readonly ModelMessage[];
  readonly resume: Resume | undefined;
}

/**
 * Ends a run: waits for every memory write (the last step's included) and fails the run with the
 * storage error when one failed; stores a suspended run (a failure fails the run: a suspension
 * that is not stored could never be resumed) or marks a resumed one done; lets the memory do its
 * after-run work (a failure there only adds a warning); then emits `run-end`.
 */
async function endRun(end: EndRun): Promise<RunResult> {
  const { recorder, result, session, definition } = end;
  if (!session && !definition.runStore) return result;
  let final = result;
  if (session) {
    try {
      await end.flushed();
    } catch (error) {
      const storageError = memoryError(error, "save");
      final =
        result.status === "failed" && result.error && StorageError.isInstance(result.error)
          ? result
          : { ...result, status: "failed", finishReason: "error", error: storageError, pendingApprovals: [] };
    }
  }
  const store = definition.runStore;
  if (store && final.status === "suspended") {
    const step = recorder.suspended;
    const before = end.resume?.state;
    try {
      if (!step) throw new Error("the suspended step was not recorded");
      const usage: TokenUsage = addUsage(before?.usage ?? EMPTY_USAGE, final.usage);
      const priorCost = before ? before.costUsd : 0;
      const state: SuspendedRunState = {
        format: "flowmaestro.suspended-run",
        version: 1,
        status: "suspended",
        agentId: definition.id,
        runtime: end.runtimeName,
        threadId: end.threadId,
        prefix: [...end.prefix],
        step,
        stepsUsed: (before?.stepsUsed ?? 0) + recorder.stepCount,
        usage,
        costUsd: priorCost === null || final.costUsd === undefined ? null : priorCost + final.costUsd,
        suspendedAt: new Date().toISOString(),
      };
      await saveSuspendedRun(
        store,
        { runId: end.runId, resourceId: end.resourceId ?? NO_RESOURCE },
        state,
        end.resume?.record.version,
      );
    } catch (error) {
      final = {
        ...final,
        status: "failed",
        finishReason: "error",
        pendingApprovals: [],
        error: AgentSdkError.isInstance(error)
          ? error
          : new StorageError({ adapter: store.name, operation: "save suspended run", cause: error }),
      };
    }
  } else if (end.resume) {
    try {
      await markRun(end.resume.store, end.resume.record, end.resume.state, "resumed");
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      final = {
        ...final,
        warnings: [
          ...final.warnings,
          { type: "other", message: `Marking the run resumed failed: ${message}` },
        ],
      };
    }
  }
  if (session && (final.status !== "failed" || !StorageError.isInstance(final.error))) {
    try {
      await session.close({ status: final.status });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      final = {
        ...final,
        warnings: [...final.warnings, { type: "other", message: `Memory after-run work failed: ${message}` }],
      };
    }
  }
  return recorder.emitEnd(final);
}

function isResolved(definition: unknown): definition is ResolvedAgentDefinition {
  const value = definition as Partial<ResolvedAgentDefinition> | null | undefined;
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray(value.models) &&
    value.models.length > 0 &&
    Array.isArray(value.tools) &&
    typeof value.maxIterations === "number"
  );
}

/** An error that is no one's fault but the runtime's: a bug to report. */
function internalError(runtime: string, error: unknown): AgentSdkError {
  if (AgentSdkError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AgentSdkError({
    code: "INTERNAL",
    category: "runtime",
    message: `The ${runtime} runtime failed: ${message}. This is a bug in the runtime; please report it.`,
    cause: error,
  });
}

/** The run's memory, when the run continues a thread; throws for ids without memory. */
function memoryOf(definition: ResolvedAgentDefinition, options: RunOptions): RunMemory | undefined {
  const { threadId, resourceId, memory: overrides } = options;
  if (threadId === undefined) {
    if (overrides !== undefined) {
      throw new InvalidDefinitionError({
        subject: "run options",
        issues: [{ field: "options.memory", expected: "set together with `threadId` and `resourceId`" }],
      });
    }
    return undefined;
  }
  if (!definition.memory) {
    throw new InvalidDefinitionError({
      subject: "run options",
      issues: [
        {
          field: "options.threadId",
          expected: "used with an agent that has `memory` (createMemory() from @flowmaestro/memory)",
        },
      ],
    });
  }
  return { memory: definition.memory, threadId, resourceId: resourceId as string, overrides };
}

/** Memory failures arrive typed (`STORAGE_ERROR`, `INVALID_DEFINITION`…); anything else is a storage fault. */
function memoryError(error: unknown, operation: string): AgentSdkError {
  if (AgentSdkError.isInstance(error)) return error;
  return new StorageError({ adapter: "memory", operation, cause: error });
}
