import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type ModelRetryOptions,
  type ModelTimeoutOptions,
  type ResolvedAgentDefinition,
} from "../agent-definition.js";
import { AbortedError } from "../errors/aborted-error.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { ModelError } from "../errors/model-error.js";
import { type ModelInfo, modelInfoOf } from "../models/model-reference.js";
import { sleep } from "./sleep.js";
import { toFunctionTools } from "./to-function-tools.js";
import { toModelError } from "./to-model-error.js";
import { type ChatSpan, NOOP_RUN_TRACE, type RunTrace } from "./tracing.js";

/** One failed attempt, kept for diagnostics. */
export interface ModelAttempt {
  readonly model: ModelInfo;
  readonly error: AgentSdkError;
}

/** Test seam: how the run model waits between attempts. */
export type Sleeper = (ms: number, signal: AbortSignal | undefined) => Promise<void>;

/** Watches the parts of a model stream as its consumer reads them. */
export interface StreamObserver {
  /**
   * Called with each part, in order, as the consumer reads it. Return a part to forward in its
   * place, `null` to drop it, or nothing to forward it unchanged. Never sees `error` parts: a
   * failing stream errors instead (and calls {@link onError}).
   */
  onPart?(part: LanguageModelV4StreamPart): LanguageModelV4StreamPart | null | undefined | undefined;
  /** Called once when the stream fails (model error, stall, abort), before its reader rejects. */
  onError?(error: AgentSdkError): void;
}

/**
 * The model a run calls: a list of models tried in order, each retried with exponential backoff
 * on a retryable failure (429, 408/409, 5xx, timeouts, network) before the next is tried; a
 * non-retryable failure (400, 401, 403, 404…) fails at once. Calls are bounded by the
 * definition's timeouts, and end at once when the run's signal fires even if the model ignores
 * it. A stream is retried until it has produced its first content part (so nothing the host has
 * seen is repeated); after that its failures end it. After a fallback, later calls of the same run
 * start from the model that answered. Errors are typed (`ModelError`, `AbortedError`).
 */
export interface RunModel {
  /** Provider id of the first model. */
  readonly provider: string;
  /** Model id of the first model. */
  readonly modelId: string;
  /** The model that answered the most recent call, once one has. */
  readonly answeredBy: ModelInfo | undefined;
  /** Failed attempts of the most recent call. */
  readonly attempts: readonly ModelAttempt[];
  /** One non-streaming call (`doGenerate`), its result checked for shape. */
  generate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult>;
  /** One streaming call (`doStream`); the stream errors with a typed error rather than sending `error` parts. */
  stream(
    options: LanguageModelV4CallOptions,
    observer?: StreamObserver,
  ): Promise<LanguageModelV4StreamResult>;
  /**
   * One streaming call read to its end here, each part handed to the observer: {@link stream}
   * without a stream object for the caller to drain (a runtime that only records the parts saves
   * a stream hop per part). Rejects with the same typed errors.
   */
  consumeStream(
    options: LanguageModelV4CallOptions,
    observer: StreamObserver,
  ): Promise<Omit<LanguageModelV4StreamResult, "stream">>;
}

/** Options of {@link createRunModel}. */
export interface RunModelOptions {
  /** The models, first one first; never empty. */
  readonly models: readonly LanguageModelV4[];
  readonly retry?: ModelRetryOptions | undefined;
  readonly timeouts?: ModelTimeoutOptions | undefined;
  /** The run's signal: every call ends at once with `AbortedError` when it fires. */
  readonly signal?: AbortSignal | undefined;
  /** Adjusts a call for a model, e.g. tool schemas for a fallback model of another provider. */
  readonly prepareCall?:
    | ((model: LanguageModelV4, options: LanguageModelV4CallOptions) => LanguageModelV4CallOptions)
    | undefined;
  /**
   * Awaited before every call (not before each retry): the run's pending memory writes, so a
   * step's messages are stored before the next model call. A rejection fails the call with that
   * error, unretried.
   */
  readonly beforeCall?: (() => Promise<void>) | undefined;
  /**
   * The run's trace: each attempt (every retry, every fallback) gets its own `chat {model}` span,
   * ended when the answer is complete (a stream's `finish` part) or the attempt fails.
   */
  readonly trace?: RunTrace | undefined;
  /** @internal Test seam for backoff waits. */
  readonly sleep?: Sleeper;
}

const CALL_TIMEOUT = Symbol("call timeout");
const STALL = Symbol("stream stall");
/** Parts that carry no content: a stream that failed after only these can be retried. */
const METADATA_PARTS = new Set(["stream-start", "response-metadata", "raw"]);

/** Creates a {@link RunModel}. Create one per run: `answeredBy` and `attempts` describe that run. */
export function createRunModel(options: RunModelOptions): RunModel {
  const models = options.models;
  if (models.length === 0) throw new Error("createRunModel needs at least one model");
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const runSignal = options.signal;
  const wait = options.sleep ?? abortableSleep;
  const prepare =
    options.prepareCall ?? ((_model: LanguageModelV4, call: LanguageModelV4CallOptions) => call);
  const primary = modelInfoOf(models[0] as LanguageModelV4);
  const runTrace = options.trace ?? NOOP_RUN_TRACE;
  let answeredBy: ModelInfo | undefined;
  let attempts: ModelAttempt[] = [];
  // Sticky within a run: once a model has answered, later calls start from it rather than
  // going back to a model that just failed (a rate-limited model stays rate-limited for a while).
  let startIndex = 0;

  /**
   * Tries the models in turn, each with its retries. `run` ends its attempt's span when it
   * succeeds (or hands it on, for a stream); a failed attempt's span is failed here.
   */
  async function withAttempts<T>(
    callOptions: LanguageModelV4CallOptions,
    run: (model: LanguageModelV4, info: ModelInfo, span: ChatSpan) => Promise<T>,
  ): Promise<T> {
    attempts = [];
    answeredBy = undefined;
    let last: AgentSdkError | undefined;
    for (let index = startIndex; index < models.length; index++) {
      const model = models[index] as LanguageModelV4;
      const info = modelInfoOf(model);
      for (let attempt = 0; attempt <= retry.maxRetries; attempt++) {
        if (runSignal?.aborted) throw new AbortedError({ reason: runSignal.reason });
        const span = runTrace.startChat(info, callOptions);
        try {
          const result = await run(model, info, span);
          answeredBy = info;
          startIndex = index;
          return result;
        } catch (error) {
          if (runSignal?.aborted) {
            const aborted = new AbortedError({ reason: runSignal.reason });
            span.fail(aborted);
            throw aborted;
          }
          const typed = toModelError(error, info);
          span.fail(typed);
          attempts.push({ model: info, error: typed });
          last = typed;
          if (!ModelError.isInstance(typed) || !typed.retryable) throw typed;
          if (attempt < retry.maxRetries) {
            await wait(backoff(attempt, retry.initialDelayMs, retry.maxDelayMs, error), runSignal);
          }
        }
      }
    }
    throw models.length === 1 ? (last as AgentSdkError) : allFailed(attempts, last as AgentSdkError);
  }

  const openAttempt = (callSignal: AbortSignal | undefined) => new Attempt(runSignal, callSignal);
  /** Why an attempt's signal fired, as the error the attempt fails with. */
  const failureOf = (
    attempt: { readonly signal: AbortSignal },
    info: ModelInfo,
    cause?: unknown,
  ): unknown => {
    const reason = attempt.signal.reason;
    if (reason === CALL_TIMEOUT) return callTimeoutError(info, timeouts.modelCallMs, cause);
    if (reason === STALL) return stallError(info, timeouts.streamStallMs, cause);
    return new AbortedError({ reason });
  };

  const gate = options.beforeCall;
  const generateNow = (callOptions: LanguageModelV4CallOptions) =>
    withAttempts(callOptions, async (model, info, span) => {
      const attempt = openAttempt(callOptions.abortSignal);
      attempt.arm(timeouts.modelCallMs, CALL_TIMEOUT);
      try {
        const request = { ...prepare(model, callOptions), abortSignal: attempt.signal };
        const call = span.recording ? span.run(() => model.doGenerate(request)) : model.doGenerate(request);
        const result = await attempt.race(call, () => failureOf(attempt, info));
        checkGenerateResult(result, info);
        span.generated(result);
        return result;
      } catch (error) {
        throw attempt.signal.aborted && !AgentSdkError.isInstance(error)
          ? failureOf(attempt, info, error)
          : error;
      } finally {
        attempt.dispose();
      }
    });

  const generate = gate
    ? (callOptions: LanguageModelV4CallOptions) => gate().then(() => generateNow(callOptions))
    : generateNow;

  /** Opens a stream and reads it up to its first content part, retrying failures before that. */
  const openNow = (callOptions: LanguageModelV4CallOptions) =>
    withAttempts(callOptions, async (model, info, span) => {
      const attempt = openAttempt(callOptions.abortSignal);
      attempt.arm(timeouts.modelCallMs, CALL_TIMEOUT);
      let reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart> | undefined;
      try {
        const request = { ...prepare(model, callOptions), abortSignal: attempt.signal };
        const call = span.recording ? span.run(() => model.doStream(request)) : model.doStream(request);
        const result = await attempt.race(call, () => failureOf(attempt, info));
        checkStreamResult(result, info);
        reader = result.stream.getReader();
        // Read up to the first content part: a failure before it is retried like a failed call.
        const head: LanguageModelV4StreamPart[] = [];
        for (;;) {
          attempt.arm(timeouts.streamStallMs, STALL);
          const next = await attempt.race(reader.read(), () => failureOf(attempt, info));
          if (next.done) throw endedEarly(info, head);
          const part = next.value;
          if (part.type === "error") throw part.error;
          head.push(part);
          if (!METADATA_PARTS.has(part.type)) break;
        }
        attempt.disarm();
        return { result, reader, head, attempt, info, span: span.recording ? span : undefined };
      } catch (error) {
        const failure =
          attempt.signal.aborted && !AgentSdkError.isInstance(error)
            ? failureOf(attempt, info, error)
            : error;
        attempt.abort();
        attempt.dispose();
        reader?.cancel().catch(() => {});
        throw failure;
      }
    });

  const open = gate
    ? (callOptions: LanguageModelV4CallOptions) => gate().then(() => openNow(callOptions))
    : openNow;

  const stream = async (callOptions: LanguageModelV4CallOptions, observer?: StreamObserver) => {
    const { result, ...opened } = await open(callOptions);
    const source = new PartSource(opened, timeouts.streamStallMs, observer);
    return { ...result, stream: source.toStream() };
  };

  const consumeStream = async (callOptions: LanguageModelV4CallOptions, observer: StreamObserver) => {
    const { result, ...opened } = await open(callOptions);
    const source = new PartSource(opened, timeouts.streamStallMs, observer);
    while ((await source.next()) !== undefined) {
      // The observer sees every part.
    }
    return {
      ...(result.request === undefined ? {} : { request: result.request }),
      ...(result.response === undefined ? {} : { response: result.response }),
    };
  };

  return {
    provider: primary.provider,
    modelId: primary.modelId,
    get answeredBy() {
      return answeredBy;
    },
    get attempts() {
      return attempts;
    },
    generate,
    stream,
    consumeStream,
  };
}

/**
 * One attempt at a model call: its own signal, aborted by the run's signal, the caller's, or its
 * timer (the call timeout, then the stall timeout). `race` settles as soon as the signal fires,
 * whether or not the model honours it. One listener per linked signal, no closures per attempt.
 */
class Attempt {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private rejectRace: ((reason: unknown) => void) | undefined;
  private failure: (() => unknown) | undefined;

  constructor(
    private readonly runSignal: AbortSignal | undefined,
    private readonly callSignal: AbortSignal | undefined,
  ) {
    if (runSignal?.aborted) this.controller.abort(runSignal.reason);
    else if (callSignal?.aborted) this.controller.abort(callSignal.reason);
    runSignal?.addEventListener("abort", this, { once: true });
    if (callSignal && callSignal !== runSignal) callSignal.addEventListener("abort", this, { once: true });
    this.controller.signal.addEventListener("abort", this, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** EventTarget listener: a linked signal, or this attempt's own, fired. */
  handleEvent(event: Event): void {
    const source = event.target as AbortSignal;
    if (source !== this.controller.signal) {
      this.controller.abort(source.reason);
      return;
    }
    const reject = this.rejectRace;
    this.rejectRace = undefined;
    reject?.(this.failure?.());
  }

  /** Waits for `work`, or rejects with `failure()` as soon as the attempt's signal fires. */
  race<T>(work: PromiseLike<T>, failure: () => unknown): Promise<T> {
    if (this.controller.signal.aborted) {
      // Aborted while the call was being made (a model that aborted the run itself, say): the
      // call's own rejection is nobody's to handle now, and must not go unhandled.
      Promise.resolve(work).then(undefined, () => {});
      return Promise.reject(failure());
    }
    this.failure = failure;
    return new Promise<T>((resolve, reject) => {
      this.rejectRace = reject;
      Promise.resolve(work).then(
        (value) => {
          this.rejectRace = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.rejectRace = undefined;
          reject(error);
        },
      );
    });
  }

  arm(ms: number, kind: symbol): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(abortWith, ms, this.controller, kind);
  }

  disarm(): void {
    clearTimeout(this.timer);
  }

  abort(reason?: unknown): void {
    this.controller.abort(reason);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.runSignal?.removeEventListener("abort", this);
    this.callSignal?.removeEventListener("abort", this);
  }
}

function abortWith(controller: AbortController, reason: unknown): void {
  controller.abort(reason);
}

interface OpenedStream {
  readonly reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart>;
  readonly head: LanguageModelV4StreamPart[];
  readonly attempt: { readonly signal: AbortSignal; abort(reason?: unknown): void; dispose(): void };
  readonly info: ModelInfo;
  /** The attempt's span, when it records: it sees every part and ends with the stream. */
  readonly span: ChatSpan | undefined;
}

/**
 * The rest of a stream after its first content part, read part by part: parts pass the observer
 * as they are read; an `error` part, a read failure, a stall, an abort or an end without a
 * `finish` part fail it with a typed error (at once, even while a read is pending: the reader is
 * cancelled, which settles it). No timer work per part, only a clock read.
 */
class PartSource {
  private headIndex = 0;
  private sawFinish = false;
  private done = false;
  private failure: AgentSdkError | undefined;
  private waitingSince = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: ReadableStreamDefaultController<LanguageModelV4StreamPart> | undefined;
  private readonly onAbort = () => this.fail(new AbortedError({ reason: this.opened.attempt.signal.reason }));

  constructor(
    private readonly opened: OpenedStream,
    private readonly stallMs: number,
    private readonly observer: StreamObserver | undefined,
  ) {
    opened.attempt.signal.addEventListener("abort", this.onAbort, { once: true });
  }

  /** The next part to forward, or `undefined` at the end. Rejects with the stream's typed failure. */
  async next(): Promise<LanguageModelV4StreamPart | undefined> {
    const { reader, head, info } = this.opened;
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.done) return undefined;
      let part: LanguageModelV4StreamPart;
      if (this.headIndex < head.length) {
        part = head[this.headIndex++] as LanguageModelV4StreamPart;
      } else {
        this.waitingSince = Date.now();
        if (this.timer === undefined) this.timer = setTimeout(this.checkStall, this.stallMs);
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          this.waitingSince = 0;
          this.fail(toModelError(error, info));
          throw this.failure;
        }
        this.waitingSince = 0;
        if (this.failure) throw this.failure;
        if (next.done) {
          if (!this.sawFinish) {
            this.fail(endedEarly(info, []));
            throw this.failure;
          }
          this.cleanup();
          return undefined;
        }
        part = next.value;
      }
      if (part.type === "error") {
        this.fail(toModelError(part.error, info));
        throw this.failure;
      }
      if (part.type === "finish") this.sawFinish = true;
      this.opened.span?.part(part);
      const forwarded = this.observer?.onPart ? this.observer.onPart(part) : undefined;
      if (forwarded === null) continue;
      return forwarded ?? part;
    }
  }

  /** The parts as a pull-based stream (one hop; nothing is read ahead of the consumer). */
  toStream(): ReadableStream<LanguageModelV4StreamPart> {
    return new ReadableStream<LanguageModelV4StreamPart>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: async (controller) => {
          let part: LanguageModelV4StreamPart | undefined;
          try {
            part = await this.next();
          } catch (error) {
            // `fail` has errored the stream already; this covers a failure raised elsewhere.
            if (!this.failure) controller.error(error);
            return;
          }
          if (part === undefined) controller.close();
          else controller.enqueue(part);
        },
        cancel: (reason) => {
          if (this.done) return;
          // A consumer that stops reading after the answer is complete ended the call normally.
          if (!this.sawFinish) this.opened.span?.fail(new AbortedError({ reason }));
          this.cleanup();
          this.opened.attempt.abort(reason);
          return this.opened.reader.cancel(reason).catch(() => {});
        },
      },
      { highWaterMark: 0 },
    );
  }

  private readonly checkStall = () => {
    this.timer = undefined;
    if (this.done || this.waitingSince === 0) return;
    const waited = Date.now() - this.waitingSince;
    if (waited >= this.stallMs) this.fail(stallError(this.opened.info, this.stallMs));
    else this.timer = setTimeout(this.checkStall, this.stallMs - waited);
  };

  private cleanup(): void {
    this.done = true;
    this.opened.span?.end();
    clearTimeout(this.timer);
    this.opened.attempt.signal.removeEventListener("abort", this.onAbort);
    this.opened.attempt.dispose();
  }

  private fail(error: AgentSdkError): void {
    if (this.done) return;
    this.failure = error;
    this.opened.span?.fail(error);
    this.cleanup();
    try {
      this.observer?.onError?.(error);
    } finally {
      try {
        this.controller?.error(error);
      } catch {
        // Already closed or errored.
      }
      this.opened.attempt.abort(error);
      this.opened.reader.cancel(error).catch(() => {});
    }
  }
}

/**
 * The run model of a definition: its models, retry policy and timeouts, with the tool schemas of
 * a call reshaped for a fallback model of another provider than the first
 * (`toFunctionTools(definition.tools, provider)`).
 */
export function createDefinitionModel(
  definition: Pick<ResolvedAgentDefinition, "models" | "retry" | "timeouts" | "tools">,
  options: {
    signal?: AbortSignal | undefined;
    beforeCall?: (() => Promise<void>) | undefined;
    /** The run's trace (`startRunTrace`): a `chat {model}` span per attempt. */
    trace?: RunTrace | undefined;
  } = {},
): RunModel {
  const first = (definition.models[0] as LanguageModelV4).provider;
  return createRunModel({
    models: definition.models,
    retry: definition.retry,
    timeouts: definition.timeouts,
    signal: options.signal,
    beforeCall: options.beforeCall,
    trace: options.trace,
    prepareCall: (model, call) =>
      model.provider === first || !call.tools
        ? call
        : { ...call, tools: toFunctionTools(definition.tools, model.provider) },
  });
}

function checkGenerateResult(
  result: unknown,
  info: ModelInfo,
): asserts result is LanguageModelV4GenerateResult {
  const value = result as Partial<LanguageModelV4GenerateResult> | null | undefined;
  if (value && Array.isArray(value.content) && value.finishReason !== undefined) return;
  throw invalidResponse(info, "a generate result with `content` and `finishReason`", value);
}

function checkStreamResult(result: unknown, info: ModelInfo): asserts result is LanguageModelV4StreamResult {
  const value = result as Partial<LanguageModelV4StreamResult> | null | undefined;
  if (value && typeof (value.stream as ReadableStream | undefined)?.getReader === "function") return;
  throw invalidResponse(info, "a stream result with a `stream`", value);
}

function invalidResponse(info: ModelInfo, expected: string, received: unknown): ModelError {
  const what = received === null ? "null" : Array.isArray(received) ? "an array" : typeof received;
  return new ModelError({
    provider: info.provider,
    modelId: info.modelId,
    retryable: false,
    message: `Model ${info.provider}/${info.modelId} returned an invalid response: expected ${expected}, received ${what === "object" ? `an object with keys [${Object.keys(received as object).join(", ")}]` : what}.`,
    cause: undefined,
  });
}

function endedEarly(info: ModelInfo, head: readonly LanguageModelV4StreamPart[]): ModelError {
  return new ModelError({
    provider: info.provider,
    modelId: info.modelId,
    retryable: true,
    message: `Model ${info.provider}/${info.modelId}'s stream ended before the answer was complete (no finish part${head.length === 0 ? ", no content" : ""}).`,
    cause: undefined,
  });
}

function callTimeoutError(info: ModelInfo, ms: number, cause: unknown): ModelError {
  return new ModelError({
    provider: info.provider,
    modelId: info.modelId,
    retryable: true,
    message: `Model ${info.provider}/${info.modelId} did not answer within ${ms} ms (timeouts.modelCallMs).`,
    cause,
  });
}

function stallError(info: ModelInfo, ms: number, cause?: unknown): ModelError {
  return new ModelError({
    provider: info.provider,
    modelId: info.modelId,
    retryable: true,
    message: `Model ${info.provider}/${info.modelId}'s stream stalled: no part for ${ms} ms (timeouts.streamStallMs).`,
    cause,
  });
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

/** Exponential backoff with full jitter, honouring a provider's `retry-after(-ms)` header when present. */
function backoff(attempt: number, initialDelayMs: number, maxDelayMs: number, error: unknown): number {
  const hinted = retryAfterMs((error as { responseHeaders?: unknown } | null)?.responseHeaders);
  if (hinted !== undefined) return Math.min(hinted, maxDelayMs);
  const exponential = Math.min(initialDelayMs * 2 ** attempt, maxDelayMs);
  return exponential / 2 + Math.random() * (exponential / 2);
}

/**
 * The delay a provider asked for: `retry-after-ms` (milliseconds), or `retry-after` as seconds or
 * as an HTTP date (RFC 9110), whichever is present. Header names are matched case-insensitively.
 * @internal
 */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  let milliseconds: string | undefined;
  let after: string | undefined;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (typeof value !== "string") continue;
    const lower = name.toLowerCase();
    if (lower === "retry-after-ms") milliseconds = value;
    else if (lower === "retry-after") after = value;
  }
  if (milliseconds !== undefined) {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  if (after !== undefined) {
    const trimmed = after.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** The default {@link Sleeper}: an abort during the wait fails the call with {@link AbortedError}. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return sleep(ms, signal).catch((reason: unknown) => {
    throw new AbortedError({ reason });
  });
}
