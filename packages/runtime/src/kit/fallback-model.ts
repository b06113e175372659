import type { LanguageModelV4, LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { AbortedError } from "../errors/aborted-error.js";
import type { AgentSdkError } from "../errors/agent-sdk-error.js";
import { ModelError } from "../errors/model-error.js";
import { type ModelInfo, type ModelReference, modelInfoOf } from "../models/model-reference.js";
import type { ProviderRegistry } from "../models/provider-registry.js";
import { sleep } from "./sleep.js";
import { toModelError } from "./to-model-error.js";

/** How model calls are retried before moving to the next model. */
export interface ModelRetryOptions {
  /**
   * Retries per model after a retryable failure (429, 408/409, 5xx, timeout, network).
   * @default 2
   */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, with jitter. @default 500 */
  initialDelayMs?: number;
  /** Cap on one delay, including a provider's `retry-after`. @default 10000 */
  maxDelayMs?: number;
}

/** One failed attempt, kept for diagnostics. */
export interface ModelAttempt {
  readonly model: ModelInfo;
  readonly error: AgentSdkError;
}

/**
 * A model that tries a list of models in order: each is retried with exponential backoff on a
 * retryable failure, then the next one is tried; a non-retryable failure (400, 401, 403, 404…)
 * fails at once. Only the call itself is retried: once a stream has started, its errors pass through.
 * After a fallback, later calls of the same run start from the model that answered.
 */
export interface FallbackModel extends LanguageModelV4 {
  /** The model that answered the most recent call, once one has. */
  readonly answeredBy: ModelInfo | undefined;
  /** Failed attempts of the most recent call. */
  readonly attempts: readonly ModelAttempt[];
}

/** Test seam: how the fallback model waits between attempts. */
export type Sleeper = (ms: number, signal: AbortSignal | undefined) => Promise<void>;

/**
 * Creates a {@link FallbackModel} over model references (instances or `"provider/model"` strings,
 * resolved lazily, so a missing package for a fallback model only matters when it is needed).
 * Create one per run: `answeredBy` and `attempts` describe that run's latest call.
 */
export function createFallbackModel(
  references: readonly ModelReference[],
  options: {
    providers: ProviderRegistry;
    retry?: ModelRetryOptions | undefined;
    sleep?: Sleeper;
    /** Adjusts the call for a model, e.g. tool schemas for a fallback model of another provider. */
    prepareCall?:
      | ((model: LanguageModelV4, callOptions: LanguageModelV4CallOptions) => LanguageModelV4CallOptions)
      | undefined;
  },
): FallbackModel {
  if (references.length === 0) throw new Error("createFallbackModel needs at least one model");
  const maxRetries = options.retry?.maxRetries ?? 2;
  const initialDelayMs = options.retry?.initialDelayMs ?? 500;
  const maxDelayMs = options.retry?.maxDelayMs ?? 10_000;
  const wait = options.sleep ?? abortableSleep;
  const resolved: Array<LanguageModelV4 | undefined> = references.map((reference) =>
    typeof reference === "string" ? undefined : reference,
  );
  const resolve = async (index: number): Promise<LanguageModelV4> => {
    const cached = resolved[index];
    if (cached) return cached;
    const model = await options.providers.resolve(references[index] as string);
    resolved[index] = model;
    return model;
  };
  const primary = modelInfoOf(references[0] as ModelReference);
  let answeredBy: ModelInfo | undefined;
  let attempts: ModelAttempt[] = [];
  // Sticky within a run: once a model has answered, later calls start from it rather than
  // going back to a model that just failed (a rate-limited model stays rate-limited for a while).
  let startIndex = 0;
  const prepareCall = options.prepareCall;
  const prepare = (model: LanguageModelV4, callOptions: LanguageModelV4CallOptions) =>
    prepareCall ? prepareCall(model, callOptions) : callOptions;

  async function call<T>(
    callOptions: LanguageModelV4CallOptions,
    invoke: (model: LanguageModelV4) => PromiseLike<T>,
  ) {
    attempts = [];
    answeredBy = undefined;
    const signal = callOptions.abortSignal;
    let last: AgentSdkError | undefined;
    for (let index = startIndex; index < references.length; index++) {
      let info = modelInfoOf(references[index] as ModelReference);
      for (let attempt = 0; attempt <= maxRetries; attempt++) {
        if (signal?.aborted) throw new AbortedError({ reason: signal.reason });
        try {
          const model = await resolve(index);
          info = { provider: model.provider, modelId: model.modelId };
          const result = await invoke(model);
          answeredBy = info;
          startIndex = index;
          return result;
        } catch (error) {
          if (signal?.aborted) throw error;
          const typed = toModelError(error, info);
          attempts.push({ model: info, error: typed });
          last = typed;
          if (!ModelError.isInstance(typed) || !typed.retryable) throw typed;
          if (attempt < maxRetries) {
            await wait(backoff(attempt, initialDelayMs, maxDelayMs, error), signal);
          }
        }
      }
    }
    throw references.length === 1 ? last : allFailed(attempts, last as AgentSdkError);
  }

  return {
    specificationVersion: "v4",
    provider: primary.provider,
    modelId: primary.modelId,
    get supportedUrls() {
      return resolved[0]?.supportedUrls ?? {};
    },
    get answeredBy() {
      return answeredBy;
    },
    get attempts() {
      return attempts;
    },
    doGenerate: (callOptions) => call(callOptions, (model) => model.doGenerate(prepare(model, callOptions))),
    doStream: (callOptions) => call(callOptions, (model) => model.doStream(prepare(model, callOptions))),
  };
}

function allFailed(attempts: readonly ModelAttempt[], last: AgentSdkError): AgentSdkError {
  const tried = [...new Set(attempts.map((attempt) => `${attempt.model.provider}/${attempt.model.modelId}`))];
  const lastModel = attempts[attempts.length - 1]?.model ?? { provider: "unknown", modelId: "unknown" };
  return new ModelError({
    provider: lastModel.provider,
    modelId: lastModel.modelId,
    retryable: true,
    ...(ModelError.isInstance(last) && last.statusCode !== undefined ? { statusCode: last.statusCode } : {}),
    message: `All models failed after ${attempts.length} attempt(s) (${tried.join(", ")}). Last error: ${last.message}`,
    cause: last,
  });
}

/** Exponential backoff with full jitter, honouring a provider's `retry-after` header when present. */
function backoff(attempt: number, initialDelayMs: number, maxDelayMs: number, error: unknown): number {
  const headers = (error as { responseHeaders?: Record<string, string> } | null)?.responseHeaders;
  const retryAfterMs = headers?.["retry-after-ms"] ?? undefined;
  const retryAfter = headers?.["retry-after"] ?? undefined;
  const hinted =
    retryAfterMs !== undefined
      ? Number(retryAfterMs)
      : retryAfter !== undefined
        ? Number(retryAfter) * 1000
        : Number.NaN;
  if (Number.isFinite(hinted) && hinted >= 0) return Math.min(hinted, maxDelayMs);
  const exponential = Math.min(initialDelayMs * 2 ** attempt, maxDelayMs);
  return exponential / 2 + Math.random() * (exponential / 2);
}

/** The default {@link Sleeper}: an abort during the wait fails the call with {@link AbortedError}. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return sleep(ms, signal).catch((reason: unknown) => {
    throw new AbortedError({ reason });
  });
}
