/**
 * One backpressure case, in its own process (`index.ts` forks this file with `--expose-gc`, one
 * process per case, so each peak RSS is the case's own): a real run on the legacy runtime whose
 * fake model streams `deltas` text deltas, read by one reader of the chosen speed, from the
 * runtime's stream (`current`) or from the bench-only copy of the old one (`baseline`).
 */
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { type AgentEvent, createAgent, type RunResult, type RunStream } from "@flowmaestro/runtime";
import { createScriptedModel, type ScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { collectGarbage, gcAvailable } from "../measure.js";
import { createBaselineRunStream, type EventSink, RUN_STREAM_STATS } from "./baseline-run-stream.js";
import type { BackpressureCase, BackpressureCaseResult } from "./types.js";

const MB = 1024 * 1024;
const PROMPT = "Write a very long answer.";
const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The stream statistics both implementations expose under `Symbol.for("flowmaestro.run-stream.stats")`. */
function streamStats(stream: RunStream): { retainedEvents: number; emitted: number } {
  const stats = (stream as { [RUN_STREAM_STATS]?: () => { retainedEvents: number; emitted: number } })[
    RUN_STREAM_STATS
  ];
  if (typeof stats !== "function") throw new Error("The stream has no statistics: is the runtime built?");
  return stats();
}

/** A part of a model stream (the spec's type, without depending on `@ai-sdk/provider` here). */
type StreamPart =
  Awaited<ReturnType<ScriptedModel["doStream"]>>["stream"] extends ReadableStream<infer P> ? P : never;

/** The `index`th delta of the answer (`t0 `, `t1 `, …), made when streamed, never held in an array. */
const deltaAt = (index: number) => `t${index} `;

/**
 * The scripted model playing a one-delta answer, whose delta this stream replaces with `deltas`
 * deltas made on the fly (so the bench itself holds no 100,000-element arrays), yielding to the
 * event loop (a `setImmediate`) after every `partsPerBurst` of them, as a provider's stream does
 * between socket reads (a stream that never yields would emit the whole run before any reader ran).
 */
function burstyModel(deltas: number, partsPerBurst: number, onBurst: () => void): ScriptedModel {
  const inner = createScriptedModel({ turns: [{ text: ["placeholder"] }], loop: true });
  const model = Object.create(inner) as ScriptedModel;
  const doStream: ScriptedModel["doStream"] = async (options) => {
    const response = await inner.doStream(options);
    const source = response.stream.getReader();
    let textId: string | undefined;
    let next = 0;
    const stream = new ReadableStream<StreamPart>({
      async pull(controller) {
        if (textId !== undefined && next < deltas) {
          const end = Math.min(deltas, next + partsPerBurst);
          while (next < end) controller.enqueue({ type: "text-delta", id: textId, delta: deltaAt(next++) });
          onBurst();
          await immediate();
          return;
        }
        const { done, value } = await source.read();
        if (done) controller.close();
        else if (value.type === "text-delta") textId = value.id;
        else controller.enqueue(value);
      },
    });
    return { ...response, stream };
  };
  Object.defineProperty(model, "doStream", { value: doStream });
  return model;
}

/** FNV-1a over the text, so the reader checks what it got without keeping it. */
function hashInto(hash: number, text: string): number {
  let value = hash;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 16_777_619);
  }
  return value;
}

interface Reading {
  reads: number;
  hash: number;
  length: number;
}

async function read(stream: RunStream, options: BackpressureCase, sample: () => void): Promise<Reading> {
  const reading: Reading = { reads: 0, hash: 2_166_136_261, length: 0 };
  const take = (text: string) => {
    reading.hash = hashInto(reading.hash, text);
    reading.length += text.length;
  };
  const takeEvent = (event: AgentEvent) => {
    reading.reads++;
    if (event.type === "text-delta") take(event.delta);
    else if (event.type === "error") throw event.error;
  };
  switch (options.reader) {
    case "fast":
      for await (const event of stream) takeEvent(event);
      break;
    case "late":
      await stream.result;
      for await (const event of stream) takeEvent(event);
      break;
    case "slow-events":
      for await (const event of stream) {
        takeEvent(event);
        if (reading.reads % options.readEvery === 0) {
          if (reading.reads % 64 === 0) sample();
          await immediate();
        }
      }
      break;
    case "slow-writable": {
      const sink = new Writable({
        highWaterMark: 16 * 1024,
        decodeStrings: false,
        write(chunk: string, _encoding, callback) {
          reading.reads++;
          take(chunk);
          setImmediate(callback);
        },
      });
      await pipeline(Readable.from(stream.textStream), sink);
      break;
    }
  }
  return reading;
}

/** Runs one case and measures it; meant for a fresh process. */
export async function runCase(options: BackpressureCase): Promise<BackpressureCaseResult> {
  let expected = 2_166_136_261;
  let expectedLength = 0;
  for (let index = 0; index < options.deltas; index++) {
    const delta = deltaAt(index);
    expected = hashInto(expected, delta);
    expectedLength += delta.length;
  }
  let sample = () => {};
  const agentFor = (deltas: number) =>
    createAgent({
      runtime: createLegacyRuntime(),
      name: "bench",
      instructions: "You are a benchmark agent.",
      model: burstyModel(deltas, options.partsPerBurst, () => sample()),
      maxIterations: 1,
    });
  const start = (agent: ReturnType<typeof agentFor>, runId: string): RunStream => {
    if (options.impl === "current") return agent.stream(PROMPT, { runId });
    // The old behaviour: the same events (the real stream's `onEvent`) into the old stream.
    let forward: EventSink | undefined;
    let settle: ((result: RunResult) => void) | undefined;
    const baseline = createBaselineRunStream(runId, (emit) => {
      forward = emit;
      return new Promise<RunResult>((resolve) => {
        settle = resolve;
      });
    });
    const real = agent.stream(PROMPT, { runId, onEvent: (event) => forward?.(event) });
    real.result.then((result) => settle?.(result));
    return baseline;
  };

  // Warm-up: the same code paths on a small run, so JIT and module loading are not counted.
  await read(start(agentFor(2_000), "warm-up"), { ...options, deltas: 2_000 }, () => {});

  const agent = agentFor(options.deltas);
  collectGarbage();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let peakRetained = 0;
  let stream: RunStream | undefined;
  sample = () => {
    const now = process.memoryUsage();
    if (now.rss > peakRss) peakRss = now.rss;
    if (now.heapUsed > peakHeap) peakHeap = now.heapUsed;
    if (stream) peakRetained = Math.max(peakRetained, streamStats(stream).retainedEvents);
  };
  const timer = setInterval(sample, 1);
  const started = performance.now();
  stream = start(agent, "measured");
  let runMs = 0;
  let retainedAtRunEnd = 0;
  let retainedHeapAtRunEnd: number | undefined;
  let ended: Promise<RunResult> | undefined = stream.result.then((result) => {
    runMs = performance.now() - started;
    sample();
    retainedAtRunEnd = streamStats(stream as RunStream).retainedEvents;
    if (gcAvailable) {
      collectGarbage();
      retainedHeapAtRunEnd = process.memoryUsage().heapUsed - before.heapUsed;
    }
    return result;
  });
  const reading = await read(stream, options, sample);
  const readMs = performance.now() - started;
  let result: RunResult | undefined = await ended;
  sample();
  clearInterval(timer);
  const emitted = streamStats(stream).emitted;
  // What the stream alone holds once the run is over (its replay log for late readers): the heap
  // with the stream, minus the heap without it; the result (and the text it shares) stays alive.
  let heldByStream: number | undefined;
  let heldByResult: number | undefined;
  const { status, error } = result;
  if (gcAvailable) {
    // From fresh macrotasks (frames and jobs of the run are gone), two full GCs each, so what was
    // just dropped is not counted on the next line (one GC now and then left it for a later one).
    const settledHeap = async () => {
      for (let round = 0; round < 2; round++) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        collectGarbage();
      }
      return process.memoryUsage().heapUsed;
    };
    const withStream = await settledHeap();
    stream = undefined;
    const withResult = await settledHeap();
    heldByStream = withStream - withResult;
    result = undefined;
    ended = undefined;
    heldByResult = withResult - (await settledHeap());
  }
  if (status !== "completed") throw error ?? new Error(`Run ended ${status}.`);
  if (reading.length !== expectedLength || reading.hash !== expected) {
    throw new Error(
      `The reader got ${reading.length} characters, expected ${expectedLength} (or other text).`,
    );
  }
  return {
    ...options,
    textChars: expectedLength,
    rssBeforeMb: before.rss / MB,
    peakRssMb: (peakRss - before.rss) / MB,
    peakHeapMb: (peakHeap - before.heapUsed) / MB,
    retainedHeapAtRunEndMb: retainedHeapAtRunEnd === undefined ? undefined : retainedHeapAtRunEnd / MB,
    retainedEventsAtRunEnd: retainedAtRunEnd,
    peakRetainedEvents: Math.max(peakRetained, retainedAtRunEnd),
    heldByStreamAfterRunMb: heldByStream === undefined ? undefined : heldByStream / MB,
    heldByResultMb: heldByResult === undefined ? undefined : heldByResult / MB,
    emitted,
    reads: reading.reads,
    runMs,
    readMs,
    gc: gcAvailable,
  };
}

// Forked by index.ts: the case as JSON in argv[2], the result back over IPC (or stdout).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = JSON.parse(process.argv[2] ?? "{}") as BackpressureCase;
  try {
    const result = await runCase(options);
    if (process.send) process.send({ ok: true, result });
    else process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exitCode = 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (process.send) process.send({ ok: false, error: message });
    else process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  }
  process.disconnect?.();
}
