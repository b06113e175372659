import { createAgent, defineTool } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import type { ModelMessage } from "ai";
import { z } from "zod";
import { summarize } from "./measure.js";

const STEPS = 10;
const HISTORY_LENGTHS = [0, 1_000] as const;

/**
 * The legacy loop's per-step cost with an empty history and with 1,000 prior messages: each model
 * call gets its own copy of the prompt (so a model that keeps it never sees it change), and the
 * cost per step must stay flat as the conversation grows (messages are converted once, not per step).
 */
export async function measureHistoryLength(quick: boolean): Promise<string> {
  const add = defineTool({
    name: "add",
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => ({ sum: a + b }),
  });
  const turns = [
    ...Array.from({ length: STEPS - 1 }, (_, index) => ({
      toolCalls: [{ toolName: "add", input: { a: index, b: 1 } }],
    })),
    { text: "done" },
  ];
  const rows: string[] = [];
  const medians: number[] = [];
  for (const length of HISTORY_LENGTHS) {
    const history: ModelMessage[] = Array.from({ length }, (_, index) =>
      index % 2 === 0
        ? { role: "user", content: `Question ${index}` }
        : { role: "assistant", content: [{ type: "text", text: `Answer ${index}` }] },
    );
    const input: ModelMessage[] = [...history, { role: "user", content: "Add some numbers." }];
    const agent = createAgent({
      runtime: createLegacyRuntime(),
      name: "history",
      model: createScriptedModel({ turns, loop: true }),
      maxIterations: STEPS,
      tools: [add],
    });
    const runs = quick ? 20 : 400;
    for (let warm = 0; warm < Math.min(50, runs); warm++) await agent.execute(input);
    const perStep: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const result = await agent.execute(input);
      perStep.push((performance.now() - started) / result.steps.length);
    }
    const summary = summarize(perStep);
    medians.push(summary.median);
    rows.push(
      `| ${length.toLocaleString("en-US")} | ${summary.median.toFixed(4)} | ${summary.p90.toFixed(4)} | ${summary.n} |`,
    );
  }
  const ratio = (medians[1] as number) / (medians[0] as number);
  return [
    "## Legacy per-step cost vs history length (10-step tool loop, execute)",
    "| prior messages | ms/step median | p90 | n |",
    "| --- | --- | --- | --- |",
    ...rows,
    `1,000 prior messages cost ${ratio.toFixed(2)}× an empty history per step (the first step converts the history once; each call copies the prompt array).`,
    "",
  ].join("\n");
}
