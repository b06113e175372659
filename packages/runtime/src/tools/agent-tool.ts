import type { JSONValue } from "@ai-sdk/provider";
import type { JSONSchema7, ModelMessage } from "ai";
import type { RunContext } from "../agent-runtime.js";
import type { ValidationIssue } from "../errors/invalid-definition-error.js";
import type { AgentEvent } from "../events/agent-event.js";
import type { TokenUsage } from "../run-result.js";

/** Outcome of validating a value against a tool's schema. */
export type ToolParseResult<T> = { success: true; value: T } | { success: false; issues: ValidationIssue[] };

/** What a tool's `execute` receives besides its validated input. */
export interface ToolExecutionContext {
  /** Id of this tool call, as the model assigned it. */
  readonly toolCallId: string;
  /** Id of the run this call belongs to. */
  readonly runId: string;
  /** Id of the agent that called the tool. */
  readonly agentId: string;
  /** Fires when the run is aborted or the tool's timeout elapses; pass it to `fetch` and friends. */
  readonly signal: AbortSignal;
  /** The conversation so far (input plus this run's finished steps). Read-only. */
  readonly messages: readonly ModelMessage[];
  /**
   * The run's `context` from its run options (`{}` when unset), e.g. which tenant or user the run
   * is for. Use it to scope what the tool reads and writes.
   */
  readonly context: RunContext;
  /**
   * The run's `resourceId` (the tenant or user it is for, from the host), `undefined` when the run
   * has none. Scope what the tool reads and writes by it; never take it from the arguments. The kit
   * always sets the key; it is optional so that contexts built by hand (tests, a host calling
   * `execute` itself) need not.
   */
  readonly resourceId?: string | undefined;
  /**
   * The run this call belongs to, for a tool that does model work of its own (an agent used as a
   * tool, `agent.asTool()`): its nesting depth, and hooks to count that work in the run's usage,
   * cost and budget and to show its events under this call. Set by the kit for every call inside a
   * run; unset when a host calls `execute` itself (e.g. an MCP server), so check for it.
   */
  readonly run?: ToolRunHooks;
}

/**
 * The run a tool call belongs to, as a tool that runs nested work sees it
 * ({@link ToolExecutionContext.run}). Using neither hook costs a tool nothing.
 */
export interface ToolRunHooks {
  /** How deeply the run is nested in agents used as tools: 0 for a run a host started. */
  readonly depth: number;
  /**
   * Whether the run streams (`agent.stream`): a nested run should stream too, so that its deltas
   * reach the host as they come.
   */
  readonly streaming: boolean;
  /**
   * Counts work this call did (e.g. a nested run's `usage` and `costUsd`) in the run: in
   * `result.usage` and `result.costUsd`, in the budget checked after the step, and, while the
   * call's step is open, in its `nestedUsage`/`nestedCostUsd` (a step's own `usage` stays that of
   * its model call). A `costUsd` of `undefined` (unpriced work) makes the run's cost `undefined`,
   * as an unpriced model does; counts that are not numbers of 0 or more count as 0. Ignored once
   * the run has ended. Report before returning, so the step and its budget check include it.
   */
  addUsage(usage: TokenUsage, costUsd: number | undefined): void;
  /**
   * Emits an event of a nested run; the run emits it as a `subagent-event` under this call, after
   * its `tool-call` and before its outcome. Ignored once the call has its outcome (it timed out,
   * or the run ended).
   */
  emit(event: AgentEvent): void;
}

/**
 * One part of a tool result shown to the model as content (AI SDK 7 provider spec v4,
 * `LanguageModelV4ToolResultOutput` `content`): text, or a file given as base64 data (an image is
 * a file with an `image/*` media type). `image-data` and `file-data` are the AI SDK's older names
 * for a file part; they are accepted and sent as `file`.
 */
export type ToolContentPart =
  | { readonly type: "text"; readonly text: string }
  | {
      readonly type: "file";
      readonly data: { readonly type: "data" /** Base64. */; readonly data: string };
      /** IANA media type, e.g. `image/png`, `application/pdf`. */
      readonly mediaType: string;
      readonly filename?: string;
    }
  | { readonly type: "image-data" /** Base64. */; readonly data: string; readonly mediaType: string }
  | {
      readonly type: "file-data";
      /** Base64. */
      readonly data: string;
      readonly mediaType: string;
      readonly filename?: string;
    };

/**
 * What the model is shown of a successful tool result ({@link AgentTool.toModelOutput}): text,
 * JSON, or content parts (text, images, files).
 */
export type ToolModelOutput =
  | { readonly type: "text"; readonly value: string }
  | { readonly type: "json"; readonly value: JSONValue }
  | { readonly type: "content"; readonly value: readonly ToolContentPart[] };

/** What a tool's `needsApproval` function receives besides the validated input. */
export interface ToolApprovalContext {
  readonly toolCallId: string;
  readonly runId: string;
  readonly agentId: string;
  /** The run's `context` from its run options (`{}` when unset). */
  readonly context: RunContext;
  /** The conversation so far. Read-only. */
  readonly messages: readonly ModelMessage[];
}

/**
 * Whether a call needs a person's approval before it runs: `true`, or a function of the validated
 * arguments and the run (e.g. refunds above 100). A function that throws or rejects counts as
 * `true`: approval fails closed.
 */
export type ToolApprovalRequirement<INPUT = any> =
  | boolean
  | ((input: INPUT, context: ToolApprovalContext) => boolean | PromiseLike<boolean>);

/** A provider-specific view of a tool's input schema; see {@link AgentTool.forProvider}. */
export interface ProviderToolVariant {
  /** The schema to send to this provider instead of {@link AgentTool.jsonSchema}. */
  readonly jsonSchema: JSONSchema7;
  /** Ask the provider to enforce the schema exactly (OpenAI strict mode). */
  readonly strict?: boolean;
  /**
   * Maps the arguments the provider sent back to the shape of the original schema before
   * validation (e.g. `null` for an optional field that strict mode made nullable becomes absent).
   */
  mapArguments?(input: unknown): unknown;
}

/**
 * A tool as every runtime sees it: a name, a JSON Schema to show the model, a validator and an
 * `execute` function. Build one with {@link defineTool} (Zod) or with `@flowmaestro/tools`
 * (JSON Schema, stored configs, MCP).
 */
export interface AgentTool<INPUT = any, OUTPUT = unknown> {
  /** Name the model calls the tool by: 1 to 64 characters of `A-Z a-z 0-9 _ -`. */
  readonly name: string;
  /** What the tool does and when to use it; the model reads this. */
  readonly description?: string;
  /** JSON Schema of the input object, sent to the model. */
  readonly jsonSchema: JSONSchema7;
  /**
   * Validates the model's arguments (already parsed from JSON). Must not throw; failures are
   * reported back to the model as an `INVALID_TOOL_ARGUMENTS` tool error.
   */
  parseInput(input: unknown): ToolParseResult<INPUT>;
  /** Validates the tool's result, when the tool declares an output schema. */
  parseOutput?(output: unknown): ToolParseResult<OUTPUT>;
  /**
   * Runs the tool. Throwing reports a `TOOL_EXECUTION_FAILED` tool error to the model. The result
   * must be JSON-serialisable (no functions, symbols, BigInts, cycles, Maps or Sets); anything else
   * is reported to the model as an `INVALID_TOOL_OUTPUT` tool error.
   */
  execute(input: INPUT, context: ToolExecutionContext): OUTPUT | PromiseLike<OUTPUT>;
  /**
   * What the model is shown of a successful result, when that is not the result itself: e.g. the
   * answer text of a nested agent run, or an image as content parts. It goes to the model, to
   * `result.messages`, to memory and to a suspended run as it is; `tool-result` events and
   * `step.toolResults` keep `execute`'s own output. Without it, a string is shown as text and
   * anything else as JSON. A value of the wrong shape, or a throw, is reported to the model as an
   * `INVALID_TOOL_OUTPUT` tool error.
   */
  toModelOutput?(output: OUTPUT): ToolModelOutput;
  /**
   * The call waits for approval before it runs (see {@link ToolApprovalRequirement}); the run then
   * suspends. No per-run option can turn this off. @default false
   */
  readonly needsApproval?: ToolApprovalRequirement<INPUT>;
  /** Milliseconds before the call is abandoned with a `TOOL_TIMEOUT` tool error. No timeout when unset. */
  readonly timeoutMs?: number;
  /**
   * Optional: the schema to use for one provider (e.g. `openai.responses`, `google.generative-ai`),
   * when that provider cannot take {@link jsonSchema} as it is. Runtimes call it with the model's
   * `provider` id and fall back to `jsonSchema` when it returns `undefined`.
   */
  forProvider?(provider: string): ProviderToolVariant | undefined;
}
