import type { ModelMessage } from "ai";
import type { AgentInput, ResolvedAgentDefinition } from "../agent-definition.js";
import type { AgentRuntime, RunContext, RunOptions } from "../agent-runtime.js";
import { validateRunOptions } from "../definition/validate-run-options.js";
import { AbortedError } from "../errors/aborted-error.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import { modelInfoOf } from "../models/model-reference.js";
import type { RunResult } from "../run-result.js";
import type { AgentTool } from "../tools/agent-tool.js";
import { ABORTED, untilAborted } from "./abortable.js";
import { normalizeInput } from "./normalize-input.js";
import { createDefinitionModel, type RunModel } from "./run-model.js";
import { createRunId, RunRecorder } from "./run-recorder.js";
import { createRunStream, type EventSink, notify } from "./run-stream.js";

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
}

const EMPTY_CONTEXT: RunContext = Object.freeze({});

let ended: AbortedError | undefined;
/** The reason a run's signal fires with when the run is over (one shared instance: it is cheap). */
function runEnded(): AbortedError {
  ended ??= new AbortedError({ message: "The run has ended." });
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
    return { messages: normalizeInput(input), runOptions: validateRunOptions(runOptions) };
  };

  const start = (
    definition: ResolvedAgentDefinition,
    messages: ModelMessage[],
    runOptions: RunOptions,
    mode: PreparedRun["mode"],
    emit: EventSink | undefined,
    runId: string,
  ): Promise<RunResult> => {
    const callerSignal = runOptions.signal;
    const controller = new AbortController();
    const onAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener("abort", onAbort, { once: true });
    const model = createDefinitionModel(definition, { signal: controller.signal });
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
      maxToolInputDepth: definition.maxToolInputDepth,
      // Arguments are mapped back from the schema of the provider that answered.
      provider: () => (model.answeredBy ?? first).provider,
    });
    recorder.start();
    const aborted = () => recorder.finish("aborted", new AbortedError({ reason: callerSignal?.reason }));
    if (callerSignal?.aborted) {
      callerSignal.removeEventListener("abort", onAbort);
      return Promise.resolve(aborted());
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
    };
    let running: Promise<RunResult>;
    try {
      running = run(prepared);
    } catch (error) {
      running = Promise.reject(error);
    }
    return untilAborted(running, callerSignal)
      .then(
        (outcome) => (outcome === ABORTED ? aborted() : outcome),
        (error: unknown) =>
          callerSignal?.aborted ? aborted() : recorder.finish("failed", internalError(name, error)),
      )
      .finally(() => {
        callerSignal?.removeEventListener("abort", onAbort);
        // The run is over: whatever it started and is still running (a tool that ignored the
        // abort, a straggling model call) is told to stop.
        controller.abort(runEnded());
      });
  };

  return {
    ...(options.extra as EXTRA),
    specificationVersion: "v1",
    name,
    async execute(definition, input, runOptions) {
      const checked = validate(definition, input, runOptions);
      const onEvent = checked.runOptions.onEvent;
      const emit: EventSink | undefined = onEvent ? (event) => notify(onEvent, event) : undefined;
      const runId = checked.runOptions.runId ?? createRunId();
      return start(definition, checked.messages, checked.runOptions, "generate", emit, runId);
    },
    stream(definition, input, runOptions) {
      // Validate before the stream exists, so bad input throws here rather than inside the run.
      const checked = validate(definition, input, runOptions);
      const runId = checked.runOptions.runId ?? createRunId();
      return createRunStream(
        runId,
        (emit) => start(definition, checked.messages, checked.runOptions, "stream", emit, runId),
        checked.runOptions.onEvent,
      );
    },
  };
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
