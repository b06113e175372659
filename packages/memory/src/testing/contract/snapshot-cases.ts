import { expect } from "vitest";
import type { JsonValue } from "../../storage-adapter.js";
import type { GroupContext } from "./contract-context.js";
import { clockTick } from "./fixtures.js";

/** Run snapshots: save, replace, load, delete. @internal */
export function describeSnapshotCases(context: GroupContext): void {
  const { test, adapter, newResource, newThread, uniqueId, cleanup } = context;

  const newRun = (resourceId: string) => {
    const runId = uniqueId("run");
    const store = adapter();
    cleanup(() => store.deleteSnapshot({ runId, resourceId }));
    return runId;
  };

  const state: JsonValue = {
    step: 3,
    pending: [{ toolCallId: "call-1", toolName: "approve", input: { amount: 12.5 } }],
    text: 'ünïcødé 🙂 "quoted" \\',
    flags: { paused: true, reason: null },
    $fm: "not a tag",
    empty: [],
    zero: 0,
  };

  test("save and load", async () => {
    const thread = await newThread();
    const runId = newRun(thread.resourceId);
    const before = Date.now();
    await adapter().saveSnapshot({ runId, resourceId: thread.resourceId, threadId: thread.id, state });
    const loaded = await adapter().loadSnapshot({ runId, resourceId: thread.resourceId });
    expect(loaded).toEqual({
      runId,
      resourceId: thread.resourceId,
      threadId: thread.id,
      state,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(loaded!.createdAt.getTime()).toBeGreaterThan(before - 60_000);
    expect(loaded!.updatedAt.getTime()).toBeGreaterThanOrEqual(loaded!.createdAt.getTime());
  });

  test("save without a thread, and scalar states", async () => {
    const resourceId = newResource();
    for (const value of ["text", 42, true, null, [1, "two", null]] as JsonValue[]) {
      const runId = newRun(resourceId);
      await adapter().saveSnapshot({ runId, resourceId, state: value });
      const loaded = await adapter().loadSnapshot({ runId, resourceId });
      expect(loaded).toMatchObject({ runId, resourceId, threadId: undefined });
      expect(loaded!.state).toEqual(value);
    }
  });

  test("save replaces", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    await adapter().saveSnapshot({ runId, resourceId, state: { version: 1, old: true } });
    const first = await adapter().loadSnapshot({ runId, resourceId });
    await clockTick();
    await adapter().saveSnapshot({ runId, resourceId, state: { version: 2 } });
    const second = await adapter().loadSnapshot({ runId, resourceId });
    expect(second!.state).toEqual({ version: 2 });
    expect(second!.updatedAt.getTime()).toBeGreaterThan(first!.updatedAt.getTime());
  });

  test("delete, and delete when absent", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    await adapter().deleteSnapshot({ runId, resourceId });
    await adapter().saveSnapshot({ runId, resourceId, state: { x: 1 } });
    await adapter().deleteSnapshot({ runId, resourceId });
    expect(await adapter().loadSnapshot({ runId, resourceId })).toBeUndefined();
    await adapter().deleteSnapshot({ runId, resourceId });
  });

  test("missing is undefined", async () => {
    expect(
      await adapter().loadSnapshot({ runId: uniqueId("run"), resourceId: newResource() }),
    ).toBeUndefined();
  });

  test("wrong resource is undefined", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    await adapter().saveSnapshot({ runId, resourceId, state: { secret: "a" } });
    expect(await adapter().loadSnapshot({ runId, resourceId: newResource() })).toBeUndefined();
  });

  test("returned snapshots are copies", async () => {
    const resourceId = newResource();
    const runId = newRun(resourceId);
    const input = { list: [1], nested: { value: "a" } };
    await adapter().saveSnapshot({ runId, resourceId, state: input });
    input.list.push(2);
    const loaded = await adapter().loadSnapshot({ runId, resourceId });
    (loaded!.state as any).nested.value = "mutated";
    expect((await adapter().loadSnapshot({ runId, resourceId }))!.state).toEqual({
      list: [1],
      nested: { value: "a" },
    });
  });
}
