/**
 * The load bench: 200 concurrent runs in one process on the legacy runtime with memory
 * (`createMemory`, `lastMessages` history) on a fresh libSQL file (the default storage) and on a
 * fresh Postgres schema; the same runs without memory and on the `ai` SDK's own loop (the
 * baselines); and 4 processes of 50 concurrent runs each on one Postgres schema. Zero-latency
 * scripted model, one tool call then the answer. Every case runs in its own worker process(es)
 * (`worker.ts`), so each peak RSS is its own; the cases take turns, one batch each per round, a
 * different case first each round. After the last batch every thread is read back and compared
 * with what every run should have stored (lost and duplicated messages).
 *
 * Part of `npm run bench` (`--only=load`); also runs alone: `npx tsx src/load/index.ts [--quick]`.
 * Postgres cases need `POSTGRES_URL` (else "n/a: POSTGRES_URL not set"); each gets a fresh schema,
 * dropped afterwards.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BenchChild, forkBenchChild } from "../child-process.js";
import { writeJsonReport } from "../report.js";
import { expectedRuns, type LoadLayout, threadCount } from "./layout.js";
import { renderLoadMarkdown } from "./render.js";
import { type CaseStore, createCaseStore, NO_POSTGRES, openStorage, postgresUrl } from "./storage.js";
import type { LoadCaseId, LoadCaseResult, LoadReport, LoadVariant, WorkerConfig } from "./types.js";
import { verifyThreads } from "./verify.js";
import { type BatchTiming, percentiles } from "./workload.js";

export { renderLoadMarkdown } from "./render.js";
export type { LoadReport } from "./types.js";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const BATCH_TIMEOUT_MS = 180_000;

interface CaseSetup {
  id: LoadCaseId;
  label: string;
  variant: LoadVariant;
  storage?: "libsql" | "postgres";
  layout: LoadLayout;
}

interface LiveCase {
  setup: CaseSetup;
  result: LoadCaseResult;
  store?: CaseStore;
  workers: BenchChild[];
}

/** Options of {@link runLoadBench}. */
export interface LoadBenchOptions {
  quick: boolean;
  log?: (message: string) => void;
}

/**
 * Runs every load case (see the module comment) in worker processes, the cases taking turns batch
 * by batch, then reads every memory case's threads back; removes its temp files and schemas.
 */
export async function runLoadBench(options: LoadBenchOptions): Promise<LoadReport> {
  const { quick } = options;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const started = performance.now();
  const runsPerBatch = quick ? 40 : 200;
  const threads = quick ? 10 : 50;
  const processes = 4;
  const runsPerProcess = runsPerBatch / processes;
  // Five: a batch without memory takes ~15 ms, so one stall of a shared machine can halve its
  // figure; the median of five keeps such a batch out.
  const batches = quick ? 1 : 5;
  const lastMessages = 20;
  // In one process: every run on one of `threads` shared threads, `runsPerBatch / threads` at once each.
  const single: LoadLayout = {
    processes: 1,
    runsPerProcess: runsPerBatch,
    sharedRuns: runsPerBatch,
    sharedThreads: threads,
    ownThreads: 1,
  };
  // 4 processes: half of each process's runs on threads all 4 append to, half on its own threads.
  const multi: LoadLayout = {
    processes,
    runsPerProcess,
    sharedRuns: runsPerProcess / 2,
    sharedThreads: runsPerProcess / 2,
    ownThreads: runsPerProcess / 2,
  };
  const setups: CaseSetup[] = [
    { id: "libsql", label: "memory, libSQL file", variant: "memory", storage: "libsql", layout: single },
    { id: "postgres", label: "memory, Postgres", variant: "memory", storage: "postgres", layout: single },
    { id: "no-memory", label: "no memory", variant: "no-memory", layout: single },
    { id: "ai-loop", label: "`ai` loop (generateText), no memory", variant: "ai-loop", layout: single },
    {
      id: "postgres-4p",
      label: `memory, Postgres, ${processes} processes`,
      variant: "memory",
      storage: "postgres",
      layout: multi,
    },
  ];

  const cases: LiveCase[] = [];
  for (const setup of setups) {
    const live: LiveCase = { setup, result: emptyResult(setup, batches), workers: [] };
    cases.push(live);
    try {
      if (setup.storage === "postgres" && !postgresUrl()) {
        live.result.status = "unavailable";
        live.result.note = NO_POSTGRES;
        log(`[bench]   load: ${setup.label}: ${NO_POSTGRES}`);
        continue;
      }
      if (setup.storage) live.store = await createCaseStore(setup.storage, `load-${setup.id}`);
      for (let index = 0; index < setup.layout.processes; index++) {
        const config: WorkerConfig = {
          caseId: setup.id,
          variant: setup.variant,
          ...(live.store ? { storage: live.store.spec } : {}),
          process: index,
          layout: setup.layout,
          lastMessages,
        };
        live.workers.push(await forkBenchChild(WORKER, config));
      }
    } catch (error) {
      fail(live, error, log);
    }
  }

  // Batch 0 warms every case up (JIT, connections) and seeds the threads; it is checked, not timed.
  for (let batch = 0; batch <= batches; batch++) {
    const active = cases.filter((live) => live.result.status === "ok");
    for (let offset = 0; offset < active.length; offset++) {
      const live = active[(offset + batch) % active.length] as LiveCase;
      log(
        `[bench]   load: ${live.setup.label}, ${batch === 0 ? "warm-up batch" : `batch ${batch}/${batches}`}`,
      );
      try {
        const sent = performance.now();
        const timings = await Promise.all(
          live.workers.map((worker) =>
            worker.request<BatchTiming>({ type: "batch", batch }, BATCH_TIMEOUT_MS),
          ),
        );
        const parentWallMs = performance.now() - sent;
        record(live.result, timings, batch === 0, parentWallMs);
      } catch (error) {
        fail(live, error, log);
      }
    }
  }

  for (const live of cases) {
    try {
      for (const worker of live.workers) {
        const usage = await worker.request<{ peakRssMb: number }>({ type: "usage" }, 30_000);
        live.result.peakRssMb.push(usage.peakRssMb);
      }
    } catch (error) {
      fail(live, error, log);
    }
    for (const worker of live.workers) await worker.close().catch(() => {});
    if (live.store && live.result.status === "ok") {
      // A fresh adapter on the same file or schema, after every worker closed its own.
      const storage = openStorage(live.store.spec);
      try {
        live.result.integrity = await verifyThreads(
          storage,
          expectedRuns(live.setup.layout, live.setup.id, batches + 1),
        );
      } catch (error) {
        fail(live, error, log);
      } finally {
        await storage.close().catch(() => {});
      }
    }
    await live.store?.remove().catch(() => {});
    summarize(live.result);
  }

  const checked = cases.flatMap((live) => (live.result.integrity ? [live.result.integrity] : []));
  const lost = checked.reduce((sum, check) => sum + check.lost, 0);
  const duplicated = checked.reduce((sum, check) => sum + check.duplicated + check.repeatedIds, 0);
  return {
    quick,
    config: { runsPerBatch, threads, batches, lastMessages, processes, runsPerProcess },
    cases: cases.map((live) => live.result),
    integrity: {
      lost,
      duplicated,
      status:
        checked.length === 0 ? "n/a" : checked.every((check) => check.status === "PASS") ? "PASS" : "FAIL",
    },
    durationMs: performance.now() - started,
  };
}

function emptyResult(setup: CaseSetup, batches: number): LoadCaseResult {
  const { layout } = setup;
  return {
    id: setup.id,
    label: setup.label,
    status: "ok",
    processes: layout.processes,
    runsPerBatch: layout.processes * layout.runsPerProcess,
    threads: setup.variant === "memory" ? threadCount(layout) : 0,
    batches,
    throughput: [],
    wallMs: [],
    cpuMsPerRun: [],
    overheadP50Ms: Number.NaN,
    overheadP99Ms: Number.NaN,
    insideMeanMs: 0,
    peakRssMb: [],
    failedRuns: 0,
    errors: [],
    overheadMs: [],
  };
}

/** Adds one batch (all of a case's processes) to its result; the warm-up batch only counts failures. */
function record(result: LoadCaseResult, timings: BatchTiming[], warmUp: boolean, parentWallMs: number): void {
  for (const timing of timings) {
    result.failedRuns += timing.failed;
    for (const error of timing.errors) if (result.errors.length < 3) result.errors.push(error);
  }
  if (warmUp) return;
  // One process: its own clock. Several: the parent's, from sending "go" to every one to the last answer.
  const wallMs = timings.length === 1 ? (timings[0] as BatchTiming).wallMs : parentWallMs;
  result.wallMs.push(wallMs);
  result.throughput.push(result.runsPerBatch / (wallMs / 1000));
  result.cpuMsPerRun.push(timings.reduce((sum, timing) => sum + timing.cpuMs, 0) / result.runsPerBatch);
  for (const timing of timings) {
    result.overheadMs.push(...timing.overheadMs);
    // A sum until `summarize` divides it.
    result.insideMeanMs += timing.insideMs.reduce((sum, ms) => sum + ms, 0);
  }
}

function summarize(result: LoadCaseResult): void {
  if (result.overheadMs.length === 0) {
    result.insideMeanMs = Number.NaN;
    return;
  }
  const { p50, p99 } = percentiles(result.overheadMs);
  result.overheadP50Ms = p50;
  result.overheadP99Ms = p99;
  result.insideMeanMs /= result.overheadMs.length;
}

function fail(live: LiveCase, error: unknown, log: (message: string) => void): void {
  const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  if (live.result.status === "ok") {
    live.result.status = "error";
    live.result.note = message;
  }
  log(`[bench]   load: ${live.setup.label} failed: ${message}`);
}

// Run alone: `npx tsx src/load/index.ts [--quick]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
  const report = await runLoadBench({ quick });
  process.stdout.write(renderLoadMarkdown(report));
  const file = await writeJsonReport(
    { date: new Date().toISOString(), node: process.version, load: report },
    "load",
  );
  process.stderr.write(`[bench] wrote ${file}\n`);
  process.exit(0);
}
