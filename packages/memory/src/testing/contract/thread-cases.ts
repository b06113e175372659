import type { StorageError } from "@flowmaestro/runtime";
import { expect } from "vitest";
import type { GroupContext } from "./contract-context.js";
import { clockTick, expectSdkError, textMessages } from "./fixtures.js";

/** Threads: create, get, list, update, delete. @internal */
export function describeThreadCases(context: GroupContext): void {
  const { test, adapter, newResource, newThread, uniqueId, cleanup } = context;

  test("create with a given id", async () => {
    const resourceId = newResource();
    const id = uniqueId("thread");
    const before = Date.now();
    const thread = await newThread({ id, resourceId, title: "Support", metadata: { plan: "pro", seats: 3 } });
    expect(thread).toEqual({
      id,
      resourceId,
      title: "Support",
      metadata: { plan: "pro", seats: 3 },
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    // Loose bounds: the backend's clock may differ a little from ours.
    expect(thread.createdAt.getTime()).toBeGreaterThan(before - 60_000);
    expect(thread.updatedAt.getTime()).toBeGreaterThanOrEqual(thread.createdAt.getTime());
    expect(await adapter().getThread({ threadId: id, resourceId })).toEqual(thread);
  });

  test("create with a generated id", async () => {
    const store = adapter();
    const resourceId = newResource();
    const first = await store.createThread({ resourceId });
    const second = await store.createThread({ resourceId });
    cleanup(() => store.deleteThread({ threadId: first.id, resourceId }));
    cleanup(() => store.deleteThread({ threadId: second.id, resourceId }));
    expect(typeof first.id).toBe("string");
    expect(first.id.length).toBeGreaterThan(0);
    expect(first.id.length).toBeLessThanOrEqual(200);
    expect(second.id).not.toBe(first.id);
    expect(first).toMatchObject({ resourceId, title: undefined, metadata: {} });
    expect(await store.getThread({ threadId: first.id, resourceId })).toEqual(first);
  });

  test("duplicate id for the same resource is THREAD_EXISTS", async () => {
    const thread = await newThread({ title: "original" });
    const error = await expectSdkError<StorageError>(
      adapter().createThread({ id: thread.id, resourceId: thread.resourceId, title: "second" }),
      "STORAGE_ERROR",
    );
    expect(error.backendCode).toBe("THREAD_EXISTS");
    expect(error.adapter).toBe(adapter().name);
    expect(error.operation).toBe("createThread");
    expect(await adapter().getThread({ threadId: thread.id, resourceId: thread.resourceId })).toEqual(thread);
  });

  test("same id under another resource is an independent thread", async () => {
    const first = await newThread({ title: "A", metadata: { owner: "a" } });
    const second = await newThread({ id: first.id, title: "B", metadata: { owner: "b" } });
    expect(second.id).toBe(first.id);
    expect(second.resourceId).not.toBe(first.resourceId);
    const store = adapter();
    expect(await store.getThread({ threadId: first.id, resourceId: first.resourceId })).toMatchObject({
      title: "A",
      metadata: { owner: "a" },
    });
    expect(await store.getThread({ threadId: first.id, resourceId: second.resourceId })).toMatchObject({
      title: "B",
      metadata: { owner: "b" },
    });
    await store.appendMessages({ ...key(first), messages: textMessages(2, "for A") });
    expect(await store.countMessages(key(first))).toBe(2);
    expect(await store.countMessages(key(second))).toBe(0);
  });

  test("get a missing thread is undefined", async () => {
    expect(
      await adapter().getThread({ threadId: uniqueId("missing"), resourceId: newResource() }),
    ).toBeUndefined();
  });

  test("ids are opaque strings", async () => {
    // Quotes, SQL wildcards, unicode, slashes and spaces must neither break nor match anything else.
    const resourceId = `${newResource()} O'Brien "%_\\ /🙂`;
    const id = `${uniqueId("thread")} '; DROP TABLE x; -- %_ ü`;
    const thread = await newThread({ id, resourceId, title: "weird" });
    expect(thread.id).toBe(id);
    expect(thread.resourceId).toBe(resourceId);
    expect(await adapter().getThread({ threadId: id, resourceId })).toEqual(thread);
    expect(await adapter().listThreads({ resourceId })).toEqual([thread]);
    const [stored] = await adapter().appendMessages({
      ...key(thread),
      messages: [{ id: "it's %_ 🙂", ...textMessages(1, "x")[0]! }],
    });
    expect(stored!.id).toBe("it's %_ 🙂");
    expect((await adapter().listMessages({ ...key(thread), ids: ["it's %_ 🙂"] })).map((m) => m.id)).toEqual([
      "it's %_ 🙂",
    ]);
  });

  test("list returns only the resource's threads, most recently updated first", async () => {
    const resourceId = newResource();
    const a = await newThread({ resourceId, title: "a" });
    await clockTick();
    const b = await newThread({ resourceId, title: "b" });
    await clockTick();
    const c = await newThread({ resourceId, title: "c" });
    await newThread({ title: "other resource" });
    const store = adapter();
    expect((await store.listThreads({ resourceId })).map((t) => t.title)).toEqual(["c", "b", "a"]);
    await clockTick();
    // Appending bumps updatedAt, so `a` moves to the front.
    await store.appendMessages({ ...key(a), messages: textMessages(1, "bump") });
    const afterAppend = await store.listThreads({ resourceId });
    expect(afterAppend.map((t) => t.title)).toEqual(["a", "c", "b"]);
    expect(afterAppend[0]!.updatedAt.getTime()).toBeGreaterThanOrEqual(a.updatedAt.getTime());
    await clockTick();
    await store.updateThread({ ...key(b), title: "b2" });
    expect((await store.listThreads({ resourceId })).map((t) => t.title)).toEqual(["b2", "a", "c"]);
    expect(c.id).toBeDefined();
  });

  test("list with limit and offset", async () => {
    const resourceId = newResource();
    const titles = ["t0", "t1", "t2", "t3", "t4"];
    for (const title of titles) {
      await newThread({ resourceId, title });
      await clockTick();
    }
    const store = adapter();
    const page = async (limit?: number, offset?: number) =>
      (await store.listThreads({ resourceId, limit, offset })).map((t) => t.title);
    expect(await page()).toEqual(["t4", "t3", "t2", "t1", "t0"]);
    expect(await page(2)).toEqual(["t4", "t3"]);
    expect(await page(2, 1)).toEqual(["t3", "t2"]);
    expect(await page(2, 4)).toEqual(["t0"]);
    expect(await page(undefined, 3)).toEqual(["t1", "t0"]);
    expect(await page(10, 5)).toEqual([]);
    expect(await store.listThreads({ resourceId: newResource() })).toEqual([]);
  });

  test("list returns at most 100 threads by default", async () => {
    const resourceId = newResource();
    await Promise.all(Array.from({ length: 101 }, () => newThread({ resourceId })));
    expect(await adapter().listThreads({ resourceId })).toHaveLength(100);
    expect(await adapter().listThreads({ resourceId, limit: 200 })).toHaveLength(101);
    expect(await adapter().listThreads({ resourceId, offset: 100 })).toHaveLength(1);
  });

  test("update title and merge metadata (null removes a key)", async () => {
    const thread = await newThread({
      title: "old",
      metadata: { keep: 1, drop: "x", replace: { deep: true }, list: [1, 2] },
    });
    await clockTick();
    const updated = await adapter().updateThread({
      ...key(thread),
      title: "new",
      metadata: { drop: null, replace: "flat", added: { nested: [null, "ü"] }, absent: null },
    });
    const expected = {
      id: thread.id,
      resourceId: thread.resourceId,
      title: "new",
      metadata: { keep: 1, replace: "flat", added: { nested: [null, "ü"] }, list: [1, 2] },
      createdAt: thread.createdAt,
      updatedAt: expect.any(Date),
    };
    expect(updated).toEqual(expected);
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(thread.updatedAt.getTime());
    expect(await adapter().getThread(key(thread))).toEqual({ ...expected, updatedAt: updated.updatedAt });
  });

  test("update without title keeps the title", async () => {
    const thread = await newThread({ title: "kept", metadata: { a: 1 } });
    const updated = await adapter().updateThread({ ...key(thread), metadata: { b: 2 } });
    expect(updated).toMatchObject({ title: "kept", metadata: { a: 1, b: 2 } });
    const again = await adapter().updateThread({ ...key(thread), title: "renamed" });
    expect(again).toMatchObject({ title: "renamed", metadata: { a: 1, b: 2 } });
  });

  test("update a missing thread is NOT_FOUND", async () => {
    await expectSdkError(
      adapter().updateThread({ threadId: uniqueId("missing"), resourceId: newResource(), title: "x" }),
      "NOT_FOUND",
    );
  });

  test("delete removes the thread with its messages, working memory and snapshots only", async () => {
    const store = adapter();
    const resourceId = newResource();
    const doomed = await newThread({ resourceId, title: "doomed" });
    const kept = await newThread({ resourceId, title: "kept" });
    const runIds = { doomed: uniqueId("run"), kept: uniqueId("run"), unthreaded: uniqueId("run") };
    for (const runId of Object.values(runIds)) cleanup(() => store.deleteSnapshot({ runId, resourceId }));
    await store.appendMessages({ ...key(doomed), messages: textMessages(3, "doomed", uniqueId("msg")) });
    await store.appendMessages({ ...key(kept), messages: textMessages(2, "kept") });
    await store.setWorkingMemory({ ...key(doomed), content: "doomed memory" });
    await store.setWorkingMemory({ ...key(kept), content: "kept memory" });
    await store.setWorkingMemory({ resourceId, content: "resource memory" });
    await store.saveSnapshot({ runId: runIds.doomed, resourceId, threadId: doomed.id, state: { step: 1 } });
    await store.saveSnapshot({ runId: runIds.kept, resourceId, threadId: kept.id, state: { step: 2 } });
    await store.saveSnapshot({ runId: runIds.unthreaded, resourceId, state: { step: 3 } });

    await store.deleteThread(key(doomed));

    expect(await store.getThread(key(doomed))).toBeUndefined();
    expect((await store.listThreads({ resourceId })).map((t) => t.id)).toEqual([kept.id]);
    await expectSdkError(store.listMessages(key(doomed)), "NOT_FOUND");
    expect(await store.getWorkingMemory(key(doomed))).toBeUndefined();
    expect(await store.loadSnapshot({ runId: runIds.doomed, resourceId })).toBeUndefined();
    // A new thread with the same id starts empty: the old rows are gone, not hidden.
    await store.createThread({ id: doomed.id, resourceId });
    expect(await store.countMessages(key(doomed))).toBe(0);
    expect(await store.getWorkingMemory(key(doomed))).toBeUndefined();
    // Everything else is untouched.
    expect(await store.countMessages(key(kept))).toBe(2);
    expect((await store.getWorkingMemory(key(kept)))?.content).toBe("kept memory");
    expect((await store.getWorkingMemory({ resourceId }))?.content).toBe("resource memory");
    expect((await store.loadSnapshot({ runId: runIds.kept, resourceId }))?.state).toEqual({ step: 2 });
    expect((await store.loadSnapshot({ runId: runIds.unthreaded, resourceId }))?.state).toEqual({ step: 3 });
  });

  test("delete a missing thread is a no-op", async () => {
    await adapter().deleteThread({ threadId: uniqueId("missing"), resourceId: newResource() });
    const thread = await newThread();
    await adapter().deleteThread(key(thread));
    await adapter().deleteThread(key(thread));
    expect(await adapter().getThread(key(thread))).toBeUndefined();
  });

  test("returned threads are copies", async () => {
    const metadata: Record<string, any> = { nested: { value: 1 }, list: [1] };
    const thread = await newThread({ metadata });
    metadata.nested.value = 2;
    metadata.list.push(2);
    (thread.metadata as any).nested.value = 3;
    (thread.metadata as any).added = true;
    const again = await adapter().getThread(key(thread));
    expect(again?.metadata).toEqual({ nested: { value: 1 }, list: [1] });
    (again!.metadata as any).list.push(9);
    expect((await adapter().listThreads({ resourceId: thread.resourceId }))[0]?.metadata).toEqual({
      nested: { value: 1 },
      list: [1],
    });
  });
}

function key(thread: { id: string; resourceId: string }) {
  return { threadId: thread.id, resourceId: thread.resourceId };
}
