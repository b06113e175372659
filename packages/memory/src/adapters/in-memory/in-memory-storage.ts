import { NotFoundError, StorageError } from "@flowmaestro/runtime";
import { InputCheck, randomId } from "../../internal/inputs.js";
import { decodeMessage, encodeMessage } from "../../internal/message-codec.js";
import {
  checkAppendMessages,
  checkCreateThread,
  checkDeleteMessages,
  checkListMessages,
  checkListThreads,
  checkSaveSnapshot,
  checkSnapshotKey,
  checkThreadKey,
  checkUpdateThread,
  checkWorkingMemoryKey,
  jsonText,
} from "../../internal/validate-input.js";
import type {
  AppendMessagesInput,
  CreateThreadInput,
  JsonValue,
  ListMessagesInput,
  ListThreadsInput,
  RunSnapshot,
  SaveSnapshotInput,
  SnapshotKey,
  StorageAdapter,
  StoredMessage,
  StoredThread,
  ThreadKey,
  UpdateThreadInput,
  VectorStore,
  WorkingMemoryKey,
  WorkingMemoryRecord,
} from "../../storage-adapter.js";
import { ADAPTER, guard } from "./guard.js";
import { createInMemoryVectorStore } from "./in-memory-vector-store.js";

/** The in-memory adapter: a {@link StorageAdapter} that always has {@link VectorStore | vectors}. */
export interface InMemoryStorage extends StorageAdapter {
  readonly name: "in-memory";
  /** Exact cosine search over every stored vector (no approximate index). */
  readonly vectors: VectorStore;
}

/** Version of the (trivial) in-memory schema. */
const SCHEMA_VERSION = 1;

interface StoredMessageState {
  readonly position: number;
  /** The message as lossless JSON text, so no caller ever holds a reference into the store. */
  readonly encoded: string;
  readonly runId: string | undefined;
  readonly step: number | undefined;
  readonly createdAt: number;
}

interface WorkingMemoryState {
  readonly content: string;
  readonly updatedAt: number;
}

interface ThreadState {
  readonly id: string;
  readonly resourceId: string;
  title: string | undefined;
  /** JSON text, for the same reason as {@link StoredMessageState.encoded}. */
  metadata: string;
  readonly createdAt: number;
  updatedAt: number;
  /** Breaks `updatedAt` ties (same millisecond) so "most recently updated first" is exact. */
  touched: number;
  /** Insertion order is position order: a replaced message keeps its slot (`Map#set` on a key). */
  readonly messages: Map<string, StoredMessageState>;
  nextPosition: number;
  workingMemory: WorkingMemoryState | undefined;
}

interface SnapshotState {
  readonly threadId: string | undefined;
  readonly state: string;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * Creates a storage adapter that keeps everything in this instance's memory: threads, messages,
 * working memory, run snapshots and vector indexes (exact cosine). Nothing is shared between
 * instances and nothing survives the process, so it suits tests, examples and single-process
 * prototypes; use the libSQL or Postgres adapter for anything that must persist.
 *
 * Every value is copied in and out (messages through the lossless message codec, JSON through
 * `JSON.stringify`), so mutating an argument after a call, or a returned object, never changes
 * what is stored. Inputs are validated exactly as the other adapters validate them.
 *
 * A run snapshot's compare-and-set (`saveSnapshot` with `expectedVersion`) is atomic within this
 * process (no call can interleave with another), which is as far as its data reaches: two
 * processes each have their own. Use libSQL or Postgres for runs resumed by another process.
 *
 * @example
 * ```ts
 * const storage = createInMemoryStorage();
 * const thread = await storage.createThread({ resourceId: "user-1", title: "Support" });
 * await storage.appendMessages({
 *   threadId: thread.id,
 *   resourceId: "user-1",
 *   messages: [{ message: { role: "user", content: "Hello" } }],
 * });
 * ```
 */
export function createInMemoryStorage(): InMemoryStorage {
  /** resourceId → threadId → thread. */
  const threads = new Map<string, Map<string, ThreadState>>();
  /** resourceId → resource-scope working memory. */
  const resourceMemory = new Map<string, WorkingMemoryState>();
  /** resourceId → runId → snapshot. */
  const snapshots = new Map<string, Map<string, SnapshotState>>();
  let touchCounter = 0;

  const findThread = (resourceId: string, threadId: string): ThreadState | undefined =>
    threads.get(resourceId)?.get(threadId);

  const requireThread = (resourceId: string, threadId: string): ThreadState => {
    const thread = findThread(resourceId, threadId);
    if (!thread) throw new NotFoundError({ kind: "thread", id: threadId, resourceId });
    return thread;
  };

  const touch = (thread: ThreadState): void => {
    // Never move backwards, even if the wall clock does.
    thread.updatedAt = Math.max(Date.now(), thread.updatedAt);
    thread.touched = ++touchCounter;
  };

  const adapter: InMemoryStorage = {
    specificationVersion: "v1",
    name: ADAPTER,

    init: () => guard("init", () => undefined),
    schemaVersion: () => guard("schemaVersion", () => SCHEMA_VERSION),
    // Nothing to close: the data lives in this instance and is dropped with it.
    close: () => guard("close", () => undefined),

    createThread: (input: CreateThreadInput) =>
      guard("createThread", () => {
        checkCreateThread(input);
        const id = input.id ?? randomId("thread");
        let owned = threads.get(input.resourceId);
        if (owned?.has(id)) {
          throw new StorageError({
            adapter: ADAPTER,
            operation: "createThread",
            backendCode: "THREAD_EXISTS",
            message: `thread "${id}" already exists for resource "${input.resourceId}".`,
          });
        }
        const metadata = jsonText(input.metadata ?? {}, "metadata", "createThread");
        const now = Date.now();
        const thread: ThreadState = {
          id,
          resourceId: input.resourceId,
          title: input.title,
          metadata,
          createdAt: now,
          updatedAt: now,
          touched: ++touchCounter,
          messages: new Map(),
          nextPosition: 0,
          workingMemory: undefined,
        };
        if (!owned) {
          owned = new Map();
          threads.set(input.resourceId, owned);
        }
        owned.set(id, thread);
        return toStoredThread(thread);
      }),

    getThread: (input: ThreadKey) =>
      guard("getThread", () => {
        checkThreadKey("getThread", input);
        const thread = findThread(input.resourceId, input.threadId);
        return thread ? toStoredThread(thread) : undefined;
      }),

    listThreads: (input: ListThreadsInput) =>
      guard("listThreads", () => {
        checkListThreads(input);
        const limit = input.limit ?? 100;
        const offset = input.offset ?? 0;
        const owned = [...(threads.get(input.resourceId)?.values() ?? [])];
        owned.sort((a, b) => b.updatedAt - a.updatedAt || b.touched - a.touched);
        return owned.slice(offset, offset + limit).map(toStoredThread);
      }),

    updateThread: (input: UpdateThreadInput) =>
      guard("updateThread", () => {
        checkUpdateThread(input);
        const thread = requireThread(input.resourceId, input.threadId);
        let metadata = thread.metadata;
        if (input.metadata !== undefined) {
          const merged = JSON.parse(thread.metadata) as Record<string, JsonValue>;
          const patch = JSON.parse(jsonText(input.metadata, "metadata", "updateThread")) as Record<
            string,
            JsonValue
          >;
          for (const [key, value] of Object.entries(patch)) {
            if (value === null) delete merged[key];
            else merged[key] = value;
          }
          metadata = JSON.stringify(merged);
        }
        thread.metadata = metadata;
        if (input.title !== undefined) thread.title = input.title;
        touch(thread);
        return toStoredThread(thread);
      }),

    deleteThread: (input: ThreadKey) =>
      guard("deleteThread", () => {
        checkThreadKey("deleteThread", input);
        const owned = threads.get(input.resourceId);
        if (!owned?.delete(input.threadId)) return;
        if (owned.size === 0) threads.delete(input.resourceId);
        // Messages and thread-scope working memory live inside the thread; snapshots do not.
        const runs = snapshots.get(input.resourceId);
        for (const [runId, snapshot] of runs ?? []) {
          if (snapshot.threadId === input.threadId) runs?.delete(runId);
        }
      }),

    appendMessages: (input: AppendMessagesInput) =>
      guard("appendMessages", () => {
        const messages = Array.isArray(input?.messages) ? input.messages : [];
        checkAppendMessages(input);
        const thread = requireThread(input.resourceId, input.threadId);
        // Encode everything first: a message that cannot be stored must not leave half a batch.
        const now = Date.now();
        const prepared = messages.map((entry, index) => {
          let encoded: string;
          try {
            encoded = encodeMessage(entry.message);
          } catch (cause) {
            new InputCheck("appendMessages")
              .require(false, {
                field: `messages.${index}.message`,
                expected: "a message without cycles or values JSON cannot hold",
                received: cause instanceof Error ? cause.message : String(cause),
              })
              .done();
            throw cause;
          }
          return {
            id: entry.id ?? randomId("msg"),
            encoded,
            runId: entry.runId,
            step: entry.step,
            createdAt: entry.createdAt?.getTime() ?? now,
          };
        });
        const stored = prepared.map((entry) => {
          const existing = thread.messages.get(entry.id);
          const state: StoredMessageState = {
            position: existing?.position ?? thread.nextPosition++,
            encoded: entry.encoded,
            runId: entry.runId,
            step: entry.step,
            createdAt: entry.createdAt,
          };
          thread.messages.set(entry.id, state);
          return [entry.id, state] as const;
        });
        touch(thread);
        return stored.map(([id, state]) => toStoredMessage(thread, id, state));
      }),

    listMessages: (input: ListMessagesInput) =>
      guard("listMessages", () => {
        checkListMessages(input);
        const thread = requireThread(input.resourceId, input.threadId);
        const wanted = input.ids === undefined ? undefined : new Set(input.ids);
        let selected = [...thread.messages].filter(
          ([id, state]) =>
            (input.beforePosition === undefined || state.position < input.beforePosition) &&
            (input.afterPosition === undefined || state.position > input.afterPosition) &&
            (wanted === undefined || wanted.has(id)),
        );
        if (input.last !== undefined) selected = input.last === 0 ? [] : selected.slice(-input.last);
        return selected.map(([id, state]) => toStoredMessage(thread, id, state));
      }),

    countMessages: (input: ThreadKey) =>
      guard("countMessages", () => {
        checkThreadKey("countMessages", input);
        return requireThread(input.resourceId, input.threadId).messages.size;
      }),

    deleteMessages: (input: ThreadKey & { readonly ids: readonly string[] }) =>
      guard("deleteMessages", () => {
        checkDeleteMessages(input);
        const thread = requireThread(input.resourceId, input.threadId);
        for (const id of input.ids) thread.messages.delete(id);
      }),

    getWorkingMemory: (input: WorkingMemoryKey) =>
      guard("getWorkingMemory", () => {
        checkWorkingMemoryKey("getWorkingMemory", input);
        const state =
          input.threadId === undefined
            ? resourceMemory.get(input.resourceId)
            : findThread(input.resourceId, input.threadId)?.workingMemory;
        return state ? toWorkingMemory(input.resourceId, input.threadId, state) : undefined;
      }),

    setWorkingMemory: (input: WorkingMemoryKey & { readonly content: string }) =>
      guard("setWorkingMemory", () => {
        checkWorkingMemoryKey("setWorkingMemory", input, true);
        const state: WorkingMemoryState = { content: input.content, updatedAt: Date.now() };
        if (input.threadId === undefined) {
          resourceMemory.set(input.resourceId, state);
        } else {
          requireThread(input.resourceId, input.threadId).workingMemory = state;
        }
        return toWorkingMemory(input.resourceId, input.threadId, state);
      }),

    saveSnapshot: (input: SaveSnapshotInput) =>
      guard("saveSnapshot", () => {
        checkSaveSnapshot(input);
        const state = jsonText(input.state, "state", "saveSnapshot");
        const previous = snapshots.get(input.resourceId)?.get(input.runId);
        // Compare and write in one synchronous body: nothing can interleave (see `guard`).
        if (input.expectedVersion !== undefined && previous?.version !== input.expectedVersion) {
          return undefined;
        }
        let runs = snapshots.get(input.resourceId);
        if (!runs) {
          runs = new Map();
          snapshots.set(input.resourceId, runs);
        }
        const now = Date.now();
        const saved: SnapshotState = {
          threadId: input.threadId,
          state,
          version: (previous?.version ?? 0) + 1,
          createdAt: previous?.createdAt ?? now,
          updatedAt: Math.max(now, previous?.updatedAt ?? now),
        };
        runs.set(input.runId, saved);
        return toSnapshot(input, saved);
      }),

    loadSnapshot: (input: SnapshotKey) =>
      guard("loadSnapshot", () => {
        checkSnapshotKey("loadSnapshot", input);
        const snapshot = snapshots.get(input.resourceId)?.get(input.runId);
        return snapshot ? toSnapshot(input, snapshot) : undefined;
      }),

    deleteSnapshot: (input: SnapshotKey) =>
      guard("deleteSnapshot", () => {
        checkSnapshotKey("deleteSnapshot", input);
        const runs = snapshots.get(input.resourceId);
        runs?.delete(input.runId);
        if (runs?.size === 0) snapshots.delete(input.resourceId);
      }),

    vectors: createInMemoryVectorStore(),
  };
  return adapter;
}

function toSnapshot(key: SnapshotKey, snapshot: SnapshotState): RunSnapshot {
  return {
    runId: key.runId,
    resourceId: key.resourceId,
    threadId: snapshot.threadId,
    state: JSON.parse(snapshot.state) as JsonValue,
    version: snapshot.version,
    createdAt: new Date(snapshot.createdAt),
    updatedAt: new Date(snapshot.updatedAt),
  };
}

function toStoredThread(thread: ThreadState): StoredThread {
  return {
    id: thread.id,
    resourceId: thread.resourceId,
    title: thread.title,
    metadata: JSON.parse(thread.metadata) as Record<string, JsonValue>,
    createdAt: new Date(thread.createdAt),
    updatedAt: new Date(thread.updatedAt),
  };
}

function toStoredMessage(thread: ThreadState, id: string, state: StoredMessageState): StoredMessage {
  return {
    id,
    threadId: thread.id,
    resourceId: thread.resourceId,
    position: state.position,
    message: decodeMessage(state.encoded),
    runId: state.runId,
    step: state.step,
    createdAt: new Date(state.createdAt),
  };
}

function toWorkingMemory(
  resourceId: string,
  threadId: string | undefined,
  state: WorkingMemoryState,
): WorkingMemoryRecord {
  return { resourceId, threadId, content: state.content, updatedAt: new Date(state.updatedAt) };
}
