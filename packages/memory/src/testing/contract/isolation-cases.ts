import type { NotFoundError } from "@flowmaestro/runtime";
import { expect } from "vitest";
import type { StoredThread } from "../../storage-adapter.js";
import type { GroupContext } from "./contract-context.js";
import { expectSdkError, textMessages, textOf } from "./fixtures.js";

/**
 * Tenant isolation, one case per path: another resource asking for a thread (its messages,
 * working memory, snapshots) behaves exactly as if it did not exist, and can change nothing.
 * @internal
 */
export function describeIsolationCases(context: GroupContext): void {
  const { test, adapter, newResource, newThread, uniqueId, cleanup } = context;

  /** Tenant A's thread with 3 messages and working memory; tenant B's id. */
  const setup = async () => {
    const owner = await newThread({ title: "A's thread", metadata: { secret: "a" } });
    const prefix = uniqueId("msg");
    const store = adapter();
    await store.appendMessages({ ...key(owner), messages: textMessages(3, "secret", prefix) });
    await store.setWorkingMemory({ ...key(owner), content: "A's thread memory" });
    const intruder = newResource();
    const asIntruder = { threadId: owner.id, resourceId: intruder };
    const expectUntouched = async () => {
      expect(await store.getThread(key(owner))).toMatchObject({
        title: "A's thread",
        metadata: { secret: "a" },
      });
      expect((await store.listMessages(key(owner))).map(textOf)).toEqual([
        "secret 0",
        "secret 1",
        "secret 2",
      ]);
      expect((await store.getWorkingMemory(key(owner)))?.content).toBe("A's thread memory");
    };
    return { owner, prefix, intruder, asIntruder, store, expectUntouched };
  };

  test("getThread", async () => {
    const { store, asIntruder, expectUntouched } = await setup();
    expect(await store.getThread(asIntruder)).toBeUndefined();
    await expectUntouched();
  });

  test("listThreads", async () => {
    const { store, intruder, owner } = await setup();
    expect(await store.listThreads({ resourceId: intruder })).toEqual([]);
    const own = await newThread({ resourceId: intruder });
    expect((await store.listThreads({ resourceId: intruder })).map((t) => t.id)).toEqual([own.id]);
    expect((await store.listThreads({ resourceId: owner.resourceId })).map((t) => t.id)).toEqual([owner.id]);
  });

  test("resource ids are compared exactly", async () => {
    const { store, owner } = await setup();
    // Case, padding and LIKE wildcards must not widen a lookup.
    for (const lookalike of [
      owner.resourceId.toUpperCase(),
      `${owner.resourceId} `,
      ` ${owner.resourceId}`,
      `${owner.resourceId.slice(0, -1)}%`,
      `${owner.resourceId.slice(0, -1)}_`,
      `${owner.resourceId}%`,
    ]) {
      expect(await store.getThread({ threadId: owner.id, resourceId: lookalike })).toBeUndefined();
      expect(await store.listThreads({ resourceId: lookalike })).toEqual([]);
      expect(await store.getWorkingMemory({ resourceId: lookalike, threadId: owner.id })).toBeUndefined();
    }
  });

  test("updateThread", async () => {
    const { store, asIntruder, expectUntouched } = await setup();
    await expectSdkError(
      store.updateThread({ ...asIntruder, title: "hijacked", metadata: { secret: null } }),
      "NOT_FOUND",
    );
    await expectUntouched();
  });

  test("deleteThread has no effect", async () => {
    const { store, asIntruder, expectUntouched } = await setup();
    await store.deleteThread(asIntruder);
    await expectUntouched();
  });

  test("appendMessages", async () => {
    const { store, asIntruder, expectUntouched } = await setup();
    await expectSdkError(
      store.appendMessages({ ...asIntruder, messages: textMessages(1, "injected") }),
      "NOT_FOUND",
    );
    await expectUntouched();
  });

  test("appendMessages with another tenant's message id", async () => {
    const { store, owner, prefix, intruder, expectUntouched } = await setup();
    // Same thread id AND same message ids, under the intruder's own resource: a separate thread.
    const mirror = await newThread({ id: owner.id, resourceId: intruder });
    const stored = await store.appendMessages({
      ...key(mirror),
      messages: [{ id: `${prefix}-1`, message: { role: "user", content: "overwrite?" } }],
    });
    expect(stored[0]).toMatchObject({ id: `${prefix}-1`, resourceId: intruder, threadId: owner.id });
    expect((await store.listMessages(key(mirror))).map(textOf)).toEqual(["overwrite?"]);
    await expectUntouched();
  });

  test("listMessages", async () => {
    const { store, asIntruder, prefix } = await setup();
    await expectSdkError(store.listMessages(asIntruder), "NOT_FOUND");
    await expectSdkError(store.listMessages({ ...asIntruder, ids: [`${prefix}-0`] }), "NOT_FOUND");
    await expectSdkError(store.listMessages({ ...asIntruder, last: 1 }), "NOT_FOUND");
  });

  test("countMessages", async () => {
    const { store, asIntruder } = await setup();
    await expectSdkError(store.countMessages(asIntruder), "NOT_FOUND");
  });

  test("deleteMessages", async () => {
    const { store, asIntruder, prefix, expectUntouched } = await setup();
    await expectSdkError(
      store.deleteMessages({ ...asIntruder, ids: [`${prefix}-0`, `${prefix}-1`] }),
      "NOT_FOUND",
    );
    await expectUntouched();
  });

  test("not found reveals nothing", async () => {
    const { store, asIntruder } = await setup();
    // Another tenant's thread and a thread that exists nowhere fail the same way.
    const missingId = uniqueId("missing");
    const forOther = await expectSdkError<NotFoundError>(store.countMessages(asIntruder), "NOT_FOUND");
    const forNone = await expectSdkError<NotFoundError>(
      store.countMessages({ threadId: missingId, resourceId: asIntruder.resourceId }),
      "NOT_FOUND",
    );
    expect(forOther.message.replaceAll(asIntruder.threadId, "<id>")).toBe(
      forNone.message.replaceAll(missingId, "<id>"),
    );
    expect(forOther.kind).toBe(forNone.kind);
  });

  test("working memory, resource scope", async () => {
    const { store, owner, intruder } = await setup();
    await store.setWorkingMemory({ resourceId: owner.resourceId, content: "A's profile" });
    expect(await store.getWorkingMemory({ resourceId: intruder })).toBeUndefined();
    await store.setWorkingMemory({ resourceId: intruder, content: "B's profile" });
    expect((await store.getWorkingMemory({ resourceId: owner.resourceId }))?.content).toBe("A's profile");
    expect((await store.getWorkingMemory({ resourceId: intruder }))?.content).toBe("B's profile");
  });

  test("working memory, thread scope", async () => {
    const { store, asIntruder, expectUntouched } = await setup();
    expect(await store.getWorkingMemory(asIntruder)).toBeUndefined();
    await expectSdkError(store.setWorkingMemory({ ...asIntruder, content: "hijacked" }), "NOT_FOUND");
    await expectUntouched();
  });

  test("snapshots", async () => {
    const { store, owner, intruder } = await setup();
    const runId = uniqueId("run");
    cleanup(() => store.deleteSnapshot({ runId, resourceId: owner.resourceId }));
    cleanup(() => store.deleteSnapshot({ runId, resourceId: intruder }));
    await store.saveSnapshot({
      runId,
      resourceId: owner.resourceId,
      threadId: owner.id,
      state: { secret: "a" },
    });
    expect(await store.loadSnapshot({ runId, resourceId: intruder })).toBeUndefined();
    await store.deleteSnapshot({ runId, resourceId: intruder });
    expect((await store.loadSnapshot({ runId, resourceId: owner.resourceId }))?.state).toEqual({
      secret: "a",
    });
    // The same run id under the intruder is a separate snapshot.
    await store.saveSnapshot({ runId, resourceId: intruder, state: { mine: "b" } });
    expect((await store.loadSnapshot({ runId, resourceId: owner.resourceId }))?.state).toEqual({
      secret: "a",
    });
    expect((await store.loadSnapshot({ runId, resourceId: intruder }))?.state).toEqual({ mine: "b" });
  });

  test(
    "vector query with a resource filter",
    async () => {
      const vectors = adapter().vectors!;
      const indexName = uniqueId("idx");
      cleanup(() => vectors.deleteIndex({ indexName }));
      const a = newResource();
      const b = newResource();
      await vectors.createIndex({ indexName, dimension: 3 });
      await vectors.upsert({
        indexName,
        vectors: [
          // B's vectors are the closest to the query; a resource filter must still exclude them.
          { id: "b-1", vector: [1, 0, 0], metadata: { resourceId: b, text: "B secret" } },
          { id: "b-2", vector: [0.9, 0.1, 0], metadata: { resourceId: b, text: "B secret 2" } },
          { id: "a-1", vector: [0, 1, 0], metadata: { resourceId: a, text: "A note" } },
          { id: "a-2", vector: [0, 0, 1], metadata: { resourceId: a, text: "A note 2" } },
        ],
      });
      const results = await vectors.query({
        indexName,
        vector: [1, 0, 0],
        topK: 10,
        filter: { resourceId: a },
      });
      expect(results.map((r) => r.id).sort()).toEqual(["a-1", "a-2"]);
      expect(results.every((r) => r.metadata.resourceId === a)).toBe(true);
      const inList = await vectors.query({
        indexName,
        vector: [1, 0, 0],
        topK: 1,
        filter: { resourceId: { $in: [a] } },
      });
      expect(inList.map((r) => r.metadata.resourceId)).toEqual([a]);
    },
    "vectors",
  );
}

function key(thread: StoredThread) {
  return { threadId: thread.id, resourceId: thread.resourceId };
}
