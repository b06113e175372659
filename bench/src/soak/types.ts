import type { StorageKind, StorageSpec } from "../load/storage.js";
import type { IntegrityCheck } from "../load/verify.js";

/** One soak case (JSON in its process's `argv[2]`). */
export interface SoakCase {
  storage: StorageSpec;
  /** Sequential runs, run `i` on thread `t<i % threads>`. */
  runs: number;
  threads: number;
  /** Sample heap (after a full GC) and RSS every this many runs. */
  sampleEvery: number;
  /** `createMemory({ lastMessages })`: the history window each run loads. */
  lastMessages: number;
}

/** Memory after `runs` runs (MB), heap after a full GC. */
export interface SoakSample {
  runs: number;
  heapUsedMb: number;
  rssMb: number;
  /** `external` (off-heap memory owned by JS objects, e.g. a driver's buffers). */
  externalMb: number;
  /** Mean ms per run over the runs since the previous sample. */
  msPerRun: number;
}

/** What one soak case measured. */
export interface SoakCaseResult {
  storage: StorageKind;
  runs: number;
  threads: number;
  lastMessages: number;
  /** Messages stored at the end (`runs × 4`). */
  messages: number;
  samples: SoakSample[];
  /** Least-squares slopes over the second half of the samples (warm-up left out), bytes per 1,000 runs. */
  heapSlopePer1000Runs: number;
  rssSlopePer1000Runs: number;
  /** The same heap slope per message stored (4 per run), bytes. */
  heapSlopePerMessage: number;
  /**
   * Heap the memory (agent, `createMemory`, adapter) held at the end: heap after GC, minus heap
   * after GC once the adapter is closed and nothing references them (MB).
   */
  heldByMemoryMb: number;
  /**
   * Whether the process's first agent to end a run (a probe agent with an in-memory adapter, run
   * once before the soak) was still reachable after it was dropped: see `firstAgentPinned` in `case.ts`.
   */
  firstAgentPinned: boolean;
  /** Average characters per stored message of what the in-memory adapter keeps: its JSON text and its id. */
  charsPerMessage: number;
  peakRssMb: number;
  durationMs: number;
  /** Every thread read back at the end. */
  integrity: IntegrityCheck;
  failedRuns: number;
  errors: string[];
}

/** The soak section of the bench report. */
export interface SoakReport {
  quick: boolean;
  config: { runs: number; threads: number; sampleEvery: number; lastMessages: number };
  cases: SoakCaseResult[];
  /** Adapters not measured, and why (Postgres without `POSTGRES_URL`). */
  unavailable: Array<{ storage: StorageKind; reason: string }>;
  durationMs: number;
}
