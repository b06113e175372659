import type { ModelMessage } from "ai";

/**
 * The storage contract every adapter implements (in-memory, libSQL, Postgres, or your own; prove
 * yours with `describeStorageAdapterContract` from `@flowmaestro/memory/testing`).
 *
 * Required: threads, messages, working memory and run snapshots. Optional capability: `vectors`
 * (absent when the backend has no vector support; semantic recall and knowledge bases need it).
 *
 * Every read and write names the `resourceId` (the tenant or user) it acts for. Threads are keyed
 * by `(resourceId, threadId)`: the same thread id under two resources is two unrelated threads, so
 * a thread id can never collide with, reveal or reach another tenant's thread. A thread, its
 * messages, its working memory and its snapshots belong to one resource; asking with another
 * resource id behaves exactly as if the thread did not exist (`undefined` or `NotFoundError`).
 *
 * Errors: a missing thread is a `NotFoundError` (`NOT_FOUND`) where the method says so; a vector
 * of the wrong length is a `VectorDimensionError`; any backend failure is a `StorageError`
 * (`STORAGE_ERROR`) with the backend's error as `cause`. Adapters never throw anything else.
 */
export interface StorageAdapter {
  /** Version of this contract. */
  readonly specificationVersion: "v1";
  /** Adapter id: `in-memory`, `libsql`, `postgres`. */
  readonly name: string;
  /**
   * Creates or upgrades the schema. Idempotent and safe to call concurrently; every other method
   * calls it on first use, so calling it is only needed to fail fast at start-up.
   */
  init(): Promise<void>;
  /** The schema version this adapter's store is at (after {@link init}). */
  schemaVersion(): Promise<number>;
  /** Closes connections the adapter opened itself (never a client the host passed in). */
  close(): Promise<void>;

  /**
   * Creates a thread. An id that exists for the same resource is a `StorageError` with
   * `backendCode: "THREAD_EXISTS"`; the same id under another resource is another thread.
   */
  createThread(input: CreateThreadInput): Promise<StoredThread>;
  /** The thread, or `undefined` when it does not exist for this resource. */
  getThread(input: ThreadKey): Promise<StoredThread | undefined>;
  /** The resource's threads, most recently updated first. */
  listThreads(input: ListThreadsInput): Promise<readonly StoredThread[]>;
  /**
   * Updates a thread's title and merges `metadata` (a key set to `null` is removed).
   * @throws {NotFoundError} when the thread does not exist for this resource.
   */
  updateThread(input: UpdateThreadInput): Promise<StoredThread>;
  /** Deletes a thread with its messages, working memory and snapshots. No-op when absent. */
  deleteThread(input: ThreadKey): Promise<void>;

  /**
   * Appends messages to a thread, in order, as one atomic write: they get consecutive positions
   * after every message already stored, even when other writers append to the same thread at the
   * same time. A message whose `id` is already in this thread is replaced in place (its position
   * kept), so retrying a write never duplicates. Bumps the thread's `updatedAt`.
   * @throws {NotFoundError} when the thread does not exist for this resource.
   */
  appendMessages(input: AppendMessagesInput): Promise<readonly StoredMessage[]>;
  /**
   * A thread's messages in order (oldest first): all of them, or the window `input` selects.
   * @throws {NotFoundError} when the thread does not exist for this resource.
   */
  listMessages(input: ListMessagesInput): Promise<readonly StoredMessage[]>;
  /** How many messages a thread holds. @throws {NotFoundError} as {@link listMessages}. */
  countMessages(input: ThreadKey): Promise<number>;
  /** Deletes messages by id from a thread (unknown ids are ignored). @throws {NotFoundError} */
  deleteMessages(input: ThreadKey & { readonly ids: readonly string[] }): Promise<void>;

  /** Working memory of a resource (`threadId` unset) or of one of its threads; `undefined` when none. */
  getWorkingMemory(input: WorkingMemoryKey): Promise<WorkingMemoryRecord | undefined>;
  /**
   * Replaces working memory. For a thread scope the thread must exist for this resource.
   * @throws {NotFoundError} for a thread scope whose thread does not exist for this resource.
   */
  setWorkingMemory(input: WorkingMemoryKey & { readonly content: string }): Promise<WorkingMemoryRecord>;

  /**
   * Saves a run snapshot (the state of a paused run), keyed by `(resourceId, runId)`, and
   * resolves with the snapshot as stored. Every snapshot has a `version`: 1 when it is created,
   * +1 on every save.
   *
   * Without `expectedVersion` the save creates the snapshot or replaces it. With
   * `expectedVersion` it is a compare-and-set: it replaces the snapshot only when the stored
   * version is exactly that, and otherwise (another version, or no snapshot for this resource)
   * writes nothing and resolves with `undefined`. The compare and the write are one atomic step
   * of the backend, for every process sharing it: of several saves with the same
   * `expectedVersion`, at the same moment or not, exactly one succeeds. This is what lets two
   * processes race to resume one run and only one continue it (`createRunStore` builds on it).
   * The libSQL (file) and Postgres adapters hold this across processes; the in-memory adapter's
   * data is its process's own, so it holds there within that process.
   *
   * An `expectedVersion` that is not an integer from 1 to `Number.MAX_SAFE_INTEGER` is an
   * `InvalidDefinitionError` (`INVALID_DEFINITION`) naming `expectedVersion`, before anything
   * is written.
   */
  saveSnapshot(input: SaveSnapshotInput): Promise<RunSnapshot | undefined>;
  /** A run snapshot, or `undefined` when none exists for this resource. */
  loadSnapshot(input: SnapshotKey): Promise<RunSnapshot | undefined>;
  /** Deletes a run snapshot. No-op when absent. */
  deleteSnapshot(input: SnapshotKey): Promise<void>;

  /** The vector index, when the backend supports vectors. */
  readonly vectors?: VectorStore | undefined;
}

/** JSON values, as metadata and snapshots hold them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A conversation thread. */
export interface StoredThread {
  readonly id: string;
  /** The tenant or user the thread belongs to. */
  readonly resourceId: string;
  readonly title: string | undefined;
  readonly metadata: Readonly<Record<string, JsonValue>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Identifies a thread: it is found only with its own resource id. */
export interface ThreadKey {
  readonly threadId: string;
  readonly resourceId: string;
}

/** Input of {@link StorageAdapter.createThread}. */
export interface CreateThreadInput {
  /** Thread id (1 to 200 characters); a random one when unset. */
  readonly id?: string | undefined;
  readonly resourceId: string;
  readonly title?: string | undefined;
  readonly metadata?: Readonly<Record<string, JsonValue>> | undefined;
}

/** Input of {@link StorageAdapter.listThreads}. */
export interface ListThreadsInput {
  readonly resourceId: string;
  /** At most this many threads. @default 100 */
  readonly limit?: number | undefined;
  /** Skip this many (for paging). @default 0 */
  readonly offset?: number | undefined;
}

/** Input of {@link StorageAdapter.updateThread}. */
export interface UpdateThreadInput extends ThreadKey {
  readonly title?: string | undefined;
  /** Merged into the thread's metadata; a key set to `null` is removed. */
  readonly metadata?: Readonly<Record<string, JsonValue | null>> | undefined;
}

/** A message to store. */
export interface NewMessage {
  /** Message id (1 to 200 characters); a random one when unset. */
  readonly id?: string | undefined;
  /** The AI SDK message, stored whole: every part, `providerOptions` included. */
  readonly message: ModelMessage;
  /** The run that wrote it. */
  readonly runId?: string | undefined;
  /** The step of that run (0-based); unset for the run's input. */
  readonly step?: number | undefined;
  /** When it was written. @default now */
  readonly createdAt?: Date | undefined;
}

/** A stored message. */
export interface StoredMessage {
  readonly id: string;
  readonly threadId: string;
  readonly resourceId: string;
  /** Position in the thread: strictly increasing in append order, not necessarily contiguous. */
  readonly position: number;
  readonly message: ModelMessage;
  readonly runId: string | undefined;
  readonly step: number | undefined;
  readonly createdAt: Date;
}

/** Input of {@link StorageAdapter.appendMessages}. */
export interface AppendMessagesInput extends ThreadKey {
  readonly messages: readonly NewMessage[];
}

/** Input of {@link StorageAdapter.listMessages}: no window means every message. */
export interface ListMessagesInput extends ThreadKey {
  /** Only the last `last` messages (of those the other fields select). */
  readonly last?: number | undefined;
  /** Only messages positioned before this one. */
  readonly beforePosition?: number | undefined;
  /** Only messages positioned after this one. */
  readonly afterPosition?: number | undefined;
  /** Only these ids (in thread order; unknown ids are skipped). */
  readonly ids?: readonly string[] | undefined;
}

/** Which working memory: the resource's (no `threadId`) or one thread's. */
export interface WorkingMemoryKey {
  readonly resourceId: string;
  readonly threadId?: string | undefined;
}

/** Stored working memory. */
export interface WorkingMemoryRecord {
  readonly resourceId: string;
  readonly threadId: string | undefined;
  /** The content: markdown from a template, or JSON text for a schema. */
  readonly content: string;
  readonly updatedAt: Date;
}

/** Identifies a run snapshot. */
export interface SnapshotKey {
  readonly runId: string;
  readonly resourceId: string;
}

/** Input of {@link StorageAdapter.saveSnapshot}. */
export interface SaveSnapshotInput extends SnapshotKey {
  /** The thread the run belongs to; replaces the stored one on every save (unset: none). */
  readonly threadId?: string | undefined;
  /** Any JSON value: what the run needs to resume. */
  readonly state: JsonValue;
  /**
   * Compare-and-set: save only when the stored snapshot of this resource has this version (an
   * integer from 1), else write nothing and resolve with `undefined` (also when there is no
   * snapshot: a compare-and-set never creates one). Unset: create or replace, whatever is stored.
   * @default undefined
   */
  readonly expectedVersion?: number | undefined;
}

/** A stored run snapshot. */
export interface RunSnapshot extends SnapshotKey {
  readonly threadId: string | undefined;
  readonly state: JsonValue;
  /**
   * 1 when the snapshot is created, +1 on every save (a snapshot deleted and saved again starts
   * at 1). Pass it as `expectedVersion` to save over exactly this snapshot.
   */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A metadata value in a vector index. */
export type VectorMetadataValue = string | number | boolean;

/**
 * A metadata filter: every key must match (AND). A value matches by equality; `{ $in: [...] }`
 * matches any of the listed values. A record without the key never matches.
 */
export type VectorFilter = Readonly<
  Record<string, VectorMetadataValue | { readonly $in: readonly VectorMetadataValue[] }>
>;

/** One vector to store. */
export interface VectorRecord {
  readonly id: string;
  readonly vector: readonly number[];
  readonly metadata?: Readonly<Record<string, VectorMetadataValue>> | undefined;
}

/** One result of a vector query. */
export interface VectorMatch {
  readonly id: string;
  /** Cosine similarity, -1 to 1; higher is closer. Results come best first. */
  readonly score: number;
  readonly metadata: Readonly<Record<string, VectorMetadataValue>>;
}

/** Vector indexes: each has a fixed dimension and cosine similarity. */
export interface VectorStore {
  /**
   * Creates an index, or does nothing when it exists with the same dimension.
   * @throws {VectorDimensionError} when it exists with another dimension.
   */
  createIndex(input: { readonly indexName: string; readonly dimension: number }): Promise<void>;
  /** The index's dimension and size, or `undefined` when it does not exist. */
  describeIndex(input: {
    readonly indexName: string;
  }): Promise<{ readonly dimension: number; readonly count: number } | undefined>;
  /** Deletes an index and its vectors. No-op when absent. */
  deleteIndex(input: { readonly indexName: string }): Promise<void>;
  /**
   * Inserts or replaces vectors by id.
   * @throws {NotFoundError} when the index does not exist.
   * @throws {VectorDimensionError} naming the index and both dimensions for a vector of the wrong length.
   */
  upsert(input: { readonly indexName: string; readonly vectors: readonly VectorRecord[] }): Promise<void>;
  /**
   * The `topK` nearest vectors that match `filter`, best first. Exact for filtered queries: a
   * filter never makes a query return fewer matches than exist.
   * @throws {NotFoundError} when the index does not exist.
   * @throws {VectorDimensionError} for a query vector of the wrong length.
   */
  query(input: {
    readonly indexName: string;
    readonly vector: readonly number[];
    readonly topK: number;
    readonly filter?: VectorFilter | undefined;
  }): Promise<readonly VectorMatch[]>;
  /** Deletes vectors by id (unknown ids are ignored). */
  delete(input: { readonly indexName: string; readonly ids: readonly string[] }): Promise<void>;
}
