/**
 * The soak bench: 10,000 sequential runs (500 with `--quick`) on the legacy runtime with memory
 * on, on each adapter (in-memory, libSQL file, Postgres when `POSTGRES_URL` is set), each adapter
 * in its own process (`case.ts`, forked with `--expose-gc`), sampling heap after a full GC and RSS
 * every 500 runs (50 with `--quick`), then fitting the growth over the second half of the samples.
 *
 * Part of `npm run bench` (`--only=soak`); also runs alone: `npx tsx src/soak/index.ts [--quick]`.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { forkBenchChild } from "../child-process.js";
import {
  type CaseStore,
  createCaseStore,
  NO_POSTGRES,
  postgresUrl,
  type StorageKind,
} from "../load/storage.js";
import { writeJsonReport } from "../report.js";
import { renderSoakMarkdown } from "./render.js";
import type { SoakCase, SoakCaseResult, SoakReport } from "./types.js";

export { renderSoakMarkdown } from "./render.js";
export type { SoakReport } from "./types.js";

const CASE = fileURLToPath(new URL("./case.ts", import.meta.url));
const CASE_TIMEOUT_MS = 900_000;
const KINDS: readonly StorageKind[] = ["in-memory", "libsql", "postgres"];

/** Options of {@link runSoakBench}. */
export interface SoakBenchOptions {
  quick: boolean;
  log?: (message: string) => void;
}

/** Runs the soak on each adapter, one process each, one after the other; removes temp files and schemas. */
export async function runSoakBench(options: SoakBenchOptions): Promise<SoakReport> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const started = performance.now();
  const config = {
    runs: options.quick ? 500 : 10_000,
    threads: 100,
    sampleEvery: options.quick ? 50 : 500,
    lastMessages: 20,
  };
  const cases: SoakCaseResult[] = [];
  const unavailable: SoakReport["unavailable"] = [];
  for (const kind of KINDS) {
    if (kind === "postgres" && !postgresUrl()) {
      unavailable.push({ storage: kind, reason: NO_POSTGRES });
      log(`[bench]   soak: postgres: ${NO_POSTGRES}`);
      continue;
    }
    log(`[bench]   soak: ${kind}, ${config.runs.toLocaleString("en-US")} runs`);
    let store: CaseStore | undefined;
    try {
      store = await createCaseStore(kind, `soak-${kind}`);
      const soakCase: SoakCase = { storage: store.spec, ...config };
      const child = await forkBenchChild(CASE, soakCase);
      try {
        cases.push(await child.request<SoakCaseResult>({ type: "run" }, CASE_TIMEOUT_MS));
      } finally {
        await child.close();
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      unavailable.push({ storage: kind, reason });
      log(`[bench]   soak: ${kind} failed: ${reason}`);
    } finally {
      await store?.remove().catch(() => {});
    }
  }
  return { quick: options.quick, config, cases, unavailable, durationMs: performance.now() - started };
}

// Run alone: `npx tsx src/soak/index.ts [--quick]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
  const report = await runSoakBench({ quick });
  process.stdout.write(renderSoakMarkdown(report));
  const file = await writeJsonReport(
    { date: new Date().toISOString(), node: process.version, soak: report },
    "soak",
  );
  process.stderr.write(`[bench] wrote ${file}\n`);
  process.exit(0);
}
