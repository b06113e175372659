import { parseJsonEventStream, readUIMessageStream, type UIMessageChunk, uiMessageChunkSchema } from "ai";
import { describe, expect, it } from "vitest";
import type { RunStream } from "../agent-runtime.js";
import type { AgentEvent } from "../events/agent-event.js";
import { createRunStream } from "../kit/run-stream.js";
import type { RunResult } from "../run-result.js";
import {
  arrayRun,
  countingRun,
  ev,
  failure,
  RUN_ID,
  resumedRun,
  runResult,
  suspendingRun,
  usage,
} from "./__fixtures__/run-events.js";
import type { RunUIMessage } from "./run-ui-message.js";
import { toUIMessageStream } from "./to-ui-message-stream.js";
import { toUIMessageStreamResponse } from "./to-ui-message-stream-response.js";

/** A run that emits `events` one by one (the last one must be `run-end`). */
const runOf = arrayRun;

async function chunksOf(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** The UI message the AI SDK builds from a stream (what `useChat` shows). */
async function messageOf(
  stream: ReadableStream<UIMessageChunk>,
  options: { message?: RunUIMessage; errors?: unknown[] } = {},
): Promise<RunUIMessage> {
  let last: RunUIMessage | undefined;
  for await (const message of readUIMessageStream<RunUIMessage>({
    stream,
    ...(options.message ? { message: structuredClone(options.message) } : {}),
    onError: (error) => options.errors?.push(error),
  })) {
    last = message;
  }
  if (!last) throw new Error("no message");
  return structuredClone(last);
}

const weatherRun: AgentEvent[] = [
  ev.runStart(),
  ev.stepStart(0),
  ev.reasoning(0, "The user wants "),
  ev.reasoning(0, "the weather."),
  ev.text(0, "Let me check."),
  ev.inputStart(0, "call_1", "weather"),
  ev.inputDelta(0, "call_1", '{"city":'),
  ev.inputDelta(0, "call_1", '"Paris"}'),
  ev.call(0, "call_1", "weather", { city: "Paris" }),
  ev.result(0, "call_1", "weather", { forecast: "sunny" }),
  ev.stepEnd(0, "tool-calls", "Let me check."),
  ev.stepStart(1),
  ev.text(1, "It is "),
  ev.text(1, "sunny."),
  ev.stepEnd(1, "stop", "It is sunny."),
  ev.runEnd({ text: "It is sunny.", finishReason: "stop" }),
];

/** A run that suspends: two calls in one step, both waiting for approval. */

/** What `useChat`'s `addToolApprovalResponse` does to the message. */
function respond(
  message: RunUIMessage,
  approvalId: string,
  approved: boolean,
  reason?: string,
): RunUIMessage {
  return {
    ...message,
    parts: message.parts.map((part) =>
      "approval" in part && part.state === "approval-requested" && part.approval.id === approvalId
        ? ({
            ...part,
            state: "approval-responded",
            approval: { ...part.approval, id: approvalId, approved, reason },
          } as never)
        : part,
    ),
  };
}

describe("toUIMessageStream", () => {
  it("converts text, reasoning, streamed tool input and tool output, step by step", async () => {
    const chunks = await chunksOf(
      toUIMessageStream(runOf(weatherRun), { messageId: "msg_1", threadId: "thread_1" }),
    );
    expect(chunks.map((chunk) => chunk.type)).toEqual([
      "start",
      "data-run",
      "start-step",
      "reasoning-start",
      "reasoning-delta",
      "reasoning-delta",
      "reasoning-end",
      "text-start",
      "text-delta",
      "text-end",
      "tool-input-start",
      "tool-input-delta",
      "tool-input-delta",
      "tool-input-available",
      "tool-output-available",
      "finish-step",
      "start-step",
      "text-start",
      "text-delta",
      "text-delta",
      "text-end",
      "finish-step",
      "data-run",
      "finish",
    ]);
    expect(chunks[0]).toEqual({
      type: "start",
      messageId: "msg_1",
      messageMetadata: { runId: RUN_ID, threadId: "thread_1", agentId: "assistant", status: "running" },
    });
    expect(chunks[1]).toEqual({
      type: "data-run",
      data: { runId: RUN_ID, threadId: "thread_1", status: "running", resumed: false },
      transient: true,
    });
    expect(chunks.at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
      messageMetadata: { runId: RUN_ID, status: "completed" },
    });

    const message = await messageOf(
      toUIMessageStream(runOf(weatherRun), { messageId: "msg_1", threadId: "thread_1" }),
    );
    expect(message.id).toBe("msg_1");
    expect(message.role).toBe("assistant");
    expect(message.metadata).toEqual({
      runId: RUN_ID,
      threadId: "thread_1",
      agentId: "assistant",
      status: "completed",
    });
    expect(message.parts).toMatchObject([
      { type: "step-start" },
      { type: "reasoning", text: "The user wants the weather.", state: "done" },
      { type: "text", text: "Let me check.", state: "done" },
      {
        type: "tool-weather",
        toolCallId: "call_1",
        state: "output-available",
        input: { city: "Paris" },
        output: { forecast: "sunny" },
      },
      { type: "step-start" },
      { type: "text", text: "It is sunny.", state: "done" },
      {
        type: "data-run",
        id: `run-${RUN_ID}`,
        data: {
          runId: RUN_ID,
          threadId: "thread_1",
          status: "completed",
          resumed: false,
          usage,
          costUsd: 0.000125,
        },
      },
    ]);
  });

  it("reads a kit run stream: a late reader gets coalesced deltas and the same message", async () => {
    const run = createRunStream(RUN_ID, async (emit) => {
      for (const event of weatherRun) emit(event);
      return runResult({ text: "It is sunny." });
    });
    await run.result; // the whole run is over before the client reads
    const chunks = await chunksOf(toUIMessageStream(run, { messageId: "msg_1" }));
    expect(chunks.filter((chunk) => chunk.type === "text-delta")).toEqual([
      { type: "text-delta", id: "text-1", delta: "Let me check." },
      { type: "text-delta", id: "text-2", delta: "It is sunny." },
    ]);
    const late = createRunStream(RUN_ID, async (emit) => {
      for (const event of weatherRun) emit(event);
      return runResult({ text: "It is sunny." });
    });
    await late.result;
    const message = await messageOf(toUIMessageStream(late, { messageId: "msg_1" }));
    const live = await messageOf(toUIMessageStream(arrayRun(weatherRun), { messageId: "msg_1" }));
    expect(message).toEqual(live);
  });

  it("generates a message id for a new run and leaves reasoning out on request", async () => {
    const chunks = await chunksOf(
      toUIMessageStream(runOf(weatherRun), { generateMessageId: () => "generated", sendReasoning: false }),
    );
    expect(chunks[0]).toMatchObject({ type: "start", messageId: "generated" });
    expect(chunks.some((chunk) => chunk.type.startsWith("reasoning"))).toBe(false);
    const defaultId = (await chunksOf(toUIMessageStream(runOf(weatherRun))))[0] as { messageId?: string };
    expect(defaultId.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("streams approval requests: the tool parts wait in state approval-requested", async () => {
    const chunks = await chunksOf(toUIMessageStream(runOf(suspendingRun), { messageId: "msg_1" }));
    expect(chunks.filter((chunk) => chunk.type === "tool-approval-request")).toEqual([
      { type: "tool-approval-request", approvalId: "approval_a", toolCallId: "call_a" },
      { type: "tool-approval-request", approvalId: "approval_b", toolCallId: "call_b" },
    ]);
    // The suspended step never ends in the run; the stream closes it.
    expect(chunks.map((chunk) => chunk.type).slice(-3)).toEqual(["finish-step", "data-run", "finish"]);
    expect(chunks.some((chunk) => chunk.type === "error")).toBe(false);

    const message = await messageOf(toUIMessageStream(runOf(suspendingRun), { messageId: "msg_1" }));
    expect(message.metadata).toMatchObject({ runId: RUN_ID, status: "suspended" });
    expect(message.parts).toMatchObject([
      { type: "step-start" },
      { type: "text", text: "I will delete both files." },
      {
        type: "tool-deleteFile",
        toolCallId: "call_a",
        state: "approval-requested",
        input: { path: "a.txt" },
        approval: { id: "approval_a" },
      },
      {
        type: "tool-deleteFile",
        toolCallId: "call_b",
        state: "approval-requested",
        input: { path: "b.txt" },
        approval: { id: "approval_b" },
      },
      { type: "data-run", data: { status: "suspended" } },
    ]);
  });

  it("continues the same message with the resumed run: outputs, a declined call, then the next step", async () => {
    const suspended = await messageOf(toUIMessageStream(runOf(suspendingRun), { messageId: "msg_1" }));
    const answered = respond(respond(suspended, "approval_a", true), "approval_b", false, "keep b");

    const chunks = await chunksOf(toUIMessageStream(runOf(resumedRun)));
    // No message id of its own: the client keeps continuing the message it has.
    expect(chunks[0]).toEqual({
      type: "start",
      messageMetadata: { runId: RUN_ID, agentId: "assistant", status: "running" },
    });
    expect(chunks[1]).toMatchObject({ type: "data-run", data: { resumed: true }, transient: true });
    expect(chunks.slice(2, 5)).toEqual([
      { type: "tool-output-available", toolCallId: "call_a", output: { deleted: "a.txt" } },
      { type: "tool-output-denied", toolCallId: "call_b" },
      { type: "finish-step" },
    ]);
    const withId = await chunksOf(toUIMessageStream(runOf(resumedRun), { messageId: "msg_1" }));
    expect(withId[0]).toMatchObject({ type: "start", messageId: "msg_1" });

    const message = await messageOf(toUIMessageStream(runOf(resumedRun), { messageId: "msg_1" }), {
      message: answered,
    });
    expect(message.id).toBe("msg_1");
    expect(message.metadata).toMatchObject({ runId: RUN_ID, status: "completed" });
    expect(message.parts).toMatchObject([
      { type: "step-start" },
      { type: "text", text: "I will delete both files." },
      {
        type: "tool-deleteFile",
        toolCallId: "call_a",
        state: "output-available",
        output: { deleted: "a.txt" },
        approval: { id: "approval_a", approved: true },
      },
      {
        type: "tool-deleteFile",
        toolCallId: "call_b",
        state: "output-denied",
        approval: { id: "approval_b", approved: false, reason: "keep b" },
      },
      // The suspended run's final data-run, updated in place by the resumed run (same run id).
      { type: "data-run", id: `run-${RUN_ID}`, data: { status: "completed", resumed: true } },
      { type: "step-start" },
      { type: "text", text: "Deleted a.txt; kept b.txt." },
    ]);
  });

  it("reports a failed run with its message only, and tool errors as output-error", async () => {
    const modelFailure = failure("MODEL_ERROR", "The model call failed: 500 Internal Server Error.");
    const events: AgentEvent[] = [
      ev.runStart(),
      ev.stepStart(0),
      ev.call(0, "call_1", "lookup", { id: 1 }),
      ev.toolError(
        0,
        "call_1",
        "lookup",
        failure("TOOL_EXECUTION_FAILED", 'Tool "lookup" failed: no such record'),
      ),
      ev.stepEnd(0, "tool-calls"),
      ev.stepStart(1),
      ev.text(1, "Partial"),
      ev.error(modelFailure),
      ev.runEnd({ status: "failed", finishReason: "error", error: modelFailure, costUsd: undefined }),
    ];
    const chunks = await chunksOf(toUIMessageStream(runOf(events)));
    const serialized = JSON.stringify(chunks);
    expect(serialized).not.toContain("do-not-leak");
    expect(chunks).toContainEqual({
      type: "tool-output-error",
      toolCallId: "call_1",
      errorText: 'Tool "lookup" failed: no such record',
    });
    expect(chunks.map((chunk) => chunk.type).slice(-7)).toEqual([
      "text-start",
      "text-delta",
      "text-end",
      "finish-step",
      "data-run",
      "error",
      "finish",
    ]);
    expect(chunks.at(-2)).toEqual({
      type: "error",
      errorText: "The model call failed: 500 Internal Server Error.",
    });
    expect(chunks.at(-3)).toMatchObject({
      data: {
        status: "failed",
        error: { code: "MODEL_ERROR", message: "The model call failed: 500 Internal Server Error." },
      },
    });
    expect((chunks.at(-3) as { data: object }).data).not.toHaveProperty("costUsd");
    expect(chunks.at(-1)).toMatchObject({ type: "finish", finishReason: "error" });

    const errors: unknown[] = [];
    const message = await messageOf(toUIMessageStream(runOf(events)), { errors });
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("The model call failed: 500 Internal Server Error.");
    expect(message.parts).toContainEqual(
      expect.objectContaining({
        type: "tool-lookup",
        state: "output-error",
        errorText: 'Tool "lookup" failed: no such record',
      }),
    );
  });

  it("formats errors with formatError (and survives one that throws)", async () => {
    const modelFailure = failure("MODEL_ERROR", "The model call failed.");
    const events = [
      ev.runStart(),
      ev.error(modelFailure),
      ev.runEnd({ status: "failed", error: modelFailure }),
    ];
    const chunks = await chunksOf(
      toUIMessageStream(runOf(events), { formatError: (error) => `Oops (${error.code})` }),
    );
    expect(chunks).toContainEqual({ type: "error", errorText: "Oops (MODEL_ERROR)" });
    const throwing = await chunksOf(
      toUIMessageStream(runOf(events), {
        formatError: () => {
          throw new Error("formatter bug");
        },
      }),
    );
    expect(throwing).toContainEqual({ type: "error", errorText: "An error occurred." });
  });

  it("ends an aborted run with abort, not finish", async () => {
    const events = [
      ev.runStart(),
      ev.stepStart(0),
      ev.text(0, "Half an ans"),
      ev.stepEnd(0),
      ev.runEnd({ status: "aborted", finishReason: "interrupted" }),
    ];
    const chunks = await chunksOf(toUIMessageStream(runOf(events)));
    expect(chunks.map((chunk) => chunk.type).slice(-3)).toEqual(["data-run", "message-metadata", "abort"]);
    expect(chunks.some((chunk) => chunk.type === "finish")).toBe(false);
    const message = await messageOf(toUIMessageStream(runOf(events)));
    expect(message.metadata).toMatchObject({ status: "aborted" });
  });

  it("streams partial structured output into one data-object part, replaced by the validated output", async () => {
    const events = [
      ev.runStart(),
      ev.stepStart(0),
      ev.text(0, '{"name":"Ada"'),
      ev.object(0, { name: "Ada" }),
      ev.text(0, ',"age":36}'),
      ev.object(0, { name: "Ada", age: 36 }),
      ev.stepEnd(0),
      ev.runEnd({ output: { name: "Ada", age: 36, verified: true } }),
    ];
    const chunks = await chunksOf(toUIMessageStream(runOf(events)));
    expect(chunks.filter((chunk) => chunk.type === "data-object")).toEqual([
      { type: "data-object", id: `object-${RUN_ID}`, data: { name: "Ada" } },
      { type: "data-object", id: `object-${RUN_ID}`, data: { name: "Ada", age: 36 } },
      { type: "data-object", id: `object-${RUN_ID}`, data: { name: "Ada", age: 36, verified: true } },
    ]);
    const message = await messageOf(toUIMessageStream(runOf(events)));
    expect(message.parts.filter((part) => part.type === "data-object")).toEqual([
      { type: "data-object", id: `object-${RUN_ID}`, data: { name: "Ada", age: 36, verified: true } },
    ]);
  });

  it("ignores input deltas of a call whose start it did not see, and closes a run that ends early", async () => {
    const result: RunResult = runResult();
    const run = createRunStream(RUN_ID, async (emit) => {
      emit(ev.runStart());
      emit(ev.stepStart(0));
      emit(ev.inputDelta(0, "call_x", "{}"));
      emit(ev.text(0, "hi"));
      return result; // no run-end: not a valid run, but the stream still ends cleanly
    });
    const chunks = await chunksOf(toUIMessageStream(run));
    expect(chunks.map((chunk) => chunk.type)).toEqual([
      "start",
      "data-run",
      "start-step",
      "text-start",
      "text-delta",
      "text-end",
      "finish-step",
      "finish",
    ]);
  });

  it("reports a run stream that throws without details", async () => {
    const broken: RunStream = {
      runId: RUN_ID,
      result: Promise.resolve(runResult()),
      textStream: {
        [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
      },
      [Symbol.asyncIterator]: () => {
        let first = true;
        return {
          next: async () => {
            if (first) {
              first = false;
              return { done: false, value: ev.runStart() };
            }
            throw new Error("secret internal state");
          },
        };
      },
    };
    const chunks = await chunksOf(toUIMessageStream(broken));
    expect(chunks.at(-1)).toEqual({ type: "error", errorText: "The run stream failed." });
    expect(JSON.stringify(chunks)).not.toContain("secret");
  });

  it("reads the run only as fast as its reader (nothing ahead)", async () => {
    const events = [
      ev.runStart(),
      ev.stepStart(0),
      ...Array.from({ length: 50 }, (_, i) => ev.text(0, `${i} `)),
    ];
    const { run, stats } = countingRun(runOf([...events, ev.stepEnd(0), ev.runEnd()]));
    const reader = toUIMessageStream(run).getReader();
    expect(stats.reads).toBe(0);
    await reader.read(); // start (from run-start, which also gave data-run)
    expect(stats.reads).toBe(1);
    await reader.read(); // data-run: already converted, no new read
    expect(stats.reads).toBe(1);
    for (let index = 0; index < 10; index++) await reader.read();
    // start-step, text-start + text-delta, then one text-delta per read.
    expect(stats.reads).toBe(10);
    await reader.cancel();
    expect(stats.returns).toBe(1);
  });

  it("stops reading when cancelled; aborts the run only with abortOnDisconnect", async () => {
    for (const abort of [false, true]) {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const controller = new AbortController();
      const { run, stats } = countingRun(
        createRunStream(RUN_ID, async (emit) => {
          emit(ev.runStart());
          emit(ev.stepStart(0));
          await gate;
          emit(ev.stepEnd(0));
          emit(ev.runEnd());
          return runResult();
        }),
      );
      const reader = toUIMessageStream(run, abort ? { abortOnDisconnect: controller } : {}).getReader();
      await reader.read();
      await reader.read();
      await reader.read(); // start-step
      const pending = reader.read(); // waits for the gate
      await reader.cancel();
      expect(await pending).toEqual({ done: true, value: undefined });
      expect(stats.returns).toBe(1);
      expect(controller.signal.aborted).toBe(abort);
      release();
      expect((await run.result).status).toBe("completed");
    }
  });
});

describe("toUIMessageStreamResponse", () => {
  it("is an SSE response with the UI message stream headers and schema-valid chunks", async () => {
    const response = toUIMessageStreamResponse(runOf(weatherRun), {
      messageId: "msg_1",
      headers: { "x-request-id": "req_1" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(response.headers.get("x-request-id")).toBe("req_1");
    const body = response.body as ReadableStream<Uint8Array>;
    const [forParsing, forText] = body.tee();
    const parsed: UIMessageChunk[] = [];
    for await (const result of parseJsonEventStream({ stream: forParsing, schema: uiMessageChunkSchema })) {
      if (!result.success) throw result.error;
      parsed.push(result.value);
    }
    expect(parsed).toEqual(await chunksOf(toUIMessageStream(runOf(weatherRun), { messageId: "msg_1" })));
    expect(await new Response(forText).text()).toMatch(/data: \[DONE\]\n\n$/);
  });

  it("passes status and stops reading (aborting with abortOnDisconnect) when the body is cancelled", async () => {
    const controller = new AbortController();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { run, stats } = countingRun(
      createRunStream(RUN_ID, async (emit) => {
        emit(ev.runStart());
        await gate;
        emit(ev.runEnd());
        return runResult();
      }),
    );
    const response = toUIMessageStreamResponse(run, { status: 201, abortOnDisconnect: controller });
    expect(response.status).toBe(201);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    // Cancellation travels up the SSE pipeline asynchronously; wait for it by its effect.
    await expect.poll(() => controller.signal.aborted).toBe(true);
    await expect.poll(() => stats.returns).toBe(1);
    release();
  });
});
