import { AbortedError, type AgentEvent, type RunResult, StorageError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { createRedisRunEvents } from "./create-redis-run-events.js";
import { encodeEvent } from "./event-json.js";
import type { RedisClientLike } from "./redis-client.js";

/**
 * A client whose follower connections block on every read until destroyed (a run that writes
 * nothing more), or fail to connect (`failConnect`). With `events`, each connection's first read
 * returns them (as entries `0-1`, `0-2`, …). Counts connections opened and destroyed.
 */
function fakeClient(options: { failConnect?: boolean; events?: AgentEvent[] } = {}) {
  const stats = { connections: 0, destroyed: 0, reads: 0 };
  const client: RedisClientLike = {
    isOpen: true,
    connect: async () => undefined,
    sendCommand: async () => null,
    destroy: () => {},
    on: () => client,
    duplicate() {
      let open = false;
      let pending: ((error: Error) => void) | undefined;
      let replied = false;
      const connection: RedisClientLike = {
        get isOpen() {
          return open;
        },
        async connect() {
          if (options.failConnect)
            throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
          stats.connections += 1;
          open = true;
        },
        sendCommand() {
          stats.reads += 1;
          if (options.events && !replied) {
            replied = true;
            const entries = options.events.map((event, index) => [
              `0-${index + 1}`,
              ["type", event.type, "event", encodeEvent(event)],
            ]);
            return Promise.resolve([["key", entries]]);
          }
          return new Promise((_resolve, reject) => {
            pending = reject;
          });
        },
        destroy() {
          if (open) stats.destroyed += 1;
          open = false;
          pending?.(new Error("connection destroyed"));
        },
        on: () => connection,
        duplicate: () => connection,
      };
      return connection;
    },
  };
  return { client, stats };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("followRunStream", () => {
  it("opens a connection per iteration on its first read, and return() releases one blocked in a read at once", async () => {
    const { client, stats } = fakeClient();
    const runEvents = createRedisRunEvents({ client });
    const stream = runEvents.followRunStream("run_1");
    expect(stream.runId).toBe("run_1");
    const iterator = stream[Symbol.asyncIterator]();
    const text = stream.textStream[Symbol.asyncIterator]();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stats.connections).toBe(0);

    const pending = iterator.next();
    const pendingText = text.next();
    await until(() => stats.reads === 2);
    expect(stats.connections).toBe(2);
    // Nothing will arrive: without the release these would wait for the run's next write.
    await iterator.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    await text.return?.();
    expect(await pendingText).toEqual({ done: true, value: undefined });
    expect(stats.destroyed).toBe(2);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("reads `result` lazily, once, and resolves it (never rejects) when the follow is aborted or fails", async () => {
    const { client, stats } = fakeClient();
    const runEvents = createRedisRunEvents({ client });
    const controller = new AbortController();
    const stream = runEvents.followRunStream("run_2", { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stats.connections).toBe(0);
    const result = stream.result;
    expect(stream.result).toBe(result);
    await until(() => stats.reads === 1);
    expect(stats.connections).toBe(1);
    controller.abort(new Error("client went away"));
    const aborted = await result;
    expect(aborted).toMatchObject({
      runId: "run_2",
      status: "aborted",
      finishReason: "interrupted",
      text: "",
      steps: [],
      messages: [],
      pendingApprovals: [],
      costUsd: undefined,
    });
    expect(AbortedError.isInstance(aborted.error)).toBe(true);
    expect(stats.destroyed).toBe(1);

    const reports: boolean[] = [];
    const failing = createRedisRunEvents({
      client: fakeClient({ failConnect: true }).client,
      maxAttempts: 2,
      onError: (_error, info) => reports.push(info.willRetry),
    });
    const failed = await failing.followRunStream("run_3").result;
    expect(failed.status).toBe("failed");
    expect(failed.finishReason).toBe("error");
    expect(StorageError.isInstance(failed.error)).toBe(true);
    expect(failed.error?.message).toContain('follow run "run_3"');
    expect(failed.usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      reasoningTokens: 0,
      cachedInputTokens: 0,
    });
    expect(reports).toEqual([true, false]);
  });

  it("takes `result` from the run-end an iteration read, without another follow", async () => {
    const result = { runId: "run_5", status: "completed", text: "Hi" } as unknown as RunResult;
    const events: AgentEvent[] = [
      { type: "run-start", runId: "run_5", agentId: "a", runtime: "fake", resumed: false },
      { type: "text-delta", runId: "run_5", step: 0, delta: "Hi" },
      { type: "run-end", runId: "run_5", result },
    ];
    const { client, stats } = fakeClient({ events });
    const stream = createRedisRunEvents({ client }).followRunStream("run_5");
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(["run-start", "text-delta", "run-end"]);
    let text = "";
    for await (const delta of stream.textStream) text += delta;
    expect(text).toBe("Hi");
    expect(stats.connections).toBe(2);
    expect(await stream.result).toEqual(result);
    expect(stats.connections).toBe(2);
  });

  it("checks its arguments at once", () => {
    const runEvents = createRedisRunEvents({ client: fakeClient().client });
    expect(() => runEvents.followRunStream("")).toThrow(/`runId`/);
    expect(() => runEvents.followRunStream("run_4", { after: "x" })).toThrow(/`after`/);
    expect(() => runEvents.followRunStream("run_4", { resourceId: "" })).toThrow(/`resourceId`/);
  });
});
