import { quantile } from "../measure.js";
import type { LoadCaseId, LoadCaseResult, LoadReport } from "./types.js";
import { MESSAGES_PER_RUN } from "./verify.js";

const count = (value: number) => value.toLocaleString("en-US");
const fixed = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? "—" : value.toFixed(digits);
const median = (values: readonly number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

function find(report: LoadReport, id: LoadCaseId): LoadCaseResult | undefined {
  const found = report.cases.find((result) => result.id === id);
  return found?.status === "ok" && found.throughput.length > 0 ? found : undefined;
}

const ratio = (own: LoadCaseResult, base: LoadCaseResult | undefined) =>
  base && own !== base ? `${(median(own.throughput) / median(base.throughput)).toFixed(2)}×` : "—";

/** A count that must be 0: bold, with FAIL, when it is not. */
const mustBeZero = (value: number) => (value === 0 ? "0" : `**${count(value)}**`);

function integrityCells(result: LoadCaseResult): string[] {
  const check = result.integrity;
  if (!check) return ["—", "—", "—", result.failedRuns === 0 ? "—" : "**FAIL**"];
  const extra = check.repeatedIds + check.unexpected;
  const duplicated =
    extra === 0
      ? mustBeZero(check.duplicated)
      : `**${count(check.duplicated)}** (+${count(check.repeatedIds)} repeated ids, ${count(check.unexpected)} unexpected)`;
  const status =
    check.status === "PASS" && result.failedRuns === 0
      ? "PASS"
      : `**FAIL**${check.misordered > 0 ? ` (${count(check.misordered)} runs out of order)` : ""}`;
  return [`${count(check.stored)} / ${count(check.expected)}`, mustBeZero(check.lost), duplicated, status];
}

/** The load report as a markdown section: one row per case, then what was measured and how. */
export function renderLoadMarkdown(report: LoadReport): string {
  const { config } = report;
  const noMemory = find(report, "no-memory");
  const aiLoop = find(report, "ai-loop");
  const perThread = config.runsPerBatch / config.threads;
  const lines = [
    "",
    `## Load: ${count(config.runsPerBatch)} concurrent runs, legacy runtime, memory on libSQL and Postgres${report.quick ? " (--quick: numbers not meaningful)" : ""}`,
    "",
    `Legacy runtime (\`createAgent\` + \`agent.execute\`), zero-latency scripted model (a fresh one-turn \`createScriptedModel\` per call), one tool call (\`add\`) then the answer: 2 model calls, 1 tool call and ${MESSAGES_PER_RUN} stored messages per run. Memory: \`createMemory({ storage, lastMessages: ${config.lastMessages} })\` (semantic recall, working memory and summaries off) on a fresh libSQL file (the default storage, in a temp dir) or a fresh Postgres schema (dropped afterwards).`,
    "",
    `| Case | processes × runs at once | threads | runs/s (median) | runs/s per batch | vs no memory | vs \`ai\` loop | SDK overhead p50 ms | p99 ms | in model + tool ms/run | CPU ms/run | peak RSS MB | stored / expected msgs | lost | duplicated | integrity | failed runs |`,
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const result of report.cases) {
    const shape = `${result.processes} × ${count(result.runsPerBatch / result.processes)}`;
    if (result.status !== "ok" || result.throughput.length === 0) {
      const note = result.status === "unavailable" ? (result.note ?? "n/a") : `error: ${result.note ?? "?"}`;
      lines.push(`| ${result.label} | ${shape} | — | ${note} |${" |".repeat(13)}`);
      continue;
    }
    const rss = result.peakRssMb;
    const peak =
      rss.length === 1
        ? fixed(rss[0], 0)
        : `${fixed(Math.max(...rss), 0)} max (${rss.map((mb) => mb.toFixed(0)).join(", ")})`;
    lines.push(
      `| ${[
        result.label,
        shape,
        result.threads === 0 ? "—" : count(result.threads),
        `**${fixed(median(result.throughput), 0)}**`,
        result.throughput.map((value) => value.toFixed(0)).join(", "),
        result.id === "ai-loop" ? "—" : ratio(result, noMemory),
        ratio(result, aiLoop),
        fixed(result.overheadP50Ms, 1),
        fixed(result.overheadP99Ms, 1),
        fixed(result.insideMeanMs, 3),
        fixed(median(result.cpuMsPerRun), 2),
        peak,
        ...integrityCells(result),
        mustBeZero(result.failedRuns),
      ].join(" | ")} |`,
    );
  }
  if (noMemory && aiLoop) {
    lines.push(
      "",
      `Legacy runtime (no memory) / \`ai\` loop throughput: **${(median(noMemory.throughput) / median(aiLoop.throughput)).toFixed(2)}×**.`,
    );
  }
  const { integrity } = report;
  lines.push(
    "",
    `Lost / duplicated messages over every memory case: **${count(integrity.lost)} lost, ${count(integrity.duplicated)} duplicated: ${integrity.status}**.`,
    "",
    `- Threads: in one process, the ${count(config.runsPerBatch)} runs of a batch go to ${count(config.threads)} threads, ${perThread} runs of each thread at the same time (concurrent appends to one thread). ${config.processes} processes: each runs ${count(config.runsPerProcess)} at once on one schema, ${count(config.runsPerProcess / 2)} of them on ${count(config.runsPerProcess / 2)} threads shared by all ${config.processes} processes (each such thread gets ${config.processes} concurrent runs, one from each process) and ${count(config.runsPerProcess / 2)} on threads of its own. The same threads are used by every batch, so each thread grows by ${MESSAGES_PER_RUN} messages per run: from the first timed batch on, every run loads a full \`lastMessages\` window of history.`,
    `- Batches: one warm-up batch (checked, not timed), then ${config.batches} timed batch${config.batches === 1 ? "" : "es"} per case. The cases take turns (one batch each per round, a different case first each round), each case in its own worker process(es), never two cases at once.`,
    "- runs/s: the batch's runs over its wall clock, from starting the first run to the last one settling (one process: the worker's clock; several: the parent's, from sending the batch to every worker to the last answer). Median over the timed batches.",
    "- SDK overhead per run: the run's wall time (`agent.execute(…)` or `generateText(…)` called to settled) minus the time it spent inside the model (`doGenerate` / `doStream`) and the tool (`execute`) (the 'in model + tool' column: near zero with this model). Time inside the model is the synchronous time of its calls (the scripted model never waits, so that is all its work): the time until its promise settles would also count the other runs' work the event loop runs meanwhile. All runs of a batch start at once and share one event loop, and they advance together, step by step, so a run's wall time is mostly waiting for the other runs' work: p50 and p99 are both close to the batch's wall clock. It is latency under this load, not cost per run; cost per run is CPU ms/run (user + system CPU of the worker process(es) over the batch, per run; Postgres's own CPU, on the same 2 cores, is not in it).",
    "- Peak RSS: `VmHWM` (Linux; `maxRSS` elsewhere, which Linux carries across `exec` from the parent) of each worker process over its life (start-up, warm-up and every batch): the case's own, as no other case runs in that process.",
    `- Integrity: after the last batch every thread is read back in full, on a fresh adapter, and compared with what every run (warm-up included) should have stored, by content (each of a run's ${MESSAGES_PER_RUN} messages carries its run id: input text, tool call id, answer) and by message id. Lost: an expected message no thread holds where it belongs; duplicated: extra copies; "repeated ids": one id held twice; "unexpected": a message no run of that thread wrote. Any non-zero count is in bold and the row FAILs.`,
  );
  for (const result of report.cases.filter((item) => item.errors.length > 0)) {
    lines.push(`- ${result.label}: failed runs, e.g. ${result.errors.join("; ")}`);
  }
  return `${lines.join("\n")}\n`;
}
