import { describe, expect, it } from "vitest";
import type { RunStream } from "../agent-runtime.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import type { AgentEvent } from "../events/agent-event.js";
import type { RunResult } from "../run-result.js";
import { createRunStream, type EventSink, runStreamStats } from "./run-stream.js";
import { EMPTY_USAGE } from "./usage.js";

const RUN = "run_1";
const MODEL = { provider: "scripted", modelId: "m" };

const result: RunResult = {
  runId: RUN,
  status: "completed",
  text: "",
  steps: [],
  usage: EMPTY_USAGE,
  costUsd: undefined,
  pendingApprovals: [],
  finishReason: "stop",
  messages: [],
  warnings: [],
};

const ev = {
  runStart: (): AgentEvent => ({
    type: "run-start",
    runId: RUN,
    agentId: "agent",
    runtime: "test",
    resumed: false,
  }),
  stepStart: (step: number): AgentEvent => ({ type: "step-start", runId: RUN, step, model: MODEL }),
  text: (step: number, delta: string): AgentEvent => ({ type: "text-delta", runId: RUN, step, delta }),
  reasoning: (step: number, delta: string): AgentEvent => ({
    type: "reasoning-delta",
    runId: RUN,
    step,
    delta,
  }),
  inputStart: (step: number, toolCallId: string): AgentEvent => ({
    type: "tool-input-start",
    runId: RUN,
    step,
    toolCallId,
    toolName: "add",
  }),
  input: (step: number, toolCallId: string, delta: string): AgentEvent => ({
    type: "tool-input-delta",
    runId: RUN,
    step,
    toolCallId,
    delta,
  }),
  object: (step: number, partial: unknown): AgentEvent => ({
    type: "object-delta",
    runId: RUN,
    step,
    partial,
  }),
  toolCall: (step: number, toolCallId: string): AgentEvent => ({
    type: "tool-call",
    runId: RUN,
    step,
    toolCallId,
    toolName: "add",
    input: { a: 1 },
  }),
  toolResult: (step: number, toolCallId: string): AgentEvent => ({
    type: "tool-result",
    runId: RUN,
    step,
    toolCallId,
    toolName: "add",
    output: 2,
  }),
  toolError: (step: number, toolCallId: string): AgentEvent => ({
    type: "tool-error",
    runId: RUN,
    step,
    toolCallId,
    toolName: "add",
    error: new AgentSdkError({ code: "INTERNAL", category: "runtime", message: "Tool failed." }),
  }),
  approval: (step: number, toolCallId: string): AgentEvent => ({
    type: "tool-approval-request",
    runId: RUN,
    step,
    approvalId: `approval_${toolCallId}`,
    toolCallId,
    toolName: "add",
    input: { a: 1 },
  }),
  stepEnd: (step: number): AgentEvent => ({
    type: "step-end",
    runId: RUN,
    step,
    model: MODEL,
    finishReason: "stop",
    usage: EMPTY_USAGE,
    text: "",
    warnings: [],
  }),
  error: (): AgentEvent => ({
    type: "error",
    runId: RUN,
    error: new AgentSdkError({ code: "INTERNAL", category: "runtime", message: "Run failed." }),
  }),
  runEnd: (): AgentEvent => ({ type: "run-end", runId: RUN, result }),
};

/** A stream whose run the test drives event by event, so every interleaving is explicit. */
function drivenStream() {
  let sink: EventSink | undefined;
  let finish: ((value: RunResult) => void) | undefined;
  const emitted: AgentEvent[] = [];
  const stream = createRunStream(RUN, (emit) => {
    sink = emit;
    return new Promise<RunResult>((resolve) => {
      finish = resolve;
    });
  });
  const emit = (...events: AgentEvent[]) => {
    for (const event of events) {
      emitted.push(event);
      sink?.(event);
    }
  };
  return {
    stream,
    emitted,
    emit,
    end: () => {
      emit(ev.runEnd());
      finish?.(result);
    },
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

const STRUCTURAL = new Set([
  "run-start",
  "step-start",
  "tool-input-start",
  "tool-call",
  "tool-result",
  "tool-error",
  "tool-approval-request",
  "step-end",
  "error",
  "run-end",
]);

/** The events with consecutive deltas of one kind merged: what any reader must add up to. */
function coalesced(events: readonly AgentEvent[]): AgentEvent[] {
  const out: AgentEvent[] = [];
  for (const event of events) {
    const previous = out[out.length - 1];
    if (
      (event.type === "text-delta" ||
        event.type === "reasoning-delta" ||
        event.type === "tool-input-delta") &&
      previous?.type === event.type &&
      previous.step === event.step &&
      (event.type !== "tool-input-delta" ||
        (previous.type === "tool-input-delta" && previous.toolCallId === event.toolCallId))
    ) {
      out[out.length - 1] = { ...previous, delta: previous.delta + event.delta } as AgentEvent;
    } else if (event.type !== "object-delta") {
      out.push(event);
    }
  }
  return out;
}

const texts = (events: readonly AgentEvent[]) =>
  events.flatMap((event) => (event.type === "text-delta" ? [event.delta] : []));

const stats = (stream: RunStream) => {
  const value = runStreamStats(stream);
  if (!value) throw new Error("no stats");
  return value;
};

describe("createRunStream backpressure", () => {
  it("coalesces the deltas a slow reader has not read into one event", async () => {
    const run = drivenStream();
    const reader = run.stream[Symbol.asyncIterator]();
    run.emit(ev.runStart(), ev.stepStart(0));
    expect((await reader.next()).value).toEqual(ev.runStart());
    const deltas = Array.from({ length: 1_000 }, (_, index) => `d${index} `);
    run.emit(...deltas.map((delta) => ev.text(0, delta)));
    expect((await reader.next()).value).toEqual(ev.stepStart(0));
    expect((await reader.next()).value).toEqual(ev.text(0, deltas.join("")));
    run.emit(ev.text(0, "tail"), ev.stepEnd(0));
    run.end();
    const rest: AgentEvent[] = [];
    for (let step = await reader.next(); !step.done; step = await reader.next()) rest.push(step.value);
    expect(rest).toEqual([ev.text(0, "tail"), ev.stepEnd(0), ev.runEnd()]);
    expect(stats(run.stream).retainedEvents).toBe(5);
  });

  it("gives a reader that keeps up every original event, one by one", async () => {
    const run = drivenStream();
    const reader = run.stream[Symbol.asyncIterator]();
    const received: AgentEvent[] = [];
    run.emit(ev.runStart(), ev.stepStart(0));
    received.push((await reader.next()).value, (await reader.next()).value);
    for (let index = 0; index < 100; index++) {
      run.emit(ev.text(0, `t${index}`));
      received.push((await reader.next()).value);
    }
    run.emit(ev.stepEnd(0));
    run.end();
    received.push(...(await collect({ [Symbol.asyncIterator]: () => reader })));
    expect(received).toHaveLength(run.emitted.length);
    expect(received.every((event, index) => event === run.emitted[index])).toBe(true);
  });

  it("gives a late reader the whole run from the start, coalesced, during the run and after it", async () => {
    const run = drivenStream();
    run.emit(ev.runStart(), ev.stepStart(0));
    for (let index = 0; index < 500; index++) run.emit(ev.text(0, `a${index}`));
    const duringRun = run.stream[Symbol.asyncIterator]();
    expect((await duringRun.next()).value).toEqual(ev.runStart());
    for (let index = 0; index < 500; index++) run.emit(ev.text(0, `b${index}`));
    run.emit(ev.stepEnd(0), ev.stepStart(1), ev.text(1, "second"), ev.stepEnd(1));
    run.end();
    const whole = coalesced(run.emitted);
    expect(whole).toHaveLength(8);
    expect([ev.runStart(), ...(await collect({ [Symbol.asyncIterator]: () => duringRun }))]).toEqual(whole);
    expect(await collect(run.stream)).toEqual(whole);
    expect(await collect(run.stream)).toEqual(whole);
  });

  it("serves two readers at different speeds from one log, each with the whole text", async () => {
    const run = drivenStream();
    const fast = run.stream[Symbol.asyncIterator]();
    const slow = run.stream[Symbol.asyncIterator]();
    const fastEvents: AgentEvent[] = [];
    const slowEvents: AgentEvent[] = [];
    run.emit(ev.runStart(), ev.stepStart(0));
    fastEvents.push((await fast.next()).value, (await fast.next()).value);
    for (let index = 0; index < 1_000; index++) {
      run.emit(ev.text(0, `${index},`));
      fastEvents.push((await fast.next()).value);
      if (index % 100 === 99) slowEvents.push((await slow.next()).value);
    }
    expect(stats(run.stream)).toMatchObject({ retainedEvents: 3, deltaRuns: 1, readers: 2 });
    run.emit(ev.stepEnd(0));
    run.end();
    fastEvents.push(...(await collect({ [Symbol.asyncIterator]: () => fast })));
    slowEvents.push(...(await collect({ [Symbol.asyncIterator]: () => slow })));

    const text = run.emitted.flatMap((event) => (event.type === "text-delta" ? [event.delta] : [])).join("");
    expect(texts(fastEvents)).toHaveLength(1_000);
    expect(texts(fastEvents).join("")).toBe(text);
    // The slow reader read run-start and step-start, then one coalesced event per 100 deltas.
    expect(texts(slowEvents).length).toBeLessThan(20);
    expect(texts(slowEvents).join("")).toBe(text);
    expect(coalesced(slowEvents)).toEqual(coalesced(fastEvents));
    expect(stats(run.stream).readers).toBe(0);
  });

  it("keeps every structural event, once and in order, between the right deltas", async () => {
    const run = drivenStream();
    const early = run.stream[Symbol.asyncIterator]();
    const earlyEvents: AgentEvent[] = [];
    run.emit(
      ev.runStart(),
      ev.stepStart(0),
      ev.reasoning(0, "think "),
      ev.reasoning(0, "hard"),
      ev.text(0, "Let me "),
      ev.text(0, "add."),
      ev.reasoning(0, " more"),
      ev.inputStart(0, "c1"),
      ev.input(0, "c1", '{"a":'),
      ev.input(0, "c1", "1}"),
      ev.inputStart(0, "c2"),
      ev.input(0, "c2", '{"a":'),
      ev.input(0, "c1", "late"),
      ev.input(0, "c2", "2}"),
      ev.toolCall(0, "c1"),
      ev.toolCall(0, "c2"),
    );
    earlyEvents.push((await early.next()).value, (await early.next()).value, (await early.next()).value);
    run.emit(
      ev.toolResult(0, "c1"),
      ev.toolError(0, "c2"),
      ev.stepEnd(0),
      ev.stepStart(1),
      ev.text(1, "x"),
      ev.text(1, "y"),
      ev.toolCall(1, "c3"),
      ev.approval(1, "c3"),
      ev.text(2, "other step"),
      ev.error(),
    );
    run.end();
    earlyEvents.push(...(await collect({ [Symbol.asyncIterator]: () => early })));
    const late = await collect(run.stream);

    for (const received of [earlyEvents, late]) {
      expect(received.filter((event) => STRUCTURAL.has(event.type))).toEqual(
        run.emitted.filter((event) => STRUCTURAL.has(event.type)),
      );
      expect(coalesced(received)).toEqual(coalesced(run.emitted));
    }
    // Different kinds, steps and tool calls never merge: the late reader gets one event per run of them.
    expect(late.map((event) => event.type)).toEqual(coalesced(run.emitted).map((event) => event.type));
    expect(late).toHaveLength(23);
  });

  it("replaces object-delta partials not yet read by the latest, in their place after the text", async () => {
    const run = drivenStream();
    const fast = run.stream[Symbol.asyncIterator]();
    const fastEvents: AgentEvent[] = [];
    run.emit(ev.runStart(), ev.stepStart(0));
    fastEvents.push((await fast.next()).value, (await fast.next()).value);
    const chunks = ['{"a"', ":1,", '"b"', ":2}"];
    const partials = [{}, { a: 1 }, { a: 1, b: undefined }, { a: 1, b: 2 }];
    for (let index = 0; index < chunks.length; index++) {
      run.emit(ev.text(0, chunks[index] as string), ev.object(0, partials[index]));
      fastEvents.push((await fast.next()).value, (await fast.next()).value);
    }
    run.emit(ev.text(0, " "));
    run.emit(ev.stepEnd(0));
    run.end();
    fastEvents.push(...(await collect({ [Symbol.asyncIterator]: () => fast })));
    expect(fastEvents).toEqual(run.emitted);

    expect(await collect(run.stream)).toEqual([
      ev.runStart(),
      ev.stepStart(0),
      ev.text(0, chunks.join("")),
      ev.object(0, { a: 1, b: 2 }),
      ev.text(0, " "),
      ev.stepEnd(0),
      ev.runEnd(),
    ]);
    expect(await collect(run.stream.textStream)).toEqual([`${chunks.join("")} `]);
  });

  it("textStream: the answer text only, fine-grained when kept up with, coalesced otherwise", async () => {
    const run = drivenStream();
    const fast = run.stream.textStream[Symbol.asyncIterator]();
    const fastTexts: string[] = [];
    run.emit(ev.runStart(), ev.stepStart(0), ev.reasoning(0, "hmm"));
    for (let index = 0; index < 50; index++) {
      run.emit(ev.text(0, `w${index} `));
      fastTexts.push((await fast.next()).value as string);
    }
    run.emit(ev.inputStart(0, "c1"), ev.input(0, "c1", "{}"), ev.toolCall(0, "c1"), ev.stepEnd(0));
    run.emit(ev.stepStart(1), ev.text(1, "done"), ev.text(1, "!"), ev.stepEnd(1));
    run.end();
    fastTexts.push(...(await collect({ [Symbol.asyncIterator]: () => fast })));
    const expected = Array.from({ length: 50 }, (_, index) => `w${index} `);
    expect(fastTexts).toEqual([...expected, "done!"]);
    expect(await collect(run.stream.textStream)).toEqual([expected.join(""), "done!"]);
  });

  it("a reader that returns early stops reading and is released; the run and other readers go on", async () => {
    const run = drivenStream();
    const quitter = run.stream[Symbol.asyncIterator]();
    const waiting = run.stream[Symbol.asyncIterator]();
    const text = run.stream.textStream[Symbol.asyncIterator]();
    run.emit(ev.runStart(), ev.stepStart(0), ev.text(0, "a"));
    expect(stats(run.stream).readers).toBe(3);
    expect((await quitter.next()).value).toEqual(ev.runStart());
    expect(await quitter.return?.()).toEqual({ done: true, value: undefined });
    expect(await quitter.next()).toEqual({ done: true, value: undefined });
    expect(await text.next()).toEqual({ done: false, value: "a" });
    expect(await text.return?.()).toEqual({ done: true, value: undefined });
    // A `next()` still waiting for data when its reader returns ends too.
    await waiting.next();
    await waiting.next();
    await waiting.next();
    const pending = waiting.next();
    await waiting.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(stats(run.stream).readers).toBe(0);

    for (let index = 0; index < 10_000; index++) run.emit(ev.text(0, "b"));
    run.emit(ev.stepEnd(0));
    run.end();
    expect(await run.stream.result).toBe(result);
    expect(stats(run.stream)).toMatchObject({ retainedEvents: 5, readers: 0, emitted: 10_005 });
    expect(coalesced(await collect(run.stream))).toEqual(coalesced(run.emitted));
    // `for await` with `break` calls return() too.
    for await (const _ of run.stream) break;
    expect(stats(run.stream).readers).toBe(0);
  });

  it("a run nobody reads finishes, holding its text and structural events only", async () => {
    const stream = createRunStream(RUN, async (emit) => {
      emit(ev.runStart());
      emit(ev.stepStart(0));
      for (let index = 0; index < 10_000; index++) emit(ev.text(0, "x"));
      emit(ev.stepEnd(0));
      emit(ev.runEnd());
      return result;
    });
    expect(await stream.result).toBe(result);
    expect(stats(stream)).toMatchObject({
      retainedEvents: 5,
      deltaRuns: 1,
      textSegments: 1,
      textLength: 10_000,
    });
  });

  it("memory: 100,000 deltas to a reader that reads one event per 1,000 deltas stay a handful of entries", async () => {
    const DELTAS = 100_000;
    const EVERY = 1_000;
    let checkpoint: (() => void) | undefined;
    const nextCheckpoint = () =>
      new Promise<void>((resolve) => {
        checkpoint = resolve;
      });
    let peak = { retainedEvents: 0, textSegments: 0 };
    let expectedText = "";
    const stream: RunStream = createRunStream(RUN, async (emit) => {
      // Let `stream` be assigned before the run samples it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      emit(ev.runStart());
      emit(ev.stepStart(0));
      for (let index = 0; index < DELTAS; index++) {
        const delta = `${index % 10}`;
        expectedText += delta;
        emit(ev.text(0, delta));
        if ((index + 1) % EVERY === 0) {
          const now = stats(stream);
          peak = {
            retainedEvents: Math.max(peak.retainedEvents, now.retainedEvents),
            textSegments: Math.max(peak.textSegments, now.textSegments),
          };
          checkpoint?.();
          // The run does not wait for the reader; it only lets other work run, as a model stream does.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      emit(ev.stepEnd(0));
      emit(ev.runEnd());
      return result;
    });
    const reader = stream[Symbol.asyncIterator]();
    const received: AgentEvent[] = [];
    let reads = 0;
    for (;;) {
      const step = await reader.next();
      if (step.done) break;
      received.push(step.value);
      reads++;
      if (step.value.type === "run-end") continue;
      await Promise.race([nextCheckpoint(), stream.result]);
    }
    expect(texts(received).join("")).toBe(expectedText);
    expect(received.filter((event) => STRUCTURAL.has(event.type)).map((event) => event.type)).toEqual([
      "run-start",
      "step-start",
      "step-end",
      "run-end",
    ]);
    // The old stream kept all 100,004 events; this one a handful of entries and O(log n) strings.
    expect(stats(stream).emitted).toBe(DELTAS + 4);
    expect(peak.retainedEvents).toBeLessThanOrEqual(3);
    expect(peak.textSegments).toBeLessThanOrEqual(64 + 20);
    expect(stats(stream)).toMatchObject({ retainedEvents: 5, textSegments: 1, textLength: DELTAS });
    expect(reads).toBeLessThanOrEqual(DELTAS / EVERY + 10);
  });

  it("readers at random speeds over random deltas all add up to the run (fixed seed)", async () => {
    // mulberry32, fixed seed.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const run = drivenStream();
    const speeds = [1, 0.5, 0.05, 0.005];
    const readers = speeds.map((speed) => ({
      speed,
      iterator: run.stream[Symbol.asyncIterator](),
      events: [] as AgentEvent[],
    }));
    const textReader = { iterator: run.stream.textStream[Symbol.asyncIterator](), texts: [] as string[] };
    run.emit(ev.runStart(), ev.stepStart(0));
    let step = 0;
    for (let index = 0; index < 6_000; index++) {
      // Mixed phases, and text-heavy ones whose long runs are compacted into joined chunks.
      const textHeavy = Math.floor(index / 1_000) % 2 === 1;
      const roll = textHeavy ? (random() < 0.98 ? random() * 0.6 : 0.9) : random();
      // Now and then an empty delta, which must change nothing.
      const delta = "abcdefghij".slice(0, random() < 0.02 ? 0 : 1 + Math.floor(random() * 10));
      if (roll < 0.6) run.emit(ev.text(step, delta));
      else if (roll < 0.75) run.emit(ev.reasoning(step, delta));
      else if (roll < 0.85) run.emit(ev.input(step, random() < 0.5 ? "c1" : "c2", delta));
      else if (roll < 0.95) run.emit(ev.object(step, { index }));
      else if (roll < 0.99) run.emit(ev.toolCall(step, `c${index}`));
      else {
        run.emit(ev.stepEnd(step));
        step++;
        run.emit(ev.stepStart(step));
      }
      // Every event just emitted is unread for every reader, so next() never waits here; but an
      // empty delta is not delivered, so nobody reads after one.
      const last = run.emitted[run.emitted.length - 1];
      if (last && "delta" in last && last.delta === "") continue;
      for (const reader of readers) {
        if (random() < reader.speed) {
          const next = await reader.iterator.next();
          if (!next.done) reader.events.push(next.value);
        }
      }
      // textStream waits for text, so it reads only right after a text delta.
      if (last?.type === "text-delta" && random() < 0.3) {
        const next = await textReader.iterator.next();
        if (!next.done) textReader.texts.push(next.value);
      }
    }
    run.emit(ev.stepEnd(step));
    run.end();
    const withoutObjects = (events: readonly AgentEvent[]) =>
      coalesced(
        events.filter((event) => event.type !== "object-delta" && !("delta" in event && !event.delta)),
      );
    textReader.texts.push(...(await collect({ [Symbol.asyncIterator]: () => textReader.iterator })));
    expect(textReader.texts.join("")).toBe(texts(run.emitted).join(""));
    expect(textReader.texts.every((text) => text.length > 0)).toBe(true);
    const objects = run.emitted.filter((event) => event.type === "object-delta");
    /** For each object-delta, how much text of its step came before it. */
    const textBeforeEachPartial = (events: readonly AgentEvent[]) => {
      const textLength = new Map<number, number>();
      const at: number[] = [];
      for (const event of events) {
        if (event.type === "text-delta") {
          textLength.set(event.step, (textLength.get(event.step) ?? 0) + event.delta.length);
        } else if (event.type === "object-delta") at.push(textLength.get(event.step) ?? 0);
      }
      return at;
    };
    const partialAt = new Map(
      textBeforeEachPartial(run.emitted).map((length, index) => [objects[index] as AgentEvent, length]),
    );
    for (const reader of readers) {
      reader.events.push(...(await collect({ [Symbol.asyncIterator]: () => reader.iterator })));
      expect(withoutObjects(reader.events)).toEqual(withoutObjects(run.emitted));
      // Partial objects: emitted ones, in emission order, the latest of each text run kept.
      const positions = reader.events
        .filter((event) => event.type === "object-delta")
        .map((event) => objects.indexOf(event));
      expect(
        positions.every(
          (position, index) => position >= 0 && (index === 0 || position > (positions[index - 1] as number)),
        ),
      ).toBe(true);
      expect(positions[positions.length - 1]).toBe(objects.length - 1);
      // Each partial comes exactly where it was emitted in its step's text.
      expect(textBeforeEachPartial(reader.events)).toEqual(
        reader.events.filter((event) => event.type === "object-delta").map((event) => partialAt.get(event)),
      );
    }
    expect(readers[0]?.events.length).toBeGreaterThan(readers[3]?.events.length as number);
    expect(stats(run.stream).readers).toBe(0);
    // Budget: a fixed 6,000 events; the limit only stops a hang, it asserts no timing.
  }, 30_000);

  it("gives a reader that keeps up the original object of every non-empty event, of every kind", async () => {
    const run = drivenStream();
    const reader = run.stream[Symbol.asyncIterator]();
    const received: AgentEvent[] = [];
    const script: AgentEvent[] = [
      ev.runStart(),
      ev.stepStart(0),
      ev.reasoning(0, "think"),
      ev.reasoning(0, " more"),
      ev.text(0, '{"a"'),
      ev.object(0, {}),
      ev.text(0, ":1}"),
      ev.object(0, { a: 1 }),
      ev.inputStart(0, "c1"),
      ev.input(0, "c1", "{"),
      ev.input(0, "c1", "}"),
      ev.toolCall(0, "c1"),
      ev.toolResult(0, "c1"),
      ev.stepEnd(0),
    ];
    for (const event of script) {
      run.emit(event);
      received.push((await reader.next()).value);
    }
    run.end();
    received.push(...(await collect({ [Symbol.asyncIterator]: () => reader })));
    expect(received).toHaveLength(run.emitted.length);
    for (const [index, event] of received.entries()) expect(event).toBe(run.emitted[index]);
  });

  it("gives a late reader the original object of a run of one delta, and of every structural event", async () => {
    const run = drivenStream();
    run.emit(ev.runStart(), ev.stepStart(0), ev.text(0, "one"), ev.toolCall(0, "c1"), ev.stepEnd(0));
    run.end();
    const late = await collect(run.stream);
    expect(late).toHaveLength(run.emitted.length);
    for (const [index, event] of late.entries()) expect(event).toBe(run.emitted[index]);
  });

  it("keeps alternating text and object-deltas of a step as one entry with the latest partial", async () => {
    const run = drivenStream();
    run.emit(ev.runStart(), ev.stepStart(0));
    let text = "";
    for (let index = 0; index < 1_000; index++) {
      const delta = `${index},`;
      text += delta;
      run.emit(ev.text(0, delta), ev.object(0, { upTo: index }));
    }
    expect(stats(run.stream)).toMatchObject({ retainedEvents: 3, deltaRuns: 1, emitted: 2_002 });
    run.emit(ev.stepEnd(0));
    run.end();
    const late = await collect(run.stream);
    expect(late).toEqual([
      ev.runStart(),
      ev.stepStart(0),
      ev.text(0, text),
      ev.object(0, { upTo: 999 }),
      ev.stepEnd(0),
      ev.runEnd(),
    ]);
    // The partial is the emitted object, not a copy.
    expect(late[3]).toBe(run.emitted[run.emitted.length - 3]);
  });

  it("an empty delta neither splits nor opens an entry", async () => {
    const run = drivenStream();
    run.emit(ev.runStart(), ev.stepStart(0), ev.text(0, "a"), ev.reasoning(0, ""), ev.text(0, "b"));
    run.emit(ev.input(0, "c1", ""));
    expect(stats(run.stream)).toMatchObject({ retainedEvents: 3, deltaRuns: 1, emitted: 6 });
    run.emit(ev.stepEnd(0));
    run.end();
    expect(await collect(run.stream)).toEqual([
      ev.runStart(),
      ev.stepStart(0),
      ev.text(0, "ab"),
      ev.stepEnd(0),
      ev.runEnd(),
    ]);
  });

  it("a next() waiting when the run ends resolves done, and the reader is released", async () => {
    const run = drivenStream();
    const reader = run.stream[Symbol.asyncIterator]();
    const text = run.stream.textStream[Symbol.asyncIterator]();
    run.emit(ev.runStart(), ev.stepStart(0), ev.text(0, "hi"), ev.stepEnd(0));
    for (let index = 0; index < 4; index++) await reader.next();
    expect(await text.next()).toEqual({ done: false, value: "hi" });
    const pendingText = text.next();
    const pending = reader.next();
    expect(stats(run.stream).readers).toBe(2);
    // run-end, then the run's result settles.
    run.end();
    expect(await pending).toEqual({ done: false, value: ev.runEnd() });
    expect(await reader.next()).toEqual({ done: true, value: undefined });
    expect(await pendingText).toEqual({ done: true, value: undefined });
    expect(stats(run.stream).readers).toBe(0);
  });

  it("does not deliver empty deltas (they carry no text) and still ends every reader", async () => {
    const run = drivenStream();
    run.emit(ev.runStart(), ev.stepStart(0), ev.text(0, ""), ev.input(0, "c1", ""), ev.stepEnd(0));
    run.end();
    expect((await collect(run.stream)).map((event) => event.type)).toEqual([
      "run-start",
      "step-start",
      "step-end",
      "run-end",
    ]);
    expect(await collect(run.stream.textStream)).toEqual([]);
  });
});

describe("createRunStream: nested runs' deltas (subagent-event)", () => {
  /** An event of nested run `inner`, under call `c1` of step 0; `deeper` nests it once more. */
  const nested = (event: AgentEvent, deeper = false): AgentEvent => {
    const inner: AgentEvent = deeper
      ? { type: "subagent-event", runId: "run_mid", step: 0, toolCallId: "c2", toolName: "deep", event }
      : event;
    return {
      type: "subagent-event",
      runId: RUN,
      step: 0,
      toolCallId: "c1",
      toolName: "expert",
      event: inner,
    };
  };
  const innerText = (delta: string, runId = "run_inner"): AgentEvent => ({
    type: "text-delta",
    runId,
    step: 0,
    delta,
  });

  it("coalesces a nested run's deltas for a slow reader, wrapped as they came; keeps everything else", async () => {
    const run = drivenStream();
    run.emit(ev.runStart(), ev.stepStart(0), ev.toolCall(0, "c1"));
    run.emit(
      nested({ type: "run-start", runId: "run_inner", agentId: "expert", runtime: "test", resumed: false }),
    );
    for (let index = 0; index < 300; index++) run.emit(nested(innerText(`n${index} `)));
    // Another nested run's deltas, or the run's own, start a new entry.
    run.emit(nested(innerText("x", "run_other")), ev.text(0, "own"));
    for (let index = 0; index < 100; index++) run.emit(nested(innerText(`d${index}`, "run_deep"), true));
    run.emit(ev.toolResult(0, "c1"), ev.stepEnd(0));
    run.end();
    const events = await collect(run.stream);
    const joined = Array.from({ length: 300 }, (_, index) => `n${index} `).join("");
    const deep = Array.from({ length: 100 }, (_, index) => `d${index}`).join("");
    expect(events.slice(3)).toEqual([
      nested({ type: "run-start", runId: "run_inner", agentId: "expert", runtime: "test", resumed: false }),
      nested(innerText(joined)),
      nested(innerText("x", "run_other")),
      ev.text(0, "own"),
      nested(innerText(deep, "run_deep"), true),
      ev.toolResult(0, "c1"),
      ev.stepEnd(0),
      ev.runEnd(),
    ]);
    expect(stats(run.stream).retainedEvents).toBe(11);
    // The run's answer text only.
    expect(await collect(run.stream.textStream)).toEqual(["own"]);
  });

  it("gives a reader that keeps up every original nested event", async () => {
    const run = drivenStream();
    const reader = run.stream[Symbol.asyncIterator]();
    run.emit(ev.runStart(), ev.stepStart(0), ev.toolCall(0, "c1"));
    for (let index = 0; index < 3; index++) await reader.next();
    const originals = Array.from({ length: 20 }, (_, index) => nested(innerText(`t${index}`)));
    for (const event of originals) {
      run.emit(event);
      expect((await reader.next()).value).toBe(event);
    }
  });
});
