import {
  AbortedError,
  type AgentEvent,
  AgentSdkError,
  type RunResult,
  type RunStatus,
  type RunStream,
  StorageError,
  type TokenUsage,
} from "@flowmaestro/runtime";
import type { FollowedEvent } from "./redis-run-events.js";

/** Opens one `follow` of the run (from the stream's `after`) that ends when `signal` aborts. @internal */
export type OpenFollow = (signal: AbortSignal | undefined) => AsyncIterable<FollowedEvent>;

const ZERO_USAGE: TokenUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  reasoningTokens: 0,
  cachedInputTokens: 0,
});

/**
 * A followed run as a {@link RunStream}: every `[Symbol.asyncIterator]()` (of the stream or of
 * `textStream`) is a new follow on a connection of its own, opened on its first `next()` and
 * closed by `return()` at once (even while a read blocks); `result` is one more follow, started
 * on its first access. Arguments are checked by the caller. @internal
 */
export function createFollowRunStream(
  runId: string,
  open: OpenFollow,
  signal: AbortSignal | undefined,
): RunStream {
  let seenEnd: RunResult | undefined;
  let result: Promise<RunResult> | undefined;
  const events = (inner: AbortSignal): AsyncIterator<AgentEvent> => {
    const followed = open(inner)[Symbol.asyncIterator]();
    return {
      async next() {
        const next = await followed.next();
        if (next.done) return { done: true, value: undefined };
        if (next.value.event.type === "run-end") seenEnd ??= next.value.event.result;
        return { done: false, value: next.value.event };
      },
      async return() {
        await followed.return?.();
        return { done: true, value: undefined };
      },
    };
  };
  return {
    runId,
    [Symbol.asyncIterator]: () => releasable(signal, events),
    textStream: {
      [Symbol.asyncIterator]: () => releasable(signal, (inner) => textOf(events(inner))),
    },
    get result(): Promise<RunResult> {
      // The run-end an iteration already read is the answer; otherwise follow (once) for it.
      result ??= seenEnd ? Promise.resolve(seenEnd) : settle(runId, open, signal);
      return result;
    },
  };
}

/** The run's `run-end` result, or a `failed`/`aborted` result for a follow that ended without it. */
async function settle(runId: string, open: OpenFollow, signal: AbortSignal | undefined): Promise<RunResult> {
  try {
    for await (const { event } of open(signal)) {
      if (event.type === "run-end") return event.result;
    }
  } catch (error) {
    return endedEarly(
      runId,
      "failed",
      AgentSdkError.isInstance(error)
        ? error
        : new StorageError({ adapter: "redis", operation: `follow run "${runId}"`, cause: error }),
    );
  }
  if (signal?.aborted) return endedEarly(runId, "aborted", new AbortedError({ reason: signal.reason }));
  // Not expected: a follow ends only after the run-end, on an abort, or with an error.
  return endedEarly(
    runId,
    "failed",
    new StorageError({
      adapter: "redis",
      operation: `follow run "${runId}"`,
      message: "the run's events ended before its run-end",
    }),
  );
}

/** What a follower knows of a run it lost before the end: nothing but why. */
function endedEarly(runId: string, status: RunStatus, error: AgentSdkError): RunResult {
  return {
    runId,
    status,
    text: "",
    steps: [],
    usage: ZERO_USAGE,
    // Unknown: the run's steps (and their prices) were not seen.
    costUsd: undefined,
    pendingApprovals: [],
    finishReason: status === "aborted" ? "interrupted" : "error",
    messages: [],
    warnings: [],
    error,
  };
}

async function* textOf(events: AsyncIterator<AgentEvent>): AsyncGenerator<string, void, undefined> {
  try {
    for (;;) {
      const next = await events.next();
      if (next.done) return;
      // The run's own answer text only: a nested run's deltas come inside `subagent-event`s.
      if (next.value.type === "text-delta") yield next.value.delta;
    }
  } finally {
    await events.return?.();
  }
}

/**
 * An iterator over `start(signal)` whose `return()` aborts that signal first: the follow's
 * connection is destroyed at once, so a `next()` left pending on a blocked read resolves `done`
 * instead of holding the connection until the run writes again. Aborting `outer` ends it too.
 */
function releasable<T>(
  outer: AbortSignal | undefined,
  start: (signal: AbortSignal) => AsyncIterator<T>,
): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  let inner: AsyncIterator<T> | undefined;
  let finished = false;
  const done = (): IteratorResult<T> => ({ done: true, value: undefined });
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      if (finished) return done();
      inner ??= start(signal);
      try {
        const next = await inner.next();
        if (next.done) finished = true;
        return next;
      } catch (error) {
        finished = true;
        throw error;
      }
    },
    async return() {
      finished = true;
      controller.abort();
      await inner?.return?.();
      return done();
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
