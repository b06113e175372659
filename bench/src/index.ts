/**
 * `npm run bench`: the `ai` SDK's tool loop, the legacy runtime, Mastra used directly and the
 * Mastra runtime, on the same scripted zero-latency models, in one run. Prints a markdown table
 * to stdout (progress goes to stderr) and writes `bench/results/latest.json`.
 *
 * Then the memory bench (`src/memory`: storage adapters beside `@mastra/libsql`, and an agent turn
 * with memory vs without per runtime), as a "Memory" section and the report's `memory`.
 *
 * Flags (partial runs write `results/partial.json` instead): `--quick` (or `BENCH_QUICK=1`) runs a
 * few samples only, to check the bench itself;
 * `--only=legacy,ai-loop` (or `BENCH_ONLY=legacy,ai-loop`) runs some runners only (ratios to a runner left out show as "—");
 * `--only=memory` runs the memory bench only, `--only=memory-append,memory-load,memory-recall,memory-turn`
 * some of its parts (see `src/memory/index.ts` for its size flags).
 *
 * Then the backpressure bench (`src/backpressure`: 100,000 and 400,000 text deltas through a legacy
 * run to slow, late and fast readers, the runtime's stream beside a copy of the old one, one process
 * per case, peak RSS, what the stream holds and events held), as a "Backpressure" section and the
 * report's `backpressure`; `--only=backpressure` runs it alone (see `src/backpressure/index.ts` for
 * its flags).
 *
 * Then the load bench (`src/load`: 200 concurrent legacy runs with memory on a libSQL file and on
 * Postgres, the same without memory and on the `ai` loop, and 4 processes on one Postgres schema;
 * throughput, per-run overhead, peak RSS, lost and duplicated messages) as a "Load" section and the
 * report's `load`; `--only=load` runs it alone. Then the soak (`src/soak`: 10,000 sequential runs
 * with memory per adapter, heap and RSS sampled, growth fitted) as a "Soak" section and the
 * report's `soak`; `--only=soak` runs it alone. Both need `POSTGRES_URL` for their Postgres cases.
 */
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { renderBackpressureMarkdown, runBackpressureBench } from "./backpressure/index.js";
import { measureHistoryLength } from "./history-length.js";
import { renderLoadMarkdown, runLoadBench } from "./load/index.js";
import { type Contestant, gcAvailable, measureScenario } from "./measure.js";
import { renderMemoryMarkdown, runMemoryBench, selectMemoryParts } from "./memory/index.js";
import {
  createReport,
  type RunnerResult,
  renderMarkdown,
  type ScenarioResult,
  summarizeSamples,
  toMetricSamples,
  writeJsonReport,
} from "./report.js";
import { aiLoopRunner } from "./runners/ai-loop.js";
import { legacyRunner } from "./runners/legacy.js";
import { mastraDirectRunner } from "./runners/mastra-direct.js";
import { mastraRuntimeRunner } from "./runners/mastra-runtime.js";
import { type Runner, scenarios } from "./scenarios.js";
import { renderSoakMarkdown, runSoakBench } from "./soak/index.js";

const allRunners: readonly Runner[] = [aiLoopRunner, legacyRunner, mastraDirectRunner, mastraRuntimeRunner];
// `BENCH_ONLY=memory` does what `--only=memory` does: through `npm run bench` at the root, npm
// takes `--only` as its own setting and never passes it on.
const only = (
  process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length) ?? process.env.BENCH_ONLY
)
  ?.split(",")
  .filter(Boolean);
const runners = only ? allRunners.filter((runner) => only.includes(runner.id)) : allRunners;
const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
const log = (message: string) => process.stderr.write(`${message}\n`);

const loaded = new Map<Runner, string | undefined>();
for (const runner of runners) {
  const status = await runner.load();
  loaded.set(runner, status.ok ? undefined : status.reason);
  if (!status.ok) log(`[bench] ${runner.label}: n/a (${status.reason})`);
}

const memoryParts = selectMemoryParts(only);
const backpressure = !only || only.includes("backpressure");
const load = !only || only.includes("load");
const soak = !only || only.includes("soak");
const results: ScenarioResult[] = [];
// `--only` naming memory parts only skips the loop scenarios.
for (const scenario of runners.length > 0 ? scenarios : []) {
  log(`[bench] ${scenario.title}`);
  const started = performance.now();
  const rows: RunnerResult[] = [];
  const contestants = new Map<Runner, Contestant>();
  for (const runner of runners) {
    const call = scenario.mode === "stream" ? runner.calls.stream : runner.calls.generate;
    const row: RunnerResult = {
      runner: runner.id,
      label: runner.label,
      call,
      status: "ok",
      modelMethods: [],
      metrics: {},
      samples: {},
    };
    rows.push(row);
    const unavailable = loaded.get(runner);
    if (unavailable !== undefined) {
      row.status = "unavailable";
      row.note = unavailable;
      continue;
    }
    const model = createScriptedModel({ turns: scenario.turns, loop: true });
    try {
      contestants.set(runner, {
        id: runner.id,
        run: runner.prepare(scenario, model),
        model,
        totalMs: [],
        firstTextDeltaMs: [],
      });
    } catch (error) {
      row.status = "error";
      row.note = `setup failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
    }
  }

  await measureScenario(scenario, [...contestants.values()]);

  for (const row of rows) {
    const contestant = [...contestants.values()].find((c) => c.id === row.runner);
    if (!contestant) continue;
    row.modelMethods = [...new Set(contestant.model.calls.map((call) => call.method))];
    if (contestant.error !== undefined) {
      row.status = "error";
      row.note = contestant.error;
      log(`[bench]   ${row.label}: ${contestant.error}`);
      continue;
    }
    row.samples = toMetricSamples(scenario, contestant);
    row.metrics = summarizeSamples(row.samples);
  }
  results.push({ id: scenario.id, title: scenario.title, runners: rows });
  log(`[bench]   done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const report = createReport(results, { gc: gcAvailable, quick });
if (runners.length > 0) process.stdout.write(renderMarkdown(report));
else {
  process.stdout.write(
    `# Agent SDK benchmark: ${[memoryParts.length > 0 ? "memory" : "", backpressure ? "backpressure" : "", load ? "load" : "", soak ? "soak" : ""].filter(Boolean).join(", ")}\n\n${report.date} · Node ${report.node} · ${report.platform} · ${report.cpus} · GC between batches: ${report.gc ? "yes" : "no"}\n`,
  );
}
if (!only || only.includes("legacy")) {
  log("[bench] legacy per-step cost vs history length");
  process.stdout.write(`\n${await measureHistoryLength(quick)}`);
}
if (memoryParts.length > 0) {
  report.memory = await runMemoryBench({ quick, parts: memoryParts, log });
  process.stdout.write(renderMemoryMarkdown(report.memory));
}
if (backpressure) {
  log("[bench] backpressure: text deltas to slow, late and fast readers");
  report.backpressure = await runBackpressureBench({ quick, log });
  process.stdout.write(renderBackpressureMarkdown(report.backpressure));
}
if (load) {
  log("[bench] load: concurrent runs with memory (libSQL, Postgres), without, ai loop, 4 processes");
  report.load = await runLoadBench({ quick, log });
  process.stdout.write(renderLoadMarkdown(report.load));
}
if (soak) {
  log(
    `[bench] soak: ${quick ? "500" : "10,000"} sequential runs with memory per adapter, heap and RSS sampled`,
  );
  report.soak = await runSoakBench({ quick, log });
  process.stdout.write(renderSoakMarkdown(report.soak));
}
// Partial runs (`--quick`, `--only`) must not replace the numbers of the last full run.
const file = await writeJsonReport(report, quick || only ? "partial" : "latest");
log(`[bench] wrote ${file}`);
// Informational: missed targets are in the table, not in the exit code. Exit explicitly so a
// framework's lingering timers cannot keep the process alive.
process.exit(0);
