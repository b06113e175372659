import { InvalidDefinitionError } from "@flowmaestro/runtime";

/**
 * The part of a node-redis client (`createClient()` from `redis` 5 or 6) this package uses. Typed
 * structurally so that a client with any modules, scripts or RESP version fits.
 */
export interface RedisClientLike {
  /** `true` once `connect()` resolved and until the client is closed. */
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  /** A new, unconnected client with the same options (followers block on their own connection). */
  duplicate(): RedisClientLike;
  sendCommand(args: readonly string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** Closes the connection at once, rejecting pending commands. */
  destroy(): void;
  on(event: "error", listener: (error: unknown) => void): unknown;
}

/** Loads `redis` (an optional peer) and creates a client for `url`. @internal */
export async function createClientFor(url: string): Promise<RedisClientLike> {
  let redis: { createClient: (options: Record<string, unknown>) => unknown };
  try {
    redis = (await import("redis")) as typeof redis;
  } catch (cause) {
    throw new InvalidDefinitionError({
      message:
        "Following runs through Redis needs the `redis` package (node-redis 6), which is not installed. Run: npm install redis",
      issues: [{ field: "url", expected: "a URL with the `redis` package installed" }],
      cause,
    });
  }
  // No offline queue: while the server is unreachable a command fails at once instead of waiting
  // for a reconnect, so neither a run's publisher nor a follower hangs on it.
  return redis.createClient({ url, disableOfflineQueue: true }) as RedisClientLike;
}
