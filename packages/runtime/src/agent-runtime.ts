import type { AgentInput, MemoryOverrides, ResolvedAgentDefinition } from "./agent-definition.js";
import type { AgentEvent } from "./events/agent-event.js";
import type { ApprovalDecision, RunResult } from "./run-result.js";

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
   * Who the run and its thread belong to: the tenant or user (1 to 200 characters). Every memory
   * read and write, and a suspended run's record, is scoped to it: another resource's thread or
   * run is never visible. Required with `threadId`.
   */
  resourceId?: string;
  /** Per-run overrides of the memory strategies (e.g. `{ lastMessages: 5, semanticRecall: false }`). */
  memory?: MemoryOverrides;
  /**
   * How deeply this run is nested in agents used as tools (a whole number): `agent.asTool()` sets
   * it to one more than the run that called the tool, and refuses to go past its `maxDepth`. Tools
   * see it as `context.run.depth`. Hosts leave it unset.
   * @default 0
   */
  depth?: number;
}

/** Options of resuming a suspended run (`agent.resume`). The thread comes from the stored run. */
export interface ResumeOptions {
  /** Aborts the resumed run, as for a run. */
  signal?: AbortSignal;
  /** Called with every event of the resumed run. */
  onEvent?: (event: AgentEvent) => void | PromiseLike<void>;
  /** The run's context, as for a run (it is never stored, so pass it again). */
  context?: RunContext;
  /** The resource the run belongs to; must be the one it was started with. */
  resourceId?: string;
  /** Per-run memory overrides, as for a run. */
  memory?: MemoryOverrides;
}

/**
 * A running agent: an `AsyncIterable` of its events that also exposes the final result and the
 * answer text as a stream. The run starts at once and never waits for a reader, however slow;
 * any number of readers may iterate (`for await`, `textStream`), each from the first event, in
 * order, whether it starts during the run or after it.
 *
 * Backpressure policy (streams built with the kit's `createRunStream`): the stream buffers one
 * replay log, shared by every reader, and each reader holds only its position in it.
 * - Structural events (everything but `text-delta`, `reasoning-delta`, `tool-input-delta` and
 *   `object-delta`, and `subagent-event`s around one of the three deltas) are kept as they are;
 *   every reader gets each one exactly once, in order.
 * - Consecutive deltas of one kind (`text-delta`s of a step, `reasoning-delta`s of a step,
 *   `tool-input-delta`s of one tool call, and the same of a nested run inside its
 *   `subagent-event`s) are kept as one text. A reader that keeps up gets the
 *   original events one by one; a reader that falls behind, or starts late, gets what it has not
 *   read of that text as one event of the same type with the deltas concatenated. Either way the
 *   deltas a reader gets add up to exactly what was emitted, between the same structural events.
 *   Empty deltas carry no text and are not delivered.
 * - `object-delta`: each such text of a step keeps only its latest partial object; a reader that
 *   is behind gets the text up to it, that partial, then the rest, and skips superseded partials.
 *   `textStream` yields the run's own `text-delta` text only (all of it; a nested run's is not in it).
 *
 * Memory is O(structural events + characters of delta text), shared by all readers, not O(number
 * of deltas): 100,000 unread text deltas are one buffered entry. The log lives as long as the
 * stream (a late reader may still come); a reader that ends or calls `return()` (a `break` out
 * of `for await`) holds nothing, and a `next()` it left pending resolves `done`. `onEvent` gets
 * every original event as it is emitted.
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
  /**
   * Continues a suspended run with the decisions on its pending approvals: runs the approved
   * calls, sends declined ones to the model as declined (with the reason), and goes on. Resolves
   * once the run is claimed (exactly one caller claims a run, whatever the process) with its
   * stream. Rejects with `NOT_FOUND` (no such run for this resource), `RUN_NOT_SUSPENDED` (already
   * resumed, being resumed, cancelled) or `INVALID_INPUT` (a decision missing or unknown).
   * Optional: runtimes built with the kit have it.
   */
  resume?(
    definition: ResolvedAgentDefinition,
    runId: string,
    decisions: readonly ApprovalDecision[],
    options?: ResumeOptions,
  ): Promise<RunStream>;
  /**
   * Cancels a suspended run: it can no longer be resumed and its pending calls never run.
   * Rejects with `NOT_FOUND` or `RUN_NOT_SUSPENDED` as {@link AgentRuntime.resume} does.
   * Optional: runtimes built with the kit have it.
   */
  cancel?(
    definition: ResolvedAgentDefinition,
    runId: string,
    options?: { resourceId?: string },
  ): Promise<void>;
}
