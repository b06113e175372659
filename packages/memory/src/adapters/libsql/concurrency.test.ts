import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../storage-adapter.js";
import { createLibsqlStorage, type LibsqlStorage } from "./index.js";
import { fileUrl, seededRandom, tempDir } from "./test-utils.js";

const text = (stored: StoredMessage): string => String(stored.message.content);

/**
 * Checks one thread's stored messages against what each writer appended: every message exactly
 * once, positions strictly increasing, each batch at consecutive positions, each writer's batches
 * in the order it wrote them.
 */
function expectIntact(
  stored: readonly StoredMessage[],
  batches: readonly { writer: number; returned: readonly StoredMessage[] }[],
): void {
  const expectedTexts = batches.flatMap((batch) => batch.returned.map(text)).sort();
  expect(stored.map(text).sort()).toEqual(expectedTexts);
  expect(new Set(stored.map((message) => message.id)).size).toBe(stored.length);
  for (let i = 1; i < stored.length; i++)
    expect(stored[i]!.position).toBeGreaterThan(stored[i - 1]!.position);
  const positionOf = new Map(stored.map((message) => [message.id, message.position]));
  for (const batch of batches) {
    const positions = batch.returned.map((message) => message.position);
    expect(positions).toEqual(batch.returned.map((message) => positionOf.get(message.id)));
    expect(positions).toEqual(positions.map((_, index) => positions[0]! + index));
  }
  const byWriter = new Map<number, number[]>();
  for (const batch of batches) {
    const list = byWriter.get(batch.writer) ?? [];
    list.push(batch.returned[0]!.position);
    byWriter.set(batch.writer, list);
  }
  for (const starts of byWriter.values()) expect(starts).toEqual([...starts].sort((a, b) => a - b));
}

// A generous time budget for busy CI machines; nothing asserts on time.
describe("libSQL concurrent writers", { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const adapters: LibsqlStorage[] = [];
  const adapter = (options: Parameters<typeof createLibsqlStorage>[0]) => {
    const created = createLibsqlStorage(options);
    adapters.push(created);
    return created;
  };

  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const created of adapters.splice(0)) await created.close();
    await dir.remove();
  });

  it("5 writers × 8 batches on one thread through two clients on one file lose, duplicate and reorder nothing", async () => {
    const url = fileUrl(dir.path);
    const [first, second] = [adapter({ url }), adapter({ url })];
    const thread = await first.createThread({ resourceId: "r", id: "shared" });
    const random = seededRandom(20261202);
    const plans = Array.from({ length: 5 }, (_, writer) =>
      Array.from({ length: 8 }, (_, batch) => ({ writer, batch, size: 1 + Math.floor(random() * 4) })),
    );
    const batches: { writer: number; returned: readonly StoredMessage[] }[] = [];
    await Promise.all(
      plans.map(async (plan, writer) => {
        const storage = writer % 2 === 0 ? first : second;
        for (const { batch, size } of plan) {
          const returned = await storage.appendMessages({
            resourceId: "r",
            threadId: thread.id,
            messages: Array.from({ length: size }, (_, index) => ({
              message: { role: "user" as const, content: `w${writer} b${batch} m${index}` },
            })),
          });
          batches.push({ writer, returned });
        }
      }),
    );
    const total = plans.flat().reduce((sum, entry) => sum + entry.size, 0);
    for (const reader of [first, second]) {
      const stored = await reader.listMessages({ resourceId: "r", threadId: thread.id });
      expect(stored).toHaveLength(total);
      expectIntact(stored, batches);
      expect(await reader.countMessages({ resourceId: "r", threadId: thread.id })).toBe(total);
    }
  });

  it("retried batches (same ids) from concurrent writers never duplicate", async () => {
    const url = fileUrl(dir.path);
    const [first, second] = [adapter({ url }), adapter({ url })];
    await first.createThread({ resourceId: "r", id: "retry" });
    const batch = (writer: number) =>
      Array.from({ length: 3 }, (_, index) => ({
        id: `w${writer}-${index}`,
        message: { role: "user" as const, content: `w${writer} m${index}` },
      }));
    // Every writer sends its batch three times, as a client retrying after a timeout would.
    const results = await Promise.all(
      [0, 1, 2, 3, 4].flatMap((writer) =>
        [0, 1, 2].map(() =>
          (writer % 2 ? first : second).appendMessages({
            resourceId: "r",
            threadId: "retry",
            messages: batch(writer),
          }),
        ),
      ),
    );
    const stored = await first.listMessages({ resourceId: "r", threadId: "retry" });
    expect(stored).toHaveLength(15);
    // A retry reports the positions the first attempt got.
    for (let writer = 0; writer < 5; writer++) {
      const attempts = results.slice(writer * 3, writer * 3 + 3).map((r) => r.map((m) => m.position));
      expect(attempts[1]).toEqual(attempts[0]);
      expect(attempts[2]).toEqual(attempts[0]);
    }
  });

  it("20 threads written concurrently stay separate and complete", async () => {
    const storage = adapter({ url: fileUrl(dir.path) });
    const threads = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        storage.createThread({ resourceId: `r${index % 4}`, id: `t${index}` }),
      ),
    );
    await Promise.all(
      threads.flatMap((thread) =>
        [0, 1, 2, 3, 4].map((batch) =>
          storage.appendMessages({
            resourceId: thread.resourceId,
            threadId: thread.id,
            messages: [0, 1].map((index) => ({
              message: { role: "user" as const, content: `${thread.id} b${batch} m${index}` },
            })),
          }),
        ),
      ),
    );
    for (const thread of threads) {
      const stored = await storage.listMessages({ resourceId: thread.resourceId, threadId: thread.id });
      expect(stored).toHaveLength(10);
      expect(stored.every((message) => text(message).startsWith(`${thread.id} `))).toBe(true);
      expect(stored.map((message) => message.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(await storage.listThreads({ resourceId: "r1" })).toHaveLength(5);
  });

  it("an in-memory database (one connection) serves concurrent appends and reads", async () => {
    const storage = adapter({ url: ":memory:" });
    const thread = await storage.createThread({ resourceId: "r" });
    const batches: { writer: number; returned: readonly StoredMessage[] }[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (writer) => {
        for (let batch = 0; batch < 6; batch++) {
          const [returned] = await Promise.all([
            storage.appendMessages({
              resourceId: "r",
              threadId: thread.id,
              messages: [0, 1].map((index) => ({
                message: { role: "user" as const, content: `w${writer} b${batch} m${index}` },
              })),
            }),
            storage.listMessages({ resourceId: "r", threadId: thread.id, last: 3 }),
          ]);
          batches.push({ writer, returned });
        }
      }),
    );
    const stored = await storage.listMessages({ resourceId: "r", threadId: thread.id });
    expect(stored).toHaveLength(60);
    expectIntact(stored, batches);
  });

  it("concurrent metadata merges on one thread lose no key", async () => {
    const url = fileUrl(dir.path);
    const [first, second] = [adapter({ url }), adapter({ url })];
    await first.createThread({ resourceId: "r", id: "meta", metadata: { keep: true } });
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (index % 2 ? first : second).updateThread({
          resourceId: "r",
          threadId: "meta",
          metadata: { [`k${index}`]: index },
        }),
      ),
    );
    const thread = await second.getThread({ resourceId: "r", threadId: "meta" });
    expect(thread?.metadata).toEqual({
      keep: true,
      ...Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`k${index}`, index])),
    });
  });
});
