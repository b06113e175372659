import {
  type AgentMemory,
  type AgentRunOptions,
  type AgentRuntime,
  createAgent,
  defineTool,
} from "@flowmaestro/runtime";
import type { ScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import type { Runner, RunOutcome, ScenarioRun, ScenarioScript } from "../scenarios.js";

/** FlowMaestro's own ReAct loop, called the way hosts call it: `createAgent({ runtime })`. */
export const legacyRunner: Runner = {
  id: "legacy",
  label: "legacy runtime",
  calls: { generate: "agent.execute()", stream: "agent.stream() events (every event)" },
  load: async () => ({ ok: true }),
  prepare: (scenario, model) => prepareRuntimeRun(createLegacyRuntime(), scenario, model),
};

/**
 * One run through the `createAgent` facade on any `AgentRuntime`. The Mastra runtime runner uses
 * it too, so both runtimes are driven by exactly the same host code. The memory bench adds the
 * definition's `memory` and the run options (`threadId`, `resourceId`); nothing else changes.
 */
export function prepareRuntimeRun(
  runtime: AgentRuntime,
  scenario: ScenarioScript,
  model: ScriptedModel,
  extra: { memory?: AgentMemory; runOptions?: AgentRunOptions } = {},
): ScenarioRun {
  const { tool: benchTool } = scenario;
  const { runOptions } = extra;
  const agent = createAgent({
    runtime,
    name: "bench",
    instructions: scenario.instructions,
    model,
    maxIterations: scenario.maxSteps,
    ...(extra.memory ? { memory: extra.memory } : {}),
    tools: [
      defineTool({
        name: benchTool.name,
        description: benchTool.description,
        inputSchema: benchTool.inputSchema,
        execute: (input) => benchTool.execute(input),
      }),
    ],
  });

  if (scenario.mode === "generate") {
    return async (): Promise<RunOutcome> => {
      const result = await agent.execute(scenario.prompt, runOptions);
      if (result.status !== "completed")
        throw result.error ?? new Error(`Run ended with status ${result.status}.`);
      return {
        steps: result.steps.length,
        toolResults: result.steps.reduce((sum, step) => sum + step.toolResults.length, 0),
        text: result.text,
      };
    };
  }

  return async (): Promise<RunOutcome> => {
    const start = performance.now();
    let firstTextDeltaMs: number | undefined;
    let text = "";
    let steps = 0;
    let toolResults = 0;
    for await (const event of agent.stream(scenario.prompt, runOptions)) {
      switch (event.type) {
        case "text-delta":
          firstTextDeltaMs ??= performance.now() - start;
          text += event.delta;
          break;
        case "tool-result":
          toolResults++;
          break;
        case "step-end":
          steps++;
          break;
        case "error":
          throw event.error;
      }
    }
    return { steps, toolResults, text, ...(firstTextDeltaMs === undefined ? {} : { firstTextDeltaMs }) };
  };
}
