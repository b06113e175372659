import { createAgent, defineTool } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { Mastra } from "@mastra/core/mastra";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createMastraRuntime } from "./create-mastra-runtime.js";

const add = defineTool({
  name: "add",
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

const toolSteps = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    toolCalls: [{ toolName: "add", input: { a: index, b: 1 } }],
  }));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createMastraRuntime", () => {
  it("reports its name", () => {
    expect(createMastraRuntime().name).toBe("mastra");
  });

  it("runs past Mastra's default of 5 steps up to maxIterations", async () => {
    const model = createScriptedModel({ turns: [...toolSteps(7), { text: "done" }] });
    const agent = createAgent({
      runtime: createMastraRuntime(),
      name: "long",
      model,
      tools: [add],
      maxIterations: 8,
    });
    const result = await agent.execute("Go");
    expect(result.status).toBe("completed");
    expect(result.steps).toHaveLength(8);
    model.assertAllTurnsUsed();
  });

  it("stops at maxIterations with status max_iterations", async () => {
    const model = createScriptedModel({ turns: toolSteps(3) });
    const agent = createAgent({
      runtime: createMastraRuntime(),
      name: "loop",
      model,
      tools: [add],
      maxIterations: 3,
    });
    const result = await agent.stream("Go").result;
    expect(result.status).toBe("max_iterations");
    expect(result.error?.code).toBe("MAX_ITERATIONS");
    expect(result.steps).toHaveLength(3);
    expect(result.steps[2]!.toolResults[0]!.output).toEqual({ sum: 3 });
  });

  it("builds one Mastra agent per definition and reuses it across runs and overrides", async () => {
    const runtime = createMastraRuntime();
    const first = createScriptedModel({ turns: [{ text: "a" }, { text: "b" }] });
    const second = createScriptedModel({ turns: [{ text: "c" }] });
    const agent = createAgent({
      runtime,
      name: "cached",
      instructions: "Base.",
      model: first,
      temperature: 0.1,
    });
    const mastraAgent = await runtime.getMastraAgent(agent.definition);
    expect(await runtime.getMastraAgent(agent.definition)).toBe(mastraAgent);

    await agent.execute("One");
    const overridden = await agent.execute("Two", {
      overrides: { instructions: "Override.", temperature: 0.9, maxOutputTokens: 7 },
    });
    const otherModel = await agent.execute("Three", { overrides: { model: second } });
    expect(await runtime.getMastraAgent(agent.definition)).toBe(mastraAgent);

    expect(overridden.text).toBe("b");
    const call = first.calls[1]!.options;
    expect(JSON.stringify(call.prompt)).toContain("Override.");
    expect(JSON.stringify(call.prompt)).not.toContain("Base.");
    expect(call.temperature).toBe(0.9);
    expect(call.maxOutputTokens).toBe(7);
    expect(otherModel.text).toBe("c");
    expect(second.calls).toHaveLength(1);
    expect(JSON.stringify(second.calls[0]!.options.prompt)).toContain("Base.");
  });

  it("sends the model the tool's JSON Schema unchanged, whatever the provider", async () => {
    const tool = defineTool({
      name: "profile",
      inputSchema: z.object({ age: z.int().min(0), nick: z.string().optional() }),
      execute: () => "ok",
    });
    const model = createScriptedModel({
      provider: "openai.chat",
      modelId: "gpt-4o",
      turns: [{ text: "ok" }],
    });
    const agent = createAgent({ runtime: createMastraRuntime(), name: "schema", model, tools: [tool] });
    await agent.execute("Hi");
    const spec = model.calls[0]!.options.tools?.[0];
    expect(spec).toEqual({
      type: "function",
      name: "profile",
      inputSchema: tool.forProvider?.("openai.chat")?.jsonSchema ?? tool.jsonSchema,
      ...(tool.forProvider?.("openai.chat")?.strict ? { strict: true } : {}),
    });
  });

  it("passes the model's arguments to the tool untouched (Mastra strips `resumeData`)", async () => {
    const seen: unknown[] = [];
    const tool = defineTool({
      name: "resume",
      inputSchema: z.object({ resumeData: z.string() }),
      execute: (input) => {
        seen.push(input);
        return "ok";
      },
    });
    const model = createScriptedModel({
      turns: [{ toolCalls: [{ toolName: "resume", input: { resumeData: "x" } }] }, { text: "done" }],
    });
    const agent = createAgent({ runtime: createMastraRuntime(), name: "resume", model, tools: [tool] });
    const result = await agent.execute("Go");
    expect(result.steps[0]!.toolResults[0]!.isError).toBe(false);
    expect(seen).toEqual([{ resumeData: "x" }]);
  });

  it("does not write to the console", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    const model = createScriptedModel({
      turns: [
        {
          toolCalls: [
            { toolName: "add", input: '{"a":' },
            { toolName: "nope", input: {} },
          ],
        },
        { error: Object.assign(new Error("Bad request"), { statusCode: 400 }) },
      ],
    });
    const agent = createAgent({ runtime: createMastraRuntime(), name: "quiet", model, tools: [add] });
    const result = await agent.execute("Go");
    expect(result.status).toBe("failed");
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it("aborts without waiting for a tool that ignores the signal", async () => {
    const controller = new AbortController();
    const stuck = defineTool({
      name: "stuck",
      inputSchema: z.object({}),
      execute: () => {
        controller.abort();
        return new Promise(() => {});
      },
    });
    const model = createScriptedModel({ turns: [{ toolCalls: [{ toolName: "stuck", input: {} }] }] });
    const agent = createAgent({ runtime: createMastraRuntime(), name: "stuck", model, tools: [stuck] });
    const events: string[] = [];
    const result = await agent.execute("Go", {
      signal: controller.signal,
      onEvent: (event) => void events.push(event.type),
    });
    expect(result.status).toBe("aborted");
    expect(result.finishReason).toBe("interrupted");
    expect(events.at(-1)).toBe("run-end");
  });

  it("attaches its agents to a host's Mastra instance, whose logger then receives Mastra's logs", async () => {
    const logs: unknown[][] = [];
    const record =
      (level: string) =>
      (...args: unknown[]) =>
        void logs.push([level, ...args]);
    const empty = async () => ({ logs: [], total: 0, page: 1, perPage: 100, hasMore: false });
    const logger = {
      debug: record("debug"),
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
      trackException: () => {},
      getTransports: () => new Map(),
      listLogs: empty,
      listLogsByRunId: empty,
    };
    const mastra = new Mastra({ logger: logger as never });
    const runtime = createMastraRuntime({ mastra });
    const model = createScriptedModel({
      turns: [{ toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }] }, { text: "3" }],
    });
    const agent = createAgent({ runtime, name: "hosted", model, tools: [add] });
    const result = await agent.execute("Go");
    expect(result.status).toBe("completed");
    expect(result.text).toBe("3");
    expect((await runtime.getMastraAgent(agent.definition)).getMastraInstance()).toBe(mastra);
    expect(logs.length).toBeGreaterThan(0);
  });
});
