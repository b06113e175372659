import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import {
  type AgentEvent,
  InvalidInputError,
  NotFoundError,
  StorageError,
  ToolExecutionError,
} from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { createTestAgent, FIRST_DELTAS, SECOND_DELTAS } from "./__fixtures__/agent.js";
import { ping, start, useAdminClient } from "./__fixtures__/processes.js";
import { createRedisRunEvents } from "./create-redis-run-events.js";
import { decodeEvent, encodeEvent } from "./event-json.js";
import type { FollowedEvent, RedisRunEventsErrorInfo } from "./redis-run-events.js";

// Real Redis (127.0.0.1:6379, or REDIS_URL). Skipped, with a message, when it is unreachable.
/** Two fixture processes start (tsx compiles them) on a busy 2-core machine, beside other suites. */
const PROCESS_TIMEOUT_MS = 90_000;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const reachable = await ping(REDIS_URL);
if (!reachable)
  console.warn(`[@flowmaestro/redis] Skipping the Redis tests: no Redis answers at ${REDIS_URL}.`);

describe.skipIf(!reachable)("Redis run events (real Redis)", () => {
  const keyPrefix = `flowmaestro-test:${randomUUID()}:`;
  const admin = useAdminClient(REDIS_URL, keyPrefix);

  it(
    "a follower in another process and one that reconnects mid-run get exactly the run's events",
    async () => {
      const runId = `run_${randomUUID()}`;
      const ttlSeconds = 600;
      const publisher = start("publish-child.ts", { url: REDIS_URL, runId, keyPrefix, ttlSeconds });
      const otherFollower = start("follow-child.ts", { url: REDIS_URL, runId, keyPrefix });
      const runEvents = createRedisRunEvents({ url: REDIS_URL, keyPrefix });
      try {
        // First connection: follow until the tool call (the tool then waits for the test), and drop
        // the connection while it blocks for more.
        const controller = new AbortController();
        const before: FollowedEvent[] = [];
        for await (const entry of runEvents.follow(runId, { signal: controller.signal })) {
          before.push(entry);
          if (entry.event.type === "tool-call") setImmediate(() => controller.abort());
        }
        expect(before.at(-1)?.event.type).toBe("tool-call");
        await publisher.line("tool-waiting");

        // Let the run go on, and reconnect after the last id seen.
        publisher.child.stdin.end("go\n");
        const after: FollowedEvent[] = [];
        for await (const entry of runEvents.follow(runId, { after: before.at(-1)?.id })) after.push(entry);

        const published = JSON.parse(await publisher.output()) as {
          own: string[];
          status: string;
          summary: { events: number; entries: number; complete: boolean; key: string };
          errors: string[];
        };
        const followed = [...before, ...after];
        expect(published.status).toBe("completed");
        expect(published.errors).toEqual([]);
        expect(published.summary.complete).toBe(true);
        expect(published.summary.entries).toBe(followed.length);

        // Ids 0-1 … 0-n, each once; the run-end last.
        expect(followed.map((entry) => entry.id)).toEqual(followed.map((_, index) => `0-${index + 1}`));
        expect(followed.at(-1)?.event.type).toBe("run-end");
        expect(followed.filter((entry) => entry.event.type === "run-end")).toHaveLength(1);

        // The run's own events (onEvent, every original event), modulo the documented coalescing.
        const own = published.own.map(decodeEvent);
        expect(normalise(followed.map((entry) => entry.event))).toEqual(normalise(own));
        const text = (events: readonly AgentEvent[], step: number) =>
          events
            .flatMap((event) => (event.type === "text-delta" && event.step === step ? [event.delta] : []))
            .join("");
        expect(
          text(
            followed.map((entry) => entry.event),
            0,
          ),
        ).toBe(FIRST_DELTAS.join(""));
        expect(
          text(
            followed.map((entry) => entry.event),
            1,
          ),
        ).toBe(SECOND_DELTAS.join(""));
        // Dates cross as dates.
        const toolResult = followed.find((entry) => entry.event.type === "tool-result")?.event;
        expect(toolResult?.type === "tool-result" && toolResult.output).toMatchObject({ done: true });

        // The follower in the other process got the same entries.
        const other = JSON.parse(await otherFollower.output()) as Array<{ id: string; json: string }>;
        expect(other).toEqual(followed.map((entry) => ({ id: entry.id, json: encodeEvent(entry.event) })));

        // A reader that comes after the end gets the same run; the end set the TTL.
        const late: FollowedEvent[] = [];
        for await (const entry of runEvents.follow(runId)) late.push(entry);
        expect(late.map(wire)).toEqual(followed.map(wire));
        const ttl = await admin.ttl(published.summary.key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(ttlSeconds);
      } finally {
        publisher.child.kill();
        otherFollower.child.kill();
        await runEvents.close();
      }
    },
    PROCESS_TIMEOUT_MS,
  );

  it("a run goes on when Redis goes away mid-run, and the failure is reported", async () => {
    const proxy = await startProxy(REDIS_URL);
    const reports: Array<{ error: StorageError; info: RedisRunEventsErrorInfo }> = [];
    const runEvents = createRedisRunEvents({
      url: proxy.url,
      keyPrefix,
      maxAttempts: 2,
      writeTimeoutMs: 2000,
      onError: (error, info) => reports.push({ error, info }),
    });
    const direct = createRedisRunEvents({ url: REDIS_URL, keyPrefix });
    try {
      const runId = `run_${randomUUID()}`;
      // The tool waits until the tool call is in Redis, then takes Redis away: mid-run, for sure.
      const agent = createTestAgent(async () => {
        for await (const { event } of direct.follow(runId)) if (event.type === "tool-call") break;
        await proxy.cut();
      });
      const stream = agent.stream("Follow me", { runId });
      const publishing = runEvents.publish(stream);
      const result = await stream.result;
      expect(result.status).toBe("completed");
      expect(result.text).toBe(SECOND_DELTAS.join(""));

      const summary = await publishing;
      expect(summary.complete).toBe(false);
      expect(StorageError.isInstance(summary.error)).toBe(true);
      expect(summary.error?.message).toContain(`publish run "${runId}"`);
      expect(reports.length).toBeGreaterThan(0);
      expect(reports.at(-1)?.info).toEqual({ runId, operation: "publish", willRetry: false });
      expect(reports.every((report) => StorageError.isInstance(report.error))).toBe(true);

      // What reached Redis is a gap-free prefix of the run, without its end.
      const stored = (await admin.xRange(summary.key, "-", "+")) ?? [];
      expect(stored.map((entry) => entry.id)).toEqual(stored.map((_, index) => `0-${index + 1}`));
      expect(stored.map((entry) => entry.message.type)).not.toContain("run-end");
      // A write whose reply was lost in the cut may be there too: `entries` counts confirmed ones.
      expect(stored.length).toBeGreaterThanOrEqual(summary.entries);
      expect(stored.map((entry) => entry.message.type)).toContain("tool-call");
      // A follower of an unfinished run reads what is there and stops when asked.
      const controller = new AbortController();
      const followed: FollowedEvent[] = [];
      for await (const entry of direct.follow(runId, { signal: controller.signal })) {
        followed.push(entry);
        if (followed.length === stored.length) setImmediate(() => controller.abort());
      }
      expect(followed.map((entry) => entry.id)).toEqual(stored.map((entry) => entry.id));
    } finally {
      await runEvents.close();
      await direct.close();
      await proxy.cut();
    }
  });

  it("carries typed errors, and a run id reused after its end continues the numbering", async () => {
    const runEvents = createRedisRunEvents({ url: REDIS_URL, keyPrefix });
    try {
      const runId = `run_${randomUUID()}`;
      const failing = createTestAgent(() => {
        throw new Error("disk full at /tmp with key sk-abcdefghijklmnopqrstuvwxyz123456");
      });
      const first = failing.stream("Follow me", { runId });
      const summary = await runEvents.publish(first);
      expect(summary.complete).toBe(true);
      expect(() => runEvents.publish(first)).toThrow(/not published already/);

      const entries: FollowedEvent[] = [];
      for await (const entry of runEvents.follow(runId)) entries.push(entry);
      const toolError = entries.find((entry) => entry.event.type === "tool-error")?.event;
      if (toolError?.type !== "tool-error") throw new Error("no tool-error event");
      expect(ToolExecutionError.isInstance(toolError.error)).toBe(true);
      expect(toolError.error.code).toBe("TOOL_EXECUTION_FAILED");
      expect(toolError.error.message).not.toContain("sk-abcdefghijklmnopqrstuvwxyz123456");
      expect(toolError.error.cause).toBeUndefined();

      // Same run id again (as a resumed run has): a new segment after the first run-end.
      const second = createTestAgent(() => "ok").stream("Again", { runId });
      const again = await runEvents.publish(second);
      expect(again.complete).toBe(true);
      const last = entries.at(-1) as FollowedEvent;
      const rest: FollowedEvent[] = [];
      for await (const entry of runEvents.follow(runId, { after: last.id })) rest.push(entry);
      expect(rest[0]?.id).toBe(`0-${entries.length + 1}`);
      expect(rest[0]?.event.type).toBe("run-start");
      expect(rest.at(-1)?.event.type).toBe("run-end");
      expect(rest).toHaveLength(again.entries);
    } finally {
      await runEvents.close();
    }
  });

  it("says so when entries a reader needs are gone, and rejects malformed positions", async () => {
    const runEvents = createRedisRunEvents({ url: REDIS_URL, keyPrefix, maxLength: 3 });
    try {
      const runId = `run_${randomUUID()}`;
      await runEvents.publish(createTestAgent(() => "ok").stream("Trim me", { runId }));
      await expect(collect(runEvents.follow(runId))).rejects.toSatisfy(
        (error) => StorageError.isInstance(error) && /are gone/.test((error as Error).message),
      );
      await expect(collect(runEvents.follow(`run_${randomUUID()}`, { after: "0-3" }))).rejects.toSatisfy(
        NotFoundError.isInstance,
      );
      expect(() => runEvents.follow(runId, { after: "1700000000000-0" })).toThrow(InvalidInputError);
      expect(() => runEvents.follow("")).toThrow(InvalidInputError);
      // Aborted before anything was published: ends at once.
      expect(await collect(runEvents.follow(`run_${randomUUID()}`, { signal: AbortSignal.abort() }))).toEqual(
        [],
      );
    } finally {
      await runEvents.close();
    }
  });
});

describe("createRedisRunEvents options", () => {
  it("needs exactly one of url and client, and positive limits", () => {
    expect(() => createRedisRunEvents({})).toThrow(/`url` must be set/);
    expect(() => createRedisRunEvents({ url: REDIS_URL, ttlSeconds: 0 })).toThrow(/`ttlSeconds`/);
  });
  it("keeps resources apart in key names", () => {
    const runEvents = createRedisRunEvents({ url: REDIS_URL, keyPrefix: "p:" });
    expect(runEvents.keyOf("run_1")).toBe("p:run:run_1");
    expect(runEvents.keyOf("run_1", "user:7")).toBe("p:resource:user%3A7:run:run_1");
    expect(runEvents.keyOf("b:run:c", "a")).not.toBe(runEvents.keyOf("c", "a:run:b"));
  });
});

/** Merges consecutive deltas of one part and drops empty ones (the documented coalescing), as JSON. */
function normalise(events: readonly AgentEvent[]): unknown[] {
  const out: AgentEvent[] = [];
  for (const event of events) {
    if (
      event.type === "text-delta" ||
      event.type === "reasoning-delta" ||
      event.type === "tool-input-delta"
    ) {
      if (event.delta === "") continue;
      const last = out.at(-1);
      const same =
        last?.type === event.type &&
        (event.type === "tool-input-delta"
          ? (last as typeof event).toolCallId === event.toolCallId
          : (last as typeof event).step === event.step);
      if (same) {
        out[out.length - 1] = { ...last, delta: (last as typeof event).delta + event.delta } as AgentEvent;
        continue;
      }
    }
    out.push(event);
  }
  return out.map((event) => JSON.parse(encodeEvent(event)));
}

function wire(entry: FollowedEvent) {
  return { id: entry.id, json: encodeEvent(entry.event) };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A TCP proxy to Redis that `cut()` takes down for good (the server going away). */
async function startProxy(target: string): Promise<{ url: string; cut: () => Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(port || 6379), hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("proxy has no address");
  let cut: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${address.port}`,
    cut: () => {
      cut ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return cut;
    },
  };
}
