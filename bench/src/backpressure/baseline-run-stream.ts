/**
 * Bench-only copy of the run stream as it was before the backpressure policy (issue 9): every
 * event is kept until the run ends and every reader replays from the first one. The backpressure
 * bench feeds it the same events as the real stream (through `onEvent`), so the old behaviour is
 * measured in the same bench run. Not used anywhere else; do not import it from packages.
 */
import type { AgentEvent, RunResult, RunStream } from "@flowmaestro/runtime";

/** Receives each event of a run, in order. */
export type EventSink = (event: AgentEvent) => void;

/** Same key as the runtime's stream statistics (`RUN_STREAM_STATS` in kit/run-stream.ts). */
export const RUN_STREAM_STATS: unique symbol = Symbol.for("flowmaestro.run-stream.stats");

/** The old `createRunStream`, verbatim but for `onEvent` (the bench does not need it) and the stats. */
export function createBaselineRunStream(
  runId: string,
  run: (emit: EventSink) => Promise<RunResult>,
): RunStream {
  const events: AgentEvent[] = [];
  let done = false;
  let readers = 0;
  let waiters: Array<() => void> = [];
  const wake = () => {
    if (waiters.length === 0) return;
    const current = waiters;
    waiters = [];
    for (const waiter of current) waiter();
  };
  const emit: EventSink = (event) => {
    events.push(event);
    wake();
  };
  const result = run(emit).finally(() => {
    done = true;
    wake();
  });
  result.catch(() => {});

  const iterate = (): AsyncIterator<AgentEvent> => {
    let index = 0;
    readers++;
    return {
      next: async (): Promise<IteratorResult<AgentEvent>> => {
        for (;;) {
          if (index < events.length) return { done: false, value: events[index++] as AgentEvent };
          if (done) {
            await result;
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      },
      return: async () => ({ done: true, value: undefined }),
    };
  };

  const stream: RunStream = {
    runId,
    result,
    [Symbol.asyncIterator]: iterate,
    textStream: {
      [Symbol.asyncIterator]: () => {
        const inner = iterate();
        return {
          next: async (): Promise<IteratorResult<string>> => {
            for (;;) {
              const step = await inner.next();
              if (step.done) return { done: true, value: undefined };
              if (step.value.type === "text-delta") return { done: false, value: step.value.delta };
            }
          },
          return: async () => ({ done: true, value: undefined }),
        };
      },
    },
  };
  Object.defineProperty(stream, RUN_STREAM_STATS, {
    enumerable: false,
    value: () => ({ retainedEvents: events.length, emitted: events.length, readers }),
  });
  return stream;
}
