import { describe, expect, it } from "vitest";
import { createInMemoryRunStore } from "./in-memory-run-store.js";

describe("createInMemoryRunStore", () => {
  it("creates at version 1, adds 1 per save, and compares-and-sets with expectedVersion", async () => {
    const store = createInMemoryRunStore();
    const key = { runId: "run-1", resourceId: "tenant-a" };
    const created = await store.save({ ...key, threadId: "thread-1", state: { status: "suspended" } });
    expect(created).toMatchObject({
      ...key,
      threadId: "thread-1",
      version: 1,
      state: { status: "suspended" },
    });
    // Two callers claim version 1: only the first wins.
    const first = await store.save({ ...key, state: { status: "resuming" }, expectedVersion: 1 });
    const second = await store.save({ ...key, state: { status: "resuming" }, expectedVersion: 1 });
    expect(first?.version).toBe(2);
    expect(second).toBeUndefined();
    expect(
      await store.save({ runId: "absent", resourceId: "tenant-a", state: 1, expectedVersion: 1 }),
    ).toBeUndefined();
    expect(store.saves).toBe(2);
    expect((await store.load(key))?.state).toEqual({ status: "resuming" });
  });

  it("scopes records by resource and copies state through JSON", async () => {
    const store = createInMemoryRunStore();
    const state = { nested: { list: [1, 2] }, when: new Date(0) };
    await store.save({ runId: "run-1", resourceId: "tenant-a", state: state as never });
    state.nested.list.push(3);
    expect(await store.load({ runId: "run-1", resourceId: "tenant-b" })).toBeUndefined();
    const loaded = await store.load({ runId: "run-1", resourceId: "tenant-a" });
    expect(loaded?.state).toEqual({ nested: { list: [1, 2] }, when: "1970-01-01T00:00:00.000Z" });
    (loaded!.state as { nested: { list: number[] } }).nested.list.push(9);
    expect((await store.load({ runId: "run-1", resourceId: "tenant-a" }))?.state).toEqual({
      nested: { list: [1, 2] },
      when: "1970-01-01T00:00:00.000Z",
    });
    expect(store.records().map((record) => record.runId)).toEqual(["run-1"]);
  });
});
