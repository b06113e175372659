import type { StorageError } from "@flowmaestro/runtime";
import { expect } from "vitest";
import type { GroupContext } from "./contract-context.js";
import { expectIncreasingPositions, expectSdkError, textMessage, textOf } from "./fixtures.js";

/** Concurrent writers: nothing lost, duplicated or reordered. @internal */
export function describeConcurrencyCases(context: GroupContext): void {
  const { test, adapter, newResource, newThread, uniqueId, cleanup } = context;

  test("20 concurrent appends on 20 threads", async () => {
    const resourceId = newResource();
    const threads = await Promise.all(Array.from({ length: 20 }, () => newThread({ resourceId })));
    await Promise.all(
      threads.map((thread, index) =>
        adapter().appendMessages({
          threadId: thread.id,
          resourceId,
          messages: [0, 1, 2].map((n) => ({ message: textMessage(`t${index} m${n}`) })),
        }),
      ),
    );
    for (const [index, thread] of threads.entries()) {
      const listed = await adapter().listMessages({ threadId: thread.id, resourceId });
      expect(listed.map(textOf)).toEqual([`t${index} m0`, `t${index} m1`, `t${index} m2`]);
      expectIncreasingPositions(listed);
    }
    expect(await adapter().listThreads({ resourceId })).toHaveLength(20);
  });

  test("5 concurrent writers on one thread", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    const writers = 5;
    const batches = 10;
    const returned = await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        const results = [];
        for (let batch = 0; batch < batches; batch++) {
          results.push(
            await adapter().appendMessages({
              ...key,
              messages: [0, 1, 2].map((n) => ({
                id: `w${writer}-b${batch}-m${n}`,
                message: textMessage(`w${writer} b${batch} m${n}`),
              })),
            }),
          );
        }
        return results;
      }),
    );
    const listed = await adapter().listMessages(key);
    expect(listed).toHaveLength(writers * batches * 3);
    expect(new Set(listed.map((m) => m.id)).size).toBe(listed.length);
    expectIncreasingPositions(listed);
    const ids = listed.map((m) => m.id);
    for (let writer = 0; writer < writers; writer++) {
      let previous = -1;
      for (let batch = 0; batch < batches; batch++) {
        const start = ids.indexOf(`w${writer}-b${batch}-m0`);
        // Each batch is contiguous and in order…
        expect(ids.slice(start, start + 3)).toEqual([0, 1, 2].map((n) => `w${writer}-b${batch}-m${n}`));
        // …and one writer's batches keep their order.
        expect(start).toBeGreaterThan(previous);
        previous = start;
      }
    }
    // What each append returned is what is stored.
    const byId = new Map(listed.map((m) => [m.id, m]));
    for (const stored of returned.flat(2)) {
      expect(byId.get(stored.id)?.position).toBe(stored.position);
      expect(textOf(byId.get(stored.id)!)).toBe(textOf(stored));
    }
    expect(await adapter().countMessages(key)).toBe(150);
  });

  test("concurrent createThread with one id: exactly one wins", async () => {
    const resourceId = newResource();
    const id = uniqueId("thread");
    const store = adapter();
    cleanup(() => store.deleteThread({ threadId: id, resourceId }));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, index) =>
        store.createThread({ id, resourceId, title: `writer ${index}` }),
      ),
    );
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(won).toHaveLength(1);
    for (const outcome of lost) {
      const error = await expectSdkError<StorageError>(Promise.reject(outcome.reason), "STORAGE_ERROR");
      expect(error.backendCode).toBe("THREAD_EXISTS");
    }
    expect(await store.listThreads({ resourceId })).toHaveLength(1);
  });

  test("concurrent reads and writes on one thread", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    const operations = Array.from({ length: 30 }, (_, index) =>
      index % 3 === 0
        ? adapter().listMessages({ ...key, last: 5 })
        : adapter().appendMessages({
            ...key,
            messages: [{ id: `m${index}`, message: textMessage(`m${index}`) }],
          }),
    );
    await Promise.all(operations);
    const listed = await adapter().listMessages(key);
    expect(listed).toHaveLength(20);
    expectIncreasingPositions(listed);
  });
}
