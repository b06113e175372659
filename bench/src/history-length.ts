import { createAgent, defineTool } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import type { ModelMessage } from "ai";
import { z } from "zod";
import { summarize } from "./measure.js";

const HISTORY_LENGTHS = [0, 1_000] as const;
const SHORT = 10;
const LONG = 20;
const WARMUP = 200;

/**
 * The legacy loop's cost per step with an empty history and with 1,000 prior messages. Each model
 * call gets its own copy of the prompt (so a model that keeps it never sees it change); the cost
 * of a step must still not grow with the conversation, because messages are converted once per
 * run, not per step. Measured as the marginal cost of a step: (a 20-step run − a 10-step run) / 10,
 * which leaves out what a run pays once (validating and converting its input).
 */
export async function measureHistoryLength(quick: boolean): Promise<string> {
  const add = defineTool({
    name: "add",
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => ({ sum: a + b }),
  });
  const script = (steps: number) => [
    ...Array.from({ length: steps - 1 }, (_, index) => ({
      toolCalls: [{ toolName: "add", input: { a: index, b: 1 } }],
    })),
    { text: "done" },
  ];
  const runs = quick ? 30 : 400;
  const rows: string[] = [];
  const marginals: number[] = [];
  for (const length of HISTORY_LENGTHS) {
    const history: ModelMessage[] = Array.from({ length }, (_, index) =>
      index % 2 === 0
        ? { role: "user", content: `Question ${index}` }
        : { role: "assistant", content: [{ type: "text", text: `Answer ${index}` }] },
    );
    const input: ModelMessage[] = [...history, { role: "user", content: "Add some numbers." }];
    const agents = [SHORT, LONG].map((steps) =>
      createAgent({
        runtime: createLegacyRuntime(),
        name: "history",
        model: createScriptedModel({ turns: script(steps), loop: true }),
        maxIterations: steps,
        tools: [add],
      }),
    );
    // Interleaved, so warm-up and machine drift hit both run lengths alike.
    const totals: number[][] = [[], []];
    for (let run = 0; run < runs + WARMUP; run++) {
      for (const [index, agent] of agents.entries()) {
        const started = performance.now();
        await agent.execute(input);
        if (run >= WARMUP) totals[index]?.push(performance.now() - started);
      }
    }
    const medians = totals.map((values) => summarize(values).median);
    const marginal = ((medians[1] as number) - (medians[0] as number)) / (LONG - SHORT);
    marginals.push(marginal);
    rows.push(
      `| ${length.toLocaleString("en-US")} | ${(medians[0] as number).toFixed(3)} | ${(medians[1] as number).toFixed(3)} | ${marginal.toFixed(4)} |`,
    );
  }
  const ratio = (marginals[1] as number) / (marginals[0] as number);
  return [
    "## Legacy cost per step vs history length (tool loop, execute)",
    `| prior messages | ${SHORT}-step run ms (median) | ${LONG}-step run ms (median) | ms per extra step |`,
    "| --- | --- | --- | --- |",
    ...rows,
    `A step with 1,000 prior messages costs ${ratio.toFixed(2)}× a step with none (n = ${runs} runs each).`,
    "",
  ].join("\n");
}
