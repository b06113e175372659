import type { ModelMessage } from "ai";
import { type AgentInput, applyOverrides, type ResolvedAgentDefinition } from "../agent-definition.js";
import type { AgentRuntime, RunOptions } from "../agent-runtime.js";
import type { ProviderRegistry } from "../models/provider-registry.js";
import type { RunResult } from "../run-result.js";
import { normalizeInput } from "./normalize-input.js";
import { createRunId } from "./run-recorder.js";
import { createRunStream, type EventSink, notify } from "./run-stream.js";

/** A run, validated and ready for a runtime's loop. */
export interface PreparedRun {
  /** The definition with the call's overrides applied. */
  readonly definition: ResolvedAgentDefinition;
  /** The definition as the agent holds it (stable identity, e.g. for caches). */
  readonly baseDefinition: ResolvedAgentDefinition;
  readonly messages: ModelMessage[];
  readonly runId: string;
  readonly runtimeName: string;
  readonly providers: ProviderRegistry;
  readonly signal: AbortSignal | undefined;
  /** `generate` for `execute` (the model's `doGenerate`), `stream` for `stream` (`doStream`). */
  readonly mode: "generate" | "stream";
  /** Where events go; unset for an `execute` without `onEvent`, so nothing is built for nobody. */
  readonly emit: EventSink | undefined;
}

/**
 * Builds an {@link AgentRuntime} from one run function: validates input and overrides, assigns the
 * run id, wires `onEvent`, and turns `stream` into a {@link RunStream}. Runtimes differ only in
 * `run`, which must resolve (not reject) with the result.
 */
export function createAgentRuntime<EXTRA extends object = object>(options: {
  name: string;
  providers: ProviderRegistry;
  run: (prepared: PreparedRun) => Promise<RunResult>;
  extra?: EXTRA;
}): AgentRuntime & EXTRA {
  const { name, providers, run } = options;
  const prepare = (
    definition: ResolvedAgentDefinition,
    input: AgentInput,
    runOptions: RunOptions | undefined,
    mode: PreparedRun["mode"],
    emit: EventSink | undefined,
  ): PreparedRun => ({
    definition: applyOverrides(definition, runOptions?.overrides, { providers }),
    baseDefinition: definition,
    messages: normalizeInput(input),
    runId: runOptions?.runId ?? createRunId(),
    runtimeName: name,
    providers,
    signal: runOptions?.signal,
    mode,
    emit,
  });
  return {
    ...(options.extra as EXTRA),
    specificationVersion: "v1",
    name,
    providers,
    async execute(definition, input, runOptions) {
      const onEvent = runOptions?.onEvent;
      const emit: EventSink | undefined = onEvent ? (event) => notify(onEvent, event) : undefined;
      return run(prepare(definition, input, runOptions, "generate", emit));
    },
    stream(definition, input, runOptions) {
      // Validate before the stream exists, so bad input throws here rather than inside the run.
      const prepared = prepare(definition, input, runOptions, "stream", undefined);
      return createRunStream(prepared.runId, (emit) => run({ ...prepared, emit }), runOptions?.onEvent);
    },
  };
}
