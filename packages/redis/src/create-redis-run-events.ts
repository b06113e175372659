import {
  InvalidDefinitionError,
  InvalidInputError,
  type RunStream,
  type StorageError,
} from "@flowmaestro/runtime";
import { followRun } from "./follow-run.js";
import { createFollowRunStream } from "./follow-run-stream.js";
import { publishRun } from "./publish-run.js";
import { createClientFor, type RedisClientLike } from "./redis-client.js";
import type {
  FollowedEvent,
  FollowRunOptions,
  PublishRunOptions,
  PublishSummary,
  RedisRunEvents,
  RedisRunEventsErrorInfo,
  RedisRunEventsOptions,
} from "./redis-run-events.js";

const MAX_ID_LENGTH = 200;

/**
 * Publishes runs' events to Redis Streams and follows them from any process: a UI attached to
 * another host instance streams a run in progress, and a reader that reconnects passes the id of
 * the last event it saw and gets exactly the rest.
 *
 * @example
 * ```ts
 * const runEvents = createRedisRunEvents({ url: process.env.REDIS_URL, onError: log });
 * // Host that runs the agent:
 * const run = agent.stream(input, { resourceId: user.id });
 * void runEvents.publish(run, { resourceId: user.id });
 * // Any host instance, after checking the user may see the run:
 * for await (const { id, event } of runEvents.follow(runId, { after: lastId, resourceId: user.id })) {
 *   send(id, event);
 * }
 * // Or as a run stream, for the UI helpers of `@flowmaestro/runtime/ui`:
 * return toUIMessageStreamResponse(runEvents.followRunStream(runId, { resourceId: user.id }));
 * ```
 */
export function createRedisRunEvents(options: RedisRunEventsOptions): RedisRunEvents {
  checkOptions(options);
  const keyPrefix = options.keyPrefix ?? "flowmaestro:run-events:";
  const ttlSeconds = options.ttlSeconds ?? 3600;
  const activeTtlSeconds = options.activeTtlSeconds ?? 86_400;
  const maxLength = options.maxLength ?? 0;
  const writeTimeoutMs = options.writeTimeoutMs ?? 5000;
  const maxAttempts = options.maxAttempts ?? 4;
  const maxBatchEntries = options.maxBatchEntries ?? 256;
  const blockMs = options.blockMs ?? 5000;
  const owned = options.client === undefined;

  let base: Promise<RedisClientLike> | undefined;
  const baseClient = (): Promise<RedisClientLike> => {
    base ??= (async () => {
      const client = options.client ?? (await createClientFor(options.url as string));
      // An unheard `error` event would end the process; failures reach callers through commands.
      if (owned) client.on("error", () => {});
      return client;
    })();
    return base;
  };
  let connecting: Promise<RedisClientLike> | undefined;
  const connected = (): Promise<RedisClientLike> => {
    connecting ??= (async () => {
      const client = await baseClient();
      if (!client.isOpen) await client.connect();
      return client;
    })().catch((error: unknown) => {
      // Try again on the next use instead of keeping a failed connection attempt.
      connecting = undefined;
      throw error;
    });
    return connecting;
  };

  const report = (error: StorageError, info: RedisRunEventsErrorInfo) => {
    try {
      options.onError?.(error, info);
    } catch {
      // The callback's own failure never reaches the run or the reader.
    }
  };

  const keyOf = (runId: string, resourceId?: string): string => {
    checkId(runId, "runId");
    if (resourceId === undefined) return `${keyPrefix}run:${runId}`;
    checkId(resourceId, "resourceId");
    // Encoded so that no resource id and run id pair can name another pair's key.
    return `${keyPrefix}resource:${encodeURIComponent(resourceId)}:run:${runId}`;
  };

  const publishing = new WeakSet<RunStream>();

  const follow = (runId: string, followOptions: FollowRunOptions = {}): AsyncIterable<FollowedEvent> => {
    const key = keyOf(runId, followOptions.resourceId);
    const after = parseAfter(followOptions.after);
    return followRun({
      runId,
      key,
      after,
      signal: followOptions.signal,
      connection: async () => {
        const connection = (await baseClient()).duplicate();
        connection.on("error", () => {});
        try {
          await connection.connect();
        } catch (error) {
          connection.destroy();
          throw error;
        }
        return connection;
      },
      blockMs,
      writeTimeoutMs,
      maxAttempts,
      report,
    });
  };

  return {
    name: "redis",
    publish(stream: RunStream, publishOptions: PublishRunOptions = {}): Promise<PublishSummary> {
      const key = keyOf(stream.runId, publishOptions.resourceId);
      if (publishing.has(stream)) {
        throw new InvalidInputError({ field: "stream", expected: "a run stream not published already" });
      }
      publishing.add(stream);
      return publishRun(stream, {
        client: connected,
        key,
        ttlSeconds,
        activeTtlSeconds,
        maxLength,
        writeTimeoutMs,
        maxAttempts,
        maxBatchEntries,
        report,
      });
    },
    follow,
    followRunStream(runId: string, followOptions: FollowRunOptions = {}): RunStream {
      // Checked now, so that iterating and `result` fail only for Redis reasons.
      keyOf(runId, followOptions.resourceId);
      parseAfter(followOptions.after);
      const { after, resourceId, signal } = followOptions;
      return createFollowRunStream(
        runId,
        (followSignal) => follow(runId, { after, resourceId, signal: followSignal }),
        signal,
      );
    },
    keyOf,
    getInstance: connected,
    async close() {
      if (!owned || !base) return;
      const client = await base.catch(() => undefined);
      base = undefined;
      connecting = undefined;
      if (client?.isOpen) client.destroy();
    },
  };
}

function checkOptions(options: RedisRunEventsOptions): void {
  const issues: Array<{ field: string; expected: string }> = [];
  if ((options.url === undefined) === (options.client === undefined)) {
    issues.push({ field: "url", expected: "set, or `client` set instead (exactly one of them)" });
  }
  for (const field of [
    "ttlSeconds",
    "activeTtlSeconds",
    "maxLength",
    "writeTimeoutMs",
    "maxAttempts",
    "maxBatchEntries",
    "blockMs",
  ] as const) {
    const value = options[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      issues.push({ field, expected: "a positive integer" });
    }
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ issues, subject: "Redis run events options" });
}

function checkId(value: unknown, field: string): void {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw new InvalidInputError({ field, expected: `a string of 1 to ${MAX_ID_LENGTH} characters` });
  }
}

/** The entry number of an `after` id (`0-<n>`), 0 when unset. */
function parseAfter(after: string | undefined): number {
  if (after === undefined) return 0;
  const match = typeof after === "string" ? /^0-(\d{1,15})$/.exec(after) : null;
  if (!match) {
    throw new InvalidInputError({
      field: "after",
      expected: "the `id` of an entry this reader got from `follow` (`0-<n>`)",
    });
  }
  return Number(match[1]);
}
