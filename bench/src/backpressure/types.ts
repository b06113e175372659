/** Which stream a case reads: the runtime's, or the bench-only copy of the old one. */
export type StreamImpl = "current" | "baseline";

/**
 * How the reader reads. `slow-events`: every event, awaiting a `setImmediate` after each
 * `readEvery` events. `slow-writable`: `textStream` piped into a Writable (16 KiB high-water
 * mark) that completes each write on the next `setImmediate`. `late`: nobody reads until the run
 * has ended, then one reader reads it all. `fast`: every event, never yielding.
 */
export type ReaderMode = "slow-events" | "slow-writable" | "late" | "fast";

/** One measured case, run in its own process so RSS is its own. */
export interface BackpressureCase {
  impl: StreamImpl;
  reader: ReaderMode;
  deltas: number;
  /** The fake model yields to the event loop (a `setImmediate`) after this many parts, like a socket read. */
  partsPerBurst: number;
  /** `slow-events`: yield after this many events. */
  readEvery: number;
}

/** What one case measured. */
export interface BackpressureCaseResult extends BackpressureCase {
  /** Characters of answer text the deltas add up to. */
  textChars: number;
  /** RSS just before the run, after the warm-up and a full GC (MB): the process's own floor. */
  rssBeforeMb: number;
  /** Peak RSS over the run and the read, minus RSS just before the run (MB). */
  peakRssMb: number;
  /** Peak `heapUsed` sampled (no GC forced), minus heapUsed after GC before the run (MB). */
  peakHeapMb: number;
  /** `heapUsed` after a full GC the moment the run ended (the reader not done yet), minus the same before the run (MB). */
  retainedHeapAtRunEndMb: number | undefined;
  /**
   * What the stream alone holds after the run and the read (its replay log for late readers):
   * heap after GC with the stream, minus heap after GC without it (MB; the result stays alive).
   */
  heldByStreamAfterRunMb: number | undefined;
  /**
   * What the run's result holds once the stream is gone (its text, steps and messages), measured
   * the same way: the run's own memory, the same whatever the stream does.
   */
  heldByResultMb: number | undefined;
  /** Events the stream held when the run ended, and at most during the run (sampled). */
  retainedEventsAtRunEnd: number;
  peakRetainedEvents: number;
  /** Events the run emitted. */
  emitted: number;
  /** Events (or text chunks, for `slow-writable`) the reader got. */
  reads: number;
  /** ms from the call to `result`, and to the reader's end. */
  runMs: number;
  readMs: number;
  gc: boolean;
}

/** The backpressure section of the bench report. */
export interface BackpressureReport {
  quick: boolean;
  /** Delta counts measured (each case runs at every size, so growth with the count shows). */
  config: { sizes: number[]; partsPerBurst: number; readEvery: number };
  cases: BackpressureCaseResult[];
  /** Cases that failed, and why. */
  failures: Array<{ impl: StreamImpl; reader: ReaderMode; deltas: number; error: string }>;
  /**
   * The bound, checked on the runtime's stream over every reader and size: it held at most
   * `limit` events at any sample (the old one: every event), and what it held after the run was
   * at most `bytesPerCharLimit` bytes per character of text plus `slackMb` (O(text), not O(deltas)).
   */
  boundedCheck: {
    maxEventsHeld: number;
    limit: number;
    maxHeldBytesPerChar: number;
    bytesPerCharLimit: number;
    slackMb: number;
    status: "PASS" | "FAIL" | "n/a";
  };
  durationMs: number;
}
