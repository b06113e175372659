import { AgentSdkError, StorageError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { createInMemoryStorage } from "../adapters/in-memory/in-memory-storage.js";
import { createFaultyStorage } from "./create-faulty-storage.js";
import { describeStorageAdapterContract } from "./describe-storage-adapter-contract.js";

// With no faults, the wrapper is a conforming adapter: it delegates every method, vectors included.
describeStorageAdapterContract("faulty storage without faults", {
  createAdapter: () => createFaultyStorage(createInMemoryStorage(), { fail: () => false }),
});

const message = (text: string) => ({ message: { role: "user" as const, content: text } });

describe("createFaultyStorage", () => {
  it("fails the chosen call with an injected StorageError and writes nothing", async () => {
    const inner = createInMemoryStorage();
    const storage = createFaultyStorage(inner, {
      fail: (operation, callNumber) => operation === "appendMessages" && callNumber === 2,
    });
    const thread = await storage.createThread({ resourceId: "r" });
    const key = { threadId: thread.id, resourceId: "r" };
    await storage.appendMessages({ ...key, messages: [message("one")] });
    const error = await storage
      .appendMessages({ ...key, messages: [message("two")] })
      .catch((e: unknown) => e);
    expect(AgentSdkError.isInstance(error)).toBe(true);
    expect(StorageError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "STORAGE_ERROR",
      category: "storage",
      adapter: "in-memory",
      operation: "appendMessages",
      backendCode: "INJECTED_FAULT",
    });
    expect((error as Error).message).toContain("appendMessages");
    expect(await inner.countMessages(key)).toBe(1);
    await storage.appendMessages({ ...key, messages: [message("three")] });
    expect(await inner.countMessages(key)).toBe(2);
    expect(storage.calls).toEqual([
      { operation: "createThread", callNumber: 1, failed: false },
      { operation: "appendMessages", callNumber: 1, failed: false },
      { operation: "appendMessages", callNumber: 2, failed: true },
      { operation: "appendMessages", callNumber: 3, failed: false },
    ]);
  });

  it('with when: "after", the write happens and the caller still sees the fault', async () => {
    const inner = createInMemoryStorage();
    const storage = createFaultyStorage(inner, {
      fail: (operation) => operation === "saveSnapshot",
      when: "after",
    });
    await expect(
      storage.saveSnapshot({ runId: "run", resourceId: "r", state: { step: 1 } }),
    ).rejects.toMatchObject({
      backendCode: "INJECTED_FAULT",
      operation: "saveSnapshot",
    });
    expect((await inner.loadSnapshot({ runId: "run", resourceId: "r" }))?.state).toEqual({ step: 1 });
  });

  it("faults vector operations by their prefixed name", async () => {
    const storage = createFaultyStorage(createInMemoryStorage(), {
      fail: (operation) => operation === "vectors.query",
    });
    await storage.vectors!.createIndex({ indexName: "idx", dimension: 2 });
    await storage.vectors!.upsert({ indexName: "idx", vectors: [{ id: "a", vector: [1, 0] }] });
    await expect(storage.vectors!.query({ indexName: "idx", vector: [1, 0], topK: 1 })).rejects.toMatchObject(
      {
        code: "STORAGE_ERROR",
        operation: "vectors.query",
        backendCode: "INJECTED_FAULT",
      },
    );
    expect(await storage.vectors!.describeIndex({ indexName: "idx" })).toEqual({ dimension: 2, count: 1 });
  });

  it("passes the inner adapter's own errors through and never faults close", async () => {
    const storage = createFaultyStorage(createInMemoryStorage(), {
      fail: (operation) => operation !== "getThread",
    });
    expect(storage.name).toBe("in-memory");
    expect(storage.specificationVersion).toBe("v1");
    await expect(storage.getThread({ threadId: "", resourceId: "r" })).rejects.toMatchObject({
      code: "INVALID_DEFINITION",
    });
    await expect(storage.init()).rejects.toMatchObject({ backendCode: "INJECTED_FAULT", operation: "init" });
    await storage.close();
  });

  it("has no vectors when the inner adapter has none", () => {
    const { vectors: _vectors, ...withoutVectors } = createInMemoryStorage();
    const storage = createFaultyStorage({ ...withoutVectors, vectors: undefined }, { fail: () => true });
    expect(storage.vectors).toBeUndefined();
  });
});
