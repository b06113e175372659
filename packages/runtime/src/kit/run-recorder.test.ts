import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../tools/define-tool.js";
import { RunRecorder } from "./run-recorder.js";
import { EMPTY_USAGE } from "./usage.js";

const stuck = defineTool({
  name: "stuck",
  inputSchema: z.object({}),
  // Ignores its signal and never settles.
  execute: () => new Promise<never>(() => {}),
});

function recorderWith(signal: AbortSignal) {
  const recorder = new RunRecorder({
    runId: "run_1",
    agentId: "agent",
    runtime: "test",
    input: [{ role: "user", content: "Hi" }],
    tools: new Map([[stuck.name, stuck]]),
    signal,
    context: {},
    maxToolInputDepth: 64,
    provider: () => "scripted",
  });
  recorder.start();
  recorder.startStep({ provider: "scripted", modelId: "m" });
  recorder.toolCall({ toolCallId: "call_1", toolName: "stuck", input: "{}" });
  recorder.endModelTurn({ finishReason: "tool-calls", usage: EMPTY_USAGE });
  return recorder;
}

describe("RunRecorder with a tool that ignores the abort", () => {
  it("stops waiting for the step's outcomes when the run's signal fires", async () => {
    const controller = new AbortController();
    const recorder = recorderWith(controller.signal);
    const settled = recorder.toolsSettled();
    controller.abort();
    expect(await settled).toBe(false);
  });

  it("gives the call its ABORTED outcome when the run ends, through outcomeOf too", async () => {
    const recorder = recorderWith(new AbortController().signal);
    const outcome = recorder.outcomeOf("call_1");
    const result = recorder.finish("aborted");
    expect(await outcome).toMatchObject({ toolCallId: "call_1", isError: true, error: { code: "ABORTED" } });
    expect(result.steps[0]!.toolResults).toHaveLength(1);
    expect(result.messages).toEqual([]);
    expect(recorder.outcomeOf("unknown")).toBeUndefined();
  });
});
