import { type AgentMemory, createAgent, defineTool } from "@flowmaestro/runtime";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { generateText, isStepCount, tool } from "ai";
import { z } from "zod";
import { quantile } from "../measure.js";
import { answerOf, createBenchModel, promptOf, type RunLedger, TOOL_NAME, timedAdd } from "./model.js";

/** The resource every bench thread belongs to. */
export const RESOURCE_ID = "bench-user";

/** One run of a batch: its id, and the thread it continues (none without memory). */
export interface RunSpec {
  runId: string;
  threadId?: string;
}

/** Does one run and checks its outcome (throws when it is wrong). */
export type RunOne = (spec: RunSpec) => Promise<void>;

const INSTRUCTIONS = "You are a benchmark agent. Use the tools when asked.";
const addInput = z.object({ a: z.number(), b: z.number() });

/**
 * One run on the legacy runtime through `createAgent`, the way hosts call it: `agent.execute`,
 * with `threadId` + `resourceId` when the agent has `memory`. One agent serves every run.
 */
export function createLegacyRun(ledger: RunLedger, memory?: AgentMemory): RunOne {
  const agent = createAgent({
    runtime: createLegacyRuntime(),
    name: "bench",
    instructions: INSTRUCTIONS,
    model: createBenchModel(ledger),
    maxIterations: 2,
    ...(memory ? { memory } : {}),
    tools: [
      defineTool({
        name: TOOL_NAME,
        description: "Adds two numbers.",
        inputSchema: addInput,
        execute: (input, context) => timedAdd(ledger, input, context.toolCallId),
      }),
    ],
  });
  return async ({ runId, threadId }) => {
    const options = memory && threadId ? { runId, threadId, resourceId: RESOURCE_ID } : { runId };
    const result = await agent.execute(promptOf(runId), options);
    if (result.status !== "completed") throw result.error ?? new Error(`run ${runId} ended ${result.status}`);
    check(runId, result.steps.length, result.text);
  };
}

/** The same run with the `ai` SDK's own loop (`generateText`, `stopWhen: isStepCount(2)`): the baseline. */
export function createAiLoopRun(ledger: RunLedger): RunOne {
  const model = createBenchModel(ledger);
  const tools = {
    [TOOL_NAME]: tool({
      description: "Adds two numbers.",
      inputSchema: addInput,
      execute: (input, { toolCallId }) => timedAdd(ledger, input, toolCallId),
    }),
  };
  return async ({ runId }) => {
    const result = await generateText({
      model,
      instructions: INSTRUCTIONS,
      prompt: promptOf(runId),
      tools,
      stopWhen: isStepCount(2),
    });
    check(runId, result.steps.length, result.text);
  };
}

function check(runId: string, steps: number, text: string): void {
  if (steps !== 2) throw new Error(`run ${runId}: ${steps} step(s), expected 2`);
  if (text !== answerOf(runId)) throw new Error(`run ${runId}: answer ${JSON.stringify(text.slice(0, 80))}`);
}

/** What one batch of concurrent runs measured (ms). */
export interface BatchTiming {
  /** From starting the first run to the last one settling. */
  wallMs: number;
  /** CPU time of this process over the batch (user + system). */
  cpuMs: number;
  /** Per run: its wall time, call to settled. */
  runMs: number[];
  /** Per run: its wall time minus the time it spent inside the model and the tool. */
  overheadMs: number[];
  /** Per run: the time it spent inside the model and the tool. */
  insideMs: number[];
  /** Runs that threw or returned a wrong outcome (or made other than 2 model calls and 1 tool call). */
  failed: number;
  /** The first few failures. */
  errors: string[];
}

/** Starts every run at once, waits for all, and times each from the same clock. */
export async function runBatch(
  run: RunOne,
  specs: readonly RunSpec[],
  ledger: RunLedger,
): Promise<BatchTiming> {
  ledger.clear();
  const timing: BatchTiming = {
    wallMs: 0,
    cpuMs: 0,
    runMs: [],
    overheadMs: [],
    insideMs: [],
    failed: 0,
    errors: [],
  };
  const fail = (message: string) => {
    timing.failed++;
    if (timing.errors.length < 3) timing.errors.push(message);
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const ended = await Promise.all(
    specs.map(async (spec) => {
      const runStarted = performance.now();
      try {
        await run(spec);
        return performance.now() - runStarted;
      } catch (error) {
        fail(error instanceof Error ? error.message.split("\n")[0]! : String(error));
        return undefined;
      }
    }),
  );
  timing.wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  timing.cpuMs = (used.user + used.system) / 1000;
  specs.forEach((spec, index) => {
    const ms = ended[index];
    if (ms === undefined) return;
    const entry = ledger.get(spec.runId);
    if (entry?.modelCalls !== 2 || entry.toolCalls !== 1) {
      fail(
        `run ${spec.runId}: ${entry?.modelCalls ?? 0} model call(s), ${entry?.toolCalls ?? 0} tool call(s)`,
      );
      return;
    }
    const inside = entry.modelMs + entry.toolMs;
    timing.runMs.push(ms);
    timing.insideMs.push(inside);
    timing.overheadMs.push(ms - inside);
  });
  return timing;
}

/** p50 and p99 of some samples (`NaN` when there are none). */
export function percentiles(values: readonly number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}
