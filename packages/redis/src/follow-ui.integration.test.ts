import { randomUUID } from "node:crypto";
import { AbortedError, NotFoundError, type RunStream } from "@flowmaestro/runtime";
import { type RunUIMessage, toUIMessageStream } from "@flowmaestro/runtime/ui";
import { isToolUIPart, readUIMessageStream } from "ai";
import { describe, expect, it } from "vitest";
import { FIRST_DELTAS, SECOND_DELTAS } from "./__fixtures__/agent.js";
import { ping, start, useAdminClient } from "./__fixtures__/processes.js";
import { createRedisRunEvents } from "./create-redis-run-events.js";

// Real Redis (127.0.0.1:6379, or REDIS_URL). Skipped, with a message, when it is unreachable.
/** Two fixture processes start (tsx compiles them) on a busy 2-core machine, beside other suites. */
const PROCESS_TIMEOUT_MS = 90_000;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const reachable = await ping(REDIS_URL);
if (!reachable)
  console.warn(`[@flowmaestro/redis] Skipping the UI follow tests: no Redis answers at ${REDIS_URL}.`);

describe.skipIf(!reachable)("followRunStream with the UI helpers (real Redis)", () => {
  const keyPrefix = `flowmaestro-test:${randomUUID()}:`;
  const admin = useAdminClient(REDIS_URL, keyPrefix);

  it(
    "a UI in another process streams the run mid-run, and a UI reader that reconnects with `after` assembles the same message",
    async () => {
      const runId = `run_${randomUUID()}`;
      const messageId = `msg_${runId}`;
      const publisher = start("publish-child.ts", {
        url: REDIS_URL,
        runId,
        keyPrefix,
        ttlSeconds: 600,
        messageId,
      });
      const otherUI = start("ui-follow-child.ts", { url: REDIS_URL, runId, keyPrefix, messageId });
      const runEvents = createRedisRunEvents({ url: REDIS_URL, keyPrefix });
      try {
        // First connection: read the UI stream until the tool call (the tool then waits for the
        // test) and disconnect while the follow blocks for more.
        const controller = new AbortController();
        const first = runEvents.followRunStream(runId, { signal: controller.signal });
        let taken = 0;
        let message: RunUIMessage | undefined;
        for await (const snapshot of readUIMessageStream<RunUIMessage>({
          stream: toUIMessageStream(
            counting(first, () => taken++),
            { messageId },
          ),
        })) {
          message = snapshot;
          if (!controller.signal.aborted && hasToolCall(snapshot)) controller.abort();
        }
        if (!message) throw new Error("the first UI reader got no message");
        expect(hasToolCall(message)).toBe(true);
        expect(textOf(message)).toEqual([FIRST_DELTAS.join("")]);
        // Ids count from 1 without gaps: the reader's position is the number of events it took.
        const lastId = `0-${taken}`;
        const [seen] = (await admin.xRange(runEvents.keyOf(runId), lastId, lastId)) ?? [];
        expect(seen?.message.type).toBe("tool-call");
        // Its `result`, first read after the abort: the reader lost the run, it did not end.
        const lost = await first.result;
        expect(lost.status).toBe("aborted");
        expect(AbortedError.isInstance(lost.error)).toBe(true);

        // The UI in the other process has the tool call too, while the run waits: mid-run.
        await publisher.line("tool-waiting");
        await otherUI.line("ui-tool-call");
        publisher.child.stdin.end("go\n");

        // Reconnect after the last entry seen and read the rest on top of the message so far.
        const resumed = runEvents.followRunStream(runId, { after: lastId });
        let reassembled: RunUIMessage = message;
        for await (const snapshot of readUIMessageStream<RunUIMessage>({
          message,
          stream: toUIMessageStream(resumed, { messageId }),
        })) {
          reassembled = snapshot;
        }
        const result = await resumed.result;
        expect(result.status).toBe("completed");
        expect(result.text).toBe(SECOND_DELTAS.join(""));

        const published = JSON.parse(await publisher.output()) as { status: string; ui: RunUIMessage };
        const other = JSON.parse(await otherUI.output()) as {
          message: RunUIMessage;
          status: string;
          resultText: string;
          textStream: string;
          toldToolCall: boolean;
        };
        expect(published.status).toBe("completed");
        expect(other.status).toBe("completed");
        expect(other.resultText).toBe(SECOND_DELTAS.join(""));
        expect(other.textStream).toBe(FIRST_DELTAS.join("") + SECOND_DELTAS.join(""));

        // A reader that comes after the end, uninterrupted, in this process.
        let late: RunUIMessage | undefined;
        for await (const snapshot of readUIMessageStream<RunUIMessage>({
          stream: toUIMessageStream(runEvents.followRunStream(runId), { messageId }),
        })) {
          late = snapshot;
        }

        // The run's own (local) stream in the publisher is the reference.
        const expected = json(published.ui);
        expect(textOf(published.ui)).toEqual([FIRST_DELTAS.join(""), SECOND_DELTAS.join("")]);
        expect(toolParts(published.ui)).toMatchObject([
          {
            type: "tool-wait",
            toolCallId: "call_wait",
            state: "output-available",
            input: { reason: "test" },
            output: { done: true, at: "2026-12-02T00:00:00.000Z" },
          },
        ]);
        for (const assembled of [json(reassembled), json(other.message), json(late)]) {
          expect(assembled.id).toBe(messageId);
          expect(textOf(assembled)).toEqual(textOf(expected));
          expect(toolParts(assembled)).toEqual(toolParts(expected));
          // Every part, in order (step starts, the final `data-run`), and the metadata.
          expect(assembled.parts).toEqual(expected.parts);
          expect(assembled.metadata).toEqual(expected.metadata);
        }
      } finally {
        publisher.child.kill();
        otherUI.child.kill();
        await runEvents.close();
      }
    },
    PROCESS_TIMEOUT_MS,
  );

  it("`result` of a follow whose events are gone resolves failed with NOT_FOUND, and the UI stream ends with an error", async () => {
    const runEvents = createRedisRunEvents({ url: REDIS_URL, keyPrefix });
    try {
      const runId = `run_${randomUUID()}`;
      const missing = runEvents.followRunStream(runId, { after: "0-3" });
      const result = await missing.result;
      expect(result).toMatchObject({
        runId,
        status: "failed",
        text: "",
        steps: [],
        messages: [],
        pendingApprovals: [],
        finishReason: "error",
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, reasoningTokens: 0, cachedInputTokens: 0 },
      });
      expect(NotFoundError.isInstance(result.error)).toBe(true);
      expect(result.error?.code).toBe("NOT_FOUND");
      // Iterating throws as `follow` does; the UI stream says so and closes.
      await expect(collect(missing)).rejects.toSatisfy(NotFoundError.isInstance);
      const chunks = await collect(toUIMessageStream(missing));
      expect(chunks.map((chunk) => chunk.type)).toEqual(["start", "data-run", "error"]);
      expect(chunks.at(-1)).toEqual({ type: "error", errorText: "The run stream failed." });
      // Malformed arguments throw at once, not in `result`.
      expect(() => runEvents.followRunStream(runId, { after: "1700000000000-0" })).toThrow(/`after`/);
    } finally {
      await runEvents.close();
    }
  });
});

function hasToolCall(message: RunUIMessage): boolean {
  return message.parts.some((part) => isToolUIPart(part) && part.state === "input-available");
}

function textOf(message: RunUIMessage): string[] {
  return message.parts.flatMap((part) => (part.type === "text" ? [part.text] : []));
}

function toolParts(message: RunUIMessage): unknown[] {
  return message.parts.filter((part) => isToolUIPart(part));
}

/** As it crosses a process boundary (dates as ISO strings, no `undefined` fields). */
function json(message: RunUIMessage | undefined): RunUIMessage {
  if (!message) throw new Error("no message");
  return JSON.parse(JSON.stringify(message)) as RunUIMessage;
}

/** `stream`, calling `onEvent` for each event an iteration takes (a reader counting its position). */
function counting(stream: RunStream, onEvent: () => void): RunStream {
  return {
    runId: stream.runId,
    get result() {
      return stream.result;
    },
    textStream: stream.textStream,
    [Symbol.asyncIterator]() {
      const iterator = stream[Symbol.asyncIterator]();
      return {
        async next() {
          const next = await iterator.next();
          if (!next.done) onEvent();
          return next;
        },
        async return() {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

async function collect<T>(iterable: AsyncIterable<T> | ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable as AsyncIterable<T>) out.push(item);
  return out;
}
