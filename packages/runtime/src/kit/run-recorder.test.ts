import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AgentEvent } from "../events/agent-event.js";
import type { ToolResultRecord } from "../run-result.js";
import { IMAGE_CONTENT, imageTool, PIXEL } from "../testing/contract/image-tool.js";
import type { AgentTool, ToolExecutionContext } from "../tools/agent-tool.js";
import { defineTool } from "../tools/define-tool.js";
import { executeToolCall } from "./execute-tool-call.js";
import {
  fromStoredResult,
  RunRecorder,
  type RunRecorderOptions,
  type StoredToolResult,
  toStoredResult,
} from "./run-recorder.js";
import { decodeJson, encodeJson } from "./suspended-run.js";
import { toToolResultOutput } from "./tool-result-output.js";
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

describe("stored tool results (suspended runs)", () => {
  const text = defineTool({ name: "text", inputSchema: z.object({}), execute: () => "plain" });
  const json = defineTool({ name: "json", inputSchema: z.object({}), execute: () => ({ n: 1 }) });
  const scope = {
    tools: new Map([imageTool, text, json].map((tool) => [tool.name, tool as AgentTool])),
    runId: "run_1",
    agentId: "agent",
    signal: undefined,
    messages: [],
    context: {},
  };
  /** Through the codec and a JSON store, as a suspended run is. */
  const roundTrip = (record: ToolResultRecord) =>
    fromStoredResult(
      decodeJson(JSON.parse(JSON.stringify(encodeJson(toStoredResult(record))))) as StoredToolResult,
    );

  it("keeps image content for the model and the tool's own output", async () => {
    const record = await executeToolCall({ toolCallId: "c1", toolName: "snapshot", input: {} }, scope);
    expect(toToolResultOutput(record)).toEqual(IMAGE_CONTENT);
    const restored = roundTrip(record);
    expect(toToolResultOutput(restored)).toEqual(IMAGE_CONTENT);
    expect(restored.output).toEqual({ caption: "A red pixel.", png: PIXEL });
  });

  it("keeps text and JSON outputs as before, and reads records stored without the tool's output", async () => {
    for (const [name, output, model] of [
      ["text", "plain", { type: "text", value: "plain" }],
      ["json", { n: 1 }, { type: "json", value: { n: 1 } }],
    ] as const) {
      const record = await executeToolCall({ toolCallId: "c1", toolName: name, input: {} }, scope);
      const stored = toStoredResult(record);
      expect(stored).not.toHaveProperty("toolOutput");
      const restored = roundTrip(record);
      expect(restored.output).toEqual(output);
      expect(toToolResultOutput(restored)).toEqual(model);
    }
    const older = fromStoredResult({
      toolCallId: "c1",
      toolName: "json",
      input: {},
      isError: false,
      output: { type: "json", value: { n: 1 } },
    });
    expect(older.output).toEqual({ n: 1 });
  });
});

describe("RunRecorder nested runs (context.run)", () => {
  /** A tool that reports through its hooks what the test tells it to, then waits to be released. */
  function nestingTool() {
    const calls: Array<{ context: ToolExecutionContext; release: (value: unknown) => void }> = [];
    const tool = defineTool({
      name: "nest",
      inputSchema: z.object({}),
      execute: (_input, context) =>
        new Promise((release) => {
          calls.push({ context, release });
        }),
    });
    return { tool, calls };
  }

  function recorderFor(tool: AgentTool, events: AgentEvent[], extra: Partial<RunRecorderOptions> = {}) {
    const recorder = new RunRecorder({
      runId: "run_outer",
      agentId: "agent",
      runtime: "test",
      input: [{ role: "user", content: "Hi" }],
      emit: (event) => void events.push(event),
      tools: new Map([[tool.name, tool]]),
      signal: new AbortController().signal,
      context: {},
      resourceId: "user-1",
      depth: 2,
      streaming: true,
      maxToolInputDepth: 64,
      provider: () => "scripted",
      costOf: () => 0.5,
      ...extra,
    });
    recorder.start();
    recorder.startStep({ provider: "scripted", modelId: "m" });
    recorder.toolCall({ toolCallId: "call_1", toolName: tool.name, input: "{}" });
    recorder.endModelTurn({ finishReason: "tool-calls", usage: { ...EMPTY_USAGE, totalTokens: 3 } });
    return recorder;
  }

  const usage = {
    inputTokens: 7,
    outputTokens: 3,
    totalTokens: 10,
    reasoningTokens: 0,
    cachedInputTokens: 0,
  };

  it("hands the call its depth, streaming and resourceId; counts nested usage in the run and its step", async () => {
    const { tool, calls } = nestingTool();
    const events: AgentEvent[] = [];
    const recorder = recorderFor(tool, events);
    await Promise.resolve();
    const [call] = calls;
    expect(call?.context.resourceId).toBe("user-1");
    expect(call?.context.run).toMatchObject({ depth: 2, streaming: true });
    call?.context.run?.addUsage(usage, 0.25);
    call?.context.run?.addUsage(usage, 0.25);
    call?.context.run?.emit({
      type: "run-start",
      runId: "run_inner",
      agentId: "inner",
      runtime: "test",
      resumed: false,
    });
    call?.release("done");
    expect(await recorder.toolsSettled()).toBe(true);
    // After its outcome the call's nested events are dropped; usage still counts while the run goes on.
    call?.context.run?.emit({ type: "run-end", runId: "run_inner" } as AgentEvent);
    const step = recorder.endStep();
    expect(step.usage.totalTokens).toBe(3);
    expect(step.nestedUsage).toEqual({ ...usage, inputTokens: 14, outputTokens: 6, totalTokens: 20 });
    expect(step.nestedCostUsd).toBe(0.5);
    call?.context.run?.addUsage(usage, 1);
    const result = recorder.finish("completed");
    expect(result.usage.totalTokens).toBe(33);
    expect(result.costUsd).toBe(0.5 + 0.5 + 1);
    // Once the run is over, nothing counts any more.
    call?.context.run?.addUsage(usage, 1);
    expect(result.usage.totalTokens).toBe(33);
    const nested = events.filter((event) => event.type === "subagent-event");
    expect(nested).toEqual([
      {
        type: "subagent-event",
        runId: "run_outer",
        step: 0,
        toolCallId: "call_1",
        toolName: "nest",
        event: { type: "run-start", runId: "run_inner", agentId: "inner", runtime: "test", resumed: false },
      },
    ]);
  });

  it("counts malformed usage reports as 0 and an invalid cost as unpriced", async () => {
    const { tool, calls } = nestingTool();
    const recorder = recorderFor(tool, []);
    await Promise.resolve();
    calls[0]?.context.run?.addUsage({ inputTokens: Number.NaN, totalTokens: -1 } as never, Number.NaN);
    calls[0]?.release("done");
    await recorder.toolsSettled();
    const step = recorder.endStep();
    expect(step.nestedUsage).toEqual(EMPTY_USAGE);
    expect(step.nestedCostUsd).toBeUndefined();
    expect(recorder.finish("completed").costUsd).toBeUndefined();
  });
});

describe("RunRecorder with an executeTool wrapper", () => {
  const echo = defineTool({
    name: "echo",
    inputSchema: z.object({ text: z.string() }),
    execute: ({ text }) => ({ echoed: text }),
  });
  const recorderWrapping = (executeTool: RunRecorderOptions["executeTool"]) => {
    const recorder = new RunRecorder({
      runId: "run_1",
      agentId: "agent",
      runtime: "test",
      input: [{ role: "user", content: "Hi" }],
      tools: new Map([[echo.name, echo]]),
      signal: new AbortController().signal,
      context: {},
      maxToolInputDepth: 64,
      provider: () => "scripted",
      executeTool,
    });
    recorder.start();
    recorder.startStep({ provider: "scripted", modelId: "m" });
    return recorder;
  };

  it("calls the wrapper synchronously, in call order, and records what it returns", async () => {
    const seen: string[] = [];
    const recorder = recorderWrapping((call, execute) => {
      seen.push(call.toolCallId);
      if (call.toolCallId === "call_2") {
        // A recorded outcome, returned without running the tool.
        return Promise.resolve({ ...call, isError: false, output: { echoed: "recorded" } });
      }
      return execute();
    });
    recorder.toolCall({ toolCallId: "call_1", toolName: "echo", input: '{"text":"a"}' });
    recorder.toolCall({ toolCallId: "call_2", toolName: "echo", input: '{"text":"b"}' });
    expect(seen).toEqual(["call_1", "call_2"]);
    recorder.endModelTurn({ finishReason: "tool-calls", usage: EMPTY_USAGE });
    expect(await recorder.toolsSettled()).toBe(true);
    const step = recorder.endStep();
    expect(step.toolResults.map((record) => record.output)).toEqual([
      { echoed: "a" },
      { echoed: "recorded" },
    ]);
  });

  it("turns a wrapper that throws or rejects into the call's TOOL_EXECUTION_FAILED outcome", async () => {
    const recorder = recorderWrapping((call) => {
      if (call.toolCallId === "call_1") throw new Error("wrapper broke");
      return Promise.reject(new Error("step store down"));
    });
    recorder.toolCall({ toolCallId: "call_1", toolName: "echo", input: '{"text":"a"}' });
    recorder.toolCall({ toolCallId: "call_2", toolName: "echo", input: '{"text":"b"}' });
    recorder.endModelTurn({ finishReason: "tool-calls", usage: EMPTY_USAGE });
    expect(await recorder.toolsSettled()).toBe(true);
    const step = recorder.endStep();
    expect(step.toolResults.map((record) => [record.isError, record.error?.code])).toEqual([
      [true, "TOOL_EXECUTION_FAILED"],
      [true, "TOOL_EXECUTION_FAILED"],
    ]);
    expect(step.toolResults[1]?.error?.message).toContain("step store down");
  });
});
