import { createAgent, defineTool } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { z } from "zod";

/** Text deltas of the first model turn (before its tool call). */
export const FIRST_DELTAS = Array.from({ length: 200 }, (_, index) => `a${index} `);
/** Text deltas of the second model turn (the answer). */
export const SECOND_DELTAS = Array.from({ length: 300 }, (_, index) => `b${index} `);

/**
 * A legacy-runtime agent on a scripted model: many text deltas, a call of `wait` (which runs
 * `execute`), then many more text deltas. Tests decide when the tool returns.
 */
export function createTestAgent(execute: () => Promise<unknown> | unknown) {
  const model = createScriptedModel({
    turns: [
      {
        text: FIRST_DELTAS,
        toolCalls: [{ toolName: "wait", input: { reason: "test" }, toolCallId: "call_wait" }],
      },
      { text: SECOND_DELTAS },
    ],
  });
  const wait = defineTool({
    name: "wait",
    description: "Waits for the test.",
    inputSchema: z.object({ reason: z.string() }),
    execute: async () => ({ done: true, at: new Date("2026-12-02T00:00:00.000Z"), output: await execute() }),
  });
  return createAgent({ runtime: createLegacyRuntime(), name: "follower-test", model, tools: [wait] });
}
