import { AbortedError } from "../errors/aborted-error.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { ModelError } from "../errors/model-error.js";
import { messageOf } from "../errors/tool-execution-error.js";
import type { ModelInfo } from "../models/model-reference.js";

const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);
/** Socket and DNS failures, and undici's error codes for a connection that broke or timed out. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_ABORTED",
]);

/**
 * Turns whatever a model call threw into a typed {@link ModelError} (SDK errors pass through),
 * classifying it as retryable (408/409/429/5xx, timeouts, network failures) or not. Only an error
 * status (400 and up) is named in the message: a connection that broke mid-response reads as
 * such, not as the `HTTP 200` its headers had.
 */
export function toModelError(error: unknown, model: ModelInfo): AgentSdkError {
  if (AgentSdkError.isInstance(error)) return error;
  const statusCode = findStatusCode(error);
  const network = isNetworkOrTimeout(error);
  const retryable =
    (error as { isRetryable?: unknown } | null)?.isRetryable === true ||
    (statusCode !== undefined && RETRYABLE_STATUS.has(statusCode)) ||
    (statusCode === undefined && network);
  const what =
    statusCode !== undefined
      ? `failed (HTTP ${statusCode})`
      : network
        ? "failed: the connection broke or timed out"
        : "failed";
  return new ModelError({
    provider: model.provider,
    modelId: model.modelId,
    ...(statusCode === undefined ? {} : { statusCode }),
    retryable,
    message: `Model ${model.provider}/${model.modelId} ${what}: ${describe(error)}`,
    cause: error,
  });
}

/** Whether an error is the caller's abort rather than a model failure. */
export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return Boolean(signal?.aborted) || AbortedError.isInstance(error);
}

/** An HTTP error status (400 and up) on the error, if it carries one. */
function findStatusCode(error: unknown): number | undefined {
  const value = (error as { statusCode?: unknown; status?: unknown } | null) ?? undefined;
  const status = value?.statusCode ?? value?.status;
  return typeof status === "number" && status >= 400 ? status : undefined;
}

/** The error's message, followed by its causes' (`terminated: other side closed`). */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const message = (current as { message?: unknown }).message;
    const text = depth === 0 ? messageOf(current) : typeof message === "string" ? message : "";
    if (text && !parts.includes(text)) parts.push(text);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(": ") || "unknown error";
}

function isNetworkOrTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as { name?: unknown; code?: unknown; cause?: unknown; message?: unknown };
    if (candidate.name === "TimeoutError") return true;
    if (typeof candidate.code === "string" && NETWORK_CODES.has(candidate.code)) return true;
    if (
      candidate.name === "TypeError" &&
      (candidate.message === "fetch failed" || candidate.message === "terminated")
    ) {
      return true;
    }
    current = candidate.cause;
  }
  return false;
}
