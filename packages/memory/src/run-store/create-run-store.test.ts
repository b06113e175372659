import { AgentSdkError, InvalidDefinitionError, StorageError } from "@flowmaestro/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { createInMemoryStorage } from "../adapters/in-memory/in-memory-storage.js";
import { createLibsqlStorage } from "../adapters/libsql/index.js";
import { createMemory } from "../memory/create-memory.js";
import type { StorageAdapter } from "../storage-adapter.js";
import { createRunStore } from "./create-run-store.js";

/** Awaits a call that must fail with an SDK error of `code`; returns the error. */
async function sdkError<T extends AgentSdkError>(call: Promise<unknown>, code: string): Promise<T> {
  const error = await call.then(
    (value) => expect.fail(`expected ${code}, but the call succeeded with ${JSON.stringify(value)}`),
    (caught: unknown) => caught,
  );
  expect(AgentSdkError.isInstance(error), String(error)).toBe(true);
  expect((error as AgentSdkError).code, (error as Error).message).toBe(code);
  return error as T;
}

const adapters: StorageAdapter[] = [];
afterAll(async () => {
  for (const adapter of adapters.splice(0)) await adapter.close();
});

// The run store is a thin layer; the adapters' compare-and-set itself is proven by the adapter
// contract suite (every adapter) and the multi-process tests (libSQL file, Postgres).
describe.each([
  { label: "in-memory", create: (): StorageAdapter => createInMemoryStorage() },
  { label: "libsql :memory:", create: (): StorageAdapter => createLibsqlStorage({ url: ":memory:" }) },
])("createRunStore on $label", ({ create }) => {
  const open = () => {
    const storage = create();
    adapters.push(storage);
    return { storage, store: createRunStore(storage) };
  };

  it("is a v1 RunStore named after its adapter, and round-trips a run", async () => {
    const { storage, store } = open();
    expect(store.specificationVersion).toBe("v1");
    expect(store.name).toBe(storage.name);
    const state = { pending: [{ toolCallId: "call-1", input: { amount: 12.5 } }], note: "ünïcødé 🙂" };
    const saved = await store.save({ runId: "run-1", resourceId: "user-1", threadId: "thread-1", state });
    expect(saved).toEqual({
      runId: "run-1",
      resourceId: "user-1",
      threadId: "thread-1",
      state,
      version: 1,
      updatedAt: expect.any(Date),
    });
    expect(await store.load({ runId: "run-1", resourceId: "user-1" })).toEqual(saved);
    // It is the adapter's snapshot: same database as the threads.
    expect(await storage.loadSnapshot({ runId: "run-1", resourceId: "user-1" })).toMatchObject({
      state,
      version: 1,
    });
    expect(await store.load({ runId: "other", resourceId: "user-1" })).toBeUndefined();
  });

  it("passes expectedVersion through as the adapter's compare-and-set", async () => {
    const { store } = open();
    const key = { runId: "run-1", resourceId: "user-1" };
    await store.save({ ...key, state: { step: 1 } });
    expect(await store.save({ ...key, state: { step: 2 }, expectedVersion: 1 })).toMatchObject({
      version: 2,
      state: { step: 2 },
    });
    expect(await store.save({ ...key, state: { lost: true }, expectedVersion: 1 })).toBeUndefined();
    expect(await store.load(key)).toMatchObject({ version: 2, state: { step: 2 } });
    // On a run that does not exist, nothing is created.
    expect(await store.save({ runId: "missing", resourceId: "user-1", state: {}, expectedVersion: 1 })).toBe(
      undefined,
    );
    expect(await store.load({ runId: "missing", resourceId: "user-1" })).toBeUndefined();
    // Of 8 resumes at once, exactly one continues the run.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, racer) => store.save({ ...key, state: { racer }, expectedVersion: 2 })),
    );
    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    expect((await store.load(key))?.version).toBe(3);
  });

  it("keeps resources apart", async () => {
    const { store } = open();
    const owner = { runId: "run-1", resourceId: "owner" };
    const saved = await store.save({ ...owner, state: { secret: "a" } });
    expect(await store.load({ runId: "run-1", resourceId: "intruder" })).toBeUndefined();
    expect(
      await store.save({
        runId: "run-1",
        resourceId: "intruder",
        state: { stolen: true },
        expectedVersion: 1,
      }),
    ).toBeUndefined();
    expect(await store.load({ runId: "run-1", resourceId: "intruder" })).toBeUndefined();
    // A plain save under another resource is another record; the owner's is untouched.
    expect(await store.save({ runId: "run-1", resourceId: "intruder", state: { own: true } })).toMatchObject({
      version: 1,
      state: { own: true },
    });
    expect(await store.load(owner)).toEqual(saved);
  });

  it("passes the adapter's input errors through, naming the field", async () => {
    const { store } = open();
    for (const expectedVersion of [0, -1, 1.5, "2"]) {
      const error = await sdkError<InvalidDefinitionError>(
        store.save({
          runId: "run-1",
          resourceId: "user-1",
          state: {},
          expectedVersion: expectedVersion as any,
        }),
        "INVALID_DEFINITION",
      );
      expect(error.field).toBe("expectedVersion");
    }
    const error = await sdkError<InvalidDefinitionError>(
      store.load({ runId: "", resourceId: "user-1" }),
      "INVALID_DEFINITION",
    );
    expect(error.field).toBe("runId");
  });
});

describe("createRunStore on an adapter of your own", () => {
  const base = () => {
    const storage = createInMemoryStorage();
    adapters.push(storage);
    return storage;
  };

  it("wraps a plain Error in a StorageError with it as cause", async () => {
    const boom = new Error("disk on fire");
    const storage: StorageAdapter = {
      ...base(),
      name: "mine",
      saveSnapshot: () => Promise.reject(boom),
      loadSnapshot: () => {
        throw boom;
      },
    };
    const store = createRunStore(storage);
    expect(store.name).toBe("mine");
    const saveError = await sdkError<StorageError>(
      store.save({ runId: "run-1", resourceId: "user-1", state: {} }),
      "STORAGE_ERROR",
    );
    expect(saveError).toBeInstanceOf(StorageError);
    expect(saveError).toMatchObject({ adapter: "mine", operation: "saveSnapshot" });
    // The cause is the adapter's error (as a redacted copy: the SDK scrubs secrets from causes).
    expect(saveError.cause).toBeInstanceOf(Error);
    expect((saveError.cause as Error).message).toBe("disk on fire");
    expect(saveError.message).toContain("disk on fire");
    const loadError = await sdkError<StorageError>(
      store.load({ runId: "run-1", resourceId: "user-1" }),
      "STORAGE_ERROR",
    );
    expect(loadError).toMatchObject({ adapter: "mine", operation: "loadSnapshot" });
    expect((loadError.cause as Error).message).toBe("disk on fire");
  });

  it("passes the adapter's own StorageError through unchanged", async () => {
    const own = new StorageError({ adapter: "mine", operation: "saveSnapshot", backendCode: "SQLITE_FULL" });
    const store = createRunStore({ ...base(), saveSnapshot: () => Promise.reject(own) });
    expect(
      await sdkError(store.save({ runId: "run-1", resourceId: "user-1", state: {} }), "STORAGE_ERROR"),
    ).toBe(own);
  });

  it("refuses an adapter that does not version snapshots, rather than lose the compare-and-set", async () => {
    const inner = base();
    // The older contract: saveSnapshot resolved with nothing, snapshots had no version.
    const unversioned: StorageAdapter = {
      ...inner,
      saveSnapshot: async (input) => {
        await inner.saveSnapshot(input);
        return undefined;
      },
      loadSnapshot: async (input) => {
        const loaded = await inner.loadSnapshot(input);
        return loaded && ({ ...loaded, version: undefined } as any);
      },
    };
    const store = createRunStore(unversioned);
    const saveError = await sdkError<StorageError>(
      store.save({ runId: "run-1", resourceId: "user-1", state: {} }),
      "STORAGE_ERROR",
    );
    expect(saveError.backendCode).toBe("BAD_SNAPSHOT_VERSION");
    expect(saveError.message).toContain("saveSnapshot");
    const loadError = await sdkError<StorageError>(
      store.load({ runId: "run-1", resourceId: "user-1" }),
      "STORAGE_ERROR",
    );
    expect(loadError.backendCode).toBe("BAD_SNAPSHOT_VERSION");
    // An adapter that ignores expectedVersion gives itself away by the version it returns.
    const ignoring = createRunStore({
      ...inner,
      saveSnapshot: ({ expectedVersion: _ignored, ...input }) => inner.saveSnapshot(input),
    });
    const ignoredError = await sdkError<StorageError>(
      ignoring.save({ runId: "run-1", resourceId: "user-1", state: {}, expectedVersion: 5 }),
      "STORAGE_ERROR",
    );
    expect(ignoredError.message).toContain("expectedVersion 5 must give 6");
  });

  it("throws an InvalidDefinitionError naming `storage` when given no storage adapter", () => {
    for (const bad of [undefined, null, "libsql", [], {}, { saveSnapshot: () => undefined }]) {
      let caught: unknown;
      try {
        createRunStore(bad as any);
      } catch (error) {
        caught = error;
      }
      expect(InvalidDefinitionError.isInstance(caught), `createRunStore(${JSON.stringify(bad)})`).toBe(true);
      const error = caught as InvalidDefinitionError;
      expect(error.field).toBe("storage");
      expect(error.message).toContain("`storage`");
      expect(error.message).toContain("createRunStore");
    }
    expect(() => createRunStore({ saveSnapshot: () => undefined } as any)).toThrow(/without `loadSnapshot`/);
  });
});

describe("memory.runStore", () => {
  it("is a run store on the memory's storage", async () => {
    const storage = createInMemoryStorage();
    adapters.push(storage);
    const memory = createMemory({ storage });
    const { runStore } = memory;
    expect(runStore.specificationVersion).toBe("v1");
    expect(runStore.name).toBe("in-memory");
    const saved = await runStore.save({ runId: "run-1", resourceId: "user-1", state: { step: 1 } });
    expect(saved?.version).toBe(1);
    expect(await memory.storage.loadSnapshot({ runId: "run-1", resourceId: "user-1" })).toMatchObject({
      state: { step: 1 },
      version: 1,
    });
    expect(
      await runStore.save({ runId: "run-1", resourceId: "user-1", state: {}, expectedVersion: 1 }),
    ).toMatchObject({ version: 2 });
    expect(await runStore.save({ runId: "run-1", resourceId: "user-1", state: {}, expectedVersion: 1 })).toBe(
      undefined,
    );
    expect(await runStore.load({ runId: "run-1", resourceId: "user-2" })).toBeUndefined();
  });
});
