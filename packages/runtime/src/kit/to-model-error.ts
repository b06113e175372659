import { AbortedError } from "../errors/aborted-error.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { ModelError } from "../errors/model-error.js";
import { messageOf } from "../errors/tool-execution-error.js";
import type { ModelInfo } from "../models/model-reference.js";
import { redactSecrets } from "./redact-secrets.js";

const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

/**
 * Turns whatever a model call threw into a typed {@link ModelError} (or passes SDK errors through),
 * classifying it as retryable (408/409/429/5xx, timeouts, network failures) or not, and removing
 * secrets from the message.
 */
export function toModelError(error: unknown, model: ModelInfo): AgentSdkError {
  if (AgentSdkError.isInstance(error)) return error;
  const statusCode = findStatusCode(error);
  const retryable =
    (error as { isRetryable?: unknown } | null)?.isRetryable === true ||
    (statusCode !== undefined && RETRYABLE_STATUS.has(statusCode)) ||
    (statusCode === undefined && isNetworkOrTimeout(error));
  return new ModelError({
    provider: model.provider,
    modelId: model.modelId,
    ...(statusCode === undefined ? {} : { statusCode }),
    retryable,
    message: redactSecrets(
      `Model ${model.provider}/${model.modelId} failed${statusCode ? ` (HTTP ${statusCode})` : ""}: ${messageOf(error)}`,
    ),
    cause: error,
  });
}

/** Whether an error is the caller's abort rather than a model failure. */
export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return Boolean(signal?.aborted) || AbortedError.isInstance(error);
}

function findStatusCode(error: unknown): number | undefined {
  const value = (error as { statusCode?: unknown; status?: unknown } | null) ?? undefined;
  const status = value?.statusCode ?? value?.status;
  return typeof status === "number" ? status : undefined;
}

function isNetworkOrTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const candidate = current as { name?: unknown; code?: unknown; cause?: unknown; message?: unknown };
    if (candidate.name === "TimeoutError") return true;
    if (typeof candidate.code === "string" && NETWORK_CODES.has(candidate.code)) return true;
    if (candidate.name === "TypeError" && candidate.message === "fetch failed") return true;
    current = candidate.cause;
  }
  return false;
}
