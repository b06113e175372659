import type { StorageKind } from "../load/storage.js";
import type { SoakCaseResult, SoakReport, SoakSample } from "./types.js";

const MB = 1024 * 1024;
const count = (value: number) => Math.round(value).toLocaleString("en-US");
const mb = (value: number) => value.toFixed(1);
/** Bytes as KiB with a sign, so a flat line reads as about zero. */
const kib = (bytes: number) => `${bytes >= 0 ? "+" : "−"}${(Math.abs(bytes) / 1024).toFixed(1)} KiB`;

const LABELS: Record<StorageKind, string> = {
  "in-memory": "in-memory",
  libsql: "libSQL file",
  postgres: "Postgres",
};

/** What the memory held in the heap at the end, per stored message (bytes). */
const heldPerMessage = (result: SoakCaseResult) =>
  result.messages === 0 ? 0 : (result.heldByMemoryMb * MB) / result.messages;

/**
 * The heap growth each adapter is expected to show per 1,000 runs (4,000 messages). The in-memory
 * adapter keeps every message in the heap (its JSON text, its id, an entry object and a map
 * slot): it grows linearly by design, by what it holds per message (measured at the end). The
 * others keep nothing per message in the heap.
 */
function expectedGrowth(result: SoakCaseResult): string {
  if (result.storage !== "in-memory") return "≈ 0";
  return `≈ ${kib(heldPerMessage(result) * 4_000)} (4,000 msgs × held B/msg; ${count(result.charsPerMessage)} chars of JSON + id per msg)`;
}

const stats = (samples: readonly SoakSample[], pick: (sample: SoakSample) => number) => {
  const values = samples.map(pick);
  return `${mb(values[0] ?? 0)} / ${mb(values[values.length - 1] ?? 0)} / ${mb(Math.max(...values))}`;
};

function integrityCell(result: SoakCaseResult): string[] {
  const check = result.integrity;
  const bad = (value: number) => (value === 0 ? "0" : `**${count(value)}**`);
  const status = check.status === "PASS" && result.failedRuns === 0 ? "PASS" : "**FAIL**";
  return [
    `${count(check.stored)} / ${count(check.expected)}`,
    bad(check.lost),
    bad(check.duplicated + check.repeatedIds),
    status,
  ];
}

/** The soak report as a markdown section: one row per adapter, the samples, then what to expect. */
export function renderSoakMarkdown(report: SoakReport): string {
  const { config } = report;
  const turns = config.runs / config.threads;
  const lines = [
    "",
    `## Soak: ${count(config.runs)} sequential runs with memory, per adapter${report.quick ? " (--quick: numbers not meaningful)" : ""}`,
    "",
    `Legacy runtime, \`createMemory({ lastMessages: ${config.lastMessages} })\`, the load bench's run (a tool call, then the answer; 4 stored messages). ${count(config.runs)} runs over ${count(config.threads)} threads, round-robin (run i on thread i mod ${count(config.threads)}), so each thread gets ${count(turns)} turns and ends with ${count(turns * 4)} messages. History loading is bounded (every run loads at most ${config.lastMessages} messages), but what is stored grows: ${count(config.runs * 4)} messages at the end. One process per adapter (\`--expose-gc\`); heap = \`heapUsed\` after two full GCs, sampled every ${count(config.sampleEvery)} runs with RSS.`,
    "",
    "| Adapter | runs | s | ms/run first → last window | heap MB start / end / max | RSS MB start / end / max | peak RSS MB | heap growth / 1,000 runs (2nd half) | expected / 1,000 runs | heap growth per msg | held by memory at end MB | held B/msg | RSS growth / 1,000 runs (2nd half) | stored / expected msgs | lost | duplicated | integrity |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const result of report.cases) {
    const windows = result.samples.filter((sample) => sample.runs > 0);
    lines.push(
      `| ${[
        LABELS[result.storage],
        count(result.runs),
        (result.durationMs / 1000).toFixed(0),
        `${(windows[0]?.msPerRun ?? 0).toFixed(2)} → ${(windows[windows.length - 1]?.msPerRun ?? 0).toFixed(2)}`,
        stats(result.samples, (sample) => sample.heapUsedMb),
        stats(result.samples, (sample) => sample.rssMb),
        mb(result.peakRssMb),
        `**${kib(result.heapSlopePer1000Runs)}**`,
        expectedGrowth(result),
        `${result.heapSlopePerMessage.toFixed(0)} B`,
        mb(result.heldByMemoryMb),
        count(heldPerMessage(result)),
        kib(result.rssSlopePer1000Runs),
        ...integrityCell(result),
      ].join(" | ")} |`,
    );
  }
  for (const item of report.unavailable)
    lines.push(`| ${LABELS[item.storage]} | ${item.reason} |${" |".repeat(15)}`);

  if (report.cases.length > 0) {
    const header = report.cases.map((result) => `${LABELS[result.storage]} heap / RSS MB`);
    lines.push(
      "",
      "Samples (heap after GC / RSS, MB; ms/run = mean over the window before the sample):",
      "",
      `| runs | ${header.join(" | ")} | ${report.cases.map((result) => `${LABELS[result.storage]} ms/run`).join(" | ")} |`,
      `|---|${header.map(() => "---").join("|")}|${report.cases.map(() => "---").join("|")}|`,
    );
    const rows = report.cases[0]?.samples.length ?? 0;
    for (let index = 0; index < rows; index++) {
      const runs = report.cases[0]?.samples[index]?.runs ?? 0;
      const memory = report.cases.map((result) => {
        const sample = result.samples[index];
        return sample ? `${mb(sample.heapUsedMb)} / ${mb(sample.rssMb)}` : "—";
      });
      const speed = report.cases.map((result) => {
        const sample = result.samples[index];
        return sample && sample.runs > 0 ? sample.msPerRun.toFixed(2) : "—";
      });
      lines.push(`| ${count(runs)} | ${memory.join(" | ")} | ${speed.join(" | ")} |`);
    }
  }
  lines.push(
    "",
    "- Growth: least-squares slope of heap (and RSS) over the samples of the second half of the soak (the first half holds warm-up: JIT code, pools, caches), in bytes per 1,000 runs; per msg = that over the 4,000 messages 1,000 runs store.",
    "- Held by memory at end: heap after GC with the agent and its memory alive, minus heap after GC once the adapter is closed and both are unreachable: what the memory kept in the heap.",
    "- Expected: the in-memory adapter keeps every message in the heap (its lossless JSON text, its id, an entry object with a boxed timestamp, and a slot in its thread's map), so its heap grows linearly with messages by design, by what it holds per message (held B/msg, measured when it is dropped at the end: the JSON and id characters, chars per msg in the expected column, plus V8's string headers, the entry object, the map slot, and the id, which `runMessageId` builds by concatenation and the adapter keeps as a rope of concatenated strings); the libSQL and Postgres adapters keep messages in the database (libSQL's page cache is native memory, bounded, so in RSS, not the heap), so their heap should be flat after warm-up.",
  );
  const pinned = report.cases.filter((result) => result.firstAgentPinned).length;
  if (report.cases.length > 0) {
    lines.push(
      pinned === 0
        ? `- First agent pinned: in none of the ${report.cases.length} processes was the first agent to end a run (a probe run before the soak: agent, \`createMemory\`, in-memory adapter) still reachable after the probe dropped it (the kit's shared "run ended" \`AbortedError\` formats its stack when made, so its call sites hold no run; \`kit/run-retention.test.ts\`).`
        : `- First agent pinned: in ${pinned} of ${report.cases.length} processes the first agent to end a run (a probe run before the soak: agent, \`createMemory\`, in-memory adapter) was still reachable after the probe dropped it: something the first run made (once per process) keeps it, with everything its memory stored (\`runEnded()\` in \`packages/runtime/src/kit/create-agent-runtime.ts\` did, through its unread stack). The probe takes that slot, so the soak's own agent is measured unpinned.`,
    );
  }
  for (const result of report.cases.filter((item) => item.errors.length > 0)) {
    lines.push(
      `- ${LABELS[result.storage]}: ${count(result.failedRuns)} failed runs, e.g. ${result.errors.join("; ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
