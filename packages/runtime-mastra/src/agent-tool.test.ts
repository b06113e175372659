import {
  type AgentEvent,
  type AgentRuntime,
  type AgentToolOutput,
  createAgent,
  defineTool,
  type RunResult,
} from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { expectValidEventOrder } from "@flowmaestro/runtime/testing/contract";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createMastraRuntime } from "./create-mastra-runtime.js";

// Agents as tools across runtimes: a router on one runtime delegating to an agent on the other
// must behave as on one runtime (same answer, usage rolled up, nested events in order).

const runtimes: Record<"legacy" | "mastra", () => AgentRuntime> = {
  legacy: () => createLegacyRuntime(),
  mastra: () => createMastraRuntime(),
};
type RuntimeName = keyof typeof runtimes;

const add = defineTool({
  name: "add",
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

/** The router's run with the expert on `inner`, in a mode; with its events. */
async function routed(outer: RuntimeName, inner: RuntimeName, mode: "execute" | "stream") {
  const expertModel = createScriptedModel({
    modelId: "expert-model",
    turns: [
      {
        toolCalls: [{ toolName: "add", input: { a: 20, b: 22 } }],
        usage: { inputTokens: 100, outputTokens: 50 },
      },
      { text: ["It is ", "42."], usage: { inputTokens: 120, outputTokens: 10 } },
    ],
  });
  const expert = createAgent({
    runtime: runtimes[inner](),
    name: "expert",
    model: expertModel,
    tools: [add],
  });
  const routerModel = createScriptedModel({
    modelId: "router-model",
    turns: [
      { toolCalls: [{ toolName: "expert", input: { message: "20 + 22?" }, toolCallId: "call_expert" }] },
      { text: "The expert says 42." },
    ],
  });
  const router = createAgent({
    runtime: runtimes[outer](),
    name: "router",
    model: routerModel,
    tools: [expert.asTool()],
  });
  const events: AgentEvent[] = [];
  let result: RunResult;
  if (mode === "execute") {
    result = await router.execute("20 + 22?", { onEvent: (event) => void events.push(event) });
  } else {
    const stream = router.stream("20 + 22?");
    for await (const event of stream) events.push(event);
    result = await stream.result;
  }
  return { result, events, routerModel, expertModel };
}

/** What must not depend on where each agent runs. */
function observable(run: Awaited<ReturnType<typeof routed>>) {
  const nested = run.events.flatMap((event) => (event.type === "subagent-event" ? [event.event.type] : []));
  return {
    status: run.result.status,
    text: run.result.text,
    usage: run.result.usage,
    nestedUsage: run.result.steps.map((step) => step.nestedUsage),
    messages: run.result.messages,
    answer: (run.result.steps[0]?.toolResults[0]?.output as AgentToolOutput | undefined)?.text,
    nested,
    routerPrompt: run.routerModel.calls[1]?.options.prompt,
  };
}

describe("agents as tools across runtimes", () => {
  for (const mode of ["execute", "stream"] as const) {
    it(`gives the same run whichever runtime each agent is on (${mode})`, async () => {
      const runs = {
        "legacy→legacy": await routed("legacy", "legacy", mode),
        "legacy→mastra": await routed("legacy", "mastra", mode),
        "mastra→legacy": await routed("mastra", "legacy", mode),
        "mastra→mastra": await routed("mastra", "mastra", mode),
      };
      const reference = observable(runs["legacy→legacy"]);
      expect(reference.status).toBe("completed");
      expect(reference.answer).toBe("It is 42.");
      // Router: 2 × (10 + 5); expert: (100 + 50) + (120 + 10).
      expect(reference.usage).toMatchObject({ inputTokens: 240, outputTokens: 70, totalTokens: 310 });
      for (const [pair, run] of Object.entries(runs)) {
        expectValidEventOrder(run.events);
        expect(observable(run), pair).toEqual(reference);
        expect(
          run.expertModel.calls.map((call) => call.method),
          pair,
        ).toEqual(mode === "stream" ? ["stream", "stream"] : ["generate", "generate"]);
      }
    });
  }
});
