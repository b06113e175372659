import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import type { RunStore } from "../run-store/run-store.js";
import type { AgentTool } from "../tools/agent-tool.js";

/**
 * How an agent remembers: the strategy settings, as `createMemory` from `@flowmaestro/memory`
 * takes them and as a run may override them. Every field is optional; `false` turns a strategy off.
 */
export interface MemoryStrategySettings {
  /**
   * Buffer: how many of the thread's most recent messages are sent with each run; `false` sends
   * none (the other strategies still apply).
   * @default 20
   */
  lastMessages?: number | false | undefined;
  /**
   * Buffer by size: the most recent messages whose estimated tokens (characters / 4) fit this
   * budget, applied after `lastMessages`. A tool call is never sent without its result.
   */
  maxHistoryTokens?: number | undefined;
  /**
   * Summary: when the thread's unsummarised history passes `triggerMessages`, a model writes a
   * rolling summary of everything but the last `keepMessages`, stored with the thread and sent
   * instead of those messages. Older messages stay in storage. `false` or unset: off.
   */
  summary?: SummarySettings | false | undefined;
  /**
   * Semantic recall: earlier messages similar to the new input, with their neighbours, from this
   * thread or from every thread of the resource. Needs an embedder and a vector index. `false`
   * or unset: off.
   */
  semanticRecall?: SemanticRecallSettings | false | undefined;
  /**
   * Working memory: facts about the user that the model keeps up to date through the
   * `update_working_memory` tool, shown to the model as data (never as instructions). `false`
   * or unset: off.
   */
  workingMemory?: WorkingMemorySettings | false | undefined;
}

/** Settings of the summary strategy. */
export interface SummarySettings {
  /** The model that writes summaries. @default the agent's first model */
  model?: LanguageModelV4 | undefined;
  /**
   * Summarise once this many messages are not yet summarised. At most `lastMessages`, so no
   * message falls out of both the history and the summary.
   * @default the smaller of 40 and `lastMessages`
   */
  triggerMessages?: number | undefined;
  /** Messages kept verbatim after the summary. @default the smaller of 10 and half the trigger */
  keepMessages?: number | undefined;
}

/** Settings of semantic recall. */
export interface SemanticRecallSettings {
  /** How many similar messages to recall. @default 3 */
  topK?: number | undefined;
  /** Neighbours sent with each recalled message, before and after. @default 1 */
  messageRange?: number | { before: number; after: number } | undefined;
  /** Recall from this thread, or from every thread of the resource. @default "resource" */
  scope?: "thread" | "resource" | undefined;
}

/** Settings of working memory. */
export interface WorkingMemorySettings {
  /** One working memory per resource (shared by its threads) or per thread. @default "resource" */
  scope?: "resource" | "thread" | undefined;
  /**
   * A markdown template the model fills in (the default template lists name, location,
   * preferences, goals). Mutually exclusive with `schema`.
   */
  template?: string | undefined;
  /** A JSON Schema (object) the stored facts follow; the tool then takes JSON. Mutually exclusive with `template`. */
  schema?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The memory of an agent, as runtimes see it: `createMemory` from `@flowmaestro/memory` builds one.
 * Set it as the definition's `memory`; a run then uses it when its options carry a `threadId`
 * and `resourceId`.
 */
export interface AgentMemory {
  /** Version of this contract. */
  readonly specificationVersion: "v1";
  /** Implementation id, e.g. `flowmaestro`. */
  readonly name: string;
  /** The strategy settings, defaults applied. */
  readonly settings: Readonly<MemoryStrategySettings>;
  /**
   * Opens the memory of one run: loads what the run sends before its input. Called once per run,
   * before the first model call. Rejects with a typed error (`STORAGE_ERROR`, `INVALID_DEFINITION`).
   */
  open(request: MemoryOpenRequest): Promise<MemorySession>;
  /** Where the agent keeps suspended runs, on the memory's storage (used when the agent sets no `runStore`). */
  readonly runStore?: RunStore | undefined;
}

/** What {@link AgentMemory.open} is told about the run. */
export interface MemoryOpenRequest {
  readonly threadId: string;
  readonly resourceId: string;
  readonly runId: string;
  readonly agentId: string;
  /** The run's input: the messages this run adds to the thread. */
  readonly input: readonly ModelMessage[];
  /** Per-run overrides of the settings, validated. */
  readonly overrides: Readonly<MemoryStrategySettings> | undefined;
  /** The run's first model (for summaries without a summary model). */
  readonly model: LanguageModelV4;
  /** Fires when the run is aborted or ends. */
  readonly signal: AbortSignal;
}

/** The memory of one run. */
export interface MemorySession {
  /** Earlier messages of the thread to send before the input, oldest first, always well-formed. */
  readonly history: readonly ModelMessage[];
  /**
   * Context for the system prompt, after the agent's instructions: the summary, recalled
   * messages and working memory, each fenced and escaped as data.
   */
  readonly context: string | undefined;
  /** Tools memory adds to the run (e.g. `update_working_memory`). */
  readonly tools: readonly AgentTool[];
  /**
   * Stores messages of the run in the thread: the input (`step` unset), then each finished
   * step's messages. The runtime awaits it before the next model call; a rejection
   * (`STORAGE_ERROR`) ends the run `failed`.
   */
  save(messages: readonly ModelMessage[], info: { readonly step: number | undefined }): Promise<void>;
  /**
   * The run has ended and everything was saved: work that follows a run (a summary that passed
   * its trigger) happens here. Awaited before the run's result resolves; a rejection is
   * reported as a warning, never as a failed run.
   */
  close(info: { readonly status: string }): Promise<void>;
}
