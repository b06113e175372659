/**
 * One soak case, in its own process (`index.ts` forks it with `--expose-gc`): `runs` sequential
 * runs on the legacy runtime with `createMemory` on one adapter, run `i` continuing thread
 * `t<i % threads>`; heap (after a full GC) and RSS sampled every `sampleEvery` runs. At the end:
 * every thread read back (lost / duplicated), and what the memory still held in the heap.
 */
import { createInMemoryStorage, createMemory, type StorageAdapter } from "@flowmaestro/memory";
import { serveRequests } from "../child-process.js";
import type { ExpectedRun } from "../load/layout.js";
import type { RunLedger } from "../load/model.js";
import { openStorage } from "../load/storage.js";
import { MESSAGES_PER_RUN, verifyThreads } from "../load/verify.js";
import { createLegacyRun, RESOURCE_ID, type RunOne } from "../load/workload.js";
import { collectGarbage } from "../measure.js";
import { peakRssMb } from "../peak-rss.js";
import { secondHalf, slope } from "./fit.js";
import type { SoakCase, SoakCaseResult, SoakSample } from "./types.js";

const MB = 1024 * 1024;

/** Heap used after full GCs from fresh macrotasks (so what was just dropped is really gone). */
async function settledHeap(): Promise<number> {
  for (let round = 0; round < 2; round++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
  }
  return process.memoryUsage().heapUsed;
}

const memoryOf = (storage: StorageAdapter, lastMessages: number) =>
  createMemory({ storage, lastMessages, semanticRecall: false, workingMemory: false, summary: false });

/**
 * Whether the first agent that ends a run in a process stays reachable after the host dropped it
 * (agent, memory and an in-memory adapter). It does while the kit's shared "run ended" error
 * (`runEnded()` in `@flowmaestro/runtime`'s `kit/create-agent-runtime.ts`, made once, on the first
 * run's end) keeps the call sites of its stack trace, whose closures reach that run's agent. Done
 * first in every soak process, so the agent measured afterwards is not the one pinned.
 */
async function firstAgentPinned(): Promise<boolean> {
  let storage: StorageAdapter | undefined = createInMemoryStorage();
  const reference = new WeakRef(storage);
  let run: RunOne | undefined = createLegacyRun(new Map(), memoryOf(storage, 20));
  await run({ runId: "pin-probe", threadId: "pin-probe" });
  storage = undefined;
  run = undefined;
  await settledHeap();
  return reference.deref() !== undefined;
}

const runOf = (options: SoakCase, index: number): ExpectedRun => ({
  runId: `soak-${options.storage.kind}-${index}`,
  threadId: `t${index % options.threads}`,
});

/** Runs the case; meant for a fresh process. */
export async function runSoak(options: SoakCase): Promise<SoakCaseResult> {
  const started = performance.now();
  const pinned = await firstAgentPinned();
  const ledger: RunLedger = new Map();
  let storage: StorageAdapter | undefined = openStorage(options.storage);
  await storage.init();
  let run: RunOne | undefined = createLegacyRun(ledger, memoryOf(storage, options.lastMessages));
  const samples: SoakSample[] = [];
  let failedRuns = 0;
  const errors: string[] = [];
  let windowMs = 0;
  let windowRuns = 0;
  const sample = async (runs: number) => {
    const heapUsed = await settledHeap();
    const usage = process.memoryUsage();
    samples.push({
      runs,
      heapUsedMb: heapUsed / MB,
      rssMb: usage.rss / MB,
      externalMb: usage.external / MB,
      msPerRun: windowRuns === 0 ? 0 : windowMs / windowRuns,
    });
    windowMs = 0;
    windowRuns = 0;
  };

  await sample(0);
  for (let index = 0; index < options.runs; index++) {
    const spec = runOf(options, index);
    const runStarted = performance.now();
    try {
      await run(spec);
      const entry = ledger.get(spec.runId);
      if (entry?.modelCalls !== 2 || entry.toolCalls !== 1) throw new Error(`run ${spec.runId}: wrong calls`);
    } catch (error) {
      failedRuns++;
      if (errors.length < 3)
        errors.push(error instanceof Error ? error.message.split("\n")[0]! : String(error));
    }
    windowMs += performance.now() - runStarted;
    windowRuns++;
    ledger.clear();
    if ((index + 1) % options.sampleEvery === 0 || index + 1 === options.runs) await sample(index + 1);
  }

  const expected = Array.from({ length: options.runs }, (_, index) => runOf(options, index));
  const integrity = await verifyThreads(storage, expected);
  let chars = 0;
  let messages = 0;
  for (let thread = 0; thread < Math.min(options.threads, options.runs); thread++) {
    for (const stored of await storage.listMessages({ threadId: `t${thread}`, resourceId: RESOURCE_ID })) {
      chars += JSON.stringify(stored.message).length + stored.id.length;
      messages++;
    }
  }

  // What the memory holds: the heap with it, minus the heap once it is closed and unreachable.
  const withMemory = await settledHeap();
  await storage.close();
  storage = undefined;
  run = undefined;
  const withoutMemory = await settledHeap();

  const fitted = secondHalf(samples);
  const heapSlope = slope(fitted.map((point) => ({ x: point.runs, y: point.heapUsedMb * MB }))) * 1000;
  const rssSlope = slope(fitted.map((point) => ({ x: point.runs, y: point.rssMb * MB }))) * 1000;
  return {
    storage: options.storage.kind,
    runs: options.runs,
    threads: options.threads,
    lastMessages: options.lastMessages,
    messages,
    samples,
    heapSlopePer1000Runs: heapSlope,
    rssSlopePer1000Runs: rssSlope,
    heapSlopePerMessage: heapSlope / (1000 * MESSAGES_PER_RUN),
    heldByMemoryMb: (withMemory - withoutMemory) / MB,
    firstAgentPinned: pinned,
    charsPerMessage: messages === 0 ? 0 : chars / messages,
    peakRssMb: peakRssMb(),
    durationMs: performance.now() - started,
    integrity,
    failedRuns,
    errors,
  };
}

// Forked by index.ts: the case as JSON in argv[2]; one `run` request, answered with the result.
const options = JSON.parse(process.argv[2] ?? "{}") as SoakCase;
serveRequests(
  async (message) => {
    if (message.type !== "run") throw new Error(`unknown request ${message.type}`);
    return runSoak(options);
  },
  async () => {},
);
