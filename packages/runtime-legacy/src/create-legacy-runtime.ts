import {
  type AgentInput,
  type AgentRuntime,
  applyOverrides,
  defaultProviderRegistry,
  type ProviderRegistry,
  type ResolvedAgentDefinition,
  type RunOptions,
  type RunResult,
  type RunStream,
} from "@flowmaestro/runtime";
import {
  createRunId,
  createRunStream,
  type EventSink,
  normalizeInput,
  notify,
} from "@flowmaestro/runtime/kit";
import { runLoop } from "./react-loop/run-loop.js";

/** Options of {@link createLegacyRuntime}. */
export interface LegacyRuntimeOptions {
  /** Resolves `"provider/model"` strings. @default defaultProviderRegistry */
  providers?: ProviderRegistry;
}

/**
 * Creates the legacy runtime: FlowMaestro's own ReAct loop on the AI SDK language-model spec,
 * with no agent framework underneath. The lean, fastest path, and the fallback when a framework
 * runtime breaks.
 */
export function createLegacyRuntime(options: LegacyRuntimeOptions = {}): AgentRuntime {
  const providers = options.providers ?? defaultProviderRegistry;
  const prepare = (
    definition: ResolvedAgentDefinition,
    input: AgentInput,
    runOptions: RunOptions | undefined,
  ) => ({
    definition: applyOverrides(definition, runOptions?.overrides, { providers }),
    messages: normalizeInput(input),
    runId: runOptions?.runId ?? createRunId(),
    runtimeName: "legacy",
    providers,
    signal: runOptions?.signal,
  });
  return {
    specificationVersion: "v1",
    name: "legacy",
    providers,
    async execute(definition, input, runOptions): Promise<RunResult> {
      const prepared = prepare(definition, input, runOptions);
      const onEvent = runOptions?.onEvent;
      const emit: EventSink | undefined = onEvent ? (event) => notify(onEvent, event) : undefined;
      return runLoop({ ...prepared, mode: "generate", emit });
    },
    stream(definition, input, runOptions): RunStream {
      const prepared = prepare(definition, input, runOptions);
      return createRunStream(
        prepared.runId,
        (emit) => runLoop({ ...prepared, mode: "stream", emit }),
        runOptions?.onEvent,
      );
    },
  };
}
