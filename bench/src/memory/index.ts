/**
 * The memory bench: FlowMaestro's storage adapters (in-memory, libSQL file, Postgres) beside
 * Mastra's own `@mastra/libsql`, and an agent turn with memory against the same turn without on
 * each runtime. Part of `npm run bench` (`--only=memory`, or `--only=memory-append`,
 * `memory-load`, `memory-recall`, `memory-turn`); also runs alone:
 * `npx tsx src/memory/index.ts [--quick] [--only=memory-recall]`.
 *
 * Sizes: `--memory-vectors=N` (exact indexes, default 100,000), `--memory-ann-vectors=N` (DiskANN
 * indexes, default 1,000), `--memory-dimension=D` (default 256). Postgres: `BENCH_POSTGRES_URL`
 * (default postgres://postgres@127.0.0.1:5432/test), in a fresh schema dropped afterwards.
 */
import { pathToFileURL } from "node:url";
import { writeJsonReport } from "../report.js";
import { measureAppend, measureLoad } from "./messages.js";
import { measureRecall } from "./recall.js";
import { evaluateMemoryTargets, renderMemoryMarkdown } from "./report.js";
import {
  type BenchStore,
  type LoadResult,
  loadInMemory,
  loadLibsql,
  loadMastraLibsql,
  loadPostgres,
  STORE_LABELS,
  type StoreId,
} from "./stores.js";
import { measureTurn } from "./turn.js";
import { MEMORY_PARTS, type MemoryPartId, type MemoryReport, type MemorySection } from "./types.js";

export { renderMemoryMarkdown } from "./report.js";
export type { MemoryReport } from "./types.js";

/**
 * Which memory parts `--only` selects: all for `memory`, some for `memory-<part>`, none when
 * `--only` names neither (it then selects loop runners only). No `--only`: all.
 */
export function selectMemoryParts(only: readonly string[] | undefined): MemoryPartId[] {
  if (!only) return [...MEMORY_PARTS];
  if (only.includes("memory")) return [...MEMORY_PARTS];
  return MEMORY_PARTS.filter((part) => only.includes(`memory-${part}`));
}

function numberFlag(argv: readonly string[], name: string): number | undefined {
  const raw = argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return undefined;
  const value = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} takes a positive integer, got ${raw}`);
  return value;
}

export interface MemoryBenchOptions {
  quick: boolean;
  parts: readonly MemoryPartId[];
  argv?: readonly string[];
  log?: (message: string) => void;
}

export async function runMemoryBench(options: MemoryBenchOptions): Promise<MemoryReport> {
  const { quick, parts } = options;
  const argv = options.argv ?? process.argv;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const started = performance.now();
  const vectors = numberFlag(argv, "memory-vectors") ?? (quick ? 5_000 : 100_000);
  const config = {
    appendMessages: quick ? 300 : 1_000,
    threadMessages: quick ? 2_000 : 10_000,
    last: 20,
    vectors,
    annVectors: Math.min(vectors, numberFlag(argv, "memory-ann-vectors") ?? (quick ? 300 : 1_000)),
    dimension: numberFlag(argv, "memory-dimension") ?? 256,
    topK: 5,
    lastMessages: 10,
  };

  const sections: MemorySection[] = [];
  const unavailable: MemoryReport["unavailable"] = [];
  const storageParts = parts.filter((part) => part !== "turn");
  if (storageParts.length > 0) {
    const stores: BenchStore[] = [];
    const loaders: Array<[StoreId, () => Promise<LoadResult>]> = [
      ["in-memory", loadInMemory],
      ["libsql", loadLibsql],
      ["postgres", loadPostgres],
      ["mastra-libsql", loadMastraLibsql],
    ];
    for (const [id, load] of loaders) {
      const result = await load();
      if (result.ok) stores.push(result.store);
      else {
        unavailable.push({ what: STORE_LABELS[id], reason: result.reason });
        log(`[bench]   ${STORE_LABELS[id]}: n/a (${result.reason})`);
      }
    }
    try {
      for (const part of storageParts) {
        const partStarted = performance.now();
        log(`[bench] memory: ${part}`);
        if (part === "append") {
          sections.push(
            await measureAppend(stores, { messages: config.appendMessages, rounds: quick ? 2 : 7 }),
          );
        } else if (part === "load") {
          sections.push(
            await measureLoad(stores, {
              threadMessages: config.threadMessages,
              last: config.last,
              rounds: quick ? 2 : 5,
              loadsPerRound: quick ? 10 : 100,
              warmupLoads: quick ? 5 : 50,
            }),
          );
        } else if (part === "recall") {
          sections.push(
            await measureRecall(
              stores,
              {
                count: config.vectors,
                annCount: config.annVectors,
                dimension: config.dimension,
                topK: config.topK,
                queries: quick ? 10 : 50,
                warmupQueries: quick ? 2 : 5,
                rounds: quick ? 2 : 3,
                budgetMs: quick ? 500 : 5_000,
                minQueries: 3,
                maxQueries: quick ? 20 : 200,
                batch: 1_000,
              },
              log,
            ),
          );
        }
        log(`[bench]   done in ${((performance.now() - partStarted) / 1000).toFixed(1)} s`);
      }
    } finally {
      for (const store of stores) await store.dispose().catch(() => {});
    }
  }
  if (parts.includes("turn")) {
    const partStarted = performance.now();
    log("[bench] memory: turn");
    sections.push(
      await measureTurn(
        {
          lastMessages: config.lastMessages,
          preloadRuns: 5,
          plan: quick
            ? { warmupRuns: 2, warmupMs: 200, rounds: 2, budgetMs: 300, minSamples: 3, maxSamples: 20 }
            : {
                warmupRuns: 50,
                warmupMs: 2_000,
                rounds: 10,
                budgetMs: 6_000,
                minSamples: 30,
                maxSamples: 600,
              },
        },
        log,
      ),
    );
    for (const row of sections.at(-1)?.rows ?? []) {
      if (row.status === "unavailable")
        unavailable.push({ what: row.label, reason: row.note ?? "not available" });
    }
    log(`[bench]   done in ${((performance.now() - partStarted) / 1000).toFixed(1)} s`);
  }
  return {
    quick,
    parts: [...parts],
    config,
    sections,
    targets: evaluateMemoryTargets(sections, config),
    unavailable,
    durationMs: performance.now() - started,
  };
}

// Run alone: `npx tsx src/memory/index.ts [--quick] [--only=memory-recall,…]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const only = (
    process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length) ?? process.env.BENCH_ONLY
  )
    ?.split(",")
    .filter(Boolean);
  const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
  const parts = selectMemoryParts(only);
  const report = await runMemoryBench({ quick, parts });
  process.stdout.write(renderMemoryMarkdown(report));
  const file = await writeJsonReport(
    { date: new Date().toISOString(), node: process.version, memory: report },
    "memory",
  );
  process.stderr.write(`[bench] wrote ${file}\n`);
  process.exit(0);
}
