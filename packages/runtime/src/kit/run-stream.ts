import type { RunStream } from "../agent-runtime.js";
import type { AgentEvent } from "../events/agent-event.js";
import type { RunResult } from "../run-result.js";

/** Receives each event of a run, in order. */
export type EventSink = (event: AgentEvent) => void;

/**
 * Builds a {@link RunStream} around a run function. Events are kept for the run's lifetime, so
 * every reader (and `textStream`) sees all of them from the start; the run never waits for readers.
 */
export function createRunStream(
  runId: string,
  run: (emit: EventSink) => Promise<RunResult>,
  onEvent?: (event: AgentEvent) => void | PromiseLike<void>,
): RunStream {
  const events: AgentEvent[] = [];
  let done = false;
  let waiters: Array<() => void> = [];
  const wake = () => {
    if (waiters.length === 0) return;
    const current = waiters;
    waiters = [];
    for (const waiter of current) waiter();
  };
  const emit: EventSink = (event) => {
    events.push(event);
    if (onEvent) notify(onEvent, event);
    wake();
  };
  const result = run(emit).finally(() => {
    done = true;
    wake();
  });
  // A rejection here is an SDK bug; keep it observable through `result` without an unhandled rejection.
  result.catch(() => {});

  const iterate = (): AsyncIterator<AgentEvent> => {
    let index = 0;
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

  return {
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
}

/** Calls an event callback without letting it break (or block) the run. */
export function notify(onEvent: (event: AgentEvent) => void | PromiseLike<void>, event: AgentEvent): void {
  try {
    const pending = onEvent(event);
    if (pending && typeof (pending as Promise<void>).then === "function") {
      (pending as Promise<void>).then(undefined, () => {});
    }
  } catch {
    // Callbacks are observers; their failures must not change the run.
  }
}
