/**
 * The backpressure bench (issue 9): a real run on the legacy runtime whose fake model streams
 * 100,000 text deltas (and 400,000, to show what grows with the count), read by a slow reader
 * (events, `setImmediate` after each), a slow Writable (`textStream` piped into a 16 KiB
 * high-water-mark sink that takes one `setImmediate` per write), nobody until the run is over (a
 * late reader), and a fast reader; each from the runtime's stream and from the bench-only copy of
 * the old one (`baseline-run-stream.ts`, fed the same events), every case in its own process
 * (`case.ts`, forked with `--expose-gc`) so each peak RSS is its own.
 *
 * Part of `npm run bench` (`--only=backpressure` runs it alone); also runs alone:
 * `npx tsx src/backpressure/index.ts [--quick]`. Sizes: `--backpressure-deltas=N[,N…]` (default
 * 100,000 and 400,000; 10,000 and 40,000 with `--quick`), `--backpressure-burst=N` (model parts
 * per event-loop turn, default 100), `--backpressure-read-every=N` (the slow reader yields after
 * N events, default 1).
 */
import { fork } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeJsonReport } from "../report.js";
import type {
  BackpressureCase,
  BackpressureCaseResult,
  BackpressureReport,
  ReaderMode,
  StreamImpl,
} from "./types.js";

export type { BackpressureCaseResult, BackpressureReport } from "./types.js";

const READERS: readonly ReaderMode[] = ["slow-events", "slow-writable", "late", "fast"];
const IMPLS: readonly StreamImpl[] = ["current", "baseline"];
/** run-start, step-start, the text run, step-end, run-end, and room for a few more. */
const EVENTS_HELD_LIMIT = 16;
/**
 * What the stream may hold after the run, per character of text (a one-byte string is one byte a
 * character; V8's two-byte strings two), plus a constant for the entries and the heap's noise.
 */
const HELD_BYTES_PER_CHAR_LIMIT = 2;
const HELD_SLACK_MB = 0.5;
const MB = 1024 * 1024;

const mb = (value: number | undefined) => (value === undefined ? "—" : value.toFixed(1));
const count = (value: number) => value.toLocaleString("en-US");
const CASE_TIMEOUT_MS = 180_000;

/** `--name=N` or `--name=N,M,…`: positive integers (`_` separators allowed). */
function numbersFlag(argv: readonly string[], name: string): number[] | undefined {
  const raw = argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return undefined;
  return raw.split(",").map((part) => {
    const value = Number(part.replaceAll("_", ""));
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`--${name} takes positive integers (comma-separated), got ${raw}`);
    return value;
  });
}

function numberFlag(argv: readonly string[], name: string): number | undefined {
  const values = numbersFlag(argv, name);
  if (values && values.length !== 1) throw new Error(`--${name} takes one positive integer`);
  return values?.[0];
}

/** Runs one case in a fresh process (the same loader flags as this one, plus `--expose-gc`). */
function runInChild(options: BackpressureCase): Promise<BackpressureCaseResult> {
  const file = fileURLToPath(new URL("./case.ts", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = fork(file, [JSON.stringify(options)], {
      execArgv: [...process.execArgv.filter((flag) => flag !== "--expose-gc"), "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let settled = false;
    const timer = setTimeout(() => {
      child.kill();
      finish(new Error(`no result after ${CASE_TIMEOUT_MS} ms`));
    }, CASE_TIMEOUT_MS);
    const finish = (outcome: Error | BackpressureCaseResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    child.on("message", (message: { ok: boolean; result?: BackpressureCaseResult; error?: string }) => {
      if (message.ok && message.result) finish(message.result);
      else finish(new Error(message.error ?? "the case failed"));
    });
    child.on("error", (error) => finish(error));
    child.on("exit", (code) =>
      finish(new Error(`the case process exited with code ${code} before reporting`)),
    );
  });
}

export interface BackpressureBenchOptions {
  quick: boolean;
  argv?: readonly string[];
  log?: (message: string) => void;
}

export async function runBackpressureBench(options: BackpressureBenchOptions): Promise<BackpressureReport> {
  const argv = options.argv ?? process.argv;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const started = performance.now();
  const config = {
    sizes: [
      ...new Set(
        numbersFlag(argv, "backpressure-deltas") ?? (options.quick ? [10_000, 40_000] : [100_000, 400_000]),
      ),
    ].sort((a, b) => a - b),
    partsPerBurst: numberFlag(argv, "backpressure-burst") ?? 100,
    readEvery: numberFlag(argv, "backpressure-read-every") ?? 1,
  };
  const cases: BackpressureCaseResult[] = [];
  const failures: BackpressureReport["failures"] = [];
  for (const deltas of config.sizes) {
    for (const reader of READERS) {
      for (const impl of IMPLS) {
        log(`[bench]   backpressure: ${count(deltas)} deltas, ${impl} stream, ${reader} reader`);
        try {
          const { partsPerBurst, readEvery } = config;
          cases.push(await runInChild({ impl, reader, deltas, partsPerBurst, readEvery }));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failures.push({ impl, reader, deltas, error: message });
          log(`[bench]   backpressure: ${count(deltas)} ${impl} ${reader} failed: ${message}`);
        }
      }
    }
  }
  const current = cases.filter((result) => result.impl === "current");
  const maxEventsHeld = Math.max(0, ...current.map((result) => result.peakRetainedEvents));
  const held = current.map((result) => ({ result, bytes: (result.heldByStreamAfterRunMb ?? 0) * MB }));
  const maxHeldBytesPerChar = Math.max(0, ...held.map(({ result, bytes }) => bytes / result.textChars));
  const withinBound = held.every(
    ({ result, bytes }) =>
      result.heldByStreamAfterRunMb !== undefined &&
      bytes <= HELD_BYTES_PER_CHAR_LIMIT * result.textChars + HELD_SLACK_MB * MB,
  );
  return {
    quick: options.quick,
    config,
    cases,
    failures,
    boundedCheck: {
      maxEventsHeld,
      limit: EVENTS_HELD_LIMIT,
      maxHeldBytesPerChar,
      bytesPerCharLimit: HELD_BYTES_PER_CHAR_LIMIT,
      slackMb: HELD_SLACK_MB,
      status:
        current.length === 0
          ? "n/a"
          : maxEventsHeld <= EVENTS_HELD_LIMIT && withinBound && failures.length === 0
            ? "PASS"
            : "FAIL",
    },
    durationMs: performance.now() - started,
  };
}

const READER_LABELS: Record<ReaderMode, string> = {
  "slow-events": "slow: events, `setImmediate` after each",
  "slow-writable": "slow: `textStream` → Writable (16 KiB hwm, one `setImmediate` per write)",
  late: "none until the run ended, then one late reader",
  fast: "fast: every event, no yielding",
};

const implLabel = (impl: StreamImpl) => (impl === "current" ? "current" : "old");

/** Bytes per unit, from MB over `units`. */
const perUnit = (valueMb: number | undefined, units: number) =>
  valueMb === undefined ? "—" : ((valueMb * MB) / units).toFixed(1);

export function renderBackpressureMarkdown(report: BackpressureReport): string {
  const { config } = report;
  const sizes = config.sizes.map(count).join(" and ");
  const lines = [
    "",
    `## Backpressure: ${sizes} text deltas through one legacy run, per reader`,
    "",
    `A scripted model streams ${sizes} text deltas (\`t0 \`, \`t1 \`, …, made on the fly), yielding to the`,
    `event loop every ${count(config.partsPerBurst)} parts as a socket read would; the slow event reader yields after every`,
    `${config.readEvery === 1 ? "event" : `${count(config.readEvery)} events`}. "current" is the runtime's stream; "old" the bench-only copy of the stream before`,
    "the backpressure policy, fed the same events through `onEvent` (the real stream, unread, runs underneath it).",
    "One process per case. Peak RSS is over RSS just before the run (after a warm-up and a full GC; that floor",
    'is the "RSS before" column). Heap after GC at run end counts what is alive then (the run\'s result too);',
    "held by the stream = heap with the stream minus heap without it, after the run and the read (what a late",
    "reader would replay); result = what the run's result holds, the same whatever the stream. Events held =",
    "entries of the stream's buffer.",
    "",
    "| Deltas | Reader | Stream | RSS before MB | peak RSS MB | peak heap MB | heap at run end MB | held by stream MB | result MB | events held at run end | peak events held | reads | run ms | read ms |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const deltas of config.sizes) {
    for (const reader of READERS) {
      for (const impl of IMPLS) {
        const result = find(report, impl, reader, deltas);
        if (!result) continue;
        lines.push(
          `| ${count(deltas)} | ${READER_LABELS[reader]} | ${implLabel(impl)} | ${mb(result.rssBeforeMb)} | ${mb(result.peakRssMb)} | ${mb(result.peakHeapMb)} | ${mb(result.retainedHeapAtRunEndMb)} | ${mb(result.heldByStreamAfterRunMb)} | ${mb(result.heldByResultMb)} | ${count(result.retainedEventsAtRunEnd)} | ${count(result.peakRetainedEvents)} | ${count(result.reads)} | ${result.runMs.toFixed(0)} | ${result.readMs.toFixed(0)} |`,
        );
      }
    }
  }

  const smallest = config.sizes[0];
  const largest = config.sizes[config.sizes.length - 1];
  if (smallest !== undefined && largest !== undefined && largest > smallest) {
    const step = (largest - smallest) / 100_000;
    lines.push(
      "",
      `Growth from ${count(smallest)} to ${count(largest)} deltas: what grows per 100,000 more deltas, and what the stream holds`,
      `per delta and per character of text at each size. The current stream's bytes per character stay flat (it`,
      "holds the text, once); the old one's bytes per delta do (it holds every event). The run's result (the same",
      "for both, whatever the reader) is listed because it, not the stream, is most of what peak RSS still gains",
      "per delta with the current stream: it is the run's own memory, outside the stream's policy.",
      "",
      `| Reader | Stream | peak RSS MB at ${count(smallest)} → ${count(largest)} | + peak RSS MB per 100k | held by stream MB at ${count(smallest)} → ${count(largest)} | held B per delta, at each size | held B per char, at each size | result B per delta | peak events held |`,
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const reader of READERS) {
      for (const impl of IMPLS) {
        const small = find(report, impl, reader, smallest);
        const large = find(report, impl, reader, largest);
        if (!small || !large) continue;
        lines.push(
          `| ${READER_LABELS[reader]} | ${implLabel(impl)} | ${mb(small.peakRssMb)} → ${mb(large.peakRssMb)} | ${((large.peakRssMb - small.peakRssMb) / step).toFixed(1)} | ${mb(small.heldByStreamAfterRunMb)} → ${mb(large.heldByStreamAfterRunMb)} | ${perUnit(small.heldByStreamAfterRunMb, small.deltas)} → ${perUnit(large.heldByStreamAfterRunMb, large.deltas)} | ${perUnit(small.heldByStreamAfterRunMb, small.textChars)} → ${perUnit(large.heldByStreamAfterRunMb, large.textChars)} | ${perUnit(large.heldByResultMb, large.deltas)} | ${count(small.peakRetainedEvents)} → ${count(large.peakRetainedEvents)} |`,
        );
      }
    }
  }

  const { boundedCheck } = report;
  lines.push(
    "",
    `Bounded: the current stream held at most ${count(boundedCheck.maxEventsHeld)} events at any sample, for every reader and size (limit ${boundedCheck.limit}), and after the run at most ${boundedCheck.maxHeldBytesPerChar.toFixed(2)} bytes per character of text (limit ${boundedCheck.bytesPerCharLimit} B per character + ${boundedCheck.slackMb} MB): **${boundedCheck.status}**.`,
  );
  for (const failure of report.failures) {
    lines.push(`- ${count(failure.deltas)} ${failure.impl} / ${failure.reader}: failed: ${failure.error}`);
  }
  return `${lines.join("\n")}\n`;
}

function find(
  report: BackpressureReport,
  impl: StreamImpl,
  reader: ReaderMode,
  deltas: number,
): BackpressureCaseResult | undefined {
  return report.cases.find((item) => item.impl === impl && item.reader === reader && item.deltas === deltas);
}

// Run alone: `npx tsx src/backpressure/index.ts [--quick]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
  const report = await runBackpressureBench({ quick });
  process.stdout.write(renderBackpressureMarkdown(report));
  const file = await writeJsonReport(
    { date: new Date().toISOString(), node: process.version, backpressure: report },
    "backpressure",
  );
  process.stderr.write(`[bench] wrote ${file}\n`);
  process.exit(0);
}
