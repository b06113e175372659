import type { RunStream } from "../agent-runtime.js";
import type {
  AgentEvent,
  ObjectDeltaEvent,
  ReasoningDeltaEvent,
  SubagentEvent,
  TextDeltaEvent,
  ToolInputDeltaEvent,
} from "../events/agent-event.js";
import type { RunResult } from "../run-result.js";

/** Receives each event of a run, in order. */
export type EventSink = (event: AgentEvent) => void;

/**
 * Key of a stream's buffer statistics (a non-enumerable property of every stream
 * {@link createRunStream} builds). `Symbol.for`, so the bench reads it without a deep import.
 * @internal
 */
export const RUN_STREAM_STATS: unique symbol = Symbol.for("flowmaestro.run-stream.stats");

/**
 * What a stream holds right now (tests and the bench count retained events with it, not RSS).
 * @internal
 */
export interface RunStreamStats {
  /**
   * Entries of the replay log: one per structural event, one per coalesced run of deltas. A late
   * reader gets one event per entry (two or three for a text run with an `object-delta`).
   */
  readonly retainedEvents: number;
  /** How many of those entries are coalesced delta runs. */
  readonly deltaRuns: number;
  /** Strings the delta runs hold their text in (bounded: see {@link DeltaRun}). */
  readonly textSegments: number;
  /** Characters of delta text held, once for all readers. */
  readonly textLength: number;
  /** Readers (and `textStream` readers) attached that have not ended or returned. */
  readonly readers: number;
  /** Events the run has emitted so far. */
  readonly emitted: number;
}

/**
 * The stream's statistics, or `undefined` for a stream {@link createRunStream} did not build.
 * @internal
 */
export function runStreamStats(stream: RunStream): RunStreamStats | undefined {
  const stats = (stream as { [RUN_STREAM_STATS]?: () => RunStreamStats })[RUN_STREAM_STATS];
  return typeof stats === "function" ? stats() : undefined;
}

/** Events whose `delta` strings join into one event when no reader has read them yet. */
type DeltaEvent = TextDeltaEvent | ReasoningDeltaEvent | ToolInputDeltaEvent;

/**
 * A nested run's delta (a `subagent-event` around one, at any depth): its deltas coalesce like the
 * run's own, per nested run, step and kind, and are delivered wrapped as they came.
 */
interface NestedDelta {
  /** The innermost event. */
  readonly delta: DeltaEvent;
  /** Which nested run, step and kind: deltas with the same key join. */
  readonly key: string;
}

/** The delta inside a `subagent-event` (at any depth), or `undefined` when it holds another event. */
function nestedDeltaOf(event: SubagentEvent): NestedDelta | undefined {
  let key = "";
  let current: AgentEvent = event;
  while (current.type === "subagent-event") {
    key += `${current.step}\u0000${current.toolCallId}\u0000${current.event.runId}\u0000`;
    current = current.event;
  }
  if (
    current.type !== "text-delta" &&
    current.type !== "reasoning-delta" &&
    current.type !== "tool-input-delta"
  ) {
    return undefined;
  }
  return { delta: current, key };
}

/** `template` (a chain of `subagent-event`s) around another innermost event. */
function rewrap(template: SubagentEvent, inner: AgentEvent): SubagentEvent {
  const child = template.event;
  return { ...template, event: child.type === "subagent-event" ? rewrap(child, inner) : inner };
}

/** Pieces a run's tail holds before they are joined into its chunks; bounds the strings a run holds. */
const PENDING_PIECES = 64;

/**
 * Where one reader is: the log entry it reads next and, inside a delta run, how many characters of
 * its text it has read and which of its `object-delta` versions.
 */
interface Cursor {
  index: number;
  offset: number;
  version: number;
  /** `textStream`: only `text-delta` text, no object partials. */
  readonly textOnly: boolean;
  done: boolean;
}

/**
 * Consecutive deltas of one kind (same step, same tool call; a nested run's, in their
 * `subagent-event`s, per nested run), as one log entry read by every reader through its own
 * character offset: what a reader has not read yet comes out as one event whose delta is the
 * concatenation (wrapped like the originals); a reader that keeps up gets each original event object.
 *
 * The text is held once however many readers there are: the last up to {@link PENDING_PIECES}
 * pieces as they came (appending costs an array push), the rest in joined
 * strings, oldest first, each more than twice as long as the next, so a run holds O(log n)
 * strings for n deltas and each character is copied O(log n) times. When a later event closes
 * the run its text becomes one string. (An event or a rope node costs tens of bytes per piece; a
 * joined string one byte or two per character, whatever the pieces.)
 *
 * A text run also carries its step's latest `object-delta` (`partial`, and the text length when it
 * came), so text and partial objects that alternate still coalesce: a reader gets the text up to
 * the latest partial, the partial, then the text after it.
 */
class DeltaRun {
  /** Joined text, oldest first, each over twice as long as the next (the newest may still be a rope). */
  private chunks: string[] = [];
  /** The pieces after {@link chunks}, as appended (no work per piece). */
  private tail: string[] = [];
  /** Characters over chunks and tail. */
  length = 0;
  /** The last appended event, returned as it is to a reader whose unread text is exactly its delta. */
  last: AgentEvent | undefined;
  /** Where {@link last}'s delta starts. */
  lastStart = -1;
  /** Latest `object-delta` of the step (text runs only). */
  partial: ObjectDeltaEvent | undefined;
  /** Text length when {@link partial} was emitted. */
  partialAt = 0;
  /** Counts partials, so a reader knows whether it has read the latest. */
  partialVersion = 0;

  /**
   * `type`, `runId`, `step` and `toolCallId` are the deltas' own (the innermost event's, for a
   * nested run's); `nested` is set for a nested run's deltas: their key and the `subagent-event`
   * chain they are delivered in.
   */
  constructor(
    readonly type: DeltaEvent["type"],
    readonly runId: string,
    readonly step: number,
    readonly toolCallId: string | undefined,
    readonly nested?: { readonly key: string; readonly template: SubagentEvent },
  ) {}

  /** Adds a delta; `original` is the event it came in (the delta event, or its `subagent-event`). */
  append(delta: string, original: AgentEvent): void {
    if (delta.length === 0) return;
    this.lastStart = this.length;
    this.last = original;
    this.length += delta.length;
    if (this.tail.push(delta) === PENDING_PIECES) this.compact();
  }

  setPartial(event: ObjectDeltaEvent): void {
    this.partial = event;
    this.partialAt = this.length;
    this.partialVersion++;
  }

  /** No more appends: the text becomes one string. */
  seal(): void {
    if (this.segments > 1) {
      this.chunks = [this.slice(0, this.length)];
      this.tail = [];
    }
    if (this.lastStart !== 0) this.last = undefined;
  }

  /** Strings held. */
  get segments(): number {
    return this.chunks.length + this.tail.length;
  }

  /** The next event for `cursor` in this run, or `undefined` when it has read all there is. */
  read(cursor: Cursor): AgentEvent | undefined {
    if (!cursor.textOnly && this.partialVersion > cursor.version) {
      if (cursor.offset < this.partialAt) return this.textEvent(cursor, this.partialAt);
      cursor.version = this.partialVersion;
      return this.partial;
    }
    return cursor.offset < this.length ? this.textEvent(cursor, this.length) : undefined;
  }

  private textEvent(cursor: Cursor, end: number): AgentEvent {
    const from = cursor.offset;
    cursor.offset = end;
    if (from === this.lastStart && end === this.length && this.last) return this.last;
    const delta = this.slice(from, end);
    const { runId, step } = this;
    const event: DeltaEvent =
      this.type === "tool-input-delta"
        ? { type: this.type, runId, step, toolCallId: this.toolCallId as string, delta }
        : { type: this.type, runId, step, delta };
    return this.nested ? rewrap(this.nested.template, event) : event;
  }

  /** Text between two offsets; walks back from the end, where readers mostly are. */
  private slice(from: number, to: number): string {
    const parts: string[] = [];
    const { tail } = this;
    let end = this.length;
    for (let i = tail.length - 1; i >= 0 && end > from; i--) {
      end = takeSlice(tail[i] as string, end, from, to, parts);
    }
    for (let i = this.chunks.length - 1; i >= 0 && end > from; i--) {
      end = takeSlice(this.chunks[i] as string, end, from, to, parts);
    }
    if (parts.length === 1) return parts[0] as string;
    return parts.reverse().join("");
  }

  /**
   * Moves the tail into the chunks, merging it with the last chunk while that one is not over
   * twice as long: O(log n) chunks for n pieces, each character copied O(log n) times.
   */
  private compact(): void {
    const { chunks, tail } = this;
    // A rope built here and flattened by the join below dies young; built per piece it would not.
    let chunk = "";
    for (let i = 0; i < tail.length; i++) chunk += tail[i] as string;
    tail.length = 0;
    while (chunks.length > 0 && (chunks[chunks.length - 1] as string).length <= 2 * chunk.length) {
      // join copies both into one flat string; `+` would keep a rope of every piece.
      chunk = [chunks.pop() as string, chunk].join("");
    }
    chunks.push(chunk);
  }
}

/** Adds the part of `segment` (ending at `end`) that lies in [from, to) to `parts`; returns its start. */
function takeSlice(segment: string, end: number, from: number, to: number, parts: string[]): number {
  const start = end - segment.length;
  if (start < to && end > from) {
    parts.push(
      start >= from && end <= to
        ? segment
        : segment.slice(Math.max(from, start) - start, Math.min(to, end) - start),
    );
  }
  return start;
}

/**
 * Builds a {@link RunStream} around a run function. The run never waits for readers: `emit` is
 * synchronous and costs the same whether zero, one or many readers are attached, however slow.
 * Every reader (and `textStream`) gets the whole run from its first event, in order.
 *
 * One replay log, shared by every reader, is all the stream buffers (the policy, as `RunStream`
 * documents it):
 * - Structural events (every type but the three deltas and `object-delta`) are log entries as
 *   they are; every reader gets each of these objects exactly once, in order.
 * - Consecutive non-empty `text-delta`s of one step form one entry ({@link DeltaRun}); so do
 *   `reasoning-delta`s of one step and `tool-input-delta`s of one tool call, and a nested run's
 *   deltas of each of these kinds (`subagent-event`s around them, at any depth). Any other event
 *   (but the step's `object-delta`, below) closes the entry. A reader holds only its position (an
 *   entry and a character offset in it): a reader whose unread part of the entry is exactly the
 *   last delta gets that original event (so a reader that keeps up gets every original event);
 *   otherwise it gets one new event of the same type whose `delta` is everything it has not read
 *   of the entry yet. What a reader gets concatenates to exactly what was emitted, between the
 *   same structural events. Empty deltas carry no text and are not delivered (or logged).
 * - `object-delta`s join their step's open text entry (or open one), which keeps only the latest
 *   partial and the text offset it came at: a reader gets the text up to it, that partial (the original
 *   event), then the text after it; superseded partials it had not read are skipped.
 *
 * Memory: O(structural events + characters of delta text), whatever the number of deltas or of
 * readers. An open entry holds its text in O(log n) strings for n deltas plus the last up to
 * {@link PENDING_PIECES} events it was given; a closed one, one string; either, one partial. The log
 * lives as long as the stream (a late reader may still come); an ended or `return()`ed reader
 * holds nothing. (Delta entries are at most one per character, when every delta changes kind.)
 * `onEvent` gets every event as emitted, before any reader.
 */
export function createRunStream(
  runId: string,
  run: (emit: EventSink) => Promise<RunResult>,
  onEvent?: (event: AgentEvent) => void | PromiseLike<void>,
): RunStream {
  const log: Array<AgentEvent | DeltaRun> = [];
  /** The last entry, when it is a delta run that later deltas may still join. */
  let open: DeltaRun | undefined;
  let emitted = 0;
  let readers = 0;
  let done = false;
  let waiters: Array<() => void> = [];
  const wake = () => {
    if (waiters.length === 0) return;
    const current = waiters;
    waiters = [];
    for (const waiter of current) waiter();
  };
  const startRun = (deltaRun: DeltaRun) => {
    open?.seal();
    open = deltaRun;
    log.push(deltaRun);
  };
  /** Adds a delta to the open run when it continues it, else to a new run. */
  const appendDelta = (delta: DeltaEvent, original: AgentEvent, nested: NestedDelta | undefined) => {
    if (
      open === undefined ||
      open.type !== delta.type ||
      open.step !== delta.step ||
      open.nested?.key !== nested?.key ||
      (delta.type === "tool-input-delta" && open.toolCallId !== delta.toolCallId)
    ) {
      startRun(
        new DeltaRun(
          delta.type,
          delta.runId,
          delta.step,
          delta.type === "tool-input-delta" ? delta.toolCallId : undefined,
          nested ? { key: nested.key, template: original as SubagentEvent } : undefined,
        ),
      );
    }
    (open as DeltaRun).append(delta.delta, original);
  };
  const emit: EventSink = (event) => {
    emitted++;
    if (onEvent) notify(onEvent, event);
    switch (event.type) {
      case "text-delta":
      case "reasoning-delta":
      case "tool-input-delta":
        // No text, nothing to deliver; it must not split a run (or open one) either.
        if (event.delta.length === 0) return;
        appendDelta(event, event, undefined);
        break;
      case "object-delta":
        // The partial object rides with its step's text run: alternating text and partials coalesce.
        if (!(open && open.type === "text-delta" && open.step === event.step && open.nested === undefined)) {
          startRun(new DeltaRun("text-delta", event.runId, event.step, undefined));
        }
        (open as DeltaRun).setPartial(event);
        break;
      default: {
        const nested = event.type === "subagent-event" ? nestedDeltaOf(event) : undefined;
        if (nested) {
          if (nested.delta.delta.length === 0) return;
          appendDelta(nested.delta, event, nested);
          break;
        }
        if (open) {
          open.seal();
          open = undefined;
        }
        log.push(event);
      }
    }
    wake();
  };
  const result = run(emit).finally(() => {
    done = true;
    wake();
  });
  // A rejection here is an SDK bug; keep it observable through `result` without an unhandled rejection.
  result.catch(() => {});

  /** The next event for `cursor`, or `undefined` when it has read everything emitted so far. */
  const nextEvent = (cursor: Cursor): AgentEvent | undefined => {
    while (cursor.index < log.length) {
      const entry = log[cursor.index] as AgentEvent | DeltaRun;
      if (!(entry instanceof DeltaRun)) {
        cursor.index++;
        if (cursor.textOnly) continue;
        return entry;
      }
      const event =
        cursor.textOnly && (entry.type !== "text-delta" || entry.nested) ? undefined : entry.read(cursor);
      if (event) return event;
      // Read out; the last entry may still grow.
      if (cursor.index === log.length - 1) return undefined;
      cursor.index++;
      cursor.offset = 0;
      cursor.version = 0;
    }
    return undefined;
  };

  const iterate = (textOnly: boolean): AsyncIterator<AgentEvent> => {
    const cursor: Cursor = { index: 0, offset: 0, version: 0, textOnly, done: false };
    readers++;
    const finish = () => {
      if (cursor.done) return;
      cursor.done = true;
      readers--;
    };
    return {
      next: async (): Promise<IteratorResult<AgentEvent>> => {
        for (;;) {
          if (cursor.done) return { done: true, value: undefined };
          // A reader that keeps up: only the open run's last piece is unread; it gets that event.
          const run = open;
          if (
            run !== undefined &&
            cursor.offset === run.lastStart &&
            cursor.index === log.length - 1 &&
            (cursor.textOnly
              ? run.type === "text-delta" && run.nested === undefined
              : cursor.version === run.partialVersion) &&
            run.last !== undefined
          ) {
            cursor.offset = run.length;
            return { done: false, value: run.last };
          }
          const event = nextEvent(cursor);
          if (event) return { done: false, value: event };
          if (done) {
            try {
              await result;
            } finally {
              finish();
            }
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      },
      return: async () => {
        finish();
        // A `next()` still waiting wakes up and ends.
        wake();
        return { done: true, value: undefined };
      },
    };
  };

  const stream: RunStream = {
    runId,
    result,
    [Symbol.asyncIterator]: () => iterate(false),
    textStream: {
      [Symbol.asyncIterator]: () => {
        const inner = iterate(true);
        return {
          next: async (): Promise<IteratorResult<string>> => {
            const step = await inner.next();
            return step.done ? step : { done: false, value: (step.value as TextDeltaEvent).delta };
          },
          return: async (): Promise<IteratorResult<string>> => {
            await inner.return?.();
            return { done: true, value: undefined };
          },
        };
      },
    },
  };
  Object.defineProperty(stream, RUN_STREAM_STATS, {
    enumerable: false,
    value: (): RunStreamStats => {
      let deltaRuns = 0;
      let textSegments = 0;
      let textLength = 0;
      for (const entry of log) {
        if (entry instanceof DeltaRun) {
          deltaRuns++;
          textSegments += entry.segments;
          textLength += entry.length;
        }
      }
      return { retainedEvents: log.length, deltaRuns, textSegments, textLength, readers, emitted };
    },
  });
  return stream;
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
