import { NotFoundError, StorageError } from "@flowmaestro/runtime";
import { decodeEvent } from "./event-json.js";
import { toStorageError, withTimeout } from "./publish-run.js";
import type { RedisClientLike } from "./redis-client.js";
import type { FollowedEvent, RedisRunEventsErrorInfo } from "./redis-run-events.js";

/** Settings a follower runs with (resolved options). @internal */
export interface FollowSettings {
  readonly runId: string;
  readonly key: string;
  /** Entry number to read after (0: from the start). */
  readonly after: number;
  readonly signal: AbortSignal | undefined;
  /** A new, unconnected connection for this follower's blocking reads. */
  readonly connection: () => Promise<RedisClientLike>;
  readonly blockMs: number;
  readonly writeTimeoutMs: number;
  readonly maxAttempts: number;
  readonly report: (error: StorageError, info: RedisRunEventsErrorInfo) => void;
}

/** Entries read per `XREAD`. */
const COUNT = 512;

/**
 * Reads a run's stream from entry `after + 1` with `XREAD BLOCK` on a connection of its own,
 * until the `run-end`. Entry numbers are consecutive, so a trimmed or expired range is an error,
 * never a silent gap. A failed read is retried from the same position (nothing lost, nothing
 * twice); aborting `signal` closes the connection and ends the iteration.
 * @internal
 */
export async function* followRun(settings: FollowSettings): AsyncGenerator<FollowedEvent, void, undefined> {
  const { signal } = settings;
  if (signal?.aborted) return;
  let connection: RedisClientLike | undefined;
  const onAbort = () => connection?.destroy();
  signal?.addEventListener("abort", onAbort, { once: true });
  let cursor = settings.after;
  let failures = 0;
  try {
    for (;;) {
      let reply: unknown;
      try {
        if (!connection?.isOpen) {
          connection?.destroy();
          connection = await withTimeout(settings.connection(), settings.writeTimeoutMs, "connect");
          if (signal?.aborted) return;
          if (cursor > 0 && failures === 0 && cursor === settings.after)
            await checkExists(connection, settings);
        }
        reply = await connection.sendCommand([
          "XREAD",
          "COUNT",
          String(COUNT),
          "BLOCK",
          String(settings.blockMs),
          "STREAMS",
          settings.key,
          `0-${cursor}`,
        ]);
        failures = 0;
      } catch (cause) {
        if (signal?.aborted) return;
        if (NotFoundError.isInstance(cause)) throw cause;
        failures += 1;
        const willRetry = failures < settings.maxAttempts;
        const error = toStorageError(cause, `follow run "${settings.runId}" at ${settings.key}`);
        settings.report(error, { runId: settings.runId, operation: "follow", willRetry });
        if (!willRetry) throw error;
        connection?.destroy();
        connection = undefined;
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** (failures - 1))));
        if (signal?.aborted) return;
        continue;
      }
      if (signal?.aborted) return;
      for (const [id, fields] of entriesOf(reply)) {
        const seq = Number(id.slice(2));
        if (!id.startsWith("0-") || seq !== cursor + 1) {
          throw new StorageError({
            adapter: "redis",
            operation: `follow run "${settings.runId}"`,
            message: `entries ${cursor + 1} to ${seq - 1} of ${settings.key} are gone (trimmed by \`maxLength\`, or the stream expired and was written again); follow again without \`after\` to read what is left`,
          });
        }
        const json = fieldOf(fields, "event");
        if (json === undefined) {
          throw new StorageError({
            adapter: "redis",
            operation: `follow run "${settings.runId}"`,
            message: `entry ${id} of ${settings.key} has no event field (not written by @flowmaestro/redis)`,
          });
        }
        const event = decodeEvent(json);
        cursor = seq;
        yield { id, event };
        if (signal?.aborted) return;
        if (event.type === "run-end") return;
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    connection?.destroy();
  }
}

/** A reader resuming after an entry of a stream that no longer exists would wait forever: say so. */
async function checkExists(connection: RedisClientLike, settings: FollowSettings): Promise<void> {
  const exists = Number(await connection.sendCommand(["EXISTS", settings.key]));
  if (exists === 0) {
    throw new NotFoundError({
      kind: "run events",
      id: settings.runId,
      hint: `Nothing is stored at ${settings.key}: the events expired (ttlSeconds) or were published under another resourceId. Follow without \`after\` to wait for a run that has not started.`,
    });
  }
}

/** The `[id, fields]` pairs of an `XREAD` reply of one stream (RESP2 arrays or RESP3 maps). */
function entriesOf(reply: unknown): Array<[string, unknown[]]> {
  if (reply === null || reply === undefined) return [];
  const streams: unknown[] =
    reply instanceof Map
      ? [...reply.values()]
      : Array.isArray(reply)
        ? reply.map((stream) => (Array.isArray(stream) ? stream[1] : stream))
        : Object.values(reply as Record<string, unknown>);
  const out: Array<[string, unknown[]]> = [];
  for (const messages of streams) {
    if (!Array.isArray(messages)) continue;
    for (const message of messages) {
      if (Array.isArray(message)) out.push([String(message[0]), message[1] as unknown[]]);
    }
  }
  return out;
}

function fieldOf(fields: unknown, name: string): string | undefined {
  if (Array.isArray(fields)) {
    for (let index = 0; index + 1 < fields.length; index += 2) {
      if (String(fields[index]) === name) return String(fields[index + 1]);
    }
    return undefined;
  }
  if (fields instanceof Map) return fields.has(name) ? String(fields.get(name)) : undefined;
  if (typeof fields === "object" && fields !== null) {
    const value = (fields as Record<string, unknown>)[name];
    return value === undefined ? undefined : String(value);
  }
  return undefined;
}
