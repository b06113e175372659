import type { LanguageModelV4, SharedV4ProviderOptions } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import type { AgentMemory, MemoryStrategySettings } from "./memory/agent-memory.js";
import type { ModelReference } from "./models/model-reference.js";
import type { AgentOutputSchema } from "./output/output-schema.js";
import type { RunStore } from "./run-store/run-store.js";
import type { AgentTool } from "./tools/agent-tool.js";
import type { TracingSettings } from "./tracing/tracing-settings.js";
import type { PriceTable, RunBudget } from "./usage/pricing.js";

/** Default for {@link AgentDefinition.maxIterations}. */
export const DEFAULT_MAX_ITERATIONS = 10;

/** Defaults of {@link ModelRetryOptions}. */
export const DEFAULT_RETRY: Readonly<Required<ModelRetryOptions>> = Object.freeze({
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
});

/**
 * Defaults of {@link ModelTimeoutOptions}: 10 minutes per call (the default request timeout of the
 * OpenAI and Anthropic SDKs) and 5 minutes without a stream part (reasoning models can think
 * silently for minutes before their first part).
 */
export const DEFAULT_TIMEOUTS: Readonly<Required<ModelTimeoutOptions>> = Object.freeze({
  modelCallMs: 600_000,
  streamStallMs: 300_000,
});

/** Default for {@link AgentDefinition.maxToolInputDepth}. */
export const DEFAULT_MAX_TOOL_INPUT_DEPTH = 64;

/** How model calls are retried before moving to the next model of the list. */
export interface ModelRetryOptions {
  /**
   * Retries per model after a retryable failure (429, 408/409, 5xx, timeouts, network errors).
   * @default 2
   */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, with jitter. @default 500 */
  initialDelayMs?: number;
  /** Cap on one delay, including a provider's `retry-after`. @default 10000 */
  maxDelayMs?: number;
}

/**
 * How long a model may take. A timeout is a retryable model error: the call is retried, then the
 * next model of the list is tried, then the run fails with `MODEL_ERROR`.
 */
export interface ModelTimeoutOptions {
  /**
   * Longest one model call may take: the whole answer for `execute`, the response's start (the
   * provider accepting the request) for `stream`.
   * @default 600000
   */
  modelCallMs?: number;
  /**
   * Longest a streaming answer may go without a part. A stall before the model produced any
   * content is retried like a timed-out call; a stall after content was streamed fails the run
   * (retrying would repeat text the host has already shown).
   * @default 300000
   */
  streamStallMs?: number;
}

/**
 * Whether and which tools the model must call: `auto` (the model decides; the default), `none`,
 * `required` (some tool), or one named tool.
 */
export type ToolChoice = "auto" | "none" | "required" | { readonly type: "tool"; readonly toolName: string };

/**
 * Options for the provider, by provider id, sent with every model call as the AI SDK's
 * `providerOptions`, e.g. `{ anthropic: { thinking: { type: "enabled", budgetTokens: 2048 } } }`.
 */
export type ProviderOptions = SharedV4ProviderOptions;

/**
 * Everything that makes an agent, independent of the runtime that runs it. The same definition
 * runs on every runtime.
 */
export interface AgentDefinition {
  /** Stable id, used in events and (later) memory. Defaults to `name`. */
  id?: string;
  /** Human-readable name. */
  name: string;
  /** System instructions. */
  instructions?: string;
  /**
   * The model: an AI SDK (ai@7, spec v4) model instance or a `"provider/model"` string, or a list
   * of them to fall back through in order when a model keeps failing with a retryable error (429,
   * 5xx, timeout, network). A non-retryable error (400, auth) fails the run at once.
   */
  model: ModelReference | readonly ModelReference[];
  /** How model calls are retried (per model) before falling back. */
  retry?: ModelRetryOptions;
  /** How long model calls may take. */
  timeouts?: ModelTimeoutOptions;
  /** Sampling temperature, 0 to 2. Provider default when unset. */
  temperature?: number;
  /** Cap on output tokens per model call. Provider default when unset. */
  maxOutputTokens?: number;
  /**
   * Most model calls in one run. A run that reaches it while the model still calls tools ends
   * with status `max_iterations`.
   * @default 10
   */
  maxIterations?: number;
  /** Tools the model may call. Names must be unique. */
  tools?: readonly AgentTool[];
  /** Whether and which tools the model must call. @default "auto" */
  toolChoice?: ToolChoice;
  /** Provider-specific options sent with every model call (reasoning, caching, store…). */
  providerOptions?: ProviderOptions;
  /**
   * Deepest nesting of objects and arrays accepted in a tool call's arguments. Deeper arguments
   * go back to the model as an `INVALID_TOOL_ARGUMENTS` tool error without reaching the tool's
   * validator (deeply recursive validation would exhaust the stack).
   * @default 64
   */
  maxToolInputDepth?: number;
  /**
   * The agent's memory, from `createMemory` (`@flowmaestro/memory`). A run with a `threadId` and
   * `resourceId` then continues that thread: it loads the thread's history (as the strategies
   * select it) and stores every finished step. Runs without a `threadId` stay stateless.
   */
  memory?: AgentMemory;
  /**
   * Every tool call waits for approval (as if each tool had `needsApproval: true`). A per-run
   * `false` never lifts a tool's own `needsApproval`.
   * @default false
   */
  requireToolApproval?: boolean;
  /**
   * Where suspended runs are kept until resumed: `createRunStore(storage)` from
   * `@flowmaestro/memory`. Defaults to the `memory`'s store. Needed when a tool needs approval.
   */
  runStore?: RunStore;
  /**
   * The agent answers with a structured object: a Zod schema, or an {@link AgentOutputSchema}
   * (`jsonSchemaOutput` of `@flowmaestro/tools` for JSON Schema). The model is asked for JSON
   * matching it; the validated object is the result's `output`, partial objects stream as
   * `object-delta` events, and an answer that fails the schema fails the run (`INVALID_OUTPUT`).
   */
  outputSchema?: AgentOutputSchema | import("zod").ZodType;
  /** A token or cost budget per run; see {@link RunBudget}. */
  budget?: RunBudget;
  /** Model prices, merged over the built-in table (for `costUsd` and cost budgets). */
  pricing?: PriceTable;
  /** OpenTelemetry tracing; see {@link TracingSettings}. */
  tracing?: TracingSettings;
}

/**
 * A definition after validation, as runtimes receive it: defaults applied, `id` set, and the
 * models resolved to AI SDK model instances (first one first, then the fallbacks).
 */
export interface ResolvedAgentDefinition {
  readonly id: string;
  readonly name: string;
  readonly instructions: string | undefined;
  /** The model, then its fallbacks; never empty. */
  readonly models: readonly LanguageModelV4[];
  readonly retry: Readonly<Required<ModelRetryOptions>>;
  readonly timeouts: Readonly<Required<ModelTimeoutOptions>>;
  readonly temperature: number | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly maxIterations: number;
  readonly tools: readonly AgentTool[];
  readonly toolChoice: ToolChoice | undefined;
  readonly providerOptions: ProviderOptions | undefined;
  readonly maxToolInputDepth: number;
  readonly memory: AgentMemory | undefined;
  readonly requireToolApproval: boolean;
  /** The definition's `runStore`, else the memory's; `undefined` when neither. */
  readonly runStore: RunStore | undefined;
  /** The output schema, a Zod schema already converted. */
  readonly outputSchema: AgentOutputSchema | undefined;
  readonly budget: RunBudget | undefined;
  /** The built-in prices with the definition's merged over them. */
  readonly pricing: PriceTable;
  readonly tracing: TracingSettings;
}

/** Per-run memory overrides: the strategy settings a run changes (see {@link MemoryStrategySettings}). */
export type MemoryOverrides = Readonly<MemoryStrategySettings>;

/** Input of a run: a user message as a string, or the messages so far (AI SDK `ModelMessage`s). */
export type AgentInput = string | readonly ModelMessage[];

/** Per-run overrides of definition fields, validated like the definition. */
export type AgentOverrides = Partial<
  Pick<
    AgentDefinition,
    | "instructions"
    | "model"
    | "temperature"
    | "maxOutputTokens"
    | "maxIterations"
    | "retry"
    | "timeouts"
    | "toolChoice"
    | "providerOptions"
    | "requireToolApproval"
    | "outputSchema"
    | "budget"
  >
>;
