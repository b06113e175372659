import type { AgentInput, MemoryOverrides, ResolvedAgentDefinition } from "./agent-definition.js";
import type { AgentEvent } from "./events/agent-event.js";
import type { RunResult } from "./run-result.js";

/**
 * Who and what a run is for, as the host knows it (`{ tenantId, userId, locale }`…). Passed per
 * run, so one agent serves every tenant; reaches every tool call's execution context unchanged.
 * The SDK never reads, logs or stores it.
 */
export type RunContext = Readonly<Record<string, unknown>>;

/** Options of one run, as runtimes receive them. Validated: a bad one is a typed error naming it. */
export interface RunOptions {
  /** Aborts the run: the model call and tools get the signal, and the run ends with status `aborted` at once. */
  signal?: AbortSignal;
  /**
   * Called with every event, in order, before it reaches stream readers. May be async; the run
   * does not wait for it. An exception thrown here is ignored (and never ends the run).
   */
  onEvent?: (event: AgentEvent) => void | PromiseLike<void>;
  /** Id for the run (1 to 200 characters); a random one is generated when unset. */
  runId?: string;
  /** Per-run context handed to every tool call (`context` of its execution context). @default {} */
  context?: RunContext;
  /**
   * The memory thread this run continues (1 to 200 characters); created on first use. Needs the
   * definition's `memory` and a `resourceId`. Ids come from the host (its session or database),
   * never from model or user text.
   */
  threadId?: string;
  /**
   * Who the thread belongs to: the tenant or user (1 to 200 characters). Every memory read and
   * write is scoped to it; a thread of another resource is never visible. Required with `threadId`.
   */
  resourceId?: string;
  /** Per-run overrides of the memory strategies (e.g. `{ lastMessages: 5, semanticRecall: false }`). */
  memory?: MemoryOverrides;
}

/**
 * A running agent: an `AsyncIterable` of its events that also exposes the final result and the
 * answer text as a stream. The run starts at once and proceeds whether or not anyone reads it;
 * any number of readers may iterate, each from the first event.
 */
export interface RunStream extends AsyncIterable<AgentEvent> {
  readonly runId: string;
  /** Resolves when the run ends, whatever its status. Never rejects. */
  readonly result: Promise<RunResult>;
  /** Only the answer text, as it arrives. */
  readonly textStream: AsyncIterable<string>;
}

/**
 * The contract every runtime implements. Hosts normally call it through `createAgent`, which
 * validates the definition once and resolves its models; runtimes receive that resolved
 * definition (per-run overrides already applied), so they never see model strings or a provider
 * registry.
 *
 * Runs never reject for run-time failures: a failed model call, an abort or the iteration limit
 * end the run with a status (`failed`, `aborted`, `max_iterations`) and a typed `error`.
 * Invalid input or options reject (or throw, for `stream`) with a typed error.
 */
export interface AgentRuntime {
  /** Version of this contract. */
  readonly specificationVersion: "v1";
  /** Runtime id, e.g. `legacy` or `mastra`. */
  readonly name: string;
  /** Runs the agent to the end. */
  execute(definition: ResolvedAgentDefinition, input: AgentInput, options?: RunOptions): Promise<RunResult>;
  /** Runs the agent, streaming events. */
  stream(definition: ResolvedAgentDefinition, input: AgentInput, options?: RunOptions): RunStream;
}
