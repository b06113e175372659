import { randomBytes } from "node:crypto";
import { type AgentEvent, type RunStream, StorageError } from "@flowmaestro/runtime";
import { type AppendParameters, appendBatch, type BatchEntry } from "./append-script.js";
import { encodeEvent } from "./event-json.js";
import type { RedisClientLike } from "./redis-client.js";
import type { PublishSummary, RedisRunEventsErrorInfo } from "./redis-run-events.js";

/** Settings a publisher runs with (resolved options). @internal */
export interface PublishSettings {
  readonly client: () => Promise<RedisClientLike>;
  readonly key: string;
  readonly ttlSeconds: number;
  readonly activeTtlSeconds: number;
  readonly maxLength: number;
  readonly writeTimeoutMs: number;
  readonly maxAttempts: number;
  readonly maxBatchEntries: number;
  readonly report: (error: StorageError, info: RedisRunEventsErrorInfo) => void;
}

/** Pause before retry `attempt` (1-based): 50 ms, doubling, at most 1 s. */
function backoff(attempt: number): number {
  return Math.min(1000, 50 * 2 ** (attempt - 1));
}

/**
 * Publishes one run: a reader of the run stream that merges the deltas it reads while a write is
 * in flight, and a writer that sends what is pending as one atomic, idempotent append.
 *
 * Coalescing: consecutive `text-delta`s of one step, `reasoning-delta`s of one step and
 * `tool-input-delta`s of one call that are read while a write is in flight become one entry with
 * the text concatenated (empty deltas are dropped). Everything else is one entry per event. When
 * Redis is fast, each delta is its own entry; when it is slow, a write carries everything read
 * meanwhile, so the number of writes is bounded by Redis' speed, not the model's. At
 * `maxBatchEntries` pending entries the reader stops reading until the write is done; the run
 * stream keeps the rest for it, coalesced the same way (its backpressure policy), and the run never
 * waits.
 * @internal
 */
export async function publishRun(stream: RunStream, settings: PublishSettings): Promise<PublishSummary> {
  const iterator = stream[Symbol.asyncIterator]();
  const token = randomBytes(9).toString("base64url");
  let pending: AgentEvent[] = [];
  let events = 0;
  let entries = 0;
  let complete = false;
  let sourceDone = false;
  let failure: StorageError | undefined;
  // Wakes the writer when there is something to write, and the reader when there is room.
  const wake: { writer?: (() => void) | undefined; reader?: (() => void) | undefined } = {};
  const wakeReader = () => {
    const reader = wake.reader;
    wake.reader = undefined;
    reader?.();
  };

  const read = async () => {
    try {
      for (;;) {
        if (failure) return;
        if (pending.length >= settings.maxBatchEntries) {
          await new Promise<void>((resolve) => {
            wake.reader = resolve;
          });
          continue;
        }
        const next = await iterator.next();
        if (next.done) return;
        events += 1;
        add(pending, next.value);
        wake.writer?.();
      }
    } finally {
      sourceDone = true;
      wake.writer?.();
    }
  };

  const write = async () => {
    let first = true;
    for (;;) {
      if (pending.length === 0) {
        if (sourceDone) return;
        await new Promise<void>((resolve) => {
          wake.writer = resolve;
        });
        wake.writer = undefined;
        continue;
      }
      const batch = pending;
      pending = [];
      wakeReader();
      const numbered: BatchEntry[] = batch.map((event, index) => ({
        local: entries + index + 1,
        type: event.type,
        json: encodeEvent(event),
      }));
      const parameters: AppendParameters = {
        key: settings.key,
        token,
        first,
        activeTtlSeconds: settings.activeTtlSeconds,
        ttlSeconds: settings.ttlSeconds,
        maxLength: settings.maxLength,
      };
      const error = await appendWithRetries(settings, stream.runId, parameters, numbered);
      if (error) {
        failure = error;
        pending = [];
        wakeReader();
        // Stop reading the run: a `next()` the reader left pending resolves `done`.
        await Promise.resolve(iterator.return?.()).catch(() => {});
        return;
      }
      first = false;
      entries += numbered.length;
      if (batch.some((event) => event.type === "run-end")) complete = true;
    }
  };

  await Promise.all([read(), write()]);
  return {
    runId: stream.runId,
    key: settings.key,
    events,
    entries,
    complete,
    ...(failure ? { error: failure } : {}),
  };
}

/** Appends a batch, retrying with backoff; the last error when every attempt failed. */
async function appendWithRetries(
  settings: PublishSettings,
  runId: string,
  parameters: AppendParameters,
  batch: readonly BatchEntry[],
): Promise<StorageError | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const client = await withTimeout(settings.client(), settings.writeTimeoutMs, "connect");
      const signal = AbortSignal.timeout(settings.writeTimeoutMs);
      await withTimeout(appendBatch(client, parameters, batch, signal), settings.writeTimeoutMs, "write");
      return undefined;
    } catch (cause) {
      const willRetry = attempt < settings.maxAttempts;
      const error = toStorageError(cause, `publish run "${runId}" to ${parameters.key}`);
      settings.report(error, { runId, operation: "publish", willRetry });
      if (!willRetry) return error;
      await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
    }
  }
}

/** Adds an event to a pending batch, merging it into the last entry when both are deltas of one part. */
function add(pending: AgentEvent[], event: AgentEvent): void {
  if (isDelta(event)) {
    if (event.delta === "") return;
    const last = pending.at(-1);
    if (last && samePart(last, event)) {
      pending[pending.length - 1] = {
        ...last,
        delta: (last as typeof event).delta + event.delta,
      } as AgentEvent;
      return;
    }
  }
  pending.push(event);
}

type DeltaEvent = Extract<AgentEvent, { type: "text-delta" | "reasoning-delta" | "tool-input-delta" }>;

function isDelta(event: AgentEvent): event is DeltaEvent {
  return event.type === "text-delta" || event.type === "reasoning-delta" || event.type === "tool-input-delta";
}

function samePart(last: AgentEvent, event: DeltaEvent): boolean {
  if (last.type !== event.type || last.runId !== event.runId) return false;
  if (event.type === "tool-input-delta") return (last as typeof event).toolCallId === event.toolCallId;
  return (last as typeof event).step === event.step;
}

/** Rejects with a timeout error when `promise` takes longer than `ms`. @internal */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis ${what} took longer than ${ms} ms`)), ms);
  });
  // A late rejection of the losing promise is not an unhandled one.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A Redis failure as the SDK's storage error, with the backend's code when it has one. @internal */
export function toStorageError(cause: unknown, operation: string): StorageError {
  if (cause instanceof StorageError || StorageError.isInstance(cause)) return cause as StorageError;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const backendCode =
    typeof code === "string" ? code : String((cause as Error | undefined)?.message ?? "").split(" ")[0];
  return new StorageError({
    adapter: "redis",
    operation,
    ...(backendCode && /^[A-Z_]+$/.test(backendCode) ? { backendCode } : {}),
    cause,
  });
}
