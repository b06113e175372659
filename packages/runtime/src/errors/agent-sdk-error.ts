import { redactSecrets, redactValue } from "../security/redact-secrets.js";

const MARKER = Symbol.for("flowmaestro.agent-sdk-error");

/**
 * Who is at fault when an {@link AgentSdkError} is raised.
 *
 * - `caller`: the host app passed something invalid (a bad definition, input or option).
 * - `model`: the model or its provider failed or misbehaved (network, 4xx/5xx, bad output).
 * - `tool`: a tool failed, timed out, or was called with invalid arguments.
 * - `runtime`: a run ended early (aborted, iteration limit) or the SDK itself failed.
 * - `storage`: the storage backend (database, file) failed or is unreachable.
 */
export type ErrorCategory = "caller" | "model" | "tool" | "runtime" | "storage";

/**
 * Stable error codes. Match on these, never on messages.
 *
 * | code | category | raised when |
 * | --- | --- | --- |
 * | `INVALID_DEFINITION` | caller | an agent definition or option fails validation |
 * | `INVALID_INPUT` | caller | the run input is neither a string nor a list of messages |
 * | `UNKNOWN_PROVIDER` | caller | a `"provider/model"` string names no registered provider |
 * | `PROVIDER_NOT_INSTALLED` | caller | the provider's optional peer package is missing |
 * | `INVALID_JSON_SCHEMA` | caller | a JSON Schema cannot be converted |
 * | `UNKNOWN_TOOL` | tool | the model called a tool the agent does not have |
 * | `INVALID_TOOL_ARGUMENTS` | tool | the model's tool arguments fail the tool's input schema |
 * | `TOOL_EXECUTION_FAILED` | tool | a tool threw |
 * | `TOOL_TIMEOUT` | tool | a tool exceeded its timeout |
 * | `INVALID_TOOL_OUTPUT` | tool | a tool's result fails its output schema |
 * | `TOOL_DECLINED` | tool | a tool call that needed approval was declined |
 * | `AGENT_DEPTH_EXCEEDED` | tool | an agent used as a tool would be nested deeper than its `maxDepth` |
 * | `AGENT_TOOL_FAILED` | tool | the run of an agent used as a tool ended without an answer (its status and error say why) |
 * | `INVALID_OUTPUT` | model | the final answer is not JSON or fails the agent's `outputSchema` |
 * | `BUDGET_EXCEEDED` | runtime | the run used up its token or cost budget |
 * | `RUN_NOT_SUSPENDED` | caller | resuming or cancelling a run that was resumed, is being resumed, or was cancelled |
 * | `MODEL_ERROR` | model | the model call failed |
 * | `ABORTED` | runtime | the caller's `AbortSignal` fired |
 * | `MAX_ITERATIONS` | runtime | the run hit its iteration limit |
 * | `SCRIPT_MISMATCH` | caller | a scripted model was called more often than scripted, or left turns unused |
 * | `CASSETTE_MISS` | caller | a replayed model received a request that is not in its cassette |
 * | `NOT_FOUND` | caller | a thread, snapshot or index does not exist for the given resource (never says whether it exists for another) |
 * | `VECTOR_DIMENSION_MISMATCH` | caller | a vector's length differs from its index's dimension |
 * | `STORAGE_ERROR` | storage | the storage backend failed (connection, constraint, disk); the backend's error is the `cause` |
 * | `INTERNAL` | runtime | a bug in the SDK; please report it |
 */
export type AgentSdkErrorCode =
  | "INVALID_DEFINITION"
  | "INVALID_INPUT"
  | "UNKNOWN_PROVIDER"
  | "PROVIDER_NOT_INSTALLED"
  | "INVALID_JSON_SCHEMA"
  | "UNKNOWN_TOOL"
  | "INVALID_TOOL_ARGUMENTS"
  | "TOOL_EXECUTION_FAILED"
  | "TOOL_TIMEOUT"
  | "INVALID_TOOL_OUTPUT"
  | "TOOL_DECLINED"
  | "AGENT_DEPTH_EXCEEDED"
  | "AGENT_TOOL_FAILED"
  | "INVALID_OUTPUT"
  | "BUDGET_EXCEEDED"
  | "RUN_NOT_SUSPENDED"
  | "MODEL_ERROR"
  | "ABORTED"
  | "MAX_ITERATIONS"
  | "SCRIPT_MISMATCH"
  | "CASSETTE_MISS"
  | "NOT_FOUND"
  | "VECTOR_DIMENSION_MISMATCH"
  | "STORAGE_ERROR"
  | "INTERNAL";

/** Constructor options shared by every {@link AgentSdkError}. */
export interface AgentSdkErrorOptions {
  /** What failed, which id, and what to do about it. Secrets in it are redacted. */
  message: string;
  /** The underlying error, kept for debugging as a copy with every secret redacted. */
  cause?: unknown;
}

/**
 * Base class of every error the SDK raises or reports.
 *
 * Check with {@link AgentSdkError.isInstance} (or a subclass's `isInstance`) rather than
 * `instanceof`: two installed copies of the package would each have their own class.
 */
export class AgentSdkError extends Error {
  /** @internal */
  readonly [MARKER] = true;
  /** Stable, documented code; see {@link AgentSdkErrorCode}. */
  readonly code: AgentSdkErrorCode;
  /** Who is at fault; see {@link ErrorCategory}. */
  readonly category: ErrorCategory;

  constructor(options: AgentSdkErrorOptions & { code: AgentSdkErrorCode; category: ErrorCategory }) {
    // Secrets never leave the SDK: the message and a redacted copy of the whole cause chain are
    // what hosts see, log and serialise (`util.inspect` prints causes).
    super(
      redactSecrets(options.message),
      options.cause === undefined ? undefined : { cause: redactValue(options.cause) },
    );
    this.name = "AgentSdkError";
    this.code = options.code;
    this.category = options.category;
  }

  /** True for any error raised by this SDK, from any installed copy of it. */
  static isInstance(error: unknown): error is AgentSdkError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }

  /** A plain, JSON-safe view of the error (no `cause`, which may hold provider internals). */
  toJSON(): { name: string; code: AgentSdkErrorCode; category: ErrorCategory; message: string } {
    return { name: this.name, code: this.code, category: this.category, message: this.message };
  }
}

/** @internal Builds `isInstance` for a subclass from its code. */
export function hasCode<T extends AgentSdkError>(code: AgentSdkErrorCode) {
  return (error: unknown): error is T => AgentSdkError.isInstance(error) && error.code === code;
}
