import { expect, it } from "vitest";
import { z } from "zod";
import { createAgent } from "../../create-agent.js";
import { AgentSdkError } from "../../errors/agent-sdk-error.js";
import { InvalidInputError } from "../../errors/invalid-input-error.js";
import type { AgentEvent } from "../../events/agent-event.js";
import { sleep } from "../../kit/sleep.js";
import type { AgentTool } from "../../tools/agent-tool.js";
import { defineTool } from "../../tools/define-tool.js";
import { createScriptedModel, type ScriptedTurn } from "../scripted-model.js";
import type { ContractContext, ToolFactory } from "./contract-context.js";
import { comparable, expectValidEventOrder } from "./expect-valid-event-order.js";

/** The contract's core cases: answers, tools, steps, errors, aborts, events, conversations. @internal */
export function describeCoreCases(context: ContractContext): void {
  const { test, agentWith, addTool } = context;

  test("plain answer", async () => {
    const { agent, model } = await agentWith([{ text: ["Hello", ", ", "world."] }], {
      temperature: 0.3,
      maxOutputTokens: 123,
    });
    const result = await agent.execute("Say hello");
    expect(result.status).toBe("completed");
    expect(result.text).toBe("Hello, world.");
    expect(result.steps).toHaveLength(1);
    expect(result.finishReason).toBe("stop");
    expect(result.error).toBeUndefined();
    expect(result.runId).toEqual(expect.any(String));
    expect(result.messages).toEqual([
      { role: "assistant", content: [{ type: "text", text: "Hello, world." }] },
    ]);
    expect(model.calls).toHaveLength(1);
    const call = model.calls[0]!.options;
    expect(call.temperature).toBe(0.3);
    expect(call.maxOutputTokens).toBe(123);
    expect(JSON.stringify(call.prompt)).toContain("You are a test agent.");
    expect(JSON.stringify(call.prompt)).toContain("Say hello");
    model.assertAllTurnsUsed();
  });

  test("one tool", async () => {
    const seen: unknown[] = [];
    const tool = defineTool({
      name: "get_weather",
      description: "Weather for a city",
      inputSchema: z.object({ city: z.string() }),
      execute: (input) => {
        seen.push(input);
        return { city: input.city, celsius: 21 };
      },
    });
    const { agent, model } = await agentWith(
      [{ toolCalls: [{ toolName: "get_weather", input: { city: "Paris" } }] }, { text: "21 °C in Paris." }],
      { tools: [tool] },
    );
    const result = await agent.execute("Weather in Paris?");
    expect(result.status).toBe("completed");
    expect(result.text).toBe("21 °C in Paris.");
    expect(seen).toEqual([{ city: "Paris" }]);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolCalls).toEqual([
      { toolCallId: expect.any(String), toolName: "get_weather", input: { city: "Paris" } },
    ]);
    expect(result.steps[0]!.toolResults[0]).toMatchObject({
      toolName: "get_weather",
      output: { city: "Paris", celsius: 21 },
      isError: false,
    });
    expect(model.calls[0]!.options.tools?.map((t) => t.name)).toEqual(["get_weather"]);
    expect(JSON.stringify(model.calls[1]!.options.prompt)).toContain('"celsius":21');
    model.assertAllTurnsUsed();
  });

  test("several steps", async () => {
    const { agent, model } = await agentWith(
      [
        { toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }] },
        { toolCalls: [{ toolName: "add", input: { a: 3, b: 3 } }] },
        { toolCalls: [{ toolName: "add", input: { a: 6, b: 4 } }] },
        { text: "10" },
      ],
      { tools: [addTool] },
    );
    const result = await agent.execute("Add things");
    expect(result.status).toBe("completed");
    expect(result.steps.map((step) => step.toolResults.map((r) => r.output))).toEqual([
      [{ sum: 3 }],
      [{ sum: 6 }],
      [{ sum: 10 }],
      [],
    ]);
    expect(result.text).toBe("10");
    // Each step sees every earlier result.
    expect(JSON.stringify(model.calls[3]!.options.prompt)).toContain('"sum":10');
    expect(JSON.stringify(model.calls[3]!.options.prompt)).toContain('"sum":3');
    model.assertAllTurnsUsed();
  });

  test("concurrent tool calls", async () => {
    let inFlight = 0;
    let started = 0;
    let maxInFlight = 0;
    const slow = defineTool({
      name: "slow",
      inputSchema: z.object({ id: z.number() }),
      execute: async ({ id }) => {
        inFlight++;
        started++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Wait until all three have started (or give up), so sequential execution shows as 1.
        for (let waited = 0; started < 3 && waited < 500; waited += 5) await sleep(5);
        inFlight--;
        return { id };
      },
    });
    const { agent } = await agentWith(
      [{ toolCalls: [1, 2, 3].map((id) => ({ toolName: "slow", input: { id } })) }, { text: "done" }],
      { tools: [slow] },
    );
    const result = await agent.execute("Go");
    expect(maxInFlight).toBe(3);
    expect(result.steps[0]!.toolResults.map((r) => r.output)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  const toolCases: Array<[string, (spec: Parameters<ToolFactory>[0]) => AgentTool]> = [
    [
      "zod",
      (spec) =>
        defineTool({
          name: spec.name,
          description: spec.description,
          inputSchema: spec.zodSchema,
          execute: spec.execute,
        }),
    ],
    ...Object.entries(context.options.toolFactories ?? {}),
  ];
  for (const [kind, makeTool] of toolCases) {
    const suffix = kind === "zod" ? "" : ` (${kind} tool)`;
    const reason = context.options.skip?.["invalid tool arguments"];
    const run = reason ? it.skip : it;
    run(`invalid tool arguments${suffix}${reason ? ` — known gap: ${reason}` : ""}`, async () => {
      const executed: unknown[] = [];
      const tool = makeTool({
        name: "set_age",
        description: "Stores an age",
        jsonSchema: {
          type: "object",
          properties: { age: { type: "integer", minimum: 0 } },
          required: ["age"],
          additionalProperties: false,
        },
        zodSchema: z.strictObject({ age: z.int().min(0) }),
        execute: (input) => {
          executed.push(input);
          return "saved";
        },
      });
      const events: AgentEvent[] = [];
      const { agent, model } = await agentWith(
        [
          { toolCalls: [{ toolName: "set_age", input: { age: "ten" } }] },
          { toolCalls: [{ toolName: "set_age", input: { age: 10 } }] },
          { text: "Saved." },
        ],
        { tools: [tool] },
      );
      const result = await agent.execute("Age is ten", { onEvent: (event) => void events.push(event) });
      expect(result.status).toBe("completed");
      expect(executed).toEqual([{ age: 10 }]);
      const failure = result.steps[0]!.toolResults[0]!;
      expect(failure.isError).toBe(true);
      expect(failure.error?.code).toBe("INVALID_TOOL_ARGUMENTS");
      expect(failure.error?.message).toContain("age");
      const toolError = events.find((event) => event.type === "tool-error");
      expect(toolError).toMatchObject({ toolName: "set_age", error: { code: "INVALID_TOOL_ARGUMENTS" } });
      // The model is told what was wrong, naming the field.
      const secondPrompt = JSON.stringify(model.calls[1]!.options.prompt);
      expect(secondPrompt).toContain("Invalid arguments for tool");
      expect(secondPrompt).toContain("age");
    });
  }

  test("malformed tool arguments", async () => {
    const { agent, model } = await agentWith(
      [{ toolCalls: [{ toolName: "add", input: '{"a": 1, "b":' }] }, { text: "Sorry." }],
      { tools: [addTool] },
    );
    const result = await agent.execute("Add");
    expect(result.status).toBe("completed");
    expect(result.steps[0]!.toolResults[0]!.error?.code).toBe("INVALID_TOOL_ARGUMENTS");
    expect(JSON.stringify(model.calls[1]!.options.prompt)).toContain("Invalid arguments for tool");
  });

  test("throwing tool", async () => {
    const broken = defineTool({
      name: "broken",
      inputSchema: z.object({}),
      execute: () => {
        throw new Error("database is down");
      },
    });
    const { agent, model } = await agentWith(
      [{ toolCalls: [{ toolName: "broken", input: {} }] }, { text: "It failed." }],
      {
        tools: [broken],
      },
    );
    const result = await agent.execute("Try");
    expect(result.status).toBe("completed");
    const failure = result.steps[0]!.toolResults[0]!;
    expect(failure.error?.code).toBe("TOOL_EXECUTION_FAILED");
    expect(failure.error?.message).toContain("database is down");
    expect(JSON.stringify(model.calls[1]!.options.prompt)).toContain("database is down");
    expect(result.text).toBe("It failed.");
  });

  test("unknown tool", async () => {
    const { agent, model } = await agentWith(
      [{ toolCalls: [{ toolName: "fly", input: {} }] }, { text: "Cannot fly." }],
      {
        tools: [addTool],
      },
    );
    const result = await agent.execute("Fly");
    expect(result.status).toBe("completed");
    const failure = result.steps[0]!.toolResults[0]!;
    expect(failure.error?.code).toBe("UNKNOWN_TOOL");
    expect(failure.error?.message).toContain("add");
    expect(JSON.stringify(model.calls[1]!.options.prompt)).toContain("Unknown tool");
  });

  test("tool timeout", async () => {
    const hang = defineTool({
      name: "hang",
      inputSchema: z.object({}),
      timeoutMs: 30,
      execute: (_input, context) =>
        new Promise((_, reject) =>
          context.signal.addEventListener("abort", () => reject(new Error("stopped"))),
        ),
    });
    const { agent } = await agentWith(
      [{ toolCalls: [{ toolName: "hang", input: {} }] }, { text: "Timed out." }],
      {
        tools: [hang],
      },
    );
    const result = await agent.execute("Wait");
    expect(result.status).toBe("completed");
    expect(result.steps[0]!.toolResults[0]!.error?.code).toBe("TOOL_TIMEOUT");
  });

  test("max iterations", async () => {
    const { agent, model } = await agentWith(
      [
        { toolCalls: [{ toolName: "add", input: { a: 1, b: 1 } }] },
        { toolCalls: [{ toolName: "add", input: { a: 2, b: 2 } }] },
      ],
      { tools: [addTool], maxIterations: 2 },
    );
    const result = await agent.execute("Loop forever");
    expect(result.status).toBe("max_iterations");
    expect(result.error?.code).toBe("MAX_ITERATIONS");
    expect(result.steps).toHaveLength(2);
    expect(result.steps[1]!.toolResults[0]!.output).toEqual({ sum: 4 });
    expect(model.calls).toHaveLength(2);
    model.assertAllTurnsUsed();
  });

  test("abort mid-stream", async () => {
    const controller = new AbortController();
    const deltas = Array.from({ length: 50 }, (_, index) => `t${index} `);
    const { agent } = await agentWith([{ text: deltas, chunkDelayMs: 10 }]);
    const stream = agent.stream("Talk", { signal: controller.signal });
    const events: AgentEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (event.type === "text-delta" && events.filter((e) => e.type === "text-delta").length === 2)
        controller.abort();
    }
    const result = await stream.result;
    expect(result.status).toBe("aborted");
    expect(result.error?.code).toBe("ABORTED");
    expect(result.finishReason).toBe("interrupted");
    expect(events[events.length - 1]!.type).toBe("run-end");
    const deltaCount = events.filter((e) => e.type === "text-delta").length;
    expect(deltaCount).toBeGreaterThanOrEqual(2);
    expect(deltaCount).toBeLessThan(50);
    // Nothing is lost: the partial text is kept, outside the conversation, which stays safe to send.
    expect(result.text.startsWith("t0 t1 ")).toBe(true);
    expect(result.steps[0]!.finishReason).toBe("interrupted");
    expect(result.messages).toEqual([]);
    expectValidEventOrder(events);
  });

  test("abort before start", async () => {
    const controller = new AbortController();
    controller.abort();
    const { agent, model } = await agentWith([{ text: "never" }]);
    const result = await agent.execute("Hi", { signal: controller.signal });
    expect(result.status).toBe("aborted");
    expect(model.calls).toHaveLength(0);
  });

  test("event order", async () => {
    const { agent } = await agentWith(
      [
        {
          text: ["Let me ", "add."],
          toolCalls: [
            { toolName: "add", input: { a: 1, b: 2 } },
            { toolName: "add", input: { a: 5, b: 5 } },
          ],
        },
        { text: ["Sum ", "is 3 and 10."] },
      ],
      { tools: [addTool] },
    );
    const stream = agent.stream("Add");
    const events: AgentEvent[] = [];
    for await (const event of stream) events.push(event);
    expectValidEventOrder(events);
    expect(events.map((event) => event.type)).toEqual([
      "run-start",
      "step-start",
      "text-delta",
      "text-delta",
      "tool-input-start",
      "tool-input-delta",
      "tool-call",
      "tool-input-start",
      "tool-input-delta",
      "tool-call",
      "tool-result",
      "tool-result",
      "step-end",
      "step-start",
      "text-delta",
      "text-delta",
      "step-end",
      "run-end",
    ]);
    const result = await stream.result;
    expect(result.text).toBe("Sum is 3 and 10.");
    const end = events[events.length - 1];
    expect(end?.type === "run-end" && end.result).toEqual(result);
  });

  test("usage summed", async () => {
    for (const mode of ["execute", "stream"] as const) {
      const { agent } = await agentWith(
        [
          {
            toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }],
            usage: { inputTokens: 3, outputTokens: 4 },
          },
          { text: "3", usage: { inputTokens: 5, outputTokens: 6 } },
        ],
        { tools: [addTool] },
      );
      const result = mode === "execute" ? await agent.execute("Add") : await agent.stream("Add").result;
      expect(result.usage).toMatchObject({ inputTokens: 8, outputTokens: 10, totalTokens: 18 });
      expect(result.steps.map((step) => step.usage.inputTokens)).toEqual([3, 5]);
    }
  });

  test("execute and stream agree", async () => {
    const script = (): ScriptedTurn[] => [
      {
        text: "Adding. ",
        toolCalls: [
          { toolName: "add", input: { a: 2, b: 2 } },
          { toolName: "nope", input: {} },
        ],
      },
      { text: ["Four", "."] },
    ];
    const a = await agentWith(script(), { tools: [addTool] });
    const b = await agentWith(script(), { tools: [addTool] });
    const executed = await a.agent.execute("Add 2 and 2");
    const streamed = await b.agent.stream("Add 2 and 2").result;
    expect(comparable(streamed)).toEqual(comparable(executed));
  });

  test("model error", async () => {
    const failure = Object.assign(new Error("Bad request: unsupported parameter"), {
      statusCode: 400,
      isRetryable: false,
    });
    for (const mode of ["execute", "stream"] as const) {
      const { agent } = await agentWith([{ error: failure }]);
      const events: AgentEvent[] = [];
      const result =
        mode === "execute"
          ? await agent.execute("Hi", { onEvent: (event) => void events.push(event) })
          : await (async () => {
              const stream = agent.stream("Hi");
              for await (const event of stream) events.push(event);
              return stream.result;
            })();
      expect(result.status).toBe("failed");
      expect(AgentSdkError.isInstance(result.error)).toBe(true);
      expect(result.error?.code).toBe("MODEL_ERROR");
      expect(result.error?.message).toContain("unsupported parameter");
      expect(events.map((event) => event.type).slice(-2)).toEqual(["error", "run-end"]);
    }
  });

  test("continue a conversation", async () => {
    const { agent, model } = await agentWith(
      [
        { toolCalls: [{ toolName: "add", input: { a: 40, b: 2 } }] },
        { text: "42" },
        { text: "You asked about 40 + 2." },
      ],
      { tools: [addTool] },
    );
    const first = await agent.execute("What is 40 + 2?");
    const history = [{ role: "user" as const, content: "What is 40 + 2?" }, ...first.messages];
    const second = await agent.execute([...history, { role: "user", content: "What did I ask?" }]);
    expect(second.status).toBe("completed");
    const prompt = JSON.stringify(model.calls[2]!.options.prompt);
    expect(prompt).toContain('"sum":42');
    expect(prompt).toContain("What did I ask?");
    expect(second.messages).toEqual([
      { role: "assistant", content: [{ type: "text", text: "You asked about 40 + 2." }] },
    ]);
  });

  test("history structure", async () => {
    const { agent, model } = await agentWith(
      [
        { toolCalls: [{ toolName: "add", input: { a: "x", b: 1 } }] },
        { toolCalls: [{ toolName: "add", input: { a: 1, b: 1 } }] },
        { text: "2" },
        { text: "Done." },
      ],
      { tools: [addTool] },
    );
    const first = await agent.execute("1 + 1?");
    await agent.execute([
      { role: "user", content: "1 + 1?" },
      ...first.messages,
      { role: "user", content: "Thanks" },
    ]);
    const prompt = model.calls[3]!.options.prompt;
    // One assistant message per step, each followed by its tool results; errors stay errors.
    expect(prompt.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "assistant",
      "tool",
      "assistant",
      "user",
    ]);
    const firstResult = prompt[3]!.content[0] as { type: string; output: { type: string; value: unknown } };
    expect(firstResult.type).toBe("tool-result");
    expect(firstResult.output.type).toBe("error-text");
    expect(String(firstResult.output.value)).toContain("Invalid arguments for tool");
    const secondResult = prompt[5]!.content[0] as { output: { type: string; value: unknown } };
    expect(secondResult.output).toEqual({ type: "json", value: { sum: 2 } });
  });

  test("invalid input", async () => {
    const { agent } = await agentWith([]);
    await expect(agent.execute("")).rejects.toSatisfy(InvalidInputError.isInstance);
    await expect(agent.execute([{ role: "wizard", content: "x" } as never])).rejects.toThrow(
      /input\.0\.role/,
    );
    expect(() => agent.stream([] as never)).toThrow(/input/);
    await expect(agent.execute("x", { overrides: { maxIterations: 0 } })).rejects.toThrow(
      /overrides\.maxIterations/,
    );
  });

  test("onEvent callback", async () => {
    const { agent } = await agentWith([{ text: ["a", "b"] }]);
    const seen: AgentEvent[] = [];
    const stream = agent.stream("Hi", {
      onEvent: (event) => {
        seen.push(event);
        if (event.type === "text-delta") throw new Error("observer bug must not break the run");
      },
    });
    const read: AgentEvent[] = [];
    for await (const event of stream) read.push(event);
    expect(seen).toEqual(read);
    expect((await stream.result).status).toBe("completed");
  });

  test("text stream", async () => {
    const { agent } = await agentWith([{ text: ["one ", "two ", "three"] }]);
    const stream = agent.stream("Count");
    const pieces: string[] = [];
    for await (const piece of stream.textStream) pieces.push(piece);
    expect(pieces.join("")).toBe("one two three");
    expect((await stream.result).text).toBe("one two three");
    // A second reader still sees everything from the start.
    const again: AgentEvent[] = [];
    for await (const event of stream) again.push(event);
    expect(again[0]!.type).toBe("run-start");
  });

  test("model fallback", async () => {
    const busy = Object.assign(new Error("Rate limit reached"), { statusCode: 429 });
    const primary = createScriptedModel({
      provider: "primary",
      modelId: "p",
      turns: [{ error: busy }, { error: busy }],
    });
    const backup = createScriptedModel({
      provider: "backup",
      modelId: "b",
      turns: [{ toolCalls: [{ toolName: "add", input: { a: 1, b: 1 } }] }, { text: "2" }],
    });
    const agent = createAgent({
      runtime: await context.options.createRuntime(),
      name: "fallback-agent",
      model: [primary, backup],
      retry: { maxRetries: 1, initialDelayMs: 1 },
      tools: [addTool],
    });
    const events: AgentEvent[] = [];
    const result = await agent.execute("1 + 1?", { onEvent: (event) => void events.push(event) });
    expect(result.status).toBe("completed");
    expect(result.text).toBe("2");
    expect(primary.calls).toHaveLength(2);
    expect(result.steps.map((step) => step.model)).toEqual([
      { provider: "backup", modelId: "b" },
      { provider: "backup", modelId: "b" },
    ]);
    const stepEnd = events.find((event) => event.type === "step-end");
    expect(stepEnd?.type === "step-end" && stepEnd.model).toEqual({ provider: "backup", modelId: "b" });
  });

  test("non-retryable model error", async () => {
    const unauthorized = Object.assign(new Error("Invalid API key"), { statusCode: 401 });
    const primary = createScriptedModel({ turns: [{ error: unauthorized }] });
    const backup = createScriptedModel({ turns: [{ text: "never" }] });
    const agent = createAgent({
      runtime: await context.options.createRuntime(),
      name: "fail-fast-agent",
      model: [primary, backup],
      retry: { maxRetries: 3, initialDelayMs: 1 },
    });
    const result = await agent.execute("Hi");
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("MODEL_ERROR");
    expect((result.error as { statusCode?: number }).statusCode).toBe(401);
    expect(primary.calls).toHaveLength(1);
    expect(backup.calls).toHaveLength(0);
  });

  test("extra tools", async () => {
    const { agent } = await agentWith([{ text: "ok" }], { tools: [addTool] });
    const result = await agent.execute("Just answer");
    expect(result.status).toBe("completed");
    expect(result.steps[0]!.toolCalls).toEqual([]);
  });
}
