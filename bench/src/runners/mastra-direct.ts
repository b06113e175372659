import type { ScriptedModel } from "@flowmaestro/runtime/testing";
import { Agent } from "@mastra/core/agent";
import type { MastraModelConfig } from "@mastra/core/llm";
import { noopLogger } from "@mastra/core/logger";
import type { MastraMemory } from "@mastra/core/memory";
import { createTool } from "@mastra/core/tools";
import type { Runner, RunOutcome, ScenarioRun, ScenarioScript } from "../scenarios.js";

/** `@mastra/core` used directly, as a Mastra user would: the reference for the Mastra runtime. */
export const mastraDirectRunner: Runner = {
  id: "mastra-direct",
  label: "Mastra direct",
  calls: { generate: "Agent.generate({ maxSteps })", stream: "Agent.stream().fullStream (every chunk)" },
  load: async () => ({ ok: true }),
  prepare: (scenario, model) => prepareMastraDirectRun(scenario, model),
};

/**
 * One run of a Mastra `Agent` built the way a Mastra user builds it. The memory bench adds
 * `memory` (a `@mastra/memory` `Memory`) and the thread it runs on; nothing else changes.
 */
export function prepareMastraDirectRun(
  scenario: ScenarioScript,
  model: ScriptedModel,
  extra: { memory?: MastraMemory; thread?: { thread: string; resource: string } } = {},
): ScenarioRun {
  const { tool: benchTool } = scenario;
  const agent = new Agent({
    id: "bench",
    name: "bench",
    instructions: scenario.instructions,
    // Type-only: @mastra/core 1.71 bundles @ai-sdk/provider 4.0.17 types, which lack the
    // `interrupted` finish reason of the 4.0.38 types the scripted model is written against.
    model: model as unknown as MastraModelConfig,
    ...(extra.memory ? { memory: extra.memory } : {}),
    tools: {
      [benchTool.name]: createTool({
        id: benchTool.name,
        description: benchTool.description,
        inputSchema: benchTool.inputSchema,
        execute: (input: Record<string, number>) => benchTool.execute(input),
      }),
    },
  });
  // Logging is not what is measured, and its output would interleave with the report.
  agent.__setLogger(noopLogger);
  const options = { maxSteps: scenario.maxSteps, ...(extra.thread ? { memory: extra.thread } : {}) };

  if (scenario.mode === "generate") {
    return async (): Promise<RunOutcome> => {
      const result = await agent.generate(scenario.prompt, options);
      if (result.error) throw result.error;
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
    const output = await agent.stream(scenario.prompt, options);
    for await (const chunk of output.fullStream) {
      switch (chunk.type) {
        case "text-delta":
          firstTextDeltaMs ??= performance.now() - start;
          text += chunk.payload.text;
          break;
        case "tool-result":
          toolResults++;
          break;
        case "step-finish":
          steps++;
          break;
        case "error":
          throw chunk.payload.error;
      }
    }
    return { steps, toolResults, text, ...(firstTextDeltaMs === undefined ? {} : { firstTextDeltaMs }) };
  };
}
