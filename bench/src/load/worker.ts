/**
 * One load-bench worker process (forked by `index.ts` with `--expose-gc`, one per case and
 * process, so each peak RSS is its own): builds one agent (legacy runtime with or without
 * `createMemory`, or the `ai` SDK loop) and answers the parent's requests: `batch` (start every
 * run of the batch at once, time them) and `usage` (peak RSS). The parent reads the threads back
 * itself, on a fresh adapter, once every worker has closed.
 */
import type { StorageAdapter } from "@flowmaestro/memory";
import { createMemory } from "@flowmaestro/memory";
import { serveRequests } from "../child-process.js";
import { collectGarbage } from "../measure.js";
import { peakRssMb } from "../peak-rss.js";
import { batchRuns } from "./layout.js";
import type { RunLedger } from "./model.js";
import { openStorage } from "./storage.js";
import type { WorkerConfig } from "./types.js";
import { createAiLoopRun, createLegacyRun, type RunOne, runBatch } from "./workload.js";

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerConfig;
const ledger: RunLedger = new Map();
let storage: StorageAdapter | undefined;
let run: RunOne;
if (config.variant === "memory") {
  if (!config.storage) throw new Error("a memory worker needs a storage spec");
  storage = openStorage(config.storage);
  await storage.init();
  const memory = createMemory({
    storage,
    lastMessages: config.lastMessages,
    semanticRecall: false,
    workingMemory: false,
    summary: false,
  });
  run = createLegacyRun(ledger, memory);
} else if (config.variant === "no-memory") run = createLegacyRun(ledger);
else run = createAiLoopRun(ledger);

serveRequests(
  async (message) => {
    switch (message.type) {
      case "batch": {
        const batch = message.batch as number;
        const specs = batchRuns(config.layout, config.caseId, config.process, batch, storage !== undefined);
        collectGarbage();
        return runBatch(run, specs, ledger);
      }
      case "usage":
        return { peakRssMb: peakRssMb() };
      default:
        throw new Error(`unknown request ${message.type}`);
    }
  },
  async () => {
    await storage?.close();
  },
);
