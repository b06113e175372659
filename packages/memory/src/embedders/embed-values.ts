import type { EmbeddingModelV3, EmbeddingModelV4 } from "@ai-sdk/provider";
import { AbortedError, AgentSdkError, ModelError } from "@flowmaestro/runtime";
import { APICallError, embedMany, RetryError } from "ai";

/**
 * An embedding model object of the AI SDK spec: v4 (AI SDK 7 providers, {@link createHashEmbedder})
 * or v3 (AI SDK 6 providers). Model id strings are not accepted: they would resolve through a
 * global provider, and a knowledge base must know exactly which model made its vectors.
 */
export type EmbeddingModelReference = EmbeddingModelV4 | EmbeddingModelV3;

/** Options of {@link embedValues}. */
export interface EmbedValuesOptions {
  /** Cancels the embedding calls; the promise then rejects with an `AbortedError` (`ABORTED`). */
  signal?: AbortSignal | undefined;
  /**
   * Retries per model call for retryable provider errors (429, 5xx, network). `0` disables them.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * Most model calls in flight at once when the values need several calls (more values than the
   * model's `maxEmbeddingsPerCall`) and the model supports parallel calls. Bounded so a large
   * ingest does not fire hundreds of requests at a provider's rate limit.
   * @default 4
   */
  maxParallelCalls?: number | undefined;
}

/**
 * Embeds `values` with `model` through `embedMany` from `ai`, which splits them into calls of at
 * most the model's `maxEmbeddingsPerCall` values, retries retryable failures and keeps the order.
 * Returns one vector per value, in order (`[]` for no values, without calling the model).
 *
 * @throws {AbortedError} when `options.signal` fires.
 * @throws {ModelError} (`MODEL_ERROR`) when the model call fails (the provider's error is the
 * `cause`; `statusCode` and `retryable` are set from it) or returns a malformed result (wrong count,
 * vectors of different lengths, non-finite numbers).
 */
export async function embedValues(
  model: EmbeddingModelReference,
  values: readonly string[],
  options: EmbedValuesOptions = {},
): Promise<number[][]> {
  if (values.length === 0) return [];
  const { signal } = options;
  if (signal?.aborted) throw new AbortedError({ reason: signal.reason });
  let embeddings: number[][];
  const stop = signal ? whenAborted(signal) : undefined;
  try {
    const call = embedMany({
      model,
      values: [...values],
      maxRetries: options.maxRetries ?? 2,
      maxParallelCalls: options.maxParallelCalls ?? 4,
      ...(signal ? { abortSignal: signal } : {}),
    });
    // A model that ignores its abort signal must not keep the caller waiting.
    call.catch(() => {});
    const result = await (stop ? Promise.race([call, stop.promise]) : call);
    embeddings = result.embeddings;
  } catch (error) {
    throw toEmbeddingError(model, error, signal);
  } finally {
    stop?.dispose();
  }
  const problem = checkEmbeddings(embeddings, values.length);
  if (problem !== undefined) {
    throw new ModelError({
      provider: model.provider,
      modelId: model.modelId,
      cause: new Error(problem),
      message: `Embedding model ${model.provider}/${model.modelId} returned a malformed result: ${problem}.`,
    });
  }
  return embeddings;
}

const dimensions = new WeakMap<object, Promise<number>>();

/**
 * The length of `model`'s vectors, found by embedding one probe text the first time and cached
 * per model instance (a failed probe is not cached). Use it to create vector indexes with the
 * right dimension: never assume a default, since models differ (1536, 768, 256 …) and a wrong guess
 * only fails later, on the first write.
 *
 * @throws {AbortedError} or {@link ModelError} as {@link embedValues}.
 */
export function embeddingDimension(
  model: EmbeddingModelReference,
  options: Pick<EmbedValuesOptions, "signal" | "maxRetries"> = {},
): Promise<number> {
  const cached = dimensions.get(model);
  if (cached) return cached;
  const probe = embedValues(model, ["dimension probe"], options).then((embeddings) => {
    const dimension = embeddings[0]?.length ?? 0;
    if (dimension < 1) {
      throw new ModelError({
        provider: model.provider,
        modelId: model.modelId,
        cause: new Error("empty vector"),
        message: `Embedding model ${model.provider}/${model.modelId} returned an empty vector for a probe text.`,
      });
    }
    return dimension;
  });
  dimensions.set(model, probe);
  probe.catch(() => {
    if (dimensions.get(model) === probe) dimensions.delete(model);
  });
  return probe;
}

function whenAborted(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<never>((_resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    dispose = () => signal.removeEventListener("abort", onAbort);
  });
  promise.catch(() => {});
  return { promise, dispose };
}

function checkEmbeddings(embeddings: unknown, expected: number): string | undefined {
  if (!Array.isArray(embeddings)) return `expected a list of ${expected} vectors, got ${typeof embeddings}`;
  if (embeddings.length !== expected) return `expected ${expected} vectors, got ${embeddings.length}`;
  const length = (embeddings[0] as unknown[] | undefined)?.length;
  for (const [index, vector] of embeddings.entries()) {
    if (!Array.isArray(vector)) return `vector ${index} is not an array`;
    if (vector.length !== length)
      return `vector ${index} has length ${vector.length}, vector 0 has ${length}`;
    if (!vector.every((component) => typeof component === "number" && Number.isFinite(component))) {
      return `vector ${index} holds a value that is not a finite number`;
    }
  }
  return undefined;
}

function toEmbeddingError(model: EmbeddingModelReference, error: unknown, signal: AbortSignal | undefined) {
  if (signal?.aborted) return new AbortedError({ reason: signal.reason });
  if (AgentSdkError.isInstance(error)) return error;
  // After retries the AI SDK throws a RetryError; the provider's own error is its last one.
  const last = RetryError.isInstance(error) ? error.lastError : error;
  const apiError = APICallError.isInstance(last) ? last : undefined;
  return new ModelError({
    provider: model.provider,
    modelId: model.modelId,
    cause: error,
    ...(apiError?.statusCode === undefined ? {} : { statusCode: apiError.statusCode }),
    retryable: apiError?.isRetryable ?? false,
  });
}
