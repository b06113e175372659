import { readFileSync } from "node:fs";
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { type Attributes, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { MaxIterationsError } from "../errors/max-iterations-error.js";
import { ModelError } from "../errors/model-error.js";
import { StorageError } from "../errors/storage-error.js";
import { ToolDeclinedError } from "../errors/tool-declined-error.js";
import type { RunResult, TokenUsage } from "../run-result.js";
import { createScriptedModel, type ScriptedModel } from "../testing/scripted-model.js";
import type { AgentTool } from "../tools/agent-tool.js";
import { defineTool } from "../tools/define-tool.js";
import { executeToolCall, failToolCall, type ToolCallScope } from "./execute-tool-call.js";
import { createRunModel } from "./run-model.js";
import {
  NOOP_RUN_TRACE,
  providerName,
  type RunTrace,
  startRunTrace,
  TRACER_NAME,
  TRACER_VERSION,
  type TracedDefinition,
} from "./tracing.js";

const SECRET = "sk-proj-Zx81qLmN0pQrStUvWxYz4455";
const ENV_SECRET_NAME = "FLOWMAESTRO_TRACING_TEST_API_KEY";
const ENV_SECRET = "env-secret-value-93jf02kd";

function collector(options: { sampled?: boolean } = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampled === false ? { sampler: new AlwaysOffSampler() } : {}),
  });
  const spans = () => exporter.getFinishedSpans();
  const named = (name: string) => spans().filter((span) => span.name === name);
  const one = (name: string): ReadableSpan => {
    const found = named(name);
    expect(found.map((span) => span.name)).toEqual([name]);
    return found[0] as ReadableSpan;
  };
  return { provider, exporter, spans, named, one };
}

function definition(
  models: ScriptedModel[],
  tracing: TracedDefinition["tracing"],
  instructions: string | undefined = "Be brief.",
): TracedDefinition {
  return { id: "agent-1", name: "helper", instructions, models, tracing };
}

const usage = (input: number, output: number): TokenUsage => ({
  inputTokens: input,
  outputTokens: output,
  totalTokens: input + output,
  reasoningTokens: 1,
  cachedInputTokens: 2,
});

function result(status: RunResult["status"], extra: Partial<RunResult> = {}): RunResult {
  return {
    runId: "run-1",
    status,
    text: "Done.",
    steps: [],
    usage: usage(30, 12),
    costUsd: 0.25,
    pendingApprovals: [],
    finishReason: "stop",
    messages: [],
    warnings: [],
    ...extra,
  };
}

const call = (text: string, extra: Partial<LanguageModelV4CallOptions> = {}): LanguageModelV4CallOptions => ({
  prompt: [
    { role: "system", content: "Be brief." },
    { role: "user", content: [{ type: "text", text }] },
  ],
  ...extra,
});

const httpError = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });

function scope(tools: AgentTool[], runTrace: RunTrace): ToolCallScope {
  return {
    tools: new Map(tools.map((tool) => [tool.name, tool])),
    runId: "run-1",
    agentId: "agent-1",
    signal: undefined,
    messages: [],
    context: {},
    trace: runTrace,
  };
}

const lookup = defineTool({
  name: "lookup",
  description: "Looks a word up",
  inputSchema: z.object({ word: z.string() }),
  execute: ({ word }) => ({ meaning: `meaning of ${word}` }),
});

/** Every attribute value of every span, as one text, to search for leaked secrets. */
function everyAttribute(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(spans.map((span) => [span.name, span.attributes, span.status]));
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

afterEach(() => {
  trace.disable();
  delete process.env[ENV_SECRET_NAME];
});

describe("providerName", () => {
  it("maps AI SDK provider ids to gen_ai.provider.name", () => {
    const cases: Array<[string, string]> = [
      ["openai.chat", "openai"],
      ["openai.responses", "openai"],
      ["anthropic.messages", "anthropic"],
      ["google.generative-ai", "gcp.gemini"],
      ["google.vertex.chat", "gcp.vertex_ai"],
      ["amazon-bedrock", "aws.bedrock"],
      ["mistral.chat", "mistral_ai"],
      ["groq.chat", "groq"],
      ["cohere.chat", "cohere"],
      ["xai.chat", "x_ai"],
      ["scripted", "scripted"],
      ["my-gateway.chat", "my-gateway"],
    ];
    expect(cases.map(([id]) => [id, providerName(id)])).toEqual(cases);
  });
});

describe("startRunTrace", () => {
  it("names its tracer after the package and its version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      name: string;
      version: string;
    };
    expect([TRACER_NAME, TRACER_VERSION]).toEqual([pkg.name, pkg.version]);
  });

  it("is the shared no-op when no tracer provider is registered", async () => {
    const model = createScriptedModel({ turns: [] });
    const runTrace = startRunTrace(definition([model], undefined), { runId: "run-1", runtime: "test" });
    expect(runTrace).toBe(NOOP_RUN_TRACE);
    expect(runTrace.recording).toBe(false);
    expect(runTrace.startChat({ provider: "p", modelId: "m" }, call("hi")).recording).toBe(false);
    const record = await executeToolCall(
      { toolCallId: "c1", toolName: "lookup", input: { word: "a" } },
      scope([lookup], runTrace),
    );
    expect(record.output).toEqual({ meaning: "meaning of a" });
    expect(runTrace.end(result("completed")).status).toBe("completed");
  });

  it("is the no-op when the run's span is sampled out", () => {
    const { provider, spans } = collector({ sampled: false });
    const model = createScriptedModel({ turns: [] });
    const runTrace = startRunTrace(definition([model], { tracerProvider: provider }), {
      runId: "run-1",
      runtime: "test",
    });
    expect(runTrace).toBe(NOOP_RUN_TRACE);
    runTrace.end(result("completed"));
    expect(spans()).toEqual([]);
  });

  it("uses the global tracer provider when the definition sets none", () => {
    const { provider, one } = collector();
    trace.setGlobalTracerProvider(provider);
    const model = createScriptedModel({ turns: [] });
    startRunTrace(definition([model], undefined), { runId: "run-1", runtime: "test" }).end(
      result("completed"),
    );
    const span = one("invoke_agent helper");
    expect(span.instrumentationScope).toMatchObject({ name: TRACER_NAME, version: TRACER_VERSION });
  });

  it("records the run: invoke_agent with agent, model, ids, status and usage", () => {
    const { provider, one } = collector();
    const model = createScriptedModel({ provider: "openai.responses", modelId: "gpt-5-mini", turns: [] });
    startRunTrace(definition([model], { tracerProvider: provider }), {
      runId: "run-1",
      runtime: "legacy",
      threadId: "thread-7",
      resourceId: "user-3",
      input: [{ role: "user", content: "hello" }],
    }).end(result("completed", { steps: [{} as never, {} as never] }));
    const span = one("invoke_agent helper");
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "helper",
      "gen_ai.agent.id": "agent-1",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-5-mini",
      "gen_ai.conversation.id": "thread-7",
      "flowmaestro.run.id": "run-1",
      "flowmaestro.resource.id": "user-3",
      "flowmaestro.runtime": "legacy",
      "flowmaestro.run.status": "completed",
      "flowmaestro.run.steps": 2,
      "flowmaestro.run.cost_usd": 0.25,
      "gen_ai.usage.input_tokens": 30,
      "gen_ai.usage.output_tokens": 12,
      "gen_ai.usage.cache_read.input_tokens": 2,
      "gen_ai.usage.reasoning.output_tokens": 1,
    });
  });

  it("fails the run's span for a failed run only", () => {
    const { provider, spans } = collector();
    const model = createScriptedModel({ turns: [] });
    const error = new ModelError({
      provider: "p",
      modelId: "m",
      retryable: false,
      statusCode: 401,
      message: `Unauthorized: key ${SECRET} is invalid`,
      cause: undefined,
    });
    const start = (runId: string) =>
      startRunTrace(definition([model], { tracerProvider: provider }), { runId, runtime: "test" });
    start("failed").end(result("failed", { error, finishReason: "error" }));
    start("max").end(result("max_iterations", { error: new MaxIterationsError({ maxIterations: 2 }) }));
    start("suspended").end(result("suspended", { resumed: true } as never));
    const byRun = new Map(spans().map((span) => [span.attributes["flowmaestro.run.id"], span]));
    const failed = byRun.get("failed") as ReadableSpan;
    expect(failed.attributes["error.type"]).toBe("MODEL_ERROR");
    expect(failed.attributes["http.response.status_code"]).toBe(401);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.status.message).toContain("Unauthorized");
    expect(failed.status.message).not.toContain(SECRET);
    for (const runId of ["max", "suspended"]) {
      const span = byRun.get(runId) as ReadableSpan;
      expect(span.attributes["error.type"]).toBeUndefined();
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    expect(byRun.get("max")?.attributes["flowmaestro.run.status"]).toBe("max_iterations");
  });

  it("ends once, and ends the child spans the run left open as ABORTED", () => {
    const { provider, spans, one } = collector();
    const model = createScriptedModel({ turns: [] });
    const runTrace = startRunTrace(definition([model], { tracerProvider: provider }), {
      runId: "run-1",
      runtime: "test",
      resumed: true,
    });
    const tool = runTrace.startTool({ toolCallId: "c1", toolName: "slow", input: {} });
    runTrace.end(result("aborted", { finishReason: "interrupted" }));
    runTrace.end(result("completed"));
    tool.end({ toolCallId: "c1", toolName: "slow", input: {}, output: "late", isError: false });
    expect(spans()).toHaveLength(2);
    const span = one("execute_tool slow");
    expect(span.attributes["error.type"]).toBe("ABORTED");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    const run = one("invoke_agent helper");
    expect(run.attributes["flowmaestro.run.status"]).toBe("aborted");
    expect(run.attributes["flowmaestro.run.resumed"]).toBe(true);
    expect(runTrace.startChat({ provider: "p", modelId: "m" }, call("hi")).recording).toBe(false);
  });
});

describe("chat spans (run model)", () => {
  it("gives every attempt its own span: retries and fallbacks, each failed with its error", async () => {
    const { provider, spans, one } = collector();
    const primary = createScriptedModel({
      provider: "anthropic.messages",
      modelId: "claude-haiku",
      turns: [{ error: httpError(429) }, { error: httpError(503) }],
    });
    const fallback = createScriptedModel({
      provider: "openai.chat",
      modelId: "gpt-5-mini",
      turns: [{ text: "ok", usage: { inputTokens: 21, outputTokens: 4 } }],
    });
    const runTrace = startRunTrace(definition([primary, fallback], { tracerProvider: provider }), {
      runId: "run-1",
      runtime: "test",
    });
    const model = createRunModel({
      models: [primary, fallback],
      retry: { maxRetries: 1 },
      sleep: async () => {},
      trace: runTrace,
    });
    await model.generate(call("hi", { temperature: 0.2, maxOutputTokens: 256 }));
    runTrace.end(result("completed"));
    const run = one("invoke_agent helper");
    const chats = spans().filter((span) => span.name.startsWith("chat "));
    expect(chats.map((span) => span.name)).toEqual([
      "chat claude-haiku",
      "chat claude-haiku",
      "chat gpt-5-mini",
    ]);
    for (const span of chats) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(span)).toBe(idOf(run));
      expect(span.spanContext().traceId).toBe(run.spanContext().traceId);
      expect(span.attributes["gen_ai.operation.name"]).toBe("chat");
      expect(span.attributes["gen_ai.request.temperature"]).toBe(0.2);
      expect(span.attributes["gen_ai.request.max_tokens"]).toBe(256);
    }
    const [first, second, answered] = chats as [ReadableSpan, ReadableSpan, ReadableSpan];
    expect(first.attributes).toMatchObject({
      "gen_ai.provider.name": "anthropic",
      "flowmaestro.model.provider": "anthropic.messages",
      "error.type": "MODEL_ERROR",
      "http.response.status_code": 429,
    });
    expect(first.status.code).toBe(SpanStatusCode.ERROR);
    expect(second.attributes["http.response.status_code"]).toBe(503);
    expect(answered.status.code).toBe(SpanStatusCode.UNSET);
    expect(answered.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "flowmaestro.model.provider": "openai.chat",
      "gen_ai.request.model": "gpt-5-mini",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 256,
      "gen_ai.response.model": "gpt-5-mini",
      "gen_ai.response.id": "response_0",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 21,
      "gen_ai.usage.output_tokens": 4,
    });
  });

  it("ends a stream's span at its finish part, with usage and the finish reason", async () => {
    const { provider, one } = collector();
    const scripted = createScriptedModel({
      modelId: "m1",
      turns: [{ text: ["Hel", "lo"], toolCalls: [{ toolName: "lookup", input: { word: "x" } }] }],
    });
    const runTrace = startRunTrace(definition([scripted], { tracerProvider: provider }), {
      runId: "run-1",
      runtime: "test",
    });
    const model = createRunModel({ models: [scripted], trace: runTrace });
    const parts: string[] = [];
    await model.consumeStream(call("hi"), { onPart: (part) => void parts.push(part.type) });
    const span = one("chat m1");
    expect(span.attributes).toMatchObject({
      "gen_ai.response.finish_reasons": ["tool_call"],
      "gen_ai.response.id": "response_0",
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 5,
    });
    expect(span.attributes["gen_ai.input.messages"]).toBeUndefined();
    expect(span.attributes["gen_ai.output.messages"]).toBeUndefined();
    expect(parts).toContain("finish");
  });

  it("fails a stream's span when the stream breaks after content, keeping the partial answer", async () => {
    const { provider, one } = collector();
    const scripted = createScriptedModel({
      modelId: "m1",
      turns: [{ text: "partial", streamError: httpError(500) }],
    });
    const runTrace = startRunTrace(
      definition([scripted], { tracerProvider: provider, recordContent: true }),
      {
        runId: "run-1",
        runtime: "test",
      },
    );
    const model = createRunModel({ models: [scripted], trace: runTrace });
    const { stream } = await model.stream(call("hi"));
    const reader = stream.getReader();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return;
      })(),
    ).rejects.toMatchObject({ code: "MODEL_ERROR" });
    const span = one("chat m1");
    expect(span.attributes["error.type"]).toBe("MODEL_ERROR");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(JSON.parse(span.attributes["gen_ai.output.messages"] as string)).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "partial" }], finish_reason: "error" },
    ]);
  });

  it("records an abort as ABORTED", async () => {
    const { provider, one } = collector();
    const scripted = createScriptedModel({ modelId: "m1", turns: [{ hang: "call" }] });
    const runTrace = startRunTrace(definition([scripted], { tracerProvider: provider }), {
      runId: "run-1",
      runtime: "test",
    });
    const controller = new AbortController();
    const model = createRunModel({ models: [scripted], trace: runTrace, signal: controller.signal });
    const answer = model.generate(call("hi"));
    controller.abort();
    await expect(answer).rejects.toMatchObject({ code: "ABORTED" });
    expect(one("chat m1").attributes["error.type"]).toBe("ABORTED");
  });

  it("records the prompt and the answer only with recordContent, in the conventions' shape", async () => {
    const { provider, one } = collector();
    const scripted = createScriptedModel({
      modelId: "m1",
      turns: [
        { reasoning: "think", text: "Hi there", toolCalls: [{ toolName: "lookup", input: { word: "a" } }] },
      ],
    });
    const runTrace = startRunTrace(
      definition([scripted], { tracerProvider: provider, recordContent: true }),
      {
        runId: "run-1",
        runtime: "test",
      },
    );
    const model = createRunModel({ models: [scripted], trace: runTrace });
    await model.generate({
      prompt: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "hello" }] },
        {
          role: "assistant",
          content: [{ type: "tool-call", toolCallId: "c0", toolName: "lookup", input: { word: "b" } }],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "c0",
              toolName: "lookup",
              output: { type: "json", value: { meaning: "bee" } },
            },
          ],
        },
      ],
    });
    const span = one("chat m1");
    expect(JSON.parse(span.attributes["gen_ai.system_instructions"] as string)).toEqual([
      { type: "text", content: "Be brief." },
    ]);
    expect(JSON.parse(span.attributes["gen_ai.input.messages"] as string)).toEqual([
      { role: "user", parts: [{ type: "text", content: "hello" }] },
      {
        role: "assistant",
        parts: [{ type: "tool_call", id: "c0", name: "lookup", arguments: { word: "b" } }],
      },
      { role: "tool", parts: [{ type: "tool_call_response", id: "c0", response: { meaning: "bee" } }] },
    ]);
    expect(JSON.parse(span.attributes["gen_ai.output.messages"] as string)).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "think" },
          { type: "text", content: "Hi there" },
          { type: "tool_call", id: "call_0_0", name: "lookup", arguments: { word: "a" } },
        ],
        finish_reason: "tool_call",
      },
    ]);
  });
});

describe("tool spans (executeToolCall)", () => {
  const broken = defineTool({
    name: "broken",
    inputSchema: z.object({}),
    execute: () => {
      throw new Error("database is down");
    },
  });
  const stuck = defineTool({
    name: "stuck",
    inputSchema: z.object({}),
    timeoutMs: 5,
    execute: () => new Promise(() => {}),
  });

  it("records each call under the run's span, failed with its error code", async () => {
    const { provider, spans, one } = collector();
    const model = createScriptedModel({ turns: [] });
    const runTrace = startRunTrace(definition([model], { tracerProvider: provider }), {
      runId: "run-1",
      runtime: "test",
    });
    const toolScope = scope([lookup, broken, stuck], runTrace);
    await executeToolCall({ toolCallId: "c1", toolName: "lookup", input: { word: "a" } }, toolScope);
    await executeToolCall({ toolCallId: "c2", toolName: "broken", input: {} }, toolScope);
    await executeToolCall({ toolCallId: "c3", toolName: "stuck", input: {} }, toolScope);
    await executeToolCall({ toolCallId: "c4", toolName: "lookup", input: { word: 1 } }, toolScope);
    await executeToolCall({ toolCallId: "c5", toolName: "fly", input: {} }, toolScope);
    failToolCall(
      { toolCallId: "c6", toolName: "lookup", input: "{" },
      new ToolDeclinedError({ toolName: "lookup", reason: "no" }),
      toolScope,
    );
    runTrace.end(result("completed"));
    const run = one("invoke_agent helper");
    const tools = spans().filter((span) => span.name.startsWith("execute_tool "));
    expect(
      tools.map((span) => [span.name, span.attributes["gen_ai.tool.call.id"], span.attributes["error.type"]]),
    ).toEqual([
      ["execute_tool lookup", "c1", undefined],
      ["execute_tool broken", "c2", "TOOL_EXECUTION_FAILED"],
      ["execute_tool stuck", "c3", "TOOL_TIMEOUT"],
      ["execute_tool lookup", "c4", "INVALID_TOOL_ARGUMENTS"],
      ["execute_tool fly", "c5", "UNKNOWN_TOOL"],
      ["execute_tool lookup", "c6", "TOOL_DECLINED"],
    ]);
    for (const span of tools) {
      expect(span.kind).toBe(SpanKind.INTERNAL);
      expect(parentOf(span)).toBe(idOf(run));
      expect(span.attributes["gen_ai.operation.name"]).toBe("execute_tool");
      expect(span.attributes["gen_ai.tool.type"]).toBe("function");
      expect(span.status.code).toBe(
        span.attributes["error.type"] === undefined ? SpanStatusCode.UNSET : SpanStatusCode.ERROR,
      );
    }
    expect(tools[0]?.attributes).toEqual({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.id": "c1",
      "gen_ai.tool.type": "function",
      "gen_ai.tool.description": "Looks a word up",
    });
    expect(tools[1]?.status.message).toContain("database is down");
  });

  it("records arguments and result only with recordContent", async () => {
    for (const recordContent of [false, true]) {
      const { provider, one } = collector();
      const model = createScriptedModel({ turns: [] });
      const runTrace = startRunTrace(definition([model], { tracerProvider: provider, recordContent }), {
        runId: "run-1",
        runtime: "test",
      });
      await executeToolCall(
        { toolCallId: "c1", toolName: "lookup", input: { word: "a" } },
        scope([lookup], runTrace),
      );
      const span = one("execute_tool lookup");
      if (recordContent) {
        expect(JSON.parse(span.attributes["gen_ai.tool.call.arguments"] as string)).toEqual({ word: "a" });
        expect(JSON.parse(span.attributes["gen_ai.tool.call.result"] as string)).toEqual({
          meaning: "meaning of a",
        });
      } else {
        expect(span.attributes["gen_ai.tool.call.arguments"]).toBeUndefined();
        expect(span.attributes["gen_ai.tool.call.result"]).toBeUndefined();
      }
    }
  });
});

describe("memory recall span", () => {
  it("records the history loaded, under the run's span", async () => {
    const { provider, one } = collector();
    const model = createScriptedModel({ turns: [] });
    const runTrace = startRunTrace(definition([model], { tracerProvider: provider }), {
      runId: "run-1",
      runtime: "test",
      threadId: "thread-7",
    });
    const session = { history: [{}, {}, {}], context: "summary", tools: [] };
    await expect(runTrace.memoryRecall({ name: "flowmaestro" }, async () => session)).resolves.toBe(session);
    runTrace.end(result("completed"));
    const span = one("search_memory flowmaestro");
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(parentOf(span)).toBe(idOf(one("invoke_agent helper")));
    expect(span.attributes).toEqual({
      "gen_ai.operation.name": "search_memory",
      "gen_ai.conversation.id": "thread-7",
      "gen_ai.memory.record.count": 3,
      "flowmaestro.memory.name": "flowmaestro",
      "flowmaestro.memory.context": true,
    });
  });

  it("fails with the storage error's code and rejects as open does", async () => {
    const { provider, one } = collector();
    const model = createScriptedModel({ turns: [] });
    const runTrace = startRunTrace(definition([model], { tracerProvider: provider }), {
      runId: "run-1",
      runtime: "test",
    });
    const error = new StorageError({ adapter: "fake", operation: "listMessages", message: "disk gone" });
    await expect(
      runTrace.memoryRecall({ name: "fake" }, async () => {
        throw error;
      }),
    ).rejects.toBe(error);
    const span = one("search_memory fake");
    expect(span.attributes["error.type"]).toBe("STORAGE_ERROR");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe("secrets", () => {
  for (const recordContent of [false, true]) {
    it(`never appear in any attribute (recordContent ${recordContent})`, async () => {
      process.env[ENV_SECRET_NAME] = ENV_SECRET;
      const { provider, spans } = collector();
      const leaky = defineTool({
        name: "leaky",
        inputSchema: z.object({ apiKey: z.string() }),
        execute: ({ apiKey }) => ({ echoed: apiKey, header: `Authorization: Bearer ${SECRET}` }),
      });
      const failing = defineTool({
        name: "failing",
        inputSchema: z.object({}),
        execute: () => {
          throw new Error(`connect failed with key ${SECRET} / ${ENV_SECRET}`);
        },
      });
      const scripted = createScriptedModel({
        modelId: "m1",
        turns: [
          { text: `Your key is ${SECRET}`, toolCalls: [{ toolName: "leaky", input: { apiKey: SECRET } }] },
          { text: `env ${ENV_SECRET}` },
        ],
      });
      const runTrace = startRunTrace(
        definition([scripted], { tracerProvider: provider, recordContent }, `Use key ${SECRET}.`),
        {
          runId: "run-1",
          runtime: "test",
          input: [{ role: "user", content: `my key is ${SECRET} and ${ENV_SECRET}` }],
        },
      );
      const model = createRunModel({ models: [scripted], trace: runTrace });
      await model.generate(call(`please use ${SECRET} and ${ENV_SECRET}`));
      await model.consumeStream(call(`again ${SECRET}`), {});
      const toolScope = scope([leaky, failing], runTrace);
      await executeToolCall({ toolCallId: "c1", toolName: "leaky", input: { apiKey: SECRET } }, toolScope);
      await executeToolCall({ toolCallId: "c2", toolName: "failing", input: {} }, toolScope);
      // A failure that is not an SDK error (whose messages are redacted already).
      runTrace.startChat({ provider: "p", modelId: "raw" }, call("x")).fail(new Error(`raw ${SECRET}`));
      runTrace.end(
        result("failed", {
          text: `final ${SECRET}`,
          error: new ModelError({
            provider: "p",
            modelId: "m",
            retryable: false,
            message: `bad key ${SECRET}`,
            cause: undefined,
          }),
        }),
      );
      const recorded = spans();
      expect(recorded.map((span) => span.name).sort()).toEqual([
        "chat m1",
        "chat m1",
        "chat raw",
        "execute_tool failing",
        "execute_tool leaky",
        "invoke_agent helper",
      ]);
      const text = everyAttribute(recorded);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(ENV_SECRET);
      expect(text).not.toContain("Zx81qLmN0pQr");
      if (recordContent) {
        // The content is there, with the secrets replaced.
        expect(text).toContain("Your key is [redacted]");
        expect(text).toContain("[redacted]");
        const run = recorded.find((span) => span.name === "invoke_agent helper") as ReadableSpan;
        expect(JSON.parse(run.attributes["gen_ai.input.messages"] as string)).toEqual([
          { role: "user", parts: [{ type: "text", content: "my key is [redacted] and [redacted]" }] },
        ]);
      } else {
        for (const span of recorded) expect(contentKeys(span.attributes)).toEqual([]);
      }
    });
  }
});

const CONTENT_KEYS = [
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.system_instructions",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
];

function contentKeys(attributes: Attributes): string[] {
  return Object.keys(attributes).filter((key) => CONTENT_KEYS.includes(key));
}
