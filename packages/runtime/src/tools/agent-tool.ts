import type { JSONSchema7, ModelMessage } from "ai";
import type { RunContext } from "../agent-runtime.js";
import type { ValidationIssue } from "../errors/invalid-definition-error.js";

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
}

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
