import type { AgentInput, AgentOverrides, ResolvedAgentDefinition } from "./agent-definition.js";
import type { AgentEvent } from "./events/agent-event.js";
import type { ProviderRegistry } from "./models/provider-registry.js";
import type { RunResult } from "./run-result.js";

/** Options of one run. */
export interface RunOptions {
  /** Aborts the run: the model call and tools get the signal, and the run ends with status `aborted`. */
  signal?: AbortSignal;
  /** Per-call overrides of definition fields (validated like the definition). */
  overrides?: AgentOverrides;
  /**
   * Called with every event, in order, before it reaches stream readers. May be async; the run
   * does not wait for it. An exception thrown here is ignored (and never ends the run).
   */
  onEvent?: (event: AgentEvent) => void | PromiseLike<void>;
  /** Id for the run; a random one is generated when unset. */
  runId?: string;
}

/**
 * A running agent: an `AsyncIterable` of its events that also exposes the final result and the
 * answer text as a stream. The run starts at once and proceeds whether or not anyone reads it;
 * any number of readers may iterate, each from the first event.
 */
export interface RunStream extends AsyncIterable<AgentEvent> {
  readonly runId: string;
  /** Resolves when the run ends, whatever its status. Never rejects for run failures. */
  readonly result: Promise<RunResult>;
  /** Only the answer text, as it arrives. */
  readonly textStream: AsyncIterable<string>;
}

/**
 * The contract every runtime implements. Hosts normally call it through `createAgent`, which
 * validates the definition once; runtimes receive a resolved definition.
 *
 * Runs never reject for run-time failures: a failed model call, an abort or the iteration limit
 * end the run with a status (`failed`, `aborted`, `max_iterations`) and a typed `error`.
 * Invalid input or overrides reject (or throw, for `stream`) with a typed error.
 */
export interface AgentRuntime {
  /** Version of this contract. */
  readonly specificationVersion: "v1";
  /** Runtime id, e.g. `legacy` or `mastra`. */
  readonly name: string;
  /** Registry that resolves `"provider/model"` strings for this runtime. */
  readonly providers: ProviderRegistry;
  /** Runs the agent to the end. */
  execute(definition: ResolvedAgentDefinition, input: AgentInput, options?: RunOptions): Promise<RunResult>;
  /** Runs the agent, streaming events. */
  stream(definition: ResolvedAgentDefinition, input: AgentInput, options?: RunOptions): RunStream;
}
