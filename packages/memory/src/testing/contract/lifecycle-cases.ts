import { expect } from "vitest";
import type { GroupContext } from "./contract-context.js";

/** Identity, `init` and `schemaVersion`. @internal */
export function describeLifecycleCases(context: GroupContext): void {
  const { test, adapter, freshAdapter, newResource } = context;

  test("identity", async () => {
    const store = adapter();
    expect(store.specificationVersion).toBe("v1");
    expect(typeof store.name).toBe("string");
    expect(store.name.length).toBeGreaterThan(0);
  });

  test("init twice in a row", async () => {
    const store = await freshAdapter();
    await store.init();
    await store.init();
    const version = await store.schemaVersion();
    expect(Number.isInteger(version)).toBe(true);
    expect(version).toBeGreaterThanOrEqual(1);
  });

  test("init concurrently", async () => {
    const store = await freshAdapter();
    await Promise.all(Array.from({ length: 5 }, () => store.init()));
    const thread = await store.createThread({ resourceId: newResource() });
    expect(await store.getThread({ threadId: thread.id, resourceId: thread.resourceId })).toBeDefined();
    await store.deleteThread({ threadId: thread.id, resourceId: thread.resourceId });
  });

  test("methods init on first use", async () => {
    const store = await freshAdapter();
    const resourceId = newResource();
    // No init() call: the first method must create the schema itself (several at once, too).
    const [thread] = await Promise.all([
      store.createThread({ resourceId }),
      store.listThreads({ resourceId: newResource() }),
      store.getWorkingMemory({ resourceId: newResource() }),
    ]);
    expect(await store.countMessages({ threadId: thread.id, resourceId })).toBe(0);
    await store.deleteThread({ threadId: thread.id, resourceId });
  });

  test("schemaVersion is stable", async () => {
    const store = adapter();
    const first = await store.schemaVersion();
    await store.init();
    expect(await store.schemaVersion()).toBe(first);
    expect(first).toBeGreaterThanOrEqual(1);
    const other = await freshAdapter();
    expect(await other.schemaVersion()).toBe(first);
  });

  test("vectors capability matches the adapter", async () => {
    const store = adapter();
    if (context.has("vectors")) {
      expect(
        store.vectors,
        "capabilities.vectors is on (the default) but adapter.vectors is unset",
      ).toBeDefined();
    }
  });
}
