import type { AgentEvent, RunStream, StorageError } from "@flowmaestro/runtime";
import type { RedisClientLike } from "./redis-client.js";

/** Options of {@link createRedisRunEvents}: connection details or a ready client, and the limits. */
export interface RedisRunEventsOptions {
  /**
   * Redis URL (`redis://127.0.0.1:6379`). The client is created on first use (with the offline
   * queue disabled, so commands fail at once while the server is unreachable) and closed by
   * `close()`. Give `url` or `client`.
   */
  url?: string;
  /**
   * A node-redis client to use instead of `url` (connected on first use if it is not open yet;
   * `close()` leaves it open). Give it an `error` listener: node-redis emits connection errors as
   * events, and an unheard one ends the process. Followers use `client.duplicate()`, because a
   * blocking read holds its connection.
   */
  client?: RedisClientLike;
  /** Prefix of every key. @default "flowmaestro:run-events:" */
  keyPrefix?: string;
  /**
   * Seconds a run's events stay in Redis after its `run-end`, for late and reconnecting readers.
   * @default 3600
   */
  ttlSeconds?: number;
  /**
   * Seconds a run's events stay after the last write while the run goes on. Every write renews
   * it, so a stream whose publisher died (a crashed host) is removed after this long.
   * @default 86400
   */
  activeTtlSeconds?: number;
  /**
   * Keep at most this many entries per run (exact `MAXLEN` trimming on every write). A reader
   * whose position was trimmed gets a `STORAGE_ERROR` instead of a silent gap. Unset: no limit
   * (coalescing keeps a run's entry count about its structural events plus its writes).
   */
  maxLength?: number;
  /**
   * Called for every failed write or read, with `willRetry` saying whether it is tried again.
   * Never awaited; what it throws is ignored. The run is never affected.
   */
  onError?: (error: StorageError, info: RedisRunEventsErrorInfo) => void;
  /** A write that takes longer than this counts as failed (and is retried). @default 5000 */
  writeTimeoutMs?: number;
  /** Attempts per write, and per read of a follower, before giving up. @default 4 */
  maxAttempts?: number;
  /**
   * Most entries held for one write. While a write is in flight the publisher keeps reading the
   * run, merging deltas into the pending batch; at this many entries it stops reading until the
   * write is done, and the run stream (which never waits) buffers and coalesces for it.
   * @default 256
   */
  maxBatchEntries?: number;
  /** How long one `XREAD BLOCK` of a follower waits before it asks again. @default 5000 */
  blockMs?: number;
}

/** What {@link RedisRunEventsOptions.onError} is told besides the error. */
export interface RedisRunEventsErrorInfo {
  readonly runId: string;
  readonly operation: "publish" | "follow";
  /** `false` when this was the last attempt: a publisher then stops publishing this run. */
  readonly willRetry: boolean;
}

/** Options of {@link RedisRunEvents.publish}. */
export interface PublishRunOptions {
  /**
   * Put the run's stream under this resource (tenant, user) too; followers must pass the same.
   * Without it the key holds only the run id, and who may follow which run is the host's to check.
   */
  resourceId?: string;
}

/** How {@link RedisRunEvents.publish} went. It never rejects. */
export interface PublishSummary {
  readonly runId: string;
  /** The Redis key of the run's stream. */
  readonly key: string;
  /** Events read from the run stream (after its own coalescing of deltas for a slow reader). */
  readonly events: number;
  /**
   * Stream entries confirmed written (deltas read during one write are merged into one entry).
   * After a failure Redis may hold more: a write whose reply was lost.
   */
  readonly entries: number;
  /** `true` when the `run-end` was written (and the stream's TTL set to `ttlSeconds`). */
  readonly complete: boolean;
  /** Why publishing stopped early (the last failed attempt); the run itself went on. */
  readonly error?: StorageError;
}

/** Options of {@link RedisRunEvents.follow}. */
export interface FollowRunOptions {
  /**
   * Id of the last entry this reader saw: entries after it are returned, exactly once each.
   * Unset: from the run's first event.
   */
  after?: string;
  /** Stops following: the iteration ends (without an error) and the connection is closed. */
  signal?: AbortSignal;
  /** The resource the run was published under ({@link PublishRunOptions.resourceId}). */
  resourceId?: string;
}

/** One entry of a run's stream: an event and the id to resume after it. */
export interface FollowedEvent {
  /** Stream entry id (`0-<n>`, `n` counting entries of the run from 1): pass it as `after`. */
  readonly id: string;
  readonly event: AgentEvent;
}

/**
 * A run's events through Redis Streams: one process publishes a run, any process follows it.
 *
 * Security: key names hold the run id (and the `resourceId` when given); anyone who can name a
 * run can follow it. Check that the signed-in user may see the run before calling `follow`, or
 * publish and follow with the user's `resourceId`.
 */
export interface RedisRunEvents {
  /** Implementation id. */
  readonly name: "redis";
  /**
   * Appends every event of `stream` to the run's Redis stream as the run goes, and resolves when
   * the `run-end` is written or publishing gave up. Reads the stream like any other reader, so the
   * run never waits for Redis; Redis failures are retried, reported to `onError`, and end in
   * `error` on the summary, never in a rejection.
   */
  publish(stream: RunStream, options?: PublishRunOptions): Promise<PublishSummary>;
  /**
   * The run's events from its first one (or after `after`), then each new one as it is written,
   * ending after `run-end`. For a run resumed after a suspension (same run id), the resumed run's
   * events follow the suspended run's `run-end`: follow again with `after` set to its id.
   * A run that is never published is waited for until `signal` aborts.
   * @throws {InvalidInputError} for a malformed run id or `after`.
   * @throws {NotFoundError} when `after` is set but the run has no events (expired, or never published).
   * @throws {StorageError} when Redis fails `maxAttempts` reads in a row, or entries after `after` were trimmed.
   */
  follow(runId: string, options?: FollowRunOptions): AsyncIterable<FollowedEvent>;
  /**
   * The run as a {@link RunStream} read from Redis, for what takes one: above all
   * `toUIMessageStream` / `toUIMessageStreamResponse` / `pipeUIMessageStreamToResponse` from
   * `@flowmaestro/runtime/ui`, so that a UI attached to any host instance streams a run another
   * instance is running.
   *
   * - Iterating (`for await`, `textStream`): each `[Symbol.asyncIterator]()` is a new
   *   {@link RedisRunEvents.follow} from `after` (or the run's first event) on a connection of its
   *   own, opened on the first `next()`. It yields the events (not the ids) and ends after
   *   `run-end`. `return()` (a `break`, a cancelled UI stream: the client went away) closes the
   *   connection at once, even while a read waits for the run; aborting `signal` ends every
   *   iteration quietly. Where `follow` throws (`NotFoundError`, `StorageError`) the iteration
   *   throws the same error; `toUIMessageStream` then sends an `error` chunk ("The run stream
   *   failed.", no details to the client) and closes, and `result` says why. Entry ids count from
   *   1 without gaps, so a reader that took `k` events from a stream followed `after: "0-a"`
   *   (unset: `a` = 0) last saw entry `0-(a+k)`: that is the `after` to resume with.
   * - `textStream`: the `delta`s of the run's own `text-delta` events (a nested run's text, inside
   *   `subagent-event`s, is not in it).
   * - `result` never rejects. It resolves with the `run-end` event's `result` or, when following
   *   fails before the `run-end` (`NOT_FOUND`: `after` set and the events expired or were never
   *   published; `STORAGE_ERROR`: Redis failed `maxAttempts` reads in a row, or entries were
   *   trimmed), with status `failed` and that error; when `signal` aborts first, with status
   *   `aborted` and an `AbortedError`. Such a result has empty `text`, `steps`, `messages` and
   *   `pendingApprovals`, zero `usage`, `costUsd` `undefined` (not known) and `finishReason`
   *   `error` (`interrupted` when aborted); it says that this reader lost the run, not how the
   *   run ended (the run may still be going on). It is read lazily: the first access of `result`
   *   starts one follow of its own (none when an iteration of this stream already read the
   *   `run-end`), so a `result` never read costs no connection. Like the iterations, it waits
   *   while the run goes on, and, without `after`, for a run not published yet, until `signal`.
   *
   * For a run resumed after a suspension (same run id), reading from the start ends at the
   * suspended run's `run-end`; the resumed run's events come after it (follow with `after` set
   * to that entry's id).
   *
   * `useChat` with `resume: true` (`chat.resumeStream()`) reconnects with a GET to
   * `${api}/${chatId}/stream` (204: nothing to resume) and, with the `DefaultChatTransport`
   * (`resumeStreamIsReplay: true`, its default), takes the response as a replay of the whole
   * message from its beginning: at its first `start` chunk it drops what it had streamed of the
   * message and rebuilds it. So the GET handler follows the chat's active run without `after`:
   * `toUIMessageStreamResponse(runEvents.followRunStream(runId, { resourceId }), { messageId })`,
   * with the `messageId` the POST response used (the client replaces the message with that id
   * instead of adding one). The browser never sees entry ids; `after` is for a server-side reader
   * that kept its position (and the UI message assembled so far): the stream it gets then starts
   * in the middle of the message (a `start` chunk, then e.g. `tool-output-available` for a tool
   * part it has), so read it on top of that message (`readUIMessageStream({ message, stream })`,
   * same `messageId`); a text part cut in the middle continues as a new text part.
   *
   * @throws {InvalidInputError} at once for a malformed run id, `resourceId` or `after`.
   * @example
   * ```ts
   * import { toUIMessageStreamResponse } from "@flowmaestro/runtime/ui";
   * // GET /api/chat/:chatId/stream, on any host instance:
   * const runId = await activeRunOf(chatId, user.id); // the host's own record
   * if (!runId) return new Response(null, { status: 204 });
   * return toUIMessageStreamResponse(runEvents.followRunStream(runId, { resourceId: user.id, signal: request.signal }), {
   *   messageId: `msg_${runId}`,
   * });
   * ```
   */
  followRunStream(runId: string, options?: FollowRunOptions): RunStream;
  /** The Redis key of a run's stream. */
  keyOf(runId: string, resourceId?: string): string;
  /** The client commands are sent with (connected on first use). */
  getInstance(): Promise<RedisClientLike>;
  /** Closes the client created from `url` (a given `client` stays open). */
  close(): Promise<void>;
}
