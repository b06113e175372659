import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Attributes,
  type Context,
  type ContextManager,
  context as otelContext,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { ModelMessage } from "ai";
import { expect } from "vitest";
import { z } from "zod";
import type { ResumeOptions } from "../../agent-runtime.js";
import type { Agent, AgentRunOptions } from "../../create-agent.js";
import type { ApprovalDecision, RunResult } from "../../run-result.js";
import { defineTool } from "../../tools/define-tool.js";
import { createInMemoryRunStore } from "../in-memory-run-store.js";
import type { ScriptedTurn } from "../scripted-model.js";
import type { ContractContext } from "./contract-context.js";
import {
  createRecordingTracerProvider,
  type RecordedSpan,
  type RecordingTracerProvider,
} from "./recording-tracer.js";
import { type SpanTree, spanTrees } from "./span-trees.js";

/** Names of the tracing cases, for `skip`. */
export type TracingContractCase =
  | "tracing: span tree"
  | "tracing: tool errors"
  | "tracing: a span per model call attempt"
  | "tracing: content only with recordContent"
  | "tracing: no secrets in spans"
  | "tracing: resource id"
  | "tracing: an aborted run is not an error"
  | "tracing: suspended and resumed runs"
  | "tracing: spans join the host's context";

/** The scripted model's defaults (`createScriptedModel`), and the contract agent's name. */
const MODEL_ID = "scripted-model";
const PROVIDER = "scripted";
const AGENT = "contract-agent";
const INSTRUCTIONS = "You are a test agent.";
const RUN_SPAN = `invoke_agent ${AGENT}`;
const CHAT_SPAN = `chat ${MODEL_ID}`;

const SECRET = "sk-proj-Zx81qLmN0pQrStUvWxYz4455";

/** The content attributes each span carries with `recordContent` (docs/tracing.md), and only then. */
const CONTENT_OF: Readonly<Record<string, readonly string[]>> = {
  invoke_agent: ["gen_ai.system_instructions", "gen_ai.input.messages", "gen_ai.output.messages"],
  chat: ["gen_ai.system_instructions", "gen_ai.input.messages", "gen_ai.output.messages"],
  execute_tool: ["gen_ai.tool.call.arguments", "gen_ai.tool.call.result"],
};
const CONTENT_KEYS = new Set(Object.values(CONTENT_OF).flat());

const lookup = defineTool({
  name: "lookup",
  description: "Looks a word up",
  inputSchema: z.object({ word: z.string() }),
  execute: ({ word }) => ({ meaning: `meaning of ${word}` }),
});
/** Fails with a secret in its message, which no span status may repeat. */
const broken = defineTool({
  name: "broken",
  inputSchema: z.object({}),
  execute: () => {
    throw new Error(`database is down (key ${SECRET})`);
  },
});

const MODES = ["execute", "stream"] as const;
type Mode = (typeof MODES)[number];

const toolRoundTrip = (): ScriptedTurn[] => [
  { toolCalls: [{ toolName: "lookup", input: { word: "tea" } }] },
  { text: ["Tea is ", "a drink."] },
];

/** Runs an agent in a mode (draining the stream) and returns the result. */
async function runIn(
  mode: Mode,
  agent: Agent,
  input: string | readonly ModelMessage[],
  options?: AgentRunOptions,
): Promise<RunResult> {
  if (mode === "execute") return agent.execute(input, options);
  const stream = agent.stream(input, options);
  for await (const _event of stream) {
    // Only the spans matter here.
  }
  return stream.result;
}

/** Resumes a run in a mode (`resume`, or `resumeStream` drained). */
async function resumeIn(
  mode: Mode,
  agent: Agent,
  runId: string,
  decisions: readonly ApprovalDecision[],
  options?: ResumeOptions,
): Promise<RunResult> {
  if (mode === "execute") return agent.resume(runId, decisions, options);
  const stream = await agent.resumeStream(runId, decisions, options);
  for await (const _event of stream) {
    // Only the spans matter here.
  }
  return stream.result;
}

/**
 * The spans a provider recorded, once it is checked that they are well formed: no misuse (an
 * operation on an ended span, a second end, an invalid attribute), none left open after the run,
 * and each child in its parent's trace, started after it and ended before it.
 */
function settledSpans(provider: RecordingTracerProvider, label: string): RecordedSpan[] {
  expect(provider.problems, `${label}: span misuse`).toEqual([]);
  const open = provider.spans.filter((span) => !span.ended).map((span) => span.name);
  expect(open, `${label}: spans still open after the run`).toEqual([]);
  const spans = provider.finishedSpans();
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  for (const span of spans) {
    const parent = span.parentSpanContext && byId.get(span.parentSpanContext.spanId);
    if (!parent) continue;
    const where = `${label}: "${span.name}" in "${parent.name}"`;
    expect(span.spanContext().traceId, where).toBe(parent.spanContext().traceId);
    expect(span.startTick > parent.startTick && span.endTick! < parent.endTick!, where).toBe(true);
  }
  return spans;
}

/** The one span named `name`. */
function only(spans: readonly RecordedSpan[], name: string): RecordedSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found.map((span) => span.name)).toEqual([name]);
  return found[0]!;
}

/** Parses a content attribute (a JSON string). */
function json(attributes: Attributes, key: string): unknown {
  const value = attributes[key];
  expect(typeof value, key).toBe("string");
  return JSON.parse(value as string);
}

function chatTree(responseId: string, finishReason: string): SpanTree {
  return {
    name: CHAT_SPAN,
    kind: SpanKind.CLIENT,
    status: SpanStatusCode.UNSET,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": PROVIDER,
      "flowmaestro.model.provider": PROVIDER,
      "gen_ai.request.model": MODEL_ID,
      "gen_ai.request.temperature": 0.3,
      "gen_ai.response.model": MODEL_ID,
      "gen_ai.response.id": responseId,
      "gen_ai.response.finish_reasons": [finishReason],
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 5,
    },
    children: [],
  };
}

/**
 * An AsyncLocalStorage context manager (what the Node SDK registers), so a case can run an agent
 * inside a host's active span.
 */
class AsyncContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(context, () => fn.apply(thisArg, args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== "function") return target;
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => target.apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

/**
 * The contract's tracing cases (docs/tracing.md): the `invoke_agent`, `chat` and `execute_tool`
 * spans of a run, their attributes per the GenAI semantic conventions, error statuses, content
 * only with `tracing.recordContent`, secrets redacted everywhere, suspension and resume, and
 * parents taken from the host's context. Spans are recorded with the contract's recording tracer
 * provider, passed on the definition (`tracing.tracerProvider`), in both run modes.
 * @internal
 */
export function describeTracingCases(context: ContractContext): void {
  const { agentWith } = context;
  // Case names outside `AgentRuntimeContractCase` until the union lists them.
  const test = context.test as unknown as (caseName: TracingContractCase, body: () => Promise<void>) => void;

  /** An agent with the `lookup` and `broken` tools whose spans go to a fresh recording provider. */
  const tracedAgent = async (
    turns: readonly ScriptedTurn[],
    options: { recordContent?: boolean; extra?: Parameters<typeof agentWith>[1] } = {},
  ) => {
    const tracerProvider = createRecordingTracerProvider();
    const { agent } = await agentWith(turns, {
      id: "agent-1",
      tools: [lookup, broken],
      temperature: 0.3,
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1 },
      ...options.extra,
      tracing: { tracerProvider, recordContent: options.recordContent ?? false },
    });
    return { agent, tracerProvider };
  };

  /** Runs a script in a mode and returns the result and the settled spans. */
  const tracedRun = async (
    mode: Mode,
    turns: readonly ScriptedTurn[],
    options: { recordContent?: boolean; input?: string; runOptions?: AgentRunOptions } = {},
  ) => {
    const { agent, tracerProvider } = await tracedAgent(turns, options);
    const result = await runIn(mode, agent, options.input ?? "What does tea mean?", options.runOptions);
    return { result, spans: settledSpans(tracerProvider, mode) };
  };

  test("tracing: span tree", async () => {
    for (const mode of MODES) {
      const { result, spans } = await tracedRun(mode, toolRoundTrip());
      expect(result.status, mode).toBe("completed");
      const run = only(spans, RUN_SPAN);
      expect(run.attributes["flowmaestro.run.id"]).toBe(result.runId);
      expect(run.attributes["flowmaestro.runtime"]).toEqual(expect.stringMatching(/./));
      for (const span of spans) {
        expect(span.instrumentationScope.name, span.name).toBe("@flowmaestro/runtime");
        expect(span.spanContext().traceId, span.name).toBe(run.spanContext().traceId);
      }
      expect(spanTrees(spans), mode).toEqual([
        {
          name: RUN_SPAN,
          kind: SpanKind.INTERNAL,
          status: SpanStatusCode.UNSET,
          attributes: {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": AGENT,
            "gen_ai.agent.id": "agent-1",
            "gen_ai.provider.name": PROVIDER,
            "gen_ai.request.model": MODEL_ID,
            "flowmaestro.run.status": "completed",
            "flowmaestro.run.steps": 2,
            "gen_ai.usage.input_tokens": 20,
            "gen_ai.usage.output_tokens": 10,
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.reasoning.output_tokens": 0,
            // Scripted models have no price: no `flowmaestro.run.cost_usd`.
          },
          children: [
            chatTree("response_0", "tool_call"),
            chatTree("response_1", "stop"),
            {
              name: "execute_tool lookup",
              kind: SpanKind.INTERNAL,
              status: SpanStatusCode.UNSET,
              attributes: {
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.tool.name": "lookup",
                "gen_ai.tool.call.id": "call_0_0",
                "gen_ai.tool.type": "function",
                "gen_ai.tool.description": "Looks a word up",
              },
              children: [],
            },
          ],
        },
      ]);
    }
  });

  test("tracing: tool errors", async () => {
    for (const mode of MODES) {
      const { result, spans } = await tracedRun(mode, [
        {
          toolCalls: [
            { toolName: "broken", input: {} },
            { toolName: "lookup", input: { word: 1 } },
            { toolName: "lookup", input: '{"word": "te' },
            { toolName: "fly", input: {} },
          ],
        },
        { text: "Everything failed." },
      ]);
      // Failed tool calls are the model's to handle: the run completes.
      expect(result.status, mode).toBe("completed");
      const run = only(spans, RUN_SPAN);
      expect(run.status.code).toBe(SpanStatusCode.UNSET);
      const tools = spans
        .filter((span) => span.name.startsWith("execute_tool "))
        .map((span) => {
          expect(span.parentSpanContext?.spanId, span.name).toBe(run.spanContext().spanId);
          expect(span.status.code, span.name).toBe(SpanStatusCode.ERROR);
          expect(span.status.message, span.name).toEqual(expect.stringMatching(/./));
          return [span.attributes["gen_ai.tool.call.id"], span.name, span.attributes["error.type"]];
        })
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(tools, mode).toEqual([
        ["call_0_0", "execute_tool broken", "TOOL_EXECUTION_FAILED"],
        ["call_0_1", "execute_tool lookup", "INVALID_TOOL_ARGUMENTS"],
        ["call_0_2", "execute_tool lookup", "INVALID_TOOL_ARGUMENTS"],
        ["call_0_3", "execute_tool fly", "UNKNOWN_TOOL"],
      ]);
    }
  });

  test("tracing: a span per model call attempt", async () => {
    for (const mode of MODES) {
      const { result, spans } = await tracedRun(mode, [
        { error: Object.assign(new Error("Too many requests"), { statusCode: 429 }) },
        { toolCalls: [{ toolName: "lookup", input: { word: "a" } }] },
        { error: Object.assign(new Error("Unauthorized"), { statusCode: 401 }) },
      ]);
      expect(result.status, mode).toBe("failed");
      const run = only(spans, RUN_SPAN);
      expect(run.status.code).toBe(SpanStatusCode.ERROR);
      expect(run.status.message).toEqual(expect.stringMatching(/./));
      expect(run.attributes["error.type"]).toBe("MODEL_ERROR");
      expect(run.attributes["flowmaestro.run.status"]).toBe("failed");
      // In the order they ended, which is the order they were made: a run's model calls never overlap.
      const chats = spans.filter((span) => span.name === CHAT_SPAN);
      const outcomes = chats.map((span) => [
        span.status.code,
        span.attributes["error.type"],
        span.attributes["http.response.status_code"],
      ]);
      expect(outcomes, mode).toEqual([
        [SpanStatusCode.ERROR, "MODEL_ERROR", 429],
        [SpanStatusCode.UNSET, undefined, undefined],
        [SpanStatusCode.ERROR, "MODEL_ERROR", 401],
      ]);
      for (const span of chats) expect(span.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    }
  });

  test("tracing: content only with recordContent", async () => {
    for (const mode of MODES) {
      for (const recordContent of [false, true]) {
        const label = `${mode}, recordContent ${recordContent}`;
        const { spans } = await tracedRun(mode, toolRoundTrip(), { recordContent });
        expect(spans.length, label).toBe(4);
        for (const span of spans) {
          const operation = String(span.attributes["gen_ai.operation.name"]);
          const keys = Object.keys(span.attributes).filter((key) => CONTENT_KEYS.has(key));
          const expected = recordContent ? (CONTENT_OF[operation] ?? []) : [];
          expect(keys.sort(), `${label}: ${span.name}`).toEqual([...expected].sort());
        }
        if (!recordContent) continue;
        const run = only(spans, RUN_SPAN);
        expect(json(run.attributes, "gen_ai.system_instructions")).toEqual([
          { type: "text", content: INSTRUCTIONS },
        ]);
        expect(json(run.attributes, "gen_ai.input.messages")).toEqual([
          { role: "user", parts: [{ type: "text", content: "What does tea mean?" }] },
        ]);
        expect(json(run.attributes, "gen_ai.output.messages")).toEqual([
          { role: "assistant", parts: [{ type: "text", content: "Tea is a drink." }], finish_reason: "stop" },
        ]);
        const tool = only(spans, "execute_tool lookup");
        expect(json(tool.attributes, "gen_ai.tool.call.arguments")).toEqual({ word: "tea" });
        expect(json(tool.attributes, "gen_ai.tool.call.result")).toEqual({ meaning: "meaning of tea" });
        const [first, second] = spans.filter((span) => span.name === CHAT_SPAN);
        const call = { type: "tool_call", id: "call_0_0", name: "lookup", arguments: { word: "tea" } };
        expect(json(first!.attributes, "gen_ai.output.messages"), label).toEqual([
          { role: "assistant", parts: [call], finish_reason: "tool_call" },
        ]);
        // The second call is sent the first answer and the tool's result.
        expect(json(second!.attributes, "gen_ai.input.messages"), label).toEqual([
          { role: "user", parts: [{ type: "text", content: "What does tea mean?" }] },
          { role: "assistant", parts: [call] },
          {
            role: "tool",
            parts: [{ type: "tool_call_response", id: "call_0_0", response: { meaning: "meaning of tea" } }],
          },
        ]);
      }
    }
  });

  test("tracing: no secrets in spans", async () => {
    for (const mode of MODES) {
      for (const recordContent of [false, true]) {
        const label = `${mode}, recordContent ${recordContent}`;
        const { spans } = await tracedRun(
          mode,
          [
            {
              text: `Using ${SECRET}.`,
              toolCalls: [
                { toolName: "lookup", input: { word: SECRET } },
                { toolName: "broken", input: {} },
              ],
            },
            { text: `Done with ${SECRET}.` },
          ],
          { recordContent, input: `My key is ${SECRET}. What does tea mean?` },
        );
        expect(spans.length, label).toBe(5);
        const text = JSON.stringify(
          spans.map((span) => [span.name, span.attributes, span.status, span.events]),
        );
        expect(text, label).not.toContain(SECRET);
        if (!recordContent) continue;
        // Redacted, not dropped.
        const run = only(spans, RUN_SPAN);
        expect(json(run.attributes, "gen_ai.input.messages")).toEqual([
          { role: "user", parts: [{ type: "text", content: "My key is [redacted]. What does tea mean?" }] },
        ]);
        expect(json(run.attributes, "gen_ai.output.messages")).toEqual([
          {
            role: "assistant",
            parts: [{ type: "text", content: "Done with [redacted]." }],
            finish_reason: "stop",
          },
        ]);
        const tool = only(spans, "execute_tool lookup");
        expect(json(tool.attributes, "gen_ai.tool.call.arguments")).toEqual({ word: "[redacted]" });
        expect(json(tool.attributes, "gen_ai.tool.call.result")).toEqual({
          meaning: "meaning of [redacted]",
        });
      }
    }
  });

  test("tracing: resource id", async () => {
    for (const mode of MODES) {
      // A thread needs memory, which the contract's agent has not (`gen_ai.conversation.id` is
      // checked with kit memory in runtime-legacy/src/tracing.test.ts); a resource id alone is allowed.
      const { spans } = await tracedRun(mode, [{ text: "Hi." }], { runOptions: { resourceId: "user-1" } });
      const run = only(spans, RUN_SPAN);
      expect(run.attributes["flowmaestro.resource.id"], mode).toBe("user-1");
      expect(run.attributes["gen_ai.conversation.id"], mode).toBeUndefined();
    }
  });

  test("tracing: an aborted run is not an error", async () => {
    for (const mode of MODES) {
      const { agent, tracerProvider } = await tracedAgent(toolRoundTrip());
      // The host aborts as soon as the model calls a tool.
      const controller = new AbortController();
      const result = await runIn(mode, agent, "What does tea mean?", {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "tool-call") controller.abort();
        },
      });
      expect(result.status, mode).toBe("aborted");
      // An abort is an outcome the host chose: in the run's status, not an error.
      const run = only(settledSpans(tracerProvider, mode), RUN_SPAN);
      expect(run.status.code, mode).toBe(SpanStatusCode.UNSET);
      expect(run.attributes["flowmaestro.run.status"], mode).toBe("aborted");
      expect(run.attributes["error.type"], mode).toBeUndefined();
    }
  });

  test("tracing: suspended and resumed runs", async () => {
    for (const mode of MODES) {
      const refund = defineTool({
        name: "refund",
        description: "Refunds an order",
        inputSchema: z.object({ orderId: z.string() }),
        needsApproval: true,
        execute: ({ orderId }) => ({ refunded: orderId }),
      });
      const { agent, tracerProvider } = await tracedAgent(
        [
          {
            toolCalls: [
              { toolName: "refund", input: { orderId: "A1" }, toolCallId: "call_a" },
              { toolName: "refund", input: { orderId: "B2" }, toolCallId: "call_b" },
            ],
          },
          { text: "Refunded A1." },
        ],
        { extra: { tools: [refund], runStore: createInMemoryRunStore() } },
      );
      const runId = `run-traced-${mode}`;
      const suspended = await runIn(mode, agent, "Refund A1 and B2", { runId });
      expect(suspended.status, mode).toBe("suspended");
      const first = settledSpans(tracerProvider, `${mode}, suspended`);
      // A suspension is not an error, and a call waiting for approval has no span yet.
      const suspendedRun = only(first, RUN_SPAN);
      expect(suspendedRun.status.code).toBe(SpanStatusCode.UNSET);
      expect(suspendedRun.attributes).toMatchObject({
        "flowmaestro.run.id": runId,
        "flowmaestro.run.status": "suspended",
      });
      expect(suspendedRun.attributes["flowmaestro.run.resumed"]).toBeUndefined();
      expect(first.map((span) => span.name).sort(), mode).toEqual([CHAT_SPAN, RUN_SPAN]);

      tracerProvider.reset();
      const approvalOf = (toolCallId: string) =>
        suspended.pendingApprovals.find((pending) => pending.toolCallId === toolCallId)!.approvalId;
      const resumed = await resumeIn(mode, agent, runId, [
        { approvalId: approvalOf("call_a"), approved: true },
        { approvalId: approvalOf("call_b"), approved: false, reason: "Not eligible." },
      ]);
      expect(resumed.status, mode).toBe("completed");
      const second = settledSpans(tracerProvider, `${mode}, resumed`);
      const resumedRun = only(second, RUN_SPAN);
      expect(resumedRun.attributes).toMatchObject({
        "flowmaestro.run.id": runId,
        "flowmaestro.run.resumed": true,
        "flowmaestro.run.status": "completed",
      });
      // The calls get their spans in the run that decides them: run if approved, declined if not.
      const tools = second
        .filter((span) => span.name === "execute_tool refund")
        .map((span) => {
          expect(span.parentSpanContext?.spanId).toBe(resumedRun.spanContext().spanId);
          return [span.attributes["gen_ai.tool.call.id"], span.status.code, span.attributes["error.type"]];
        })
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(tools, mode).toEqual([
        ["call_a", SpanStatusCode.UNSET, undefined],
        ["call_b", SpanStatusCode.ERROR, "TOOL_DECLINED"],
      ]);
      expect(
        second.filter((span) => span.name === CHAT_SPAN),
        mode,
      ).toHaveLength(1);
    }
  });

  test("tracing: spans join the host's context", async () => {
    const manager = new AsyncContextManager();
    // A host that registered its own (the Node SDK does) keeps it; the case then runs with that one.
    const registered = otelContext.setGlobalContextManager(manager);
    try {
      for (const mode of MODES) {
        const tracerProvider = createRecordingTracerProvider();
        // A tool that makes a span of its own, as a database client would.
        const query = defineTool({
          name: "query",
          inputSchema: z.object({}),
          execute: () => {
            tracerProvider.getTracer("db").startSpan("db query").end();
            return "rows";
          },
        });
        const { agent } = await agentWith(
          [{ toolCalls: [{ toolName: "query", input: {} }] }, { text: "Done." }],
          {
            tools: [query],
            tracing: { tracerProvider },
          },
        );
        const request = tracerProvider.getTracer("host").startSpan("GET /chat", { kind: SpanKind.SERVER });
        const result = await otelContext.with(trace.setSpan(ROOT_CONTEXT, request), () =>
          runIn(mode, agent, "Query."),
        );
        request.end();
        expect(result.status, mode).toBe("completed");
        const spans = settledSpans(tracerProvider, mode);
        const run = only(spans, `invoke_agent ${AGENT}`);
        expect(run.parentSpanContext?.spanId, mode).toBe(request.spanContext().spanId);
        expect(run.spanContext().traceId, mode).toBe(request.spanContext().traceId);
        // Parents are explicit: model calls and tools stay under the run's span...
        for (const span of spans.filter(
          (child) => child.name === CHAT_SPAN || child.name === "execute_tool query",
        )) {
          expect(span.parentSpanContext?.spanId, `${mode}: ${span.name}`).toBe(run.spanContext().spanId);
        }
        // ...and a tool runs with its span active, so the tool's own spans nest under it.
        const tool = only(spans, "execute_tool query");
        expect(only(spans, "db query").parentSpanContext?.spanId, mode).toBe(tool.spanContext().spanId);
      }
    } finally {
      if (registered) otelContext.disable();
    }
  });
}
