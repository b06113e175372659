import {
  type AgentEvent,
  type AgentRuntime,
  createAgent,
  defineTool,
  type RunResult,
} from "@flowmaestro/runtime";
import { createScriptedModel, type ScriptedModel, type ScriptedTurn } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createMastraRuntime } from "./create-mastra-runtime.js";

// The same scripted conversations on the legacy and the Mastra runtime must be indistinguishable
// to a host: same text, tool calls, statuses, messages and events (ids and timings aside).

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const add = defineTool({
  name: "add",
  description: "Adds two numbers",
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

/** Per run and id, resolves when that call of `slow` has finished. */
const finished = new Map<string, { promise: Promise<void>; resolve: () => void }>();
function finishedGate(runId: string, id: number) {
  const key = `${runId}:${id}`;
  let gate = finished.get(key);
  if (!gate) {
    let resolve = () => {};
    const promise = new Promise<void>((done) => {
      resolve = done;
    });
    gate = { promise, resolve };
    finished.set(key, gate);
  }
  return gate;
}

/**
 * Finishes in reverse order of `id` (3, then 2, then 1), so completion order differs from call
 * order. The order is enforced by waiting for the next id, not by timers, so machine load cannot
 * reorder it; the bounded wait keeps a sequential runtime from deadlocking (it fails instead).
 */
const slow = defineTool({
  name: "slow",
  description: "Echoes an id after the call with the next id has finished",
  inputSchema: z.object({ id: z.number() }),
  execute: async ({ id }, context) => {
    await sleep(1);
    if (id < 3) await Promise.race([finishedGate(context.runId, id + 1).promise, sleep(2_000)]);
    finishedGate(context.runId, id).resolve();
    return `done ${id}`;
  },
});

const broken = defineTool({
  name: "broken",
  inputSchema: z.object({}),
  execute: () => {
    throw new Error("database is down");
  },
});

interface Scenario {
  name: string;
  turns: () => ScriptedTurn[];
  maxIterations?: number;
  /** Give the agent no tools at all. */
  noTools?: boolean;
  expectedStatus: RunResult["status"];
}

const scenarios: Scenario[] = [
  { name: "plain answer", turns: () => [{ text: ["Hello", ", ", "world."] }], expectedStatus: "completed" },
  {
    name: "plain answer, no tools",
    turns: () => [{ text: "Hi." }],
    noTools: true,
    expectedStatus: "completed",
  },
  {
    name: "single tool",
    turns: () => [
      { text: "Adding. ", toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }] },
      { text: "3" },
    ],
    expectedStatus: "completed",
  },
  {
    name: "multi-step",
    turns: () => [
      { toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }] },
      { toolCalls: [{ toolName: "add", input: { a: 3, b: 3 } }] },
      { toolCalls: [{ toolName: "add", input: { a: 6, b: 4 } }] },
      { text: ["It is ", "10."] },
    ],
    expectedStatus: "completed",
  },
  {
    name: "parallel tools",
    turns: () => [
      { toolCalls: [1, 2, 3].map((id) => ({ toolName: "slow", input: { id } })) },
      { text: "All done." },
    ],
    expectedStatus: "completed",
  },
  {
    name: "tool errors",
    turns: () => [
      {
        toolCalls: [
          { toolName: "broken", input: {} },
          { toolName: "add", input: { a: "one", b: 2 } },
          { toolName: "add", input: '{"a": 1,' },
          { toolName: "fly", input: {} },
        ],
      },
      { text: "Everything failed." },
    ],
    expectedStatus: "completed",
  },
  {
    name: "max iterations",
    turns: () => [
      { toolCalls: [{ toolName: "add", input: { a: 1, b: 1 } }] },
      { toolCalls: [{ toolName: "add", input: { a: 2, b: 2 } }] },
    ],
    maxIterations: 2,
    expectedStatus: "max_iterations",
  },
];

interface Observed {
  result: RunResult;
  events: AgentEvent[];
  model: ScriptedModel;
  /** Each call's prompt as it was when the call was made. */
  prompts: unknown[];
}

async function run(
  runtime: AgentRuntime,
  turns: ScriptedTurn[],
  mode: "execute" | "stream",
  input: string | ModelMessage[],
  maxIterations?: number,
  noTools = false,
): Promise<Observed> {
  const prompts: unknown[] = [];
  const model = createScriptedModel({
    turns: turns.map((turn) => (call, index) => {
      prompts.push(JSON.parse(JSON.stringify(call.prompt)));
      return typeof turn === "function" ? turn(call, index) : turn;
    }),
  });
  const agent = createAgent({
    runtime,
    name: "parity-agent",
    instructions: "You are a test agent.",
    model,
    tools: noTools ? [] : [add, slow, broken],
    ...(maxIterations === undefined ? {} : { maxIterations }),
  });
  const events: AgentEvent[] = [];
  if (mode === "execute") {
    const result = await agent.execute(input, { onEvent: (event) => void events.push(event) });
    return { result, events, model, prompts };
  }
  const stream = agent.stream(input);
  for await (const event of stream) events.push(event);
  return { result: await stream.result, events, model, prompts };
}

/** Drops run ids and runtime names and turns errors into `{ code, message }`, so runs can be compared. */
function comparable(value: unknown): unknown {
  if (value instanceof Error) {
    const { code, message } = value as Error & { code?: string };
    return { code, message };
  }
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "runId" && key !== "runtime")
        .map(([key, entry]) => [key, comparable(entry)]),
    );
  }
  return value;
}

/**
 * Tool outcomes that arrive together (tools that fail or finish at once) are reported in
 * completion order, which for simultaneous completions is a matter of scheduling: sort each run of
 * consecutive outcomes by call id. Tools with distinct durations keep their order (tested below).
 */
function withSimultaneousOutcomesSorted(events: AgentEvent[]): AgentEvent[] {
  const sorted = [...events];
  const isOutcome = (event: AgentEvent | undefined) =>
    event?.type === "tool-result" || event?.type === "tool-error";
  for (let start = 0; start < sorted.length; start++) {
    if (!isOutcome(sorted[start])) continue;
    let end = start;
    while (isOutcome(sorted[end + 1])) end++;
    const group = sorted.slice(start, end + 1) as Array<AgentEvent & { toolCallId: string }>;
    group.sort((x, y) => x.toolCallId.localeCompare(y.toolCallId));
    sorted.splice(start, group.length, ...group);
    start = end;
  }
  return sorted;
}

/** The request settings both runtimes must send identically. */
function pick(options: Record<string, unknown>) {
  const { tools, toolChoice, temperature, maxOutputTokens, responseFormat, providerOptions, headers } =
    options;
  return { tools, toolChoice, temperature, maxOutputTokens, responseFormat, providerOptions, headers };
}

describe("parity: legacy and mastra runtimes", () => {
  const legacy = createLegacyRuntime();
  const mastra = createMastraRuntime();

  for (const scenario of scenarios) {
    for (const mode of ["execute", "stream"] as const) {
      it(`${scenario.name} (${mode})`, async () => {
        const a = await run(legacy, scenario.turns(), mode, "Go", scenario.maxIterations, scenario.noTools);
        const b = await run(mastra, scenario.turns(), mode, "Go", scenario.maxIterations, scenario.noTools);

        expect(b.result.status).toBe(scenario.expectedStatus);
        expect(b.result.status).toBe(a.result.status);
        expect(b.result.text).toBe(a.result.text);
        expect(b.result.error?.code).toBe(a.result.error?.code);
        expect(b.result.steps.map((step) => step.toolCalls)).toEqual(
          a.result.steps.map((step) => step.toolCalls),
        );
        expect(b.result.messages).toEqual(a.result.messages);
        expect(comparable(b.result)).toEqual(comparable(a.result));
        expect(b.events.map((event) => event.type)).toEqual(a.events.map((event) => event.type));
        const events =
          scenario.name === "parallel tools" ? b.events : withSimultaneousOutcomesSorted(b.events);
        const reference =
          scenario.name === "parallel tools" ? a.events : withSimultaneousOutcomesSorted(a.events);
        expect(comparable(events)).toEqual(comparable(reference));
        // The model is sent the same requests: prompts, tools, settings, generate vs stream.
        expect(b.model.calls.map((call) => call.method)).toEqual(a.model.calls.map((call) => call.method));
        expect(b.prompts).toEqual(a.prompts);
        for (let call = 0; call < a.model.calls.length; call++) {
          const { prompt: _a, abortSignal: _x, ...legacyOptions } = a.model.calls[call]!.options;
          const { prompt: _b, abortSignal: _y, ...mastraOptions } = b.model.calls[call]!.options;
          expect(pick(mastraOptions)).toEqual(pick(legacyOptions));
        }
      });
    }
  }

  it("reports parallel tool outcomes in completion order on both runtimes", async () => {
    const scenario = scenarios.find((entry) => entry.name === "parallel tools")!;
    for (const runtime of [legacy, mastra]) {
      const { events } = await run(runtime, scenario.turns(), "stream", "Go");
      const outcomes = events.flatMap((event) => (event.type === "tool-result" ? [event.output] : []));
      expect(outcomes).toEqual(["done 3", "done 2", "done 1"]);
    }
  });

  for (const [first, second] of [
    ["legacy", "mastra"],
    ["mastra", "legacy"],
  ] as const) {
    it(`a conversation stored by ${first} is continued by ${second}`, async () => {
      const runtimes = { legacy, mastra };
      const firstTurns = (): ScriptedTurn[] => [
        { text: "Let me add. ", toolCalls: [{ toolName: "add", input: { a: 40, b: 2 } }] },
        { toolCalls: [{ toolName: "broken", input: {} }] },
        { text: "42" },
      ];
      const stored = await run(runtimes[first], firstTurns(), "execute", "What is 40 + 2?");
      expect(stored.result.status).toBe("completed");
      const history: ModelMessage[] = [
        { role: "user", content: "What is 40 + 2?" },
        ...stored.result.messages,
        { role: "user", content: "What did I ask?" },
      ];
      const secondTurns = (): ScriptedTurn[] => [{ text: "You asked about 40 + 2." }];
      const continued = await run(runtimes[second], secondTurns(), "execute", history);
      const reference = await run(runtimes[first], secondTurns(), "execute", history);

      expect(continued.result.status).toBe("completed");
      expect(continued.result.messages).toEqual(reference.result.messages);
      const prompt = JSON.stringify(continued.model.calls[0]?.options.prompt);
      expect(prompt).toContain('"sum":42');
      expect(prompt).toContain("database is down");
      expect(continued.prompts).toEqual(reference.prompts);
    });
  }
});
