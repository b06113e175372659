import { rm } from "node:fs/promises";
import path from "node:path";
import type { StorageAdapter } from "@flowmaestro/memory";
import type { AgentMemory, AgentRuntime } from "@flowmaestro/runtime";
import { createScriptedModel, type ScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { LibSQLStore } from "@mastra/libsql";
import { Memory } from "@mastra/memory";
import { type Contestant, measureScenario } from "../measure.js";
import { prepareRuntimeRun } from "../runners/legacy.js";
import { prepareMastraDirectRun } from "../runners/mastra-direct.js";
import { loadedMastraRuntime, mastraRuntimeRunner } from "../runners/mastra-runtime.js";
import { addTool, type SamplingPlan, type ScenarioRun, type ScenarioScript } from "../scenarios.js";
import { summarizeMemory } from "./sampling.js";
import { describeError, RESOURCE_ID, tempDirectory } from "./stores.js";
import { emptyRow, type MemoryRow, type MemorySection } from "./types.js";

export interface TurnOptions {
  /** History sent with each turn, on every contestant. */
  lastMessages: number;
  /** Runs of every memory contestant before warm-up, so the thread holds more than `lastMessages`. */
  preloadRuns: number;
  plan: SamplingPlan;
}

/** The three ways to run an agent, each measured with and without memory. */
export type TurnRuntimeId = "legacy" | "mastra-runtime" | "mastra-direct";

export const TURN_RUNTIMES: Record<TurnRuntimeId, { label: string; memory: string; call: string }> = {
  legacy: {
    label: "legacy runtime",
    memory: "`createMemory({ storage: createLibsqlStorage({ url: file }) })`",
    call: "agent.execute(prompt, { threadId, resourceId })",
  },
  "mastra-runtime": {
    label: "Mastra runtime",
    memory:
      "`createMemory({ storage: createLibsqlStorage({ url: file }) })` (run by @mastra/memory through the bridge)",
    call: "agent.execute(prompt, { threadId, resourceId })",
  },
  "mastra-direct": {
    label: "Mastra direct",
    memory: "`new Memory({ storage: new LibSQLStore({ url: file }) })`",
    call: "Agent.generate(prompt, { maxSteps, memory: { thread, resource } })",
  },
};

const MEMORY_PACKAGE = "@flowmaestro/memory";
const MEMORY_LIBSQL = "@flowmaestro/memory/libsql";
const THREAD_ID = "turn-thread";

/** The turn every contestant plays: one tool call, then the answer (2 steps, 4 messages stored). */
function turnScript(plan: SamplingPlan): ScenarioScript {
  return {
    mode: "generate",
    instructions: "You are a benchmark agent. Use the tools when asked.",
    prompt: "What is 2 + 3?",
    tool: addTool,
    turns: [{ toolCalls: [{ toolName: addTool.name, input: { a: 2, b: 3 } }] }, { text: "2 + 3 = 5." }],
    maxSteps: 2,
    expected: { steps: 2, toolResults: 1, text: "2 + 3 = 5." },
    plan,
  };
}

interface TurnContestant {
  id: string;
  runtime: TurnRuntimeId;
  memory: boolean;
  model: ScriptedModel;
  run: ScenarioRun;
  dispose: () => Promise<void>;
}

type Built = { ok: true; contestant: TurnContestant } | { ok: false; reason: string };

/**
 * Part 4: one agent turn with memory against the same turn without, per runtime, all six
 * contestants interleaved by the loop bench's own sampler (`measureScenario`: warm-up, rounds,
 * GC, every run checked). Each memory contestant has its own libSQL file and one warm thread;
 * every memory contestant sends the same `lastMessages`. After timing, each memory contestant must
 * have sent its model more messages than its no-memory twin (the history), or it is an error.
 */
export async function measureTurn(
  options: TurnOptions,
  log: (message: string) => void,
): Promise<MemorySection> {
  const script = turnScript(options.plan);
  const mastraRuntime = await mastraRuntimeRunner.load();
  const builders: Array<[string, TurnRuntimeId, boolean, () => Promise<TurnContestant>]> = [];
  for (const runtime of Object.keys(TURN_RUNTIMES) as TurnRuntimeId[]) {
    for (const memory of [false, true]) {
      builders.push([rowId(runtime, memory), runtime, memory, () => build(runtime, memory)]);
    }
  }

  async function build(runtime: TurnRuntimeId, memory: boolean): Promise<TurnContestant> {
    const model = createScriptedModel({ turns: script.turns, loop: true });
    const id = rowId(runtime, memory);
    if (runtime === "mastra-direct") {
      if (!memory)
        return {
          id,
          runtime,
          memory,
          model,
          run: prepareMastraDirectRun(script, model),
          dispose: async () => {},
        };
      const directory = await tempDirectory("turn-mastra");
      const store = new LibSQLStore({ id: "bench-turn", url: `file:${path.join(directory, "mastra.db")}` });
      const mastraMemory = new Memory({
        storage: store,
        options: {
          lastMessages: options.lastMessages,
          semanticRecall: false,
          workingMemory: { enabled: false },
          generateTitle: false,
        },
      });
      return {
        id,
        runtime,
        memory,
        model,
        run: prepareMastraDirectRun(script, model, {
          memory: mastraMemory,
          thread: { thread: THREAD_ID, resource: RESOURCE_ID },
        }),
        async dispose() {
          try {
            await mastraMemory.settled();
            await store.close();
          } finally {
            await rm(directory, { recursive: true, force: true });
          }
        },
      };
    }
    let agentRuntime: AgentRuntime;
    if (runtime === "legacy") agentRuntime = createLegacyRuntime();
    else {
      const create = loadedMastraRuntime();
      if (!mastraRuntime.ok || !create) {
        throw new Error(
          `@flowmaestro/runtime-mastra: ${mastraRuntime.ok ? "not loaded" : mastraRuntime.reason}`,
        );
      }
      agentRuntime = create();
    }
    if (!memory)
      return {
        id,
        runtime,
        memory,
        model,
        run: prepareRuntimeRun(agentRuntime, script, model),
        dispose: async () => {},
      };
    const { createMemory, createLibsqlStorage } = await loadFlowMaestroMemory();
    const directory = await tempDirectory(`turn-${runtime}`);
    const storage = createLibsqlStorage({ url: `file:${path.join(directory, "agent.db")}` });
    const agentMemory = createMemory({
      storage,
      lastMessages: options.lastMessages,
      semanticRecall: false,
      workingMemory: false,
      summary: false,
    });
    return {
      id,
      runtime,
      memory,
      model,
      run: prepareRuntimeRun(agentRuntime, script, model, {
        memory: agentMemory,
        runOptions: { threadId: THREAD_ID, resourceId: RESOURCE_ID },
      }),
      async dispose() {
        try {
          await storage.close();
        } finally {
          await rm(directory, { recursive: true, force: true });
        }
      },
    };
  }

  const rows: MemoryRow[] = [];
  const built: TurnContestant[] = [];
  for (const [id, runtime, memory, make] of builders) {
    const row = emptyRow(id, `${TURN_RUNTIMES[runtime].label}, ${memory ? "memory" : "no memory"}`);
    row.detail = memory ? TURN_RUNTIMES[runtime].memory : "no memory";
    rows.push(row);
    const result: Built = await make().then(
      (contestant) => ({ ok: true as const, contestant }),
      (error: unknown) => ({ ok: false as const, reason: describeError(error) }),
    );
    if (!result.ok) {
      row.status = "unavailable";
      row.note = result.reason;
      log(`[bench]   ${row.label}: n/a (${result.reason})`);
      continue;
    }
    built.push(result.contestant);
  }

  // Warm threads: every memory contestant's thread holds more than `lastMessages` messages.
  const failed = new Map<string, string>();
  for (const contestant of built.filter((c) => c.memory)) {
    try {
      for (let run = 0; run < options.preloadRuns; run++) await contestant.run();
    } catch (error) {
      failed.set(contestant.id, `preload failed: ${describeError(error)}`);
    }
  }
  const contestants = new Map<string, Contestant>();
  for (const contestant of built) {
    if (failed.has(contestant.id)) continue;
    contestants.set(contestant.id, {
      id: contestant.id,
      run: contestant.run,
      model: contestant.model,
      totalMs: [],
      firstTextDeltaMs: [],
    });
  }
  await measureScenario(script, [...contestants.values()]);

  const promptSizes = new Map<string, number>();
  for (const contestant of built) {
    const calls = contestant.model.calls;
    const firstOfLastRun = calls[calls.length - script.turns.length];
    if (firstOfLastRun) promptSizes.set(contestant.id, firstOfLastRun.options.prompt.length);
  }
  for (const contestant of built) await contestant.dispose().catch(() => {});

  for (const row of rows) {
    if (row.status !== "ok") continue;
    const measured = contestants.get(row.id);
    const error = failed.get(row.id) ?? measured?.error;
    if (error !== undefined || !measured) {
      row.status = "error";
      row.note = error ?? "not measured";
      continue;
    }
    const promptMessages = promptSizes.get(row.id) ?? 0;
    row.figures.promptMessages = promptMessages;
    const [runtime, memory] = parseRowId(row.id);
    if (memory) {
      const twin = promptSizes.get(rowId(runtime, false));
      if (twin !== undefined && promptMessages <= twin) {
        row.status = "error";
        row.note = `memory sent no history: ${promptMessages} prompt message(s), as many as without memory`;
        continue;
      }
    }
    row.samples.turnMs = measured.totalMs;
    row.metrics.turnMs = summarizeMemory(measured.totalMs);
  }
  return {
    id: "turn",
    title: `Agent turn with memory vs without (2 steps: a tool call, then the answer; lastMessages ${options.lastMessages}, warm thread)`,
    rows,
    notes: [
      "Same scripted zero-latency model turns for all six contestants, sampled interleaved with the loop bench's sampler (warm-up, rounds, GC between batches, every run checked: model calls, steps, tool results, text).",
      `Memory: semantic recall, working memory, summaries and titles off on both sides; each memory contestant has its own libSQL file in a temp dir and one thread, preloaded with ${options.preloadRuns} runs (${options.preloadRuns * 4} messages) and growing by about 4 messages a run. "Prompt msgs": messages the model got in the first call of the last run (history + input).`,
      `\`lastMessages\` counts stored messages on both sides, but they store a run differently: FlowMaestro stores each model message (user, assistant tool call, tool result, answer), Mastra merges a run's assistant steps into one stored message, so the same ${options.lastMessages} send about ${options.lastMessages} model messages here and twice as many through @mastra/memory (see "prompt msgs").`,
      "FlowMaestro memory uses the same adapter as `createMemory()`'s default (`createLibsqlStorage()`, `file:./.flowmaestro/agent.db`), on a temp file so runs never share a thread.",
    ],
  };
}

async function loadFlowMaestroMemory(): Promise<{
  createMemory: (options: Record<string, unknown>) => AgentMemory;
  createLibsqlStorage: (options: { url: string }) => StorageAdapter;
}> {
  const root = (await import(MEMORY_PACKAGE)) as Record<string, unknown>;
  const libsql = (await import(MEMORY_LIBSQL)) as Record<string, unknown>;
  if (typeof root.createMemory !== "function")
    throw new Error(`${MEMORY_PACKAGE} does not export createMemory (not built yet?)`);
  if (typeof libsql.createLibsqlStorage !== "function") {
    throw new Error(`${MEMORY_LIBSQL} does not export createLibsqlStorage (not built yet?)`);
  }
  return {
    createMemory: root.createMemory as (options: Record<string, unknown>) => AgentMemory,
    createLibsqlStorage: libsql.createLibsqlStorage as (options: { url: string }) => StorageAdapter,
  };
}

export const rowId = (runtime: TurnRuntimeId, memory: boolean): string =>
  `${runtime}${memory ? "+memory" : ""}`;

function parseRowId(id: string): [TurnRuntimeId, boolean] {
  return [id.replace("+memory", "") as TurnRuntimeId, id.endsWith("+memory")];
}
