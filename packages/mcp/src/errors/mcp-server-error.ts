import { AgentSdkError, redactSecrets } from "@flowmaestro/runtime";

const MARKER = Symbol.for("flowmaestro.mcp.mcp-server-error");

/** What the client was doing with the server when it failed. */
export type McpServerOperation = "connect" | "listTools" | "callTool";

/**
 * Why an MCP server failed:
 *
 * - `spawn_failed`: the stdio server's command could not be started (not found, not executable).
 * - `closed`: the connection closed: the process exited or was killed, or the HTTP session ended.
 * - `timeout`: no answer within the server's `timeoutMs`.
 * - `protocol`: the server answered something that is not valid MCP (garbage, a malformed result,
 *   a JSON-RPC error).
 * - `http`: the HTTP server answered an error status (`httpStatus`) or could not be reached.
 * - `unavailable`: the server is down and its reconnect backoff has not elapsed yet (or reconnecting
 *   is off, or the client was closed); the call was not sent.
 * - `unknown_tool`: the server no longer offers the tool (its tool list changed since the agent got it).
 */
export type McpServerFailure =
  | "spawn_failed"
  | "closed"
  | "timeout"
  | "protocol"
  | "http"
  | "unavailable"
  | "unknown_tool";

/** Options of {@link McpServerError}. */
export interface McpServerErrorOptions {
  /** The server's name, as a key of the client's `servers`. */
  server: string;
  operation: McpServerOperation;
  reason: McpServerFailure;
  /** What happened, in words; the error's message starts with the server's name and the operation. */
  detail: string;
  /** Name of the tool on the server, for `callTool`. */
  toolName?: string | undefined;
  /** HTTP status the server answered, for `http`. */
  httpStatus?: number | undefined;
  /** JSON-RPC error code the server answered, for `protocol`. */
  rpcCode?: number | undefined;
  /** The last lines the stdio server wrote to its stderr before it failed. */
  stderr?: string | undefined;
  cause?: unknown;
}

/**
 * An MCP server could not be used: it failed to start, died, timed out or answered garbage. The
 * message names the server, the operation and the tool; the other servers of the client are not
 * affected, and a dead server is reconnected on the next call (with backoff).
 *
 * Thrown from an MCP tool's `execute`, it reaches the model as a tool error (category `tool`) and
 * the run goes on. Code `TOOL_TIMEOUT` for `reason: "timeout"` (so `ToolTimeoutError.isInstance` is
 * true for it), else `TOOL_EXECUTION_FAILED` (as `ToolExecutionError.isInstance` checks). Tell it
 * apart with {@link McpServerError.isInstance} and match on {@link McpServerError.reason}.
 *
 * Secrets never reach it: HTTP headers and bearer tokens are not in the message, URLs are shown
 * without their query, and the server's stderr is kept in {@link McpServerError.stderr}, not in
 * the message the model sees.
 */
export class McpServerError extends AgentSdkError {
  /** @internal */
  readonly [MARKER] = true;
  /** The server's name, as a key of the client's `servers`. */
  readonly server: string;
  /** What the client was doing. */
  readonly operation: McpServerOperation;
  /** Why it failed; see {@link McpServerFailure}. */
  readonly reason: McpServerFailure;
  /** Name of the tool on the server, for `callTool`. */
  readonly toolName: string | undefined;
  /** HTTP status the server answered, for `http`. */
  readonly httpStatus: number | undefined;
  /** JSON-RPC error code the server answered, for `protocol`. */
  readonly rpcCode: number | undefined;
  /** The last lines (up to 2,000 characters) the stdio server wrote to its stderr, when captured. */
  readonly stderr: string | undefined;

  constructor(options: McpServerErrorOptions) {
    const what =
      options.operation === "callTool" && options.toolName !== undefined
        ? `tool "${options.toolName}"`
        : options.operation === "listTools"
          ? "listing tools"
          : "connecting";
    super({
      code: options.reason === "timeout" ? "TOOL_TIMEOUT" : "TOOL_EXECUTION_FAILED",
      category: "tool",
      message: `MCP server "${options.server}" failed (${what}): ${options.detail}`,
      cause: options.cause,
    });
    this.name = "McpServerError";
    this.server = options.server;
    this.operation = options.operation;
    this.reason = options.reason;
    this.toolName = options.toolName;
    this.httpStatus = options.httpStatus;
    this.rpcCode = options.rpcCode;
    this.stderr = options.stderr === undefined ? undefined : redactSecrets(options.stderr);
  }

  /** True for this error, from any installed copy of the package. */
  static override isInstance = (error: unknown): error is McpServerError =>
    typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
}
