import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import { expect } from "vitest";
import { z } from "zod";
import type { AgentRuntime } from "../../agent-runtime.js";
import { type Agent, type CreateAgentOptions, createAgent } from "../../create-agent.js";
import type { AgentEvent, SubagentEvent } from "../../events/agent-event.js";
import type { RunResult } from "../../run-result.js";
import type { AgentToolOutput } from "../../tools/agent-as-tool.js";
import type { AgentTool, ToolExecutionContext } from "../../tools/agent-tool.js";
import { defineTool } from "../../tools/define-tool.js";
import { createInMemoryRunStore } from "../in-memory-run-store.js";
import { createScriptedModel, type ScriptedModel, type ScriptedTurn } from "../scripted-model.js";
import type { ContractContext } from "./contract-context.js";
import { expectValidEventOrder } from "./expect-valid-event-order.js";
import { IMAGE_CONTENT, imageTool, PIXEL } from "./image-tool.js";
import { MODES, runIn } from "./run-in.js";

/** Names of the agents-as-tools and tool model output cases, for `skip`. */
export type AgentToolContractCase =
  | "agent as tool: router delegates to an inner agent"
  | "agent as tool: usage and cost rolled up"
  | "agent as tool: nested usage counts in the budget"
  | "agent as tool: inner events nested under the call"
  | "agent as tool: inner run streams when the outer does"
  | "agent as tool: abort passes down"
  | "agent as tool: depth limit"
  | "agent as tool: agents calling each other stop at maxDepth"
  | "agent as tool: inner failure is a tool error"
  | "agent as tool: called outside a run"
  | "tool model output: text from toModelOutput"
  | "tool model output: image content reaches the next prompt"
  | "tool model output: invalid toModelOutput is a tool error"
  | "tool model output: content survives a suspended run";

const OUTER_PRICE = { input: 1, output: 2 };
const INNER_PRICE = { input: 10, output: 20 };

/** A part of a prompt or message, loosely typed for assertions. */
interface Part {
  type: string;
  toolCallId?: string;
  output?: { type: string; value?: unknown };
}

/** The tool results of a prompt or conversation, by tool call id. */
function toolResultsOf(messages: LanguageModelV4Prompt | readonly ModelMessage[]): Map<string, Part> {
  const results = new Map<string, Part>();
  for (const message of messages) {
    if (message.role !== "tool") continue;
    for (const part of message.content as Part[]) {
      if (part.type === "tool-result" && part.toolCallId) results.set(part.toolCallId, part);
    }
  }
  return results;
}

/** The nested runs' events of a run, by tool call id. */
function nestedEvents(events: readonly AgentEvent[]): Map<string, AgentEvent[]> {
  const byCall = new Map<string, AgentEvent[]>();
  for (const event of events) {
    if (event.type !== "subagent-event") continue;
    const list = byCall.get(event.toolCallId) ?? [];
    list.push(event.event);
    byCall.set(event.toolCallId, list);
  }
  return byCall;
}

/** A runtime whose finished runs are recorded (to look at inner runs an agent tool started). */
function recording(runtime: AgentRuntime): { runtime: AgentRuntime; results: RunResult[] } {
  const results: RunResult[] = [];
  const keep = (result: RunResult) => {
    results.push(result);
    return result;
  };
  return {
    results,
    runtime: {
      ...runtime,
      specificationVersion: "v1",
      name: runtime.name,
      execute: (definition, input, options) => runtime.execute(definition, input, options).then(keep),
      stream: (definition, input, options) => {
        const stream = runtime.stream(definition, input, options);
        void stream.result.then(keep);
        return stream;
      },
    },
  };
}

/** A tool execution context of a host calling a tool itself (no run around it). */
function hostContext(overrides: Partial<ToolExecutionContext> = {}): ToolExecutionContext {
  return {
    toolCallId: "host-call",
    runId: "host-run",
    agentId: "host",
    signal: new AbortController().signal,
    messages: [],
    context: {},
    resourceId: undefined,
    ...overrides,
  };
}

/**
 * The contract's agents-as-tools cases (`agent.asTool()`: the router pattern, usage and cost rolled
 * into the calling run, nested events, abort, depth limit, inner failures) and tool model output
 * cases (`toModelOutput`: text, and images as content parts in the next prompt, in messages and in
 * a suspended run). The inner agents run on fresh instances of the same runtime.
 * @internal
 */
export function describeAgentToolCases(context: ContractContext): void {
  // Case names outside `AgentRuntimeContractCase` until the union lists them.
  const test = context.test as unknown as (
    caseName: AgentToolContractCase,
    body: () => Promise<void>,
  ) => void;
  const runtime = () => context.options.createRuntime();

  /** An agent on a fresh runtime with its own scripted model. */
  const agentOf = async (
    name: string,
    turns: readonly ScriptedTurn[],
    extra: Partial<Omit<CreateAgentOptions, "runtime" | "model" | "name">> = {},
    on?: AgentRuntime,
  ): Promise<{ agent: Agent; model: ScriptedModel }> => {
    const model = createScriptedModel({ turns, modelId: `${name}-model` });
    const agent = createAgent({ runtime: on ?? (await runtime()), name, model, ...extra });
    return { agent, model };
  };

  const delegate = (message: string, toolCallId = "call_delegate") => ({
    toolCalls: [{ toolName: "expert", input: { message }, toolCallId }],
  });

  test("agent as tool: router delegates to an inner agent", async () => {
    for (const mode of MODES) {
      const { agent: expert, model: expertModel } = await agentOf("expert", [{ text: "It is 42." }], {
        instructions: "You are careful.",
      });
      const tool = expert.asTool();
      expect(tool.name).toBe("expert");
      expect(tool.description).toContain('"expert"');
      expect(tool.jsonSchema.required).toEqual(["message"]);
      expect(Object.keys(tool.jsonSchema.properties ?? {})).toEqual(["message"]);
      const { agent: router, model: routerModel } = await agentOf(
        "router",
        [delegate("What is six times seven?"), { text: "The expert says 42." }],
        { tools: [tool] },
      );
      const { result, events } = await runIn(mode, router, "Hard question: 6 × 7?", {
        context: { tenantId: "acme" },
        resourceId: "user-1",
      });
      expect(result.status).toBe("completed");
      expect(result.text).toBe("The expert says 42.");
      // The inner agent got the message as its input, with its own instructions.
      const innerPrompt = expertModel.calls[0]?.options.prompt ?? [];
      expect(innerPrompt[0]).toMatchObject({ role: "system", content: "You are careful." });
      expect(JSON.stringify(innerPrompt.slice(1))).toContain("What is six times seven?");
      expect(JSON.stringify(innerPrompt)).not.toContain("Hard question");
      // The router's model sees the answer text; the event and the step keep the whole output.
      const seen = toolResultsOf(routerModel.calls[1]?.options.prompt ?? []).get("call_delegate");
      expect(seen?.output).toEqual({ type: "text", value: "It is 42." });
      expect(toolResultsOf(result.messages).get("call_delegate")?.output).toEqual({
        type: "text",
        value: "It is 42.",
      });
      const output = result.steps[0]?.toolResults[0]?.output as AgentToolOutput;
      expect(output).toMatchObject({ text: "It is 42.", status: "completed" });
      expect(output.runId).toMatch(/^run_/);
      expect(output.runId).not.toBe(result.runId);
      expect(output.usage.totalTokens).toBe(15);
      const toolResult = events.find((event) => event.type === "tool-result");
      expect(toolResult?.type === "tool-result" && toolResult.output).toEqual(output);
      expectValidEventOrder(events);
      routerModel.assertAllTurnsUsed();
      expertModel.assertAllTurnsUsed();
    }
  });

  test("agent as tool: usage and cost rolled up", async () => {
    for (const mode of MODES) {
      const { agent: expert } = await agentOf(
        "expert",
        [{ text: "Deep answer.", usage: { inputTokens: 100, outputTokens: 50 } }],
        { pricing: { "scripted/expert-model": INNER_PRICE } },
      );
      const { agent: router } = await agentOf("router", [delegate("Think hard."), { text: "Done." }], {
        tools: [expert.asTool()],
        pricing: { "scripted/router-model": OUTER_PRICE },
      });
      const { result, events } = await runIn(mode, router, "Go");
      expect(result.status).toBe("completed");
      const [first, second] = result.steps;
      // Each step's usage is its own model call; the nested run is beside it.
      expect(first?.usage).toMatchObject({ inputTokens: 10, outputTokens: 5, totalTokens: 15 });
      expect(first?.nestedUsage).toMatchObject({ inputTokens: 100, outputTokens: 50, totalTokens: 150 });
      expect(first?.nestedCostUsd).toBeCloseTo((100 * 10 + 50 * 20) / 1e6, 12);
      expect(second?.nestedUsage).toBeUndefined();
      // The run's totals: own plus inner.
      expect(result.usage).toMatchObject({ inputTokens: 120, outputTokens: 60, totalTokens: 180 });
      expect(result.costUsd).toBeCloseTo((20 * 1 + 10 * 2 + 100 * 10 + 50 * 20) / 1e6, 12);
      const output = first?.toolResults[0]?.output as AgentToolOutput;
      expect(output.usage.totalTokens).toBe(150);
      expect(output.costUsd).toBeCloseTo(0.002, 12);
      const stepEnd = events.find((event) => event.type === "step-end");
      expect(stepEnd?.type === "step-end" && stepEnd.usage.totalTokens).toBe(15);
      const end = events[events.length - 1];
      expect(end?.type === "run-end" && end.result.usage.totalTokens).toBe(180);
    }
    // An unpriced inner model makes the total unknown, as an unpriced model of the agent does.
    const { agent: unpriced } = await agentOf("expert", [{ text: "Answer." }], {
      pricing: {},
    });
    const { agent: router } = await agentOf("router", [delegate("Go"), { text: "Done." }], {
      tools: [unpriced.asTool()],
      pricing: { "scripted/router-model": OUTER_PRICE },
    });
    const result = await router.execute("Go");
    expect(result.steps[0]?.costUsd).toBeCloseTo(20 / 1e6, 12);
    expect(result.steps[0]?.nestedCostUsd).toBeUndefined();
    expect(result.costUsd).toBeUndefined();
    expect(result.usage.totalTokens).toBe(45);
  });

  test("agent as tool: nested usage counts in the budget", async () => {
    for (const mode of MODES) {
      const { agent: expert } = await agentOf("expert", [
        { text: "Long answer.", usage: { inputTokens: 400, outputTokens: 100 } },
      ]);
      const { agent: router, model } = await agentOf("router", [delegate("Go"), { text: "never" }], {
        tools: [expert.asTool()],
        budget: { maxTokens: 100 },
      });
      const { result } = await runIn(mode, router, "Go");
      expect(result.status).toBe("budget_exceeded");
      expect(result.error?.code).toBe("BUDGET_EXCEEDED");
      expect(result.usage.totalTokens).toBe(515);
      expect(model.calls).toHaveLength(1);
    }
  });

  test("agent as tool: inner events nested under the call", async () => {
    for (const mode of MODES) {
      const { agent: expert } = await agentOf(
        "expert",
        [{ toolCalls: [{ toolName: "add", input: { a: 2, b: 3 } }] }, { text: ["Five", "."] }],
        { tools: [context.addTool] },
      );
      const { agent: router } = await agentOf("router", [delegate("Add 2 and 3"), { text: "Five." }], {
        tools: [expert.asTool()],
      });
      const { result, events } = await runIn(mode, router, "Go");
      expect(result.status).toBe("completed");
      expectValidEventOrder(events);
      const nested = nestedEvents(events).get("call_delegate") ?? [];
      const inner = (result.steps[0]?.toolResults[0]?.output as AgentToolOutput | undefined)?.runId;
      expect(nested.map((event) => event.runId)).toEqual(nested.map(() => inner));
      expect(nested.map((event) => event.type)).toEqual(
        expect.arrayContaining(["run-start", "tool-call", "tool-result", "text-delta", "run-end"]),
      );
      expect(nested[0]?.type).toBe("run-start");
      expect(nested[nested.length - 1]?.type).toBe("run-end");
      const wrapped = events.filter((event): event is SubagentEvent => event.type === "subagent-event");
      expect(wrapped.every((event) => event.step === 0 && event.toolName === "expert")).toBe(true);
      // Between the call and its outcome.
      const types = events.map((event) => event.type);
      expect(types.indexOf("tool-call")).toBeLessThan(types.indexOf("subagent-event"));
      expect(types.lastIndexOf("subagent-event")).toBeLessThan(types.indexOf("tool-result"));
    }
  });

  test("agent as tool: inner run streams when the outer does", async () => {
    for (const mode of MODES) {
      const { agent: expert, model: expertModel } = await agentOf("expert", [{ text: ["Str", "eamed."] }]);
      const { agent: router } = await agentOf("router", [delegate("Go"), { text: "Done." }], {
        tools: [expert.asTool()],
      });
      const { events } = await runIn(mode, router, "Go");
      expect(expertModel.calls.map((call) => call.method)).toEqual([
        mode === "stream" ? "stream" : "generate",
      ]);
      const deltas = (nestedEvents(events).get("call_delegate") ?? []).flatMap((event) =>
        event.type === "text-delta" ? [event.delta] : [],
      );
      expect(deltas.join("")).toBe("Streamed.");
    }
  });

  test("agent as tool: abort passes down", async () => {
    for (const mode of MODES) {
      const inner = recording(await runtime());
      const controller = new AbortController();
      // The caller aborts while the inner agent's model is answering.
      const { agent: expert, model: expertModel } = await agentOf(
        "expert",
        [
          () => {
            controller.abort();
            return { text: "too late", delayMs: 60_000 };
          },
        ],
        {},
        inner.runtime,
      );
      const { agent: router, model: routerModel } = await agentOf("router", [delegate("Go")], {
        tools: [expert.asTool()],
      });
      const run =
        mode === "execute"
          ? router.execute("Go", { signal: controller.signal })
          : router.stream("Go", { signal: controller.signal }).result;
      const result = await run;
      expect(result.status).toBe("aborted");
      expect(result.steps[0]?.toolResults[0]?.error?.code).toBe("ABORTED");
      expect(expertModel.calls[0]?.options.abortSignal?.aborted).toBe(true);
      await expect.poll(() => inner.results.length).toBe(1);
      expect(inner.results[0]?.status).toBe("aborted");
      routerModel.assertAllTurnsUsed();
    }
  });

  test("agent as tool: depth limit", async () => {
    for (const mode of MODES) {
      const { agent: leaf, model: leafModel } = await agentOf("leaf", [{ text: "never" }]);
      const { agent: middle, model: middleModel } = await agentOf(
        "middle",
        [{ toolCalls: [{ toolName: "leaf", input: { message: "Go deeper" } }] }, { text: "Leaf refused." }],
        { tools: [leaf.asTool({ maxDepth: 1 })] },
      );
      const { agent: top } = await agentOf("top", [delegate("Ask the middle"), { text: "Done." }], {
        tools: [middle.asTool({ name: "expert" })],
      });
      const { result, events } = await runIn(mode, top, "Go");
      expect(result.status).toBe("completed");
      expect(leafModel.calls).toHaveLength(0);
      // The middle agent's model was told, as a tool error it can answer from.
      const refusal = toolResultsOf(middleModel.calls[1]?.options.prompt ?? [])
        .values()
        .next().value;
      expect(refusal?.output?.type).toBe("error-text");
      expect(String(refusal?.output?.value)).toContain('Agent "leaf" was not run');
      expect(String(refusal?.output?.value)).toContain("maxDepth of 1");
      const nested = nestedEvents(events).get("call_delegate") ?? [];
      const error = nested.find((event) => event.type === "tool-error");
      expect(error?.type === "tool-error" && error.error.code).toBe("AGENT_DEPTH_EXCEEDED");
      expectValidEventOrder(events);
    }
  });

  test("agent as tool: agents calling each other stop at maxDepth", async () => {
    // One agent that always delegates to itself: levels 0 to 3 run, level 4 is refused.
    let self: AgentTool | undefined;
    const loop: AgentTool = {
      name: "loop",
      jsonSchema: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
      parseInput: (input) => (self as AgentTool).parseInput(input),
      execute: (input, toolContext) => (self as AgentTool).execute(input, toolContext),
      toModelOutput: (output) => (self as AgentTool).toModelOutput?.(output) ?? { type: "text", value: "" },
    };
    const call = { toolCalls: [{ toolName: "loop", input: { message: "again" } }] };
    const { agent, model } = await agentOf(
      "loop",
      [call, call, call, call, { text: "3" }, { text: "2" }, { text: "1" }, { text: "0" }],
      { tools: [loop] },
    );
    self = agent.asTool();
    const result = await agent.execute("Go");
    expect(result.status).toBe("completed");
    expect(result.text).toBe("0");
    expect(model.calls).toHaveLength(8);
    const refused = toolResultsOf(model.calls[4]?.options.prompt ?? [])
      .values()
      .next().value;
    expect(String(refused?.output?.value)).toContain("nested 4 agents deep, over its maxDepth of 3");
    // Every level's usage reached the top: 8 model calls of 15 tokens.
    expect(result.usage.totalTokens).toBe(8 * 15);
    model.assertAllTurnsUsed();
  });

  test("agent as tool: inner failure is a tool error", async () => {
    const failure = Object.assign(new Error("Bad request: model overloaded"), {
      statusCode: 400,
      isRetryable: false,
    });
    for (const mode of MODES) {
      const { agent: expert } = await agentOf("expert", [{ error: failure }], { retry: { maxRetries: 0 } });
      const { agent: router, model } = await agentOf(
        "router",
        [delegate("Go"), { text: "The expert is unavailable." }],
        { tools: [expert.asTool()] },
      );
      const { result, events } = await runIn(mode, router, "Go");
      expect(result.status).toBe("completed");
      const error = result.steps[0]?.toolResults[0]?.error;
      expect(error?.code).toBe("AGENT_TOOL_FAILED");
      expect(error?.category).toBe("tool");
      expect(error?.message).toContain('Agent "expert" ended with status "failed"');
      expect(error?.message).toContain("model overloaded");
      expect((error as { status?: string } | undefined)?.status).toBe("failed");
      const seen = toolResultsOf(model.calls[1]?.options.prompt ?? []).get("call_delegate");
      expect(seen?.output?.type).toBe("error-text");
      expect(String(seen?.output?.value)).toContain('Agent "expert" ended with status "failed"');
      expect(events.some((event) => event.type === "tool-error")).toBe(true);
      expectValidEventOrder(events);
    }
  });

  test("agent as tool: called outside a run", async () => {
    const { agent: expert, model } = await agentOf("Expert Agent!", [{ text: "Hello from outside." }]);
    const tool = expert.asTool({ maxDepth: 1 });
    expect(tool.name).toBe("Expert_Agent_");
    const parsed = tool.parseInput({ message: "Hi" });
    expect(parsed.success).toBe(true);
    expect(tool.parseInput({ message: "Hi", threadId: "t-1" })).toMatchObject({
      success: false,
      issues: [{ field: "threadId" }],
    });
    expect(tool.parseInput({})).toMatchObject({ success: false, issues: [{ field: "message" }] });
    const output = await tool.execute({ message: "Hi" }, hostContext({ resourceId: "user-1" }));
    expect(output).toMatchObject({ text: "Hello from outside.", status: "completed" });
    expect(tool.toModelOutput?.(output)).toEqual({ type: "text", value: "Hello from outside." });
    expect(JSON.stringify(model.calls[0]?.options.prompt)).toContain("Hi");
    // A run that is already nested past the limit is refused before the agent runs.
    await expect(
      tool.execute(
        { message: "Hi" },
        hostContext({ run: { depth: 1, streaming: false, addUsage: () => {}, emit: () => {} } }),
      ),
    ).rejects.toMatchObject({ code: "AGENT_DEPTH_EXCEEDED", depth: 2, maxDepth: 1 });
    expect(model.calls).toHaveLength(1);
    expect(() => expert.asTool({ name: "no spaces allowed" })).toThrow(/`name`/);
    expect(() => expert.asTool({ maxDepth: 0 })).toThrow(/`maxDepth`/);
  });

  test("tool model output: text from toModelOutput", async () => {
    const lookup = defineTool({
      name: "lookup",
      inputSchema: z.object({ id: z.string() }),
      outputSchema: z.object({ id: z.string(), summary: z.string(), internal: z.string() }),
      execute: ({ id }) => ({ id, summary: `Order ${id} shipped.`, internal: "warehouse-7" }),
      toModelOutput: (output) => ({ type: "text", value: output.summary }),
    });
    const json = defineTool({
      name: "json",
      inputSchema: z.object({}),
      outputSchema: z.object({ a: z.number(), b: z.number() }),
      execute: () => ({ a: 1, b: 2 }),
      toModelOutput: ({ a }) => ({ type: "json", value: { a } }),
    });
    for (const mode of MODES) {
      const { agent, model } = await context.agentWith(
        [
          {
            toolCalls: [
              { toolName: "lookup", input: { id: "A1" }, toolCallId: "call_lookup" },
              { toolName: "json", input: {}, toolCallId: "call_json" },
            ],
          },
          { text: "Shipped." },
        ],
        { tools: [lookup, json] },
      );
      const { result, events } = await runIn(mode, agent, "Where is A1?");
      expect(result.status).toBe("completed");
      const prompt = toolResultsOf(model.calls[1]?.options.prompt ?? []);
      expect(prompt.get("call_lookup")?.output).toEqual({ type: "text", value: "Order A1 shipped." });
      expect(prompt.get("call_json")?.output).toEqual({ type: "json", value: { a: 1 } });
      expect(JSON.stringify(model.calls[1]?.options.prompt)).not.toContain("warehouse-7");
      expect(toolResultsOf(result.messages).get("call_lookup")?.output).toEqual({
        type: "text",
        value: "Order A1 shipped.",
      });
      const event = events.find((item) => item.type === "tool-result" && item.toolCallId === "call_lookup");
      expect(event?.type === "tool-result" && event.output).toEqual({
        id: "A1",
        summary: "Order A1 shipped.",
        internal: "warehouse-7",
      });
    }
  });

  test("tool model output: image content reaches the next prompt", async () => {
    for (const mode of MODES) {
      const { agent, model } = await context.agentWith(
        [
          { toolCalls: [{ toolName: "snapshot", input: {}, toolCallId: "call_snap" }] },
          { text: "I see a pixel." },
        ],
        { tools: [imageTool] },
      );
      const { result, events } = await runIn(mode, agent, "Take a picture");
      expect(result.status).toBe("completed");
      expect(toolResultsOf(model.calls[1]?.options.prompt ?? []).get("call_snap")?.output).toEqual(
        IMAGE_CONTENT,
      );
      expect(toolResultsOf(result.messages).get("call_snap")?.output).toEqual(IMAGE_CONTENT);
      const event = events.find((item) => item.type === "tool-result");
      expect(event?.type === "tool-result" && event.output).toEqual({ caption: "A red pixel.", png: PIXEL });
      // The conversation goes on with the image in it.
      const { agent: next, model: nextModel } = await context.agentWith([{ text: "Still a pixel." }], {
        tools: [imageTool],
      });
      await next.execute([{ role: "user", content: "Take a picture" }, ...result.messages]);
      expect(toolResultsOf(nextModel.calls[0]?.options.prompt ?? []).get("call_snap")?.output).toEqual(
        IMAGE_CONTENT,
      );
    }
  });

  test("tool model output: invalid toModelOutput is a tool error", async () => {
    const shapes: Array<[string, () => unknown]> = [
      [
        "throws",
        () => {
          throw new Error("cannot render");
        },
      ],
      ["wrong type", () => ({ type: "image", value: "x" })],
      [
        "bad part",
        () => ({ type: "content", value: [{ type: "image-data", data: 42, mediaType: "image/png" }] }),
      ],
      [
        "no media type",
        () => ({ type: "content", value: [{ type: "file", data: { type: "data", data: PIXEL } }] }),
      ],
    ];
    for (const [label, toModelOutput] of shapes) {
      const broken: AgentTool = {
        ...context.addTool,
        name: "render",
        toModelOutput: toModelOutput as AgentTool["toModelOutput"],
      };
      const { agent, model } = await context.agentWith(
        [{ toolCalls: [{ toolName: "render", input: { a: 1, b: 2 } }] }, { text: "Could not render." }],
        { tools: [broken] },
      );
      const result = await agent.execute("Render");
      expect(result.status, label).toBe("completed");
      const error = result.steps[0]?.toolResults[0]?.error;
      expect(error?.code, label).toBe("INVALID_TOOL_OUTPUT");
      expect(error?.message, label).toContain("toModelOutput");
      const seen = toolResultsOf(model.calls[1]?.options.prompt ?? [])
        .values()
        .next().value;
      expect(seen?.output?.type, label).toBe("error-text");
    }
  });

  test("tool model output: content survives a suspended run", async () => {
    const refund = defineTool({
      name: "refund",
      inputSchema: z.object({ orderId: z.string() }),
      needsApproval: true,
      execute: ({ orderId }) => `Refunded ${orderId}.`,
    });
    for (const mode of MODES) {
      const store = createInMemoryRunStore();
      const { agent, model } = await context.agentWith(
        [
          {
            toolCalls: [
              { toolName: "snapshot", input: {}, toolCallId: "call_snap" },
              { toolName: "refund", input: { orderId: "A1" }, toolCallId: "call_refund" },
            ],
          },
          { text: "Refunded, and I saw the pixel." },
        ],
        { tools: [imageTool, refund], runStore: store },
      );
      const { result: suspended } = await runIn(mode, agent, "Refund A1 and take a picture");
      expect(suspended.status).toBe("suspended");
      // Resumed by another runtime instance, from the stored (JSON) run.
      const resumer = agent.withRuntime(await runtime());
      const decisions = suspended.pendingApprovals.map((pending) => ({
        approvalId: pending.approvalId,
        approved: true,
      }));
      const resumed =
        mode === "execute"
          ? await resumer.resume(suspended.runId, decisions)
          : await (await resumer.resumeStream(suspended.runId, decisions)).result;
      expect(resumed.status).toBe("completed");
      const prompt = toolResultsOf(model.calls[1]?.options.prompt ?? []);
      expect(prompt.get("call_snap")?.output).toEqual(IMAGE_CONTENT);
      expect(prompt.get("call_refund")?.output).toEqual({ type: "text", value: "Refunded A1." });
      expect(toolResultsOf(resumed.messages).get("call_snap")?.output).toEqual(IMAGE_CONTENT);
      // The stored call keeps the tool's own output too.
      const snap = resumed.steps[0]?.toolResults.find((record) => record.toolCallId === "call_snap");
      expect(snap?.output).toEqual({ caption: "A red pixel.", png: PIXEL });
    }
  });
}
