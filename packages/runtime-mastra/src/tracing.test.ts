import { type AgentRuntime, createAgent, defineTool } from "@flowmaestro/runtime";
import { createScriptedModel, type ScriptedTurn } from "@flowmaestro/runtime/testing";
import { createRecordingTracerProvider, spanTrees } from "@flowmaestro/runtime/testing/contract";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createMastraRuntime } from "./create-mastra-runtime.js";

// The spans of a run (docs/tracing.md) are checked on every runtime by the contract's tracing
// cases (mastra-runtime.contract.test.ts). Here: the legacy and the Mastra runtime emit the same
// span trees for the same scripts. Memory recall spans are the kit's (legacy runtime): this
// runtime runs memory with @mastra/memory inside Mastra's processors, so it has no single recall
// call to span.

/** Looks a word up; an empty word fails, as a tool whose backend is down would. */
const lookup = defineTool({
  name: "lookup",
  description: "Looks a word up",
  inputSchema: z.object({ word: z.string() }),
  execute: ({ word }) => {
    if (word === "") throw new Error("database is down");
    return { meaning: `meaning of ${word}` };
  },
});

const scenarios: Array<{ name: string; turns: () => ScriptedTurn[] }> = [
  { name: "plain answer", turns: () => [{ text: ["Hello", ", world."] }] },
  {
    name: "tool round trip",
    turns: () => [
      { toolCalls: [{ toolName: "lookup", input: { word: "tea" } }] },
      { text: ["Tea is ", "a drink."] },
    ],
  },
  {
    name: "tool errors",
    turns: () => [
      {
        toolCalls: [
          { toolName: "lookup", input: { word: "" } },
          { toolName: "lookup", input: '{"word": "te' },
          { toolName: "fly", input: {} },
        ],
      },
      { text: "All failed." },
    ],
  },
  {
    name: "retry, then a failed call",
    turns: () => [
      { error: Object.assign(new Error("Too many requests"), { statusCode: 429 }) },
      { toolCalls: [{ toolName: "lookup", input: { word: "a" } }] },
      { error: Object.assign(new Error("Unauthorized"), { statusCode: 401 }) },
    ],
  },
];

/** The span trees of one run of `turns` on `runtime`, recorded by the contract's recording tracer. */
async function treesOfRun(
  runtime: AgentRuntime,
  turns: ScriptedTurn[],
  options: { mode: "execute" | "stream"; recordContent: boolean },
) {
  const tracerProvider = createRecordingTracerProvider();
  const agent = createAgent({
    runtime,
    id: "agent-1",
    name: "helper",
    instructions: "Be brief.",
    model: createScriptedModel({ provider: "openai.chat", modelId: "gpt-test", turns }),
    tools: [lookup],
    temperature: 0.3,
    retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1 },
    tracing: { tracerProvider, recordContent: options.recordContent },
  });
  if (options.mode === "execute") {
    await agent.execute("What does tea mean?");
  } else {
    const stream = agent.stream("What does tea mean?");
    for await (const _event of stream) {
      // drain
    }
    await stream.result;
  }
  expect(tracerProvider.problems).toEqual([]);
  return spanTrees(tracerProvider.finishedSpans());
}

describe("the same spans on the legacy and the Mastra runtime", () => {
  for (const mode of ["execute", "stream"] as const) {
    for (const recordContent of [false, true]) {
      for (const scenario of scenarios) {
        it(`${scenario.name} (${mode}, recordContent ${recordContent})`, async () => {
          const options = { mode, recordContent };
          const legacy = await treesOfRun(createLegacyRuntime(), scenario.turns(), options);
          const mastra = await treesOfRun(createMastraRuntime(), scenario.turns(), options);
          expect(legacy).toHaveLength(1);
          expect(legacy[0]?.children.length).toBeGreaterThan(0);
          expect(mastra).toEqual(legacy);
        });
      }
    }
  }
});
