import { expect } from "vitest";
import type { GroupContext } from "./contract-context.js";
import { clockTick, expectSdkError } from "./fixtures.js";

/** Working memory: resource and thread scopes. @internal */
export function describeWorkingMemoryCases(context: GroupContext): void {
  const { test, adapter, newResource, newThread, uniqueId } = context;

  test("none is undefined", async () => {
    const thread = await newThread();
    expect(await adapter().getWorkingMemory({ resourceId: thread.resourceId })).toBeUndefined();
    expect(
      await adapter().getWorkingMemory({ resourceId: thread.resourceId, threadId: thread.id }),
    ).toBeUndefined();
    expect(await adapter().getWorkingMemory({ resourceId: newResource() })).toBeUndefined();
  });

  test("resource scope and thread scope are independent", async () => {
    const store = adapter();
    const resourceId = newResource();
    const one = await newThread({ resourceId });
    const two = await newThread({ resourceId });
    const before = Date.now();
    const resourceRecord = await store.setWorkingMemory({ resourceId, content: "# Profile\n- name: Ada" });
    expect(resourceRecord).toEqual({
      resourceId,
      threadId: undefined,
      content: "# Profile\n- name: Ada",
      updatedAt: expect.any(Date),
    });
    expect(resourceRecord.updatedAt.getTime()).toBeGreaterThan(before - 60_000);
    expect(await store.getWorkingMemory({ resourceId, threadId: one.id })).toBeUndefined();
    const threadRecord = await store.setWorkingMemory({
      resourceId,
      threadId: one.id,
      content: '{"topic":"billing"}',
    });
    expect(threadRecord).toEqual({
      resourceId,
      threadId: one.id,
      content: '{"topic":"billing"}',
      updatedAt: expect.any(Date),
    });
    expect(await store.getWorkingMemory({ resourceId })).toEqual(resourceRecord);
    expect(await store.getWorkingMemory({ resourceId, threadId: one.id })).toEqual(threadRecord);
    expect(await store.getWorkingMemory({ resourceId, threadId: two.id })).toBeUndefined();
  });

  test("set overwrites and moves updatedAt", async () => {
    const store = adapter();
    const thread = await newThread();
    for (const scope of [{}, { threadId: thread.id }]) {
      const keyed = { resourceId: thread.resourceId, ...scope };
      const first = await store.setWorkingMemory({ ...keyed, content: "first" });
      await clockTick();
      const second = await store.setWorkingMemory({ ...keyed, content: 'second ü 🙂 \n"json"' });
      expect(second.content).toBe('second ü 🙂 \n"json"');
      expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
      expect(await store.getWorkingMemory(keyed)).toEqual(second);
      await store.setWorkingMemory({ ...keyed, content: "" });
      expect((await store.getWorkingMemory(keyed))?.content).toBe("");
    }
  });

  test("thread scope on a missing thread is NOT_FOUND", async () => {
    const resourceId = newResource();
    const threadId = uniqueId("missing");
    await expectSdkError(adapter().setWorkingMemory({ resourceId, threadId, content: "x" }), "NOT_FOUND");
    expect(await adapter().getWorkingMemory({ resourceId, threadId })).toBeUndefined();
  });
}
