import {
  type AgentMemory,
  createAgent,
  defineTool,
  type MemorySession,
  type RunResult,
  StorageError,
} from "@flowmaestro/runtime";
import { createScriptedModel, type ScriptedTurn } from "@flowmaestro/runtime/testing";
import {
  createRecordingTracerProvider,
  type RecordedSpan,
  spanTrees,
} from "@flowmaestro/runtime/testing/contract";
import type { TracerProvider } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createLegacyRuntime } from "./create-legacy-runtime.js";

// The spans of a run (docs/tracing.md) are checked on every runtime by the contract's tracing
// cases (`describeTracingCases`, run by legacy-runtime.contract.test.ts) with the contract's
// recording tracer provider. Here: that the OpenTelemetry SDK records the same spans, so the
// recorder hides no incompatibility, and the kit memory's `search_memory` span, which only this
// runtime has (runtime-mastra/src/tracing.test.ts checks both runtimes emit the same trees).

const define = defineTool({
  name: "define",
  description: "Defines a word",
  inputSchema: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: a drink`,
});

/** Runs `turns` on a legacy agent whose spans go to `tracerProvider`. */
async function runTraced(
  tracerProvider: TracerProvider,
  options: {
    turns: ScriptedTurn[];
    mode?: "execute" | "stream";
    memory?: AgentMemory;
    recordContent?: boolean;
  },
): Promise<RunResult> {
  const agent = createAgent({
    runtime: createLegacyRuntime(),
    name: "helper",
    instructions: "Be brief.",
    model: createScriptedModel({ turns: options.turns }),
    tools: [define],
    retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1 },
    ...(options.memory ? { memory: options.memory } : {}),
    tracing: { tracerProvider, recordContent: options.recordContent ?? true },
  });
  const runOptions = options.memory ? { threadId: "thread-1", resourceId: "user-1" } : {};
  if (options.mode !== "stream") return agent.execute("What is tea?", runOptions);
  const stream = agent.stream("What is tea?", runOptions);
  for await (const _event of stream) {
    // drain
  }
  return stream.result;
}

/**
 * What `spanTrees` leaves out and an exporter still sees, per span, sorted (tool calls may end in
 * either order).
 */
const details = (spans: readonly (ReadableSpan | RecordedSpan)[]) =>
  spans
    .map((span) => ({
      name: span.name,
      callId: span.attributes["gen_ai.tool.call.id"],
      status: span.status,
      events: span.events.map((event) => ({ name: event.name, attributes: event.attributes ?? {} })),
      scope: [span.instrumentationScope.name, span.instrumentationScope.version],
      parent: spans.find((other) => other.spanContext().spanId === span.parentSpanContext?.spanId)?.name,
    }))
    .sort((a, b) => `${a.name} ${a.callId}`.localeCompare(`${b.name} ${b.callId}`));

describe("tracing through the OpenTelemetry SDK", () => {
  // A retried call, a tool that works, one that does not exist, and an answer.
  const script = (): ScriptedTurn[] => [
    { error: Object.assign(new Error("Too many requests"), { statusCode: 429 }) },
    {
      toolCalls: [
        { toolName: "define", input: { word: "tea" } },
        { toolName: "brew", input: {} },
      ],
    },
    { text: ["Tea is ", "a drink."] },
  ];

  for (const mode of ["execute", "stream"] as const) {
    it(`records the spans the contract's recording tracer records (${mode})`, async () => {
      const recorder = createRecordingTracerProvider();
      await runTraced(recorder, { turns: script(), mode });
      const exporter = new InMemorySpanExporter();
      const sdk = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const result = await runTraced(sdk, { turns: script(), mode });
      expect(result.status).toBe("completed");

      const recorded = recorder.finishedSpans();
      const exported = exporter.getFinishedSpans();
      expect(recorder.problems).toEqual([]);
      expect(exported.map((span) => span.name).sort()).toEqual([
        "chat scripted-model",
        "chat scripted-model",
        "chat scripted-model",
        "execute_tool brew",
        "execute_tool define",
        "invoke_agent helper",
      ]);
      expect(spanTrees(exported)).toEqual(spanTrees(recorded));
      expect(details(exported)).toEqual(details(recorded));
      expect(new Set(exported.map((span) => span.spanContext().traceId)).size).toBe(1);
    });
  }
});

describe("memory recall on the legacy runtime (kit memory)", () => {
  const memory = (options: { failOpen?: boolean } = {}): AgentMemory => ({
    specificationVersion: "v1",
    name: "fake",
    settings: {},
    async open(): Promise<MemorySession> {
      if (options.failOpen) {
        throw new StorageError({ adapter: "fake", operation: "listMessages", message: "disk gone" });
      }
      return {
        history: [
          { role: "user", content: "My name is Ada." },
          { role: "assistant", content: [{ type: "text", text: "Hi Ada." }] },
        ],
        context: undefined,
        tools: [],
        async save() {},
        async close() {},
      };
    },
  });

  const only = (spans: readonly RecordedSpan[], name: string) => {
    const found = spans.filter((span) => span.name === name);
    expect(found.map((span) => span.name)).toEqual([name]);
    return found[0] as RecordedSpan;
  };

  it("records a search_memory span with the history loaded, and the conversation on every span that has one", async () => {
    const tracerProvider = createRecordingTracerProvider();
    const result = await runTraced(tracerProvider, { memory: memory(), turns: [{ text: "Hi again, Ada." }] });
    expect(result.status).toBe("completed");
    const spans = tracerProvider.finishedSpans();
    expect(tracerProvider.problems).toEqual([]);
    const run = only(spans, "invoke_agent helper");
    expect(run.attributes).toMatchObject({
      "gen_ai.conversation.id": "thread-1",
      "flowmaestro.resource.id": "user-1",
    });
    const recall = only(spans, "search_memory fake");
    expect(recall.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(recall.attributes).toEqual({
      "gen_ai.operation.name": "search_memory",
      "gen_ai.conversation.id": "thread-1",
      "gen_ai.memory.record.count": 2,
      "flowmaestro.memory.name": "fake",
      "flowmaestro.memory.context": false,
    });
    const chat = only(spans, "chat scripted-model");
    expect(chat.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    // The model call carries the history the recall loaded; the run's span only the run's input.
    const roles = (span: RecordedSpan) =>
      (JSON.parse(span.attributes["gen_ai.input.messages"] as string) as Array<{ role: string }>).map(
        (message) => message.role,
      );
    expect(roles(chat)).toEqual(["user", "assistant", "user"]);
    expect(roles(run)).toEqual(["user"]);
  });

  it("fails the recall span and the run when the memory fails to open", async () => {
    const tracerProvider = createRecordingTracerProvider();
    const result = await runTraced(tracerProvider, { memory: memory({ failOpen: true }), turns: [] });
    expect(result.status).toBe("failed");
    const spans = tracerProvider.finishedSpans();
    expect(only(spans, "search_memory fake").attributes["error.type"]).toBe("STORAGE_ERROR");
    expect(only(spans, "invoke_agent helper").attributes["error.type"]).toBe("STORAGE_ERROR");
  });
});
