import { setTimeout as sleep } from "node:timers/promises";
import type { ScriptedModel, ScriptedTurnSpec } from "@flowmaestro/runtime/testing";
import { z } from "zod";

/**
 * A tool every runner registers in its own format (`ai` `tool()`, `defineTool`, Mastra
 * `createTool`) from the same schema and the same `execute`, so tool work is identical.
 */
export interface BenchTool {
  name: string;
  description: string;
  inputSchema: z.ZodObject<Record<string, z.ZodNumber>>;
  execute: (input: Record<string, number>) => Promise<unknown>;
}

/** How long a runner warms up and samples one scenario. */
export interface SamplingPlan {
  /** Warm-up runs (not recorded); stops early once `warmupMs` is spent. */
  warmupRuns: number;
  warmupMs: number;
  /** Samples are taken in this many rounds, runners interleaved, so drift hits every runner alike. */
  rounds: number;
  /** Time budget per runner over all rounds; sampling stops at `maxSamples` or when it is spent. */
  budgetMs: number;
  /** Taken even when the budget is spent. */
  minSamples: number;
  maxSamples: number;
}

/** What every runner's model plays in a scenario and what a correct run looks like. */
export interface ScenarioScript {
  /** Non-streaming (`execute`/`generate`) or streaming (`stream`). */
  mode: "generate" | "stream";
  instructions: string;
  prompt: string;
  tool: BenchTool;
  /** Played by a looping scripted model; one run consumes every turn exactly once. */
  turns: readonly ScriptedTurnSpec[];
  /** Step cap handed to every runner (`stopWhen`, `maxSteps`, `maxIterations`). */
  maxSteps: number;
  /** What a correct run returns; checked after every sample, outside the timed region. */
  expected: { steps: number; toolResults: number; text: string };
  plan: SamplingPlan;
}

/** One benchmark scenario of the agent loop tables. */
export interface Scenario extends ScenarioScript {
  id: "tool-loop" | "stream" | "parallel-tools";
  title: string;
}

const INSTRUCTIONS = "You are a benchmark agent. Use the tools when asked.";

/** Trivial zod-validated tool: the loop measures framework overhead, not tool work. */
export const addTool: BenchTool = {
  name: "add",
  description: "Adds two numbers.",
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => ({ sum: (a ?? 0) + (b ?? 0) }),
};

const TOOL_WAIT_MS = 100;

/** Waits 100 ms: five concurrent calls take ~100 ms of wall time, five sequential ones ~500 ms. */
export const waitTool: BenchTool = {
  name: "wait",
  description: "Waits the given number of milliseconds.",
  inputSchema: z.object({ ms: z.number() }),
  execute: async ({ ms }) => {
    await sleep(ms);
    return { waited: ms };
  },
};

const LOOP_STEPS = 10;
const STREAM_DELTAS = 2_000;
const PARALLEL_CALLS = 5;

const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";

/** `--quick` (or `BENCH_QUICK=1`) shrinks every plan, for checking the bench itself, not for numbers. */
function plan(full: SamplingPlan): SamplingPlan {
  if (!quick) return full;
  return { warmupRuns: 2, warmupMs: 200, rounds: 2, budgetMs: 300, minSamples: 3, maxSamples: 20 };
}

export const toolLoopScenario: Scenario = {
  id: "tool-loop",
  title: `Per-step overhead: ${LOOP_STEPS}-step tool loop (non-streaming)`,
  mode: "generate",
  instructions: INSTRUCTIONS,
  prompt: "Add some numbers.",
  tool: addTool,
  turns: [
    ...Array.from({ length: LOOP_STEPS - 1 }, (_, index) => ({
      toolCalls: [{ toolName: addTool.name, input: { a: index, b: 1 } }],
    })),
    { text: "Done adding." },
  ],
  maxSteps: LOOP_STEPS,
  expected: { steps: LOOP_STEPS, toolResults: LOOP_STEPS - 1, text: "Done adding." },
  plan: plan({
    warmupRuns: 50,
    warmupMs: 2_000,
    rounds: 10,
    budgetMs: 7_000,
    minSamples: 30,
    maxSamples: 1_500,
  }),
};

const streamDeltas = Array.from({ length: STREAM_DELTAS }, (_, index) => `t${index} `);

export const streamScenario: Scenario = {
  id: "stream",
  title: `Stream: one turn of ${STREAM_DELTAS.toLocaleString("en-US")} text deltas`,
  mode: "stream",
  instructions: INSTRUCTIONS,
  prompt: "Write a long answer.",
  tool: addTool,
  turns: [{ text: streamDeltas }],
  maxSteps: 1,
  expected: { steps: 1, toolResults: 0, text: streamDeltas.join("") },
  plan: plan({
    warmupRuns: 10,
    warmupMs: 2_000,
    rounds: 10,
    budgetMs: 9_000,
    minSamples: 15,
    maxSamples: 300,
  }),
};

export const parallelToolsScenario: Scenario = {
  id: "parallel-tools",
  title: `Parallel tools: ${PARALLEL_CALLS} calls to a ${TOOL_WAIT_MS} ms tool in one turn, then an answer`,
  mode: "generate",
  instructions: INSTRUCTIONS,
  prompt: "Wait five times.",
  tool: waitTool,
  turns: [
    {
      toolCalls: Array.from({ length: PARALLEL_CALLS }, () => ({
        toolName: waitTool.name,
        input: { ms: TOOL_WAIT_MS },
      })),
    },
    { text: "All waits done." },
  ],
  maxSteps: 2,
  expected: { steps: 2, toolResults: PARALLEL_CALLS, text: "All waits done." },
  plan: plan({ warmupRuns: 2, warmupMs: 1_000, rounds: 3, budgetMs: 2_500, minSamples: 15, maxSamples: 30 }),
};

export const scenarios: readonly Scenario[] = [toolLoopScenario, streamScenario, parallelToolsScenario];

/** What one run produced; checked against {@link Scenario.expected} after timing. */
export interface RunOutcome {
  steps: number;
  toolResults: number;
  text: string;
  /** Streaming only: ms from the call to the first text delta the reader saw. */
  firstTextDeltaMs?: number;
}

/** One timed run of a prepared scenario. */
export type ScenarioRun = () => Promise<RunOutcome>;

export type RunnerId = "ai-loop" | "legacy" | "mastra-direct" | "mastra-runtime";

/** A way to run an agent loop, benchmarked against the others. */
export interface Runner {
  id: RunnerId;
  label: string;
  /** The call each mode makes, and for streams what is iterated; printed with the results. */
  calls: { generate: string; stream: string };
  /** Loads what the runner needs; resolves with a reason when it cannot run here. */
  load(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Builds the agent (untimed) around `model`; the returned function does one timed run. */
  prepare(scenario: Scenario, model: ScriptedModel): ScenarioRun;
}
