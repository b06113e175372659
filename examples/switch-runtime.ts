/**
 * One agent definition answering on both runtimes: our legacy loop and Mastra. The runtime is one
 * option; `createRuntimeRouter` picks it per agent from a flag; a conversation started on one
 * runtime continues on the other.
 *
 * Run: npm run example:runtimes   (real model when OPENAI_API_KEY is set, scripted otherwise)
 */
import { createAgent, createRuntimeRouter, defineTool, type ModelReference } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { z } from "zod";
import { pickModel } from "./lib/pick-model.js";
import { run } from "./lib/run.js";

const exchangeRate = defineTool({
  name: "exchange_rate",
  description: "Exchange rate between two currencies.",
  inputSchema: z.object({ from: z.string().length(3), to: z.string().length(3) }),
  execute: ({ from, to }) => ({ from, to, rate: from === "EUR" && to === "USD" ? 1.08 : 1 }),
});

/** The same scripted conversation for every run: ask the tool, then answer from its result. */
function scripted(): ModelReference {
  return createScriptedModel({
    loop: true,
    turns: [
      { toolCalls: [{ toolName: "exchange_rate", input: { from: "EUR", to: "USD" } }] },
      (call) => {
        const rate = /"rate":([\d.]+)/.exec(JSON.stringify(call.prompt))?.[1];
        return { text: [`100 EUR is about `, `${Math.round(100 * Number(rate))} USD `, `(rate ${rate}).`] };
      },
    ],
  });
}

run(async () => {
  const definition = {
    name: "fx-assistant",
    instructions: "Answer currency questions using the exchange_rate tool.",
    model: pickModel(scripted),
    tools: [exchangeRate],
  };
  const legacy = createLegacyRuntime();
  const mastra = createMastraRuntime();

  for (const runtime of [legacy, mastra]) {
    const agent = createAgent({ ...definition, runtime });
    const result = await agent.execute("How much is 100 EUR in USD?");
    console.log(
      `${runtime.name.padEnd(6)} → ${result.text}  [${result.status}, ${result.steps.length} steps]`,
    );
  }

  // Per-agent selection from a flag, e.g. a column of the agent's row or a feature flag service.
  const useMastra = new Set(["fx-assistant"]);
  const router = createRuntimeRouter({
    runtimes: { legacy, mastra },
    select: (agentDefinition) => (useMastra.has(agentDefinition.id) ? "mastra" : "legacy"),
  });
  const agent = createAgent({ ...definition, runtime: router });
  const first = await agent.execute("How much is 100 EUR in USD?");
  console.log(`router → mastra: ${first.text}`);

  // Continue the same conversation on the other runtime.
  useMastra.delete("fx-assistant");
  const history = [{ role: "user" as const, content: "How much is 100 EUR in USD?" }, ...first.messages];
  const second = await agent.execute([...history, { role: "user", content: "And again, please?" }]);
  console.log(`router → legacy, same conversation: ${second.text}`);
});
