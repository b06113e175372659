import { inspect } from "node:util";
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4Prompt } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import { expect } from "vitest";
import { z } from "zod";
import { createAgent } from "../../create-agent.js";
import { InvalidDefinitionError } from "../../errors/invalid-definition-error.js";
import type { ModelError } from "../../errors/model-error.js";
import type { AgentEvent } from "../../events/agent-event.js";
import type { RunResult } from "../../run-result.js";
import { defineTool } from "../../tools/define-tool.js";
import { hostileToolArguments } from "../hostile-json.js";
import { createScriptedModel, type ScriptedModel, type ScriptedTurn } from "../scripted-model.js";
import type { ContractContext } from "./contract-context.js";
import { comparable, expectValidEventOrder } from "./expect-valid-event-order.js";

type Mode = "execute" | "stream";
const MODES: readonly Mode[] = ["execute", "stream"];

/** Runs the agent in a mode and returns its result and events. */
async function runIn(
  mode: Mode,
  agent: {
    execute: (input: any, options?: any) => Promise<RunResult>;
    stream: (input: any, options?: any) => any;
  },
  input: string | ModelMessage[],
  options: Record<string, unknown> = {},
): Promise<{ result: RunResult; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  if (mode === "execute") {
    const result = await agent.execute(input, {
      ...options,
      onEvent: (event: AgentEvent) => void events.push(event),
    });
    return { result, events };
  }
  const stream = agent.stream(input, options);
  for await (const event of stream as AsyncIterable<AgentEvent>) events.push(event);
  return { result: await stream.result, events };
}

/** A model around a scripted one that keeps each call's prompt array by reference. */
function keepingPrompts(inner: ScriptedModel): {
  model: LanguageModelV4;
  kept: Array<{ prompt: LanguageModelV4Prompt; json: string }>;
} {
  const kept: Array<{ prompt: LanguageModelV4Prompt; json: string }> = [];
  const keep = (options: LanguageModelV4CallOptions) =>
    kept.push({ prompt: options.prompt, json: JSON.stringify(options.prompt) });
  return {
    kept,
    model: {
      specificationVersion: "v4",
      provider: inner.provider,
      modelId: inner.modelId,
      supportedUrls: {},
      doGenerate: (options) => {
        keep(options);
        return inner.doGenerate(options);
      },
      doStream: (options) => {
        keep(options);
        return inner.doStream(options);
      },
    },
  };
}

const SECRET_ENV = "FLOWMAESTRO_CONTRACT_API_KEY";
const SECRET_VALUE = "fm-contract-secret-9f8e7d6c5b4a";
const SECRETS = [
  SECRET_VALUE,
  "sk-live-abcdefghijklmnop",
  "sk-inner-abcdefghijklmn",
  "abcdef1234567890XYZtoken",
  "innertoken123456789abc",
  "AIzaSyA1234567890abcdefghijklmnopq",
];

/**
 * The contract's reliability cases: every tool call gets exactly one outcome whatever the stream's
 * chunking; provider metadata round-trips; runs end on time and on abort; hostile arguments and
 * outputs become tool errors; nothing leaks a secret; bad options are typed errors.
 * @internal
 */
export function describeReliabilityCases(context: ContractContext): void {
  const { test, agentWith, addTool } = context;

  const expectOneOutcomePerCall = (result: RunResult) => {
    for (const step of result.steps) {
      expect(step.toolResults.map((record) => record.toolCallId)).toEqual(
        step.toolCalls.map((call) => call.toolCallId),
      );
    }
  };

  const toolLoopTurns = (
    extra: Partial<Exclude<ScriptedTurn, (...args: never[]) => unknown>>,
  ): ScriptedTurn[] => [
    { toolCalls: [{ toolName: "add", input: { a: 20, b: 22 } }], ...extra },
    { text: "42" },
  ];

  const expectToolLoopDone = (result: RunResult, model: ScriptedModel) => {
    expect(result.status).toBe("completed");
    expect(result.text).toBe("42");
    expect(result.steps[0]!.toolResults).toEqual([
      expect.objectContaining({ toolName: "add", output: { sum: 42 }, isError: false }),
    ]);
    expect(result.messages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
    expect(JSON.stringify(model.calls[1]!.options.prompt)).toContain('"sum":42');
    model.assertAllTurnsUsed();
  };

  test("tool input in many deltas", async () => {
    for (const mode of MODES) {
      const { agent, model } = await agentWith(toolLoopTurns({ toolInputDeltas: 9 }), { tools: [addTool] });
      const { result, events } = await runIn(mode, agent, "20 + 22?");
      expectToolLoopDone(result, model);
      expectValidEventOrder(events);
    }
  });

  test("tool parts in separate chunks", async () => {
    const { agent, model } = await agentWith(toolLoopTurns({ toolInputDeltas: 4, chunkDelayMs: 4 }), {
      tools: [addTool],
    });
    const { result, events } = await runIn("stream", agent, "20 + 22?");
    expectToolLoopDone(result, model);
    expectValidEventOrder(events);
    expect(events.filter((event) => event.type === "tool-result")).toHaveLength(1);
  });

  test("interleaved tool calls", async () => {
    for (const mode of MODES) {
      const { agent, model } = await agentWith(
        [
          {
            toolCalls: [
              { toolName: "add", input: { a: 1, b: 2 } },
              { toolName: "add", input: { a: 30, b: 40 } },
            ],
            toolInputDeltas: 3,
            interleaveToolInputs: true,
            chunkDelayMs: mode === "stream" ? 2 : 0,
          },
          { text: "3 and 70" },
        ],
        { tools: [addTool] },
      );
      const { result, events } = await runIn(mode, agent, "Two sums");
      expect(result.status).toBe("completed");
      expect(result.steps[0]!.toolResults.map((record) => record.output)).toEqual([{ sum: 3 }, { sum: 70 }]);
      const prompt = JSON.stringify(model.calls[1]!.options.prompt);
      expect(prompt).toContain('"sum":3');
      expect(prompt).toContain('"sum":70');
      expectValidEventOrder(events);
    }
  });

  test("tool input that never ends", async () => {
    const { agent, model } = await agentWith(
      [
        {
          text: "Let me check.",
          unfinishedToolInput: { toolName: "add", input: '{"a": 1' },
          finishReason: "tool-calls",
        },
      ],
      { tools: [addTool] },
    );
    const { result, events } = await runIn("stream", agent, "Add");
    // No call was made, so none runs and none needs an outcome; the run ends.
    expect(result.status).toBe("completed");
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]!.toolCalls).toEqual([]);
    expect(events.some((event) => event.type === "tool-call")).toBe(false);
    expect(result.messages).toEqual([
      { role: "assistant", content: [{ type: "text", text: "Let me check." }] },
    ]);
    model.assertAllTurnsUsed();
  });

  test("provider metadata and reasoning round-trip", async () => {
    const turns = (): ScriptedTurn[] => [
      {
        reasoning: ["Let me ", "think."],
        reasoningMetadata: { anthropic: { signature: "sig-1" } },
        text: "Checking.",
        textMetadata: { openai: { itemId: "msg_1" } },
        toolCalls: [
          {
            toolName: "add",
            input: { a: 1, b: 2 },
            providerMetadata: { google: { thoughtSignature: "ts-1" } },
          },
        ],
      },
      { text: "3" },
      { text: "Still 3." },
    ];
    const expectedAssistant = {
      role: "assistant",
      content: [
        { type: "reasoning", text: "Let me think.", providerOptions: { anthropic: { signature: "sig-1" } } },
        { type: "text", text: "Checking.", providerOptions: { openai: { itemId: "msg_1" } } },
        {
          type: "tool-call",
          toolCallId: "call_0_0",
          toolName: "add",
          input: { a: 1, b: 2 },
          providerOptions: { google: { thoughtSignature: "ts-1" } },
        },
      ],
    };
    const results: RunResult[] = [];
    for (const mode of MODES) {
      const { agent, model } = await agentWith(turns(), { tools: [addTool] });
      const { result, events } = await runIn(mode, agent, "1 + 2?");
      results.push(result);
      expect(result.status).toBe("completed");
      expect(result.messages[0]).toEqual(expectedAssistant);
      expect(result.steps[0]!.reasoningText).toBe("Let me think.");
      // The next call sends the parts back with their metadata, in order.
      const assistant = model.calls[1]!.options.prompt.find((message) => message.role === "assistant");
      expect(assistant?.content).toEqual(expectedAssistant.content);
      if (mode === "stream") {
        expect(
          events.filter((event) => event.type === "reasoning-delta").map((event) => event.delta),
        ).toEqual(["Let me ", "think."]);
      }
      expectValidEventOrder(events);
      // A stored conversation continues with its metadata intact.
      const next = await agent.execute([
        { role: "user", content: "1 + 2?" },
        ...result.messages,
        { role: "user", content: "Sure?" },
      ]);
      expect(next.status).toBe("completed");
      expect(model.calls[2]!.options.prompt.find((message) => message.role === "assistant")?.content).toEqual(
        expectedAssistant.content,
      );
    }
    expect(comparable(results[1]!)).toEqual(comparable(results[0]!));
  });

  test("provider warnings", async () => {
    const warning = {
      type: "unsupported" as const,
      feature: "temperature",
      details: "ignored by this model",
    };
    for (const mode of MODES) {
      const { agent } = await agentWith(toolLoopTurns({ warnings: [warning] }), { tools: [addTool] });
      const { result, events } = await runIn(mode, agent, "Add");
      expect(result.warnings).toEqual([warning]);
      expect(result.steps.map((step) => step.warnings)).toEqual([[warning], []]);
      const ends = events.filter((event) => event.type === "step-end");
      expect(ends.map((event) => event.type === "step-end" && event.warnings)).toEqual([[warning], []]);
    }
  });

  test("prompt never changes after the call", async () => {
    for (const mode of MODES) {
      const inner = createScriptedModel({
        turns: [
          { toolCalls: [{ toolName: "add", input: { a: 1, b: 1 } }] },
          { toolCalls: [{ toolName: "add", input: { a: 2, b: 2 } }] },
          { text: "done" },
        ],
      });
      const { model, kept } = keepingPrompts(inner);
      const agent = createAgent({
        runtime: await context.options.createRuntime(),
        name: "keeper",
        model,
        tools: [addTool],
      });
      const { result } = await runIn(mode, agent, "Go");
      expect(result.status).toBe("completed");
      expect(kept).toHaveLength(3);
      for (const call of kept) expect(JSON.stringify(call.prompt)).toBe(call.json);
      expect(new Set(kept.map((call) => call.prompt)).size).toBe(3);
    }
  });

  test("non-serialisable tool output", async () => {
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    const outputs: Record<string, () => unknown> = {
      circular: () => circular,
      bigint: () => ({ total: { value: 10n } }),
      nestedFunction: () => ({ format: () => "x" }),
      function: () => () => "source code",
      map: () => ({ entries: new Map([["a", 1]]) }),
    };
    const tools = Object.entries(outputs).map(([name, produce]) =>
      defineTool({ name, inputSchema: z.object({}), execute: produce }),
    );
    for (const mode of MODES) {
      const { agent, model } = await agentWith(
        [
          { toolCalls: Object.keys(outputs).map((toolName) => ({ toolName, input: {} })) },
          { text: "Noted." },
        ],
        { tools },
      );
      const { result } = await runIn(mode, agent, "Go");
      expect(result.status).toBe("completed");
      const records = result.steps[0]!.toolResults;
      expect(records.map((record) => record.error?.code)).toEqual(
        Object.keys(outputs).map(() => "INVALID_TOOL_OUTPUT"),
      );
      expect(records.map((record) => record.isError)).toEqual(Object.keys(outputs).map(() => true));
      expect(records[0]!.error?.message).toContain("circular");
      expect(records[1]!.error?.message).toContain("BigInt");
      expect(() => JSON.stringify(result)).not.toThrow();
      const prompt = JSON.stringify(model.calls[1]!.options.prompt);
      expect(prompt).toContain("JSON-serialisable");
      expect(prompt).not.toContain("source code");
      expect(prompt).not.toContain("[object Object]");
    }
  });

  test("failed run leaves a safe conversation", async () => {
    const cut = Object.assign(new TypeError("terminated"), {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    const { agent, model } = await agentWith(
      [
        { toolCalls: [{ toolName: "add", input: { a: 1, b: 2 } }] },
        { text: ["The weather ", "in Par"], streamFailure: cut },
      ],
      { tools: [addTool], retry: { maxRetries: 0 } },
    );
    const { result, events } = await runIn("stream", agent, "Weather?");
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("MODEL_ERROR");
    // The finished tool step is kept; the cut answer is not in the conversation.
    expect(result.messages.map((message) => message.role)).toEqual(["assistant", "tool"]);
    expect(JSON.stringify(result.messages)).not.toContain("in Par");
    // The partial answer stays readable on the result.
    expect(result.text).toBe("The weather in Par");
    expect(result.steps[1]!.finishReason).toBe("error");
    expectValidEventOrder(events);
    // Sending the conversation back works.
    model.assertAllTurnsUsed();
  });

  test("model call timeout", async () => {
    for (const mode of MODES) {
      // Never answers (and ignores the signal) twice, then answers: retried after each timeout.
      const { agent, model } = await agentWith([{ hang: "call" }, { hang: "call" }, { text: "At last." }], {
        timeouts: { modelCallMs: 40 },
        retry: { maxRetries: 2, initialDelayMs: 1 },
      });
      const { result } = await runIn(mode, agent, "Hi");
      expect(result.status).toBe("completed");
      expect(result.text).toBe("At last.");
      expect(model.calls).toHaveLength(3);

      // Every model keeps hanging: retried, then the next model, then failed.
      const stuck = createScriptedModel({ provider: "stuck", turns: [{ hang: "call" }, { hang: "call" }] });
      const backup = createScriptedModel({ provider: "backup", turns: [{ hang: "call" }, { hang: "call" }] });
      const failing = createAgent({
        runtime: await context.options.createRuntime(),
        name: "timeouts",
        model: [stuck, backup],
        timeouts: { modelCallMs: 30 },
        retry: { maxRetries: 1, initialDelayMs: 1 },
      });
      const failed = await runIn(mode, failing, "Hi");
      expect(failed.result.status).toBe("failed");
      expect(failed.result.error?.code).toBe("MODEL_ERROR");
      expect((failed.result.error as ModelError).retryable).toBe(true);
      expect(failed.result.error?.message).toContain("timeouts.modelCallMs");
      expect([stuck.calls.length, backup.calls.length]).toEqual([2, 2]);
    }
  });

  test("stream stall before content", async () => {
    // The first stream stops after its metadata parts and never ends: retried, nothing repeated.
    const { agent, model } = await agentWith(
      [{ text: ["never"], hang: 2 }, { text: ["Fresh ", "answer."] }],
      {
        timeouts: { streamStallMs: 40 },
        retry: { maxRetries: 1, initialDelayMs: 1 },
      },
    );
    const { result, events } = await runIn("stream", agent, "Hi");
    expect(result.status).toBe("completed");
    expect(result.text).toBe("Fresh answer.");
    expect(events.filter((event) => event.type === "text-delta").map((event) => event.delta)).toEqual([
      "Fresh ",
      "answer.",
    ]);
    expect(model.calls).toHaveLength(2);
  });

  test("stream stall after content", async () => {
    // Stalls after its first text delta: retrying would repeat what the host has shown, so it fails.
    const { agent, model } = await agentWith([{ text: ["Hel", "lo"], hang: 4 }, { text: "unused" }], {
      timeouts: { streamStallMs: 40 },
      retry: { maxRetries: 2, initialDelayMs: 1 },
    });
    const { result, events } = await runIn("stream", agent, "Hi");
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("MODEL_ERROR");
    expect((result.error as ModelError).retryable).toBe(true);
    expect(result.error?.message).toContain("timeouts.streamStallMs");
    expect(result.text).toBe("Hel");
    expect(result.messages).toEqual([]);
    expect(model.calls).toHaveLength(1);
    expectValidEventOrder(events);
  });

  test("abort while the model ignores the signal", async () => {
    for (const mode of MODES) {
      const controller = new AbortController();
      const { agent } = await agentWith([{ hang: "call" }]);
      setTimeout(() => controller.abort(), 20);
      const { result, events } = await runIn(mode, agent, "Hi", { signal: controller.signal });
      expect(result.status).toBe("aborted");
      expect(result.error?.code).toBe("ABORTED");
      expectValidEventOrder(events);
    }
    // A stream that stops mid-answer and ignores the signal.
    const controller = new AbortController();
    const { agent } = await agentWith([{ text: ["Hel", "lo"], hang: 4 }]);
    const stream = agent.stream("Hi", { signal: controller.signal });
    const events: AgentEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (event.type === "text-delta") controller.abort();
    }
    const result = await stream.result;
    expect(result.status).toBe("aborted");
    expect(result.text).toBe("Hel");
    expect(result.messages).toEqual([]);
    expectValidEventOrder(events);
  });

  const node: z.ZodType<unknown> = z.lazy(() => z.object({ a: z.union([node, z.number()]) }));
  const treeTool = defineTool({
    name: "tree",
    description: "Stores a tree",
    inputSchema: z.object({ a: z.union([node, z.number()]) }),
    execute: () => "stored",
  });
  const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

  test("deeply nested tool arguments", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      for (const mode of MODES) {
        const { agent, model } = await agentWith(
          [
            {
              toolCalls: [
                { toolName: "tree", input: nested(2_000) },
                { toolName: "add", input: `{"a":${"[".repeat(10_000)}${"]".repeat(10_000)},"b":1}` },
                { toolName: "tree", input: nested(20) },
              ],
            },
            { text: "Too deep." },
          ],
          { tools: [treeTool, addTool] },
        );
        const { result, events } = await runIn(mode, agent, "Store it");
        expect(result.status).toBe("completed");
        const records = result.steps[0]!.toolResults;
        expect(records.map((record) => record.error?.code ?? "ok")).toEqual([
          "INVALID_TOOL_ARGUMENTS",
          "INVALID_TOOL_ARGUMENTS",
          "ok",
        ]);
        expect(records[0]!.error?.message).toContain("maxToolInputDepth");
        expect(JSON.stringify(model.calls[1]!.options.prompt)).toContain("maxToolInputDepth");
        expect(() => JSON.stringify(result)).not.toThrow();
        expectValidEventOrder(events);
      }
      // The limit is configurable.
      const { agent } = await agentWith(
        [{ toolCalls: [{ toolName: "tree", input: nested(150) }] }, { text: "ok" }],
        {
          tools: [treeTool],
          maxToolInputDepth: 200,
        },
      );
      const allowed = await agent.execute("Store it");
      expect(allowed.steps[0]!.toolResults[0]).toMatchObject({ isError: false, output: "stored" });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  test("hostile tool arguments (fuzz)", async () => {
    const seed = 0x5eed;
    const payloads = hostileToolArguments(seed, 12);
    for (const mode of MODES) {
      const { agent, model } = await agentWith(
        [{ toolCalls: payloads.map((input) => ({ toolName: "add", input })) }, { text: "Done." }],
        { tools: [addTool] },
      );
      const { result, events } = await runIn(mode, agent, "Fuzz");
      const context = `seed ${seed}, mode ${mode}`;
      expect(result.status, context).toBe("completed");
      expect(result.steps[0]!.toolCalls, context).toHaveLength(payloads.length);
      expectOneOutcomePerCall(result);
      for (const record of result.steps[0]!.toolResults) {
        expect(record.isError, context).toBe(true);
        expect(record.error?.category, context).toBe("tool");
      }
      expect(model.calls, context).toHaveLength(2);
      expect(() => JSON.stringify(result), context).not.toThrow();
      expectValidEventOrder(events);
      expect(Object.hasOwn(Object.prototype, "polluted"), context).toBe(false);
    }
  });

  test("invalid run options", async () => {
    const { agent } = await agentWith([]);
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ signal: {} }, "options.signal", /AbortSignal/],
      [{ onEvent: 1 }, "options.onEvent", /function/],
      [{ runId: "" }, "options.runId", /1 to 200 characters/],
      [{ context: ["tenant"] }, "options.context", /plain object/],
      [{ sginal: new AbortController().signal }, "options.sginal", /did you mean `signal`/],
    ];
    for (const [options, field, message] of cases) {
      const rejection = await agent.execute("Hi", options as never).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(InvalidDefinitionError.isInstance(rejection), field).toBe(true);
      expect((rejection as InvalidDefinitionError).field).toBe(field);
      expect((rejection as Error).message).toMatch(message);
      expect(() => agent.stream("Hi", options as never)).toThrow(message);
    }
  });

  test("no secrets in events, results or causes", async () => {
    process.env[SECRET_ENV] = SECRET_VALUE;
    try {
      const leaky = defineTool({
        name: "leaky",
        inputSchema: z.object({}),
        execute: () => {
          throw new Error(
            `upstream said: Authorization: Bearer abcdef1234567890XYZtoken; key sk-live-abcdefghijklmnop; env ${SECRET_VALUE}`,
            {
              cause: Object.assign(new Error("inner sk-inner-abcdefghijklmn"), {
                headers: { authorization: "Bearer innertoken123456789abc" },
              }),
            },
          );
        },
      });
      const providerFailure = Object.assign(
        new Error("Incorrect API key provided: sk-live-abcdefghijklmnop"),
        {
          statusCode: 401,
          url: "https://api.example.test/v1/models?key=AIzaSyA1234567890abcdefghijklmnopq",
          responseBody: `{"error":"bad key ${SECRET_VALUE}"}`,
          requestBodyValues: { apiKey: SECRET_VALUE },
        },
      );
      for (const mode of MODES) {
        const { agent, model } = await agentWith(
          [{ toolCalls: [{ toolName: "leaky", input: {} }] }, { error: providerFailure }],
          {
            tools: [leaky],
            retry: { maxRetries: 0 },
          },
        );
        const { result, events } = await runIn(mode, agent, "Go");
        expect(result.status).toBe("failed");
        const views = [
          JSON.stringify(result),
          JSON.stringify(events),
          inspect(result, { depth: 30 }),
          inspect(events, { depth: 30 }),
          inspect(result.error, { depth: 30 }),
          inspect(result.steps[0]!.toolResults[0]!.error, { depth: 30 }),
          String(result.error?.stack),
          JSON.stringify(model.calls[1]!.options.prompt),
        ];
        for (const view of views) for (const secret of SECRETS) expect(view).not.toContain(secret);
        // What the error was stays readable.
        expect(result.steps[0]!.toolResults[0]!.error?.message).toContain("upstream said");
        expect(result.error?.message).toContain("Incorrect API key provided");
        expect((result.error as ModelError).statusCode).toBe(401);
      }
    } finally {
      delete process.env[SECRET_ENV];
    }
  });

  test("provider faults are model errors", async () => {
    const cut = Object.assign(new TypeError("terminated"), {
      statusCode: 200,
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    const { agent } = await agentWith([{ text: ["The weather ", "in Par"], streamFailure: cut }], {
      retry: { maxRetries: 0 },
    });
    const streamed = await runIn("stream", agent, "Weather?");
    expect(streamed.result.status).toBe("failed");
    expect(streamed.result.error?.code).toBe("MODEL_ERROR");
    expect((streamed.result.error as ModelError).retryable).toBe(true);
    expect(streamed.result.error?.message).toContain("terminated");
    expect(streamed.result.error?.message).not.toContain("HTTP 200");
    for (const raw of [{}, undefined, { content: "not a list" }]) {
      const { agent: broken } = await agentWith([{ rawGenerateResult: raw }], { retry: { maxRetries: 0 } });
      const { result, events } = await runIn("execute", broken, "Hi");
      expect(result.status).toBe("failed");
      expect(result.error?.code).toBe("MODEL_ERROR");
      expect(result.error?.message).toContain("invalid response");
      expect(events.map((event) => event.type).slice(-2)).toEqual(["error", "run-end"]);
    }
  });

  test("retry-after as an HTTP date", async () => {
    // HTTP dates have one-second resolution: ask for the second after next.
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000);
    const busy = Object.assign(new Error("Rate limited"), {
      statusCode: 429,
      responseHeaders: { "retry-after": at.toUTCString() },
    });
    const { agent, model } = await agentWith([{ error: busy }, { text: "ok" }], {
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5_000 },
    });
    const started = Date.now();
    const result = await agent.execute("Hi");
    expect(result.status).toBe("completed");
    expect(model.calls).toHaveLength(2);
    // Without the header the retry would come after about 1 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });

  test("run context reaches tools", async () => {
    const seen: unknown[] = [];
    const whoami = defineTool({
      name: "whoami",
      inputSchema: z.object({}),
      execute: async (_input, { context: runContext }) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(runContext);
        return { tenant: runContext.tenantId ?? null };
      },
    });
    // Calls the tool first, then answers once its result is in the prompt, whatever run is asking.
    const turn: ScriptedTurn = (call) =>
      call.prompt[call.prompt.length - 1]?.role === "tool"
        ? { text: "ok" }
        : { toolCalls: [{ toolName: "whoami", input: {} }] };
    for (const mode of MODES) {
      seen.length = 0;
      const first = await agentWith([turn, turn, turn, turn, turn, turn], { tools: [whoami] });
      // One agent, concurrent runs for different tenants: each tool call sees its own run's context.
      const [acme, globex] = await Promise.all([
        runIn(mode, first.agent, "Who?", { context: { tenantId: "acme" } }),
        runIn(mode, first.agent, "Who?", { context: { tenantId: "globex" } }),
      ]);
      expect(acme.result.steps[0]!.toolResults[0]!.output).toEqual({ tenant: "acme" });
      expect(globex.result.steps[0]!.toolResults[0]!.output).toEqual({ tenant: "globex" });
      const none = await runIn(mode, first.agent, "Who?");
      expect(none.result.steps[0]!.toolResults[0]!.output).toEqual({ tenant: null });
      expect(seen).toHaveLength(3);
      expect(seen[2]).toEqual({});
    }
  });

  test("provider options and tool choice", async () => {
    for (const mode of MODES) {
      const { agent, model } = await agentWith([{ text: "a" }, { text: "b" }, { text: "c" }], {
        tools: [addTool],
        toolChoice: "required",
        providerOptions: { scripted: { reasoningEffort: "low", store: false } },
      });
      await runIn(mode, agent, "One");
      await runIn(mode, agent, "Two", {
        overrides: {
          toolChoice: { type: "tool", toolName: "add" },
          providerOptions: { scripted: { store: true } },
        },
      });
      await runIn(mode, agent, "Three", { overrides: { toolChoice: "none" } });
      expect(model.calls.map((call) => call.options.toolChoice)).toEqual([
        { type: "required" },
        { type: "tool", toolName: "add" },
        { type: "none" },
      ]);
      expect(model.calls.map((call) => call.options.providerOptions)).toEqual([
        { scripted: { reasoningEffort: "low", store: false } },
        { scripted: { reasoningEffort: "low", store: true } },
        { scripted: { reasoningEffort: "low", store: false } },
      ]);
    }
  });
}
