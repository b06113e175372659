import { generateText, isStepCount, streamText, type ToolSet, tool } from "ai";
import type { Runner, RunOutcome } from "../scenarios.js";

/**
 * The baseline: the `ai` SDK's own tool loop (`generateText`/`streamText` with `stopWhen`).
 * `isStepCount` is ai@7's name for `stepCountIs` (still exported as an alias).
 */
export const aiLoopRunner: Runner = {
  id: "ai-loop",
  label: "ai loop",
  calls: { generate: "generateText()", stream: "streamText().stream (every part)" },
  load: async () => ({ ok: true }),
  prepare(scenario, model) {
    const { tool: benchTool } = scenario;
    const tools: ToolSet = {
      [benchTool.name]: tool({
        description: benchTool.description,
        inputSchema: benchTool.inputSchema,
        execute: (input: Record<string, number>) => benchTool.execute(input),
      }),
    };
    const common = {
      model,
      instructions: scenario.instructions,
      prompt: scenario.prompt,
      tools,
      stopWhen: isStepCount(scenario.maxSteps),
    };

    if (scenario.mode === "generate") {
      return async (): Promise<RunOutcome> => {
        const result = await generateText(common);
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
      const result = streamText(common);
      for await (const part of result.stream) {
        switch (part.type) {
          case "text-delta":
            firstTextDeltaMs ??= performance.now() - start;
            text += part.text;
            break;
          case "tool-result":
            toolResults++;
            break;
          case "finish-step":
            steps++;
            break;
          case "error":
            throw part.error;
        }
      }
      return { steps, toolResults, text, ...(firstTextDeltaMs === undefined ? {} : { firstTextDeltaMs }) };
    };
  },
};
