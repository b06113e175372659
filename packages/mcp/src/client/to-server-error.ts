import { McpServerError, type McpServerOperation } from "../errors/mcp-server-error.js";
import type { ClientSdk } from "./load-client-sdk.js";

/** What a failure is about, for its message. @internal */
export interface FailureContext {
  readonly server: string;
  readonly operation: McpServerOperation;
  readonly toolName?: string | undefined;
  readonly timeoutMs: number;
  /** The stdio command, for a spawn failure. */
  readonly command?: string | undefined;
  /** The HTTP endpoint without its query, for HTTP failures. */
  readonly endpoint?: string | undefined;
  /** The server's recent stderr. */
  readonly stderr?: string | undefined;
  /** A message the transport reported for output that is not MCP, seen during the request. */
  readonly noise?: string | undefined;
}

/**
 * Turns whatever the MCP SDK, Node or `fetch` threw into an {@link McpServerError} naming the
 * server: spawn errors, closed connections, timeouts, HTTP statuses, unreachable hosts, JSON-RPC
 * errors and malformed answers. The original error is the `cause`.
 * @internal
 */
export function toServerError(
  error: unknown,
  context: FailureContext,
  sdk: ClientSdk | undefined,
): McpServerError {
  if (McpServerError.isInstance(error)) return error;
  const base = {
    server: context.server,
    operation: context.operation,
    toolName: context.toolName,
    stderr: context.stderr || undefined,
    cause: error,
  };
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const syscall = (error as { syscall?: unknown } | null)?.syscall;

  if (typeof syscall === "string" && syscall.startsWith("spawn")) {
    return new McpServerError({
      ...base,
      reason: "spawn_failed",
      detail: `could not start \`${context.command ?? "the server"}\` (${String(code ?? message)}). Check the server's \`command\`, \`args\` and \`cwd\`.`,
    });
  }
  if (sdk && error instanceof sdk.McpError) {
    if (error.code === sdk.ErrorCode.ConnectionClosed) {
      return new McpServerError({
        ...base,
        reason: "closed",
        detail:
          context.operation === "connect"
            ? "the server closed the connection before it was ready (did the process exit? see the error's `stderr`)."
            : "the connection closed before the server answered (the server exited or was killed). It is started again on the next call.",
      });
    }
    if (error.code === sdk.ErrorCode.RequestTimeout) {
      if (context.noise !== undefined) {
        return new McpServerError({
          ...base,
          reason: "protocol",
          detail: `no valid answer within ${context.timeoutMs} ms; the server wrote output that is not MCP (${context.noise}).`,
        });
      }
      return new McpServerError({
        ...base,
        reason: "timeout",
        detail: `no answer within ${context.timeoutMs} ms (the server's \`timeoutMs\`); the request was cancelled.`,
      });
    }
    return new McpServerError({
      ...base,
      reason: "protocol",
      rpcCode: error.code,
      detail: `the server answered with JSON-RPC error ${error.code}: ${message.replace(/^MCP error -?\d+: /, "")}`,
    });
  }
  if (sdk && error instanceof sdk.StreamableHTTPError) {
    const status = typeof error.code === "number" ? error.code : undefined;
    const hint =
      status === 401 || status === 403
        ? " Check the server's `headers` or `bearerToken`."
        : status === 404
          ? " (the session is gone; a new one is opened on the next call)."
          : "";
    return new McpServerError({
      ...base,
      reason: "http",
      httpStatus: status,
      detail: `${context.endpoint ?? "the server"} answered HTTP ${status ?? "error"}.${hint}`,
    });
  }
  if (error instanceof TypeError && /fetch failed/i.test(message)) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    return new McpServerError({
      ...base,
      reason: "http",
      detail: `could not reach ${context.endpoint ?? "the server"} (${String(cause?.code ?? cause?.message ?? message)}).`,
    });
  }
  if (message === "Not connected") {
    return new McpServerError({
      ...base,
      reason: "closed",
      detail: "the connection closed before the request was sent. It is opened again on the next call.",
    });
  }
  if (isZodError(error)) {
    return new McpServerError({
      ...base,
      reason: "protocol",
      detail: `the answer is not a valid MCP result (${describeZodError(error)}).`,
    });
  }
  return new McpServerError({ ...base, reason: "protocol", detail: message });
}

/** Whether the connection is unusable after this error, so the next call must reconnect. @internal */
export function isConnectionLost(error: McpServerError): boolean {
  if (error.reason === "closed") return true;
  // An unreachable host, or a session the server no longer knows (the spec: start a new one).
  return error.reason === "http" && (error.httpStatus === undefined || error.httpStatus === 404);
}

/** A URL without its query and fragment (which may carry keys), for messages. @internal */
export function endpointOf(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** A Zod validation error, from any Zod flavour. @internal */
export function isZodError(error: unknown): error is { issues: { path?: unknown[]; message?: string }[] } {
  return (
    typeof error === "object" &&
    error !== null &&
    Array.isArray((error as { issues?: unknown }).issues) &&
    // `ZodError` from zod, `$ZodError` from zod/mini (which the SDK uses).
    /ZodError$/.test(String((error as { name?: unknown }).name))
  );
}

function describeZodError(error: { issues: { path?: unknown[]; message?: string }[] }): string {
  const first = error.issues[0];
  if (!first) return "unexpected shape";
  const path = Array.isArray(first.path) && first.path.length > 0 ? `${first.path.join(".")}: ` : "";
  return `${path}${first.message ?? "unexpected value"}`;
}
