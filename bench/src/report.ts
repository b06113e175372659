import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";
import type { BackpressureReport } from "./backpressure/types.js";
import type { LoadReport } from "./load/types.js";
import { type Contestant, type Summary, summarize } from "./measure.js";
import type { MemoryReport } from "./memory/types.js";
import type { RunnerId, Scenario } from "./scenarios.js";
import type { SoakReport } from "./soak/types.js";

export type MetricId = "msPerStep" | "firstTextDeltaMs" | "totalMs" | "wallMs";

/** One runner's numbers in one scenario. */
export interface RunnerResult {
  runner: RunnerId;
  label: string;
  /** The call made, and for streams what was iterated. */
  call: string;
  status: "ok" | "unavailable" | "error";
  /** Why the runner has no numbers. */
  note?: string;
  /** Which scripted-model method the runner's model calls went through. */
  modelMethods: string[];
  metrics: Partial<Record<MetricId, Summary>>;
  /** Raw samples, ms. */
  samples: Partial<Record<MetricId, number[]>>;
}

export interface ScenarioResult {
  id: Scenario["id"];
  title: string;
  runners: RunnerResult[];
}

/** A target: a runner's median, absolute (ms) or relative to another runner's median. */
export interface Target {
  scenario: Scenario["id"];
  metric: MetricId;
  runner: RunnerId;
  max: number;
  relativeTo?: RunnerId;
}

export interface TargetResult extends Target {
  /** The ratio (relative targets) or the median in ms; undefined when a side has no numbers. */
  value?: number;
  status: "PASS" | "FAIL" | "n/a";
}

export interface BenchReport {
  date: string;
  node: string;
  platform: string;
  cpus: string;
  gc: boolean;
  quick: boolean;
  scenarios: ScenarioResult[];
  targets: TargetResult[];
  /** The memory bench (`src/memory`), when it ran. */
  memory?: MemoryReport;
  /** The backpressure bench (`src/backpressure`), when it ran. */
  backpressure?: BackpressureReport;
  /** The load bench (`src/load`), when it ran. */
  load?: LoadReport;
  /** The soak bench (`src/soak`), when it ran. */
  soak?: SoakReport;
}

export const TARGETS: readonly Target[] = [
  { scenario: "tool-loop", metric: "msPerStep", runner: "legacy", relativeTo: "ai-loop", max: 0.5 },
  { scenario: "stream", metric: "totalMs", runner: "legacy", relativeTo: "ai-loop", max: 0.3 },
  { scenario: "parallel-tools", metric: "wallMs", runner: "legacy", max: 110 },
  {
    scenario: "tool-loop",
    metric: "msPerStep",
    runner: "mastra-runtime",
    relativeTo: "mastra-direct",
    max: 1.1,
  },
  { scenario: "stream", metric: "totalMs", runner: "mastra-runtime", relativeTo: "mastra-direct", max: 1.1 },
  // Mastra itself adds ~20 ms to this two-step run, so the Mastra runtime is held to Mastra direct here too.
  {
    scenario: "parallel-tools",
    metric: "wallMs",
    runner: "mastra-runtime",
    relativeTo: "mastra-direct",
    max: 1.1,
  },
];

const BASELINE: RunnerId = "ai-loop";

/** Columns of each scenario's table; the first is the one ratios compare. */
const COLUMNS: Record<Scenario["id"], ReadonlyArray<{ metric: MetricId; label: string }>> = {
  "tool-loop": [{ metric: "msPerStep", label: "ms/step" }],
  stream: [
    { metric: "totalMs", label: "total ms" },
    { metric: "firstTextDeltaMs", label: "first delta ms" },
  ],
  "parallel-tools": [{ metric: "wallMs", label: "wall ms" }],
};

/** Turns a contestant's raw timings into the scenario's metrics. */
export function toMetricSamples(
  scenario: Scenario,
  contestant: Contestant,
): Partial<Record<MetricId, number[]>> {
  switch (scenario.id) {
    case "tool-loop":
      return { msPerStep: contestant.totalMs.map((ms) => ms / scenario.expected.steps) };
    case "stream":
      return { totalMs: contestant.totalMs, firstTextDeltaMs: contestant.firstTextDeltaMs };
    case "parallel-tools":
      return { wallMs: contestant.totalMs };
  }
}

export function summarizeSamples(
  samples: Partial<Record<MetricId, number[]>>,
): Partial<Record<MetricId, Summary>> {
  const metrics: Partial<Record<MetricId, Summary>> = {};
  for (const [metric, values] of Object.entries(samples) as Array<[MetricId, number[]]>) {
    if (values.length > 0) metrics[metric] = summarize(values);
  }
  return metrics;
}

export function evaluateTargets(scenarios: readonly ScenarioResult[]): TargetResult[] {
  const median = (scenario: Scenario["id"], runner: RunnerId, metric: MetricId) =>
    scenarios.find((s) => s.id === scenario)?.runners.find((r) => r.runner === runner)?.metrics[metric]
      ?.median;
  return TARGETS.map((target) => {
    const own = median(target.scenario, target.runner, target.metric);
    const base = target.relativeTo ? median(target.scenario, target.relativeTo, target.metric) : 1;
    if (own === undefined || base === undefined) return { ...target, status: "n/a" };
    const value = own / base;
    return { ...target, value, status: value <= target.max ? "PASS" : "FAIL" };
  });
}

export function createReport(
  scenarios: ScenarioResult[],
  options: { gc: boolean; quick: boolean },
): BenchReport {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    cpus: `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown"}`,
    gc: options.gc,
    quick: options.quick,
    scenarios,
    targets: evaluateTargets(scenarios),
  };
}

const LABELS: Record<RunnerId, string> = {
  "ai-loop": "ai loop",
  legacy: "legacy",
  "mastra-direct": "Mastra direct",
  "mastra-runtime": "Mastra runtime",
};

function formatMs(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "—";
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

const formatRatio = (value: number) => `${value.toFixed(2)}×`;

function describeTarget(target: TargetResult): string {
  return target.relativeTo
    ? `≤ ${target.max.toFixed(2)}× ${LABELS[target.relativeTo]}`
    : `≤ ${target.max} ms`;
}

function formatTargetValue(target: TargetResult): string {
  if (target.value === undefined) return "—";
  // Three decimals, so a ratio just over its limit never prints as the limit itself.
  return target.relativeTo ? `${target.value.toFixed(3)}×` : `${formatMs(target.value)} ms`;
}

/** The report as markdown: one table per scenario, then the targets. */
export function renderMarkdown(report: BenchReport): string {
  const lines: string[] = [
    "# Agent loop benchmark",
    "",
    `${report.date} · Node ${report.node} · ${report.platform} · ${report.cpus} · GC between batches: ${report.gc ? "yes" : "no"}${report.quick ? " · **--quick: numbers not meaningful**" : ""}`,
    "",
    "Scripted zero-latency models (`createScriptedModel`, `loop: true`), one per runner and scenario. Every sample is",
    "checked outside the timed region: one model call per scripted turn, step count, tool results and final text.",
    "Medians and p90 over n samples after warm-up; ratios compare medians.",
  ];
  const unavailable = new Map<RunnerId, string>();
  for (const row of report.scenarios.flatMap((scenario) => scenario.runners)) {
    if (row.status === "unavailable") unavailable.set(row.runner, row.note ?? "not available");
  }
  for (const [runner, reason] of unavailable) lines.push("", `${LABELS[runner]}: n/a (not built): ${reason}`);
  for (const scenario of report.scenarios) {
    const columns = COLUMNS[scenario.id];
    const primary = columns[0]!.metric;
    const base = scenario.runners.find((r) => r.runner === BASELINE)?.metrics[primary]?.median;
    const header = ["Runner", "Call"];
    for (const column of columns) header.push(`${column.label} median`, "p90");
    header.push("n", `vs ${LABELS[BASELINE]}`, "Target", "Result");
    lines.push(
      "",
      `## ${scenario.title}`,
      "",
      `| ${header.join(" | ")} |`,
      `|${header.map(() => "---").join("|")}|`,
    );
    for (const row of scenario.runners) {
      const targets = report.targets.filter((t) => t.scenario === scenario.id && t.runner === row.runner);
      const cells = [LABELS[row.runner], `\`${row.call}\``];
      if (row.status !== "ok") {
        const note = row.status === "unavailable" ? "n/a (not built)" : "error (see below)";
        cells.push(note, ...Array.from({ length: columns.length * 2 }, () => ""));
      } else {
        for (const column of columns) {
          const summary = row.metrics[column.metric];
          cells.push(formatMs(summary?.median), formatMs(summary?.p90));
        }
        const own = row.metrics[primary]?.median;
        cells.push(
          String(row.metrics[primary]?.n ?? 0),
          own !== undefined && base !== undefined ? formatRatio(own / base) : "—",
        );
      }
      if (row.status !== "ok") cells.push("—");
      cells.push(targets.map(describeTarget).join("; ") || "—", targets.map(formatResult).join("; ") || "");
      lines.push(`| ${cells.join(" | ")} |`);
    }
    const methods = scenario.runners
      .filter((r) => r.modelMethods.length > 0)
      .map(
        (r) =>
          `${LABELS[r.runner]} → \`${r.modelMethods.map((m) => `do${m[0]!.toUpperCase()}${m.slice(1)}`).join("+")}\``,
      );
    if (methods.length > 0) lines.push("", `Model method used: ${methods.join(", ")}.`);
    for (const row of scenario.runners.filter((r) => r.status === "error")) {
      lines.push("", `${LABELS[row.runner]} error: ${row.note ?? "unknown"}.`);
    }
  }
  lines.push(
    "",
    "## Targets",
    "",
    "| Scenario | Runner | Metric | Target | Value | Result |",
    "|---|---|---|---|---|---|",
  );
  for (const target of report.targets) {
    lines.push(
      `| ${target.scenario} | ${LABELS[target.runner]} | ${target.metric} median | ${describeTarget(target)} | ${formatTargetValue(target)} | ${target.status} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function formatResult(target: TargetResult): string {
  if (target.status === "n/a") return "n/a";
  return `**${target.status}** (${formatTargetValue(target)})`;
}

/**
 * Writes the report (with raw samples) to `bench/results/<name>.json`, `latest` for a full run;
 * returns the path.
 */
export async function writeJsonReport(report: BenchReport | object, name = "latest"): Promise<string> {
  const directory = new URL("../results/", import.meta.url);
  await mkdir(directory, { recursive: true });
  const file = new URL(`${name}.json`, directory);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return fileURLToPath(file);
}
