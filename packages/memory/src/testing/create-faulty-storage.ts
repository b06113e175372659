import { StorageError } from "@flowmaestro/runtime";
import type { StorageAdapter, VectorStore } from "../storage-adapter.js";

/** Options of {@link createFaultyStorage}. */
export interface FaultyStorageOptions {
  /**
   * Decides whether a call fails. `operation` is the method name (`appendMessages`,
   * `createThread`…; vector methods are prefixed: `vectors.upsert`), `callNumber` counts calls
   * of that operation from 1. `close` is never faulted, so clean-up always works.
   *
   * @example
   * ```ts
   * // The second appendMessages fails; everything else works.
   * fail: (operation, callNumber) => operation === "appendMessages" && callNumber === 2
   * ```
   */
  readonly fail: (operation: string, callNumber: number) => boolean;
  /**
   * When a faulted call fails: `"before"` the inner adapter is called (nothing is written) or
   * `"after"` it succeeded (the write happened but the caller sees an error, like a lost
   * acknowledgement; useful to prove retries are idempotent).
   * @default "before"
   */
  readonly when?: "before" | "after" | undefined;
}

/** One call through a {@link FaultyStorage}. */
export interface FaultyStorageCall {
  readonly operation: string;
  /** 1-based count of this operation's calls. */
  readonly callNumber: number;
  /** Whether this call was made to fail. */
  readonly failed: boolean;
}

/** A storage adapter that fails on demand. */
export interface FaultyStorage extends StorageAdapter {
  /** Every call so far, in order. */
  readonly calls: readonly FaultyStorageCall[];
}

/**
 * Wraps a storage adapter so chosen calls throw a `StorageError` (the wrapped adapter's name, the
 * operation, `backendCode: "INJECTED_FAULT"`) while every other call goes to the wrapped adapter,
 * vectors included. Use it to prove a host handles storage failures, e.g. that a run whose
 * storage write fails mid-run ends `failed` with a storage error. Needs no test runner.
 *
 * @example
 * ```ts
 * const storage = createFaultyStorage(createInMemoryStorage(), {
 *   fail: (operation, callNumber) => operation === "appendMessages" && callNumber === 2,
 * });
 * ```
 */
export function createFaultyStorage(adapter: StorageAdapter, options: FaultyStorageOptions): FaultyStorage {
  const counts = new Map<string, number>();
  const calls: FaultyStorageCall[] = [];
  const when = options.when ?? "before";

  const wrap =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const callNumber = (counts.get(operation) ?? 0) + 1;
      counts.set(operation, callNumber);
      const failed = options.fail(operation, callNumber);
      calls.push({ operation, callNumber, failed });
      if (!failed) return call(...args);
      if (when === "after") await call(...args);
      throw new StorageError({
        adapter: adapter.name,
        operation,
        backendCode: "INJECTED_FAULT",
        message: `injected fault (${operation} call ${callNumber}, ${when} the write).`,
      });
    };

  const inner = adapter.vectors;
  const vectors: VectorStore | undefined = inner && {
    createIndex: wrap("vectors.createIndex", (input) => inner.createIndex(input)),
    describeIndex: wrap("vectors.describeIndex", (input) => inner.describeIndex(input)),
    deleteIndex: wrap("vectors.deleteIndex", (input) => inner.deleteIndex(input)),
    upsert: wrap("vectors.upsert", (input) => inner.upsert(input)),
    query: wrap("vectors.query", (input) => inner.query(input)),
    delete: wrap("vectors.delete", (input) => inner.delete(input)),
  };

  return {
    specificationVersion: adapter.specificationVersion,
    name: adapter.name,
    calls,
    init: wrap("init", () => adapter.init()),
    schemaVersion: wrap("schemaVersion", () => adapter.schemaVersion()),
    close: () => adapter.close(),
    createThread: wrap("createThread", (input) => adapter.createThread(input)),
    getThread: wrap("getThread", (input) => adapter.getThread(input)),
    listThreads: wrap("listThreads", (input) => adapter.listThreads(input)),
    updateThread: wrap("updateThread", (input) => adapter.updateThread(input)),
    deleteThread: wrap("deleteThread", (input) => adapter.deleteThread(input)),
    appendMessages: wrap("appendMessages", (input) => adapter.appendMessages(input)),
    listMessages: wrap("listMessages", (input) => adapter.listMessages(input)),
    countMessages: wrap("countMessages", (input) => adapter.countMessages(input)),
    deleteMessages: wrap("deleteMessages", (input) => adapter.deleteMessages(input)),
    getWorkingMemory: wrap("getWorkingMemory", (input) => adapter.getWorkingMemory(input)),
    setWorkingMemory: wrap("setWorkingMemory", (input) => adapter.setWorkingMemory(input)),
    saveSnapshot: wrap("saveSnapshot", (input) => adapter.saveSnapshot(input)),
    loadSnapshot: wrap("loadSnapshot", (input) => adapter.loadSnapshot(input)),
    deleteSnapshot: wrap("deleteSnapshot", (input) => adapter.deleteSnapshot(input)),
    vectors,
  };
}
