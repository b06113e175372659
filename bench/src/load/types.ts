import type { LoadLayout } from "./layout.js";
import type { StorageSpec } from "./storage.js";
import type { IntegrityCheck } from "./verify.js";

/** What a worker runs: the legacy runtime with memory, without, or the `ai` SDK's loop. */
export type LoadVariant = "memory" | "no-memory" | "ai-loop";

/** The cases of the load bench, one table row each. */
export type LoadCaseId = "libsql" | "postgres" | "no-memory" | "ai-loop" | "postgres-4p";

/** How a worker process is set up (JSON in its `argv[2]`). */
export interface WorkerConfig {
  caseId: LoadCaseId;
  variant: LoadVariant;
  /** Set for `memory`. */
  storage?: StorageSpec;
  /** This worker's index among the case's processes. */
  process: number;
  layout: LoadLayout;
  /** `createMemory({ lastMessages })`. */
  lastMessages: number;
}

/** One case's figures over its timed batches. */
export interface LoadCaseResult {
  id: LoadCaseId;
  label: string;
  status: "ok" | "unavailable" | "error";
  /** Why there are no numbers. */
  note?: string;
  processes: number;
  /** Concurrent runs per batch, over all processes. */
  runsPerBatch: number;
  threads: number;
  /** Timed batches (after one warm-up batch). */
  batches: number;
  /** Runs per second of each timed batch (all processes' runs over the batch's wall clock). */
  throughput: number[];
  /** Wall clock of each timed batch, ms. */
  wallMs: number[];
  /** CPU ms per run of each timed batch (all worker processes, user + system; not the database's). */
  cpuMsPerRun: number[];
  /** Per-run SDK overhead over every timed run: p50 and p99, ms. */
  overheadP50Ms: number;
  overheadP99Ms: number;
  /** Mean time per run inside the model and the tool, ms. */
  insideMeanMs: number;
  /** Peak RSS (`VmHWM`, see `peakRssMb`) of each worker process, MB. */
  peakRssMb: number[];
  /** Runs that failed, over every batch. */
  failedRuns: number;
  errors: string[];
  /** Reading every thread back after the last batch (memory cases). */
  integrity?: IntegrityCheck;
  /** Raw samples: per-run overhead of every timed run, ms. */
  overheadMs: number[];
}

/** The load section of the bench report. */
export interface LoadReport {
  quick: boolean;
  config: {
    runsPerBatch: number;
    threads: number;
    batches: number;
    lastMessages: number;
    processes: number;
    runsPerProcess: number;
  };
  cases: LoadCaseResult[];
  /** Lost and duplicated messages over every memory case; PASS only when all are 0. */
  integrity: { lost: number; duplicated: number; status: "PASS" | "FAIL" | "n/a" };
  durationMs: number;
}
