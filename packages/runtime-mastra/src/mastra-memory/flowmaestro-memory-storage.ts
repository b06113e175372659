import type { JsonValue, NewMessage, StorageAdapter, StoredMessage, StoredThread } from "@flowmaestro/memory";
import { AgentSdkError, NotFoundError, StorageError } from "@flowmaestro/runtime";
import type { MastraDBMessage, MastraMessageContentV2 } from "@mastra/core/agent";
import type { StorageThreadType } from "@mastra/core/memory";
import {
  MastraCompositeStore,
  MemoryStorage,
  type StorageListMessagesInput,
  type StorageListMessagesOutput,
  type StorageListThreadsInput,
  type StorageListThreadsOutput,
  type StorageResourceType,
} from "@mastra/core/storage";
import { type BridgeScope, currentBridgeScope, ThreadDirectory } from "./bridge-scope.js";
import {
  groupRows,
  type RowGroup,
  type StoredRow,
  toMastraMessage,
  toStoredRows,
} from "./message-conversion.js";
import { RECALL_INDEXES_METADATA_KEY, recallVectorId } from "./recall-compat.js";

/** Thread metadata keys `@flowmaestro/memory` keeps for itself. */
const FLOWMAESTRO_METADATA_PREFIX = "flowmaestro.";
/** Mastra keeps a thread's working memory in this thread metadata key. */
const WORKING_MEMORY_KEY = "workingMemory";
/** Page size when the bridge reads every thread of a resource. */
const THREAD_PAGE = 100;

type ThreadMetadata = Record<string, unknown>;

/**
 * Mastra's memory storage domain on a FlowMaestro {@link StorageAdapter}: what Mastra writes is
 * stored as plain AI SDK messages the legacy runtime reads, and what the legacy runtime wrote loads
 * in Mastra (see message-conversion.ts for the mapping).
 *
 * - Threads: Mastra's thread is ours (title, metadata, timestamps come from the adapter). A thread
 *   is found only with its resource: calls that name none (Mastra's `getThreadById({ threadId })`,
 *   `updateThread({ id })`…) use the resource of the run they are made in ({@link BridgeScope}),
 *   or outside a run the one resource this process has seen the thread under.
 * - Working memory: a resource's (`updateResource`) and a thread's (Mastra's `metadata.workingMemory`)
 *   go to the adapter's `setWorkingMemory`, without and with `threadId`.
 * - Every adapter failure reaches Mastra as the adapter's typed error (`STORAGE_ERROR`…) and the
 *   run's scope, since Mastra swallows the failures of its per-step saves.
 * - Not supported: observational memory, resource metadata (only working memory is stored),
 *   moving a thread to another resource, cloning threads, `dangerouslyClearAll`.
 *
 * @internal
 */
export class FlowMaestroMemoryStorage extends MemoryStorage {
  override readonly supportsObservationalMemory = false;
  override readonly supportsPartialThreadUpdate = true;
  private readonly threads = new ThreadDirectory();
  /** Where a message id was last seen, for `listMessagesById`/`deleteMessages` outside a run. */
  private readonly messageThreads = new Map<string, { threadId: string; resourceId: string }>();

  constructor(readonly adapter: StorageAdapter) {
    super();
    // Inside a run, a storage failure is reported to the run and the call answers as if nothing
    // were stored: the run is over (its next model call, or its end, fails it with the error), and
    // Mastra neither sends a prompt built on the failed read nor logs the failure to the console.
    for (const [name, fallback] of Object.entries(FALLBACKS)) {
      const method = (this as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name];
      if (!method) continue;
      const original = method.bind(this);
      Object.defineProperty(this, name, {
        value: async (...args: unknown[]) => {
          try {
            return await original(...args);
          } catch (error) {
            const scope = currentBridgeScope();
            if (scope && reported.has(error as object)) return fallback(args[0] as never, scope);
            throw error;
          }
        },
      });
    }
  }

  override async init(): Promise<void> {
    await this.call("init", () => this.adapter.init());
  }

  override async dangerouslyClearAll(): Promise<void> {
    throw new Error(
      `dangerouslyClearAll is not supported on a FlowMaestro storage adapter (${this.adapter.name}): delete threads one by one, or clear the database.`,
    );
  }

  // ------------------------------------------------------------------------------------------
  // threads

  override async getThreadById({
    threadId,
    resourceId,
  }: {
    threadId: string;
    resourceId?: string;
  }): Promise<StorageThreadType | null> {
    const owner = this.resourceFor(threadId, resourceId);
    if (owner === undefined) return null;
    const [thread, workingMemory] = await Promise.all([
      this.call("getThread", () => this.adapter.getThread({ threadId, resourceId: owner })),
      this.call("getWorkingMemory", () => this.adapter.getWorkingMemory({ resourceId: owner, threadId })),
    ]);
    if (!thread) return null;
    this.threads.remember(threadId, owner);
    return toMastraThread(thread, workingMemory?.content);
  }

  override async saveThread({ thread }: { thread: StorageThreadType }): Promise<StorageThreadType> {
    if (this.closed()) return thread;
    const resourceId = thread.resourceId;
    const { metadata, workingMemory } = splitMetadata(thread.metadata);
    const existing = await this.call("getThread", () =>
      this.adapter.getThread({ threadId: thread.id, resourceId }),
    );
    const title = thread.title === "" ? undefined : thread.title;
    const replace = async (current: StoredThread) => {
      // Mastra's saveThread replaces the metadata: keys it left out are removed (FlowMaestro's own
      // bookkeeping, `flowmaestro.*`, stays).
      const replaced: Record<string, JsonValue | null> = { ...metadata };
      for (const key of Object.keys(current.metadata)) {
        if (!(key in replaced) && !key.startsWith(FLOWMAESTRO_METADATA_PREFIX)) replaced[key] = null;
      }
      await this.call("updateThread", () =>
        this.adapter.updateThread({ threadId: thread.id, resourceId, title, metadata: replaced }),
      );
    };
    if (existing) {
      await replace(existing);
    } else {
      try {
        await this.call(
          "createThread",
          () => this.adapter.createThread({ id: thread.id, resourceId, title, metadata }),
          isThreadExists,
        );
      } catch (error) {
        if (!isThreadExists(error)) throw error;
        // Another run created it meanwhile (concurrent first runs of one thread): update it instead.
        const created = await this.call("getThread", () =>
          this.adapter.getThread({ threadId: thread.id, resourceId }),
        );
        if (!created) throw error;
        await replace(created);
      }
    }
    if (workingMemory !== undefined) {
      await this.call("setWorkingMemory", () =>
        this.adapter.setWorkingMemory({ resourceId, threadId: thread.id, content: workingMemory }),
      );
    }
    this.threads.remember(thread.id, resourceId);
    return thread;
  }

  override async updateThread({
    id,
    title,
    metadata,
  }: {
    id: string;
    title?: string;
    metadata?: Record<string, unknown>;
  }): Promise<StorageThreadType> {
    const resourceId = this.resourceFor(id, undefined);
    if (resourceId === undefined) throw threadNotFound(id);
    if (this.closed()) {
      const current = await this.getThreadById({ threadId: id, resourceId });
      if (!current) throw threadNotFound(id);
      return current;
    }
    const split = metadata === undefined ? undefined : splitMetadata(metadata);
    let workingMemory = split?.workingMemory;
    if (workingMemory !== undefined) {
      await this.call("setWorkingMemory", () =>
        this.adapter.setWorkingMemory({ resourceId, threadId: id, content: workingMemory as string }),
      );
    }
    const updated = await this.call("updateThread", () =>
      this.adapter.updateThread({
        threadId: id,
        resourceId,
        ...(title === undefined ? {} : { title: title === "" ? undefined : title }),
        ...(split ? { metadata: split.metadata } : {}),
      }),
    );
    if (workingMemory === undefined) {
      workingMemory = (
        await this.call("getWorkingMemory", () => this.adapter.getWorkingMemory({ resourceId, threadId: id }))
      )?.content;
    }
    return toMastraThread(updated, workingMemory);
  }

  /**
   * Deletes a thread with its messages, working memory and snapshots, and (as `@flowmaestro/memory`
   * does) its recall vectors in the indexes its metadata lists.
   */
  override async deleteThread({ threadId }: { threadId: string }): Promise<void> {
    const resourceId = this.resourceFor(threadId, undefined);
    if (resourceId === undefined) return;
    const key = { threadId, resourceId };
    const thread = await this.call("getThread", () => this.adapter.getThread(key));
    if (!thread) return;
    const listed = thread.metadata[RECALL_INDEXES_METADATA_KEY];
    const indexes = Array.isArray(listed)
      ? listed.filter((name): name is string => typeof name === "string")
      : [];
    const vectors = this.adapter.vectors;
    if (indexes.length > 0 && vectors) {
      const stored = await this.call("listMessages", () => this.adapter.listMessages(key));
      const ids = stored.map((message) => recallVectorId(key, message.id));
      if (ids.length > 0) {
        await Promise.all(
          indexes.map((indexName) => this.call("vectors.delete", () => vectors.delete({ indexName, ids }))),
        );
      }
    }
    await this.call("deleteThread", () => this.adapter.deleteThread(key));
    this.threads.forget(threadId, resourceId);
  }

  override async listThreads(args: StorageListThreadsInput): Promise<StorageListThreadsOutput> {
    const page = args.page ?? 0;
    const perPageInput = args.perPage;
    this.validatePaginationInput(page, perPageInput ?? THREAD_PAGE);
    const perPage = perPageInput === false ? Number.MAX_SAFE_INTEGER : (perPageInput ?? THREAD_PAGE);
    const resourceId = args.filter?.resourceId ?? currentBridgeScope()?.resourceId;
    const empty = { threads: [], total: 0, page, perPage: perPageInput ?? THREAD_PAGE, hasMore: false };
    // A FlowMaestro store lists threads per resource only.
    if (resourceId === undefined) return empty;
    const stored: StoredThread[] = [];
    for (let offset = 0; ; offset += THREAD_PAGE) {
      const batch = await this.call("listThreads", () =>
        this.adapter.listThreads({ resourceId, limit: THREAD_PAGE, offset }),
      );
      stored.push(...batch);
      if (batch.length < THREAD_PAGE) break;
    }
    const filter = args.filter?.metadata;
    const matching = filter
      ? stored.filter((thread) =>
          Object.entries(filter).every(([key, value]) =>
            value === null ? !(key in thread.metadata) : thread.metadata[key] === value,
          ),
        )
      : stored;
    const { field, direction } = this.parseOrderBy(args.orderBy);
    const sorted = [...matching].sort((left, right) => {
      const delta = left[field].getTime() - right[field].getTime();
      return direction === "ASC" ? delta : -delta;
    });
    const offset = page * (perPageInput === false ? 0 : perPage);
    const selected = sorted.slice(offset, offset + perPage);
    const threads = await Promise.all(
      selected.map(async (thread) => {
        this.threads.remember(thread.id, resourceId);
        const workingMemory = await this.call("getWorkingMemory", () =>
          this.adapter.getWorkingMemory({ resourceId, threadId: thread.id }),
        );
        return toMastraThread(thread, workingMemory?.content);
      }),
    );
    return {
      threads,
      total: sorted.length,
      page,
      perPage: perPageInput ?? THREAD_PAGE,
      hasMore: perPageInput !== false && offset + selected.length < sorted.length,
    };
  }

  override async updateThreadResourceId({
    threadId,
  }: {
    threadId: string;
    resourceId: string;
  }): Promise<StorageThreadType> {
    throw new Error(
      `Thread ${threadId} cannot move to another resource: a FlowMaestro store keys every thread by its resource. Copy its messages into a new thread instead.`,
    );
  }

  // ------------------------------------------------------------------------------------------
  // messages

  override async listMessages(args: StorageListMessagesInput): Promise<StorageListMessagesOutput> {
    const threadIds = Array.isArray(args.threadId) ? args.threadId : [args.threadId];
    if (threadIds.length === 0 || threadIds.some((id) => typeof id !== "string" || id.trim() === "")) {
      throw new Error("listMessages: threadId must be a non-empty string or a list of non-empty strings.");
    }
    const page = args.page ?? 0;
    if (page < 0) throw new Error("listMessages: page must be >= 0.");
    const perPageInput = args.perPage;
    const perPage = perPageInput === false ? Number.MAX_SAFE_INTEGER : (perPageInput ?? 40);
    const direction = args.orderBy?.direction ?? "ASC";
    const newest = await this.newestMessages(args, threadIds, perPage);
    if (newest) return newest;
    const loaded = new Map<string, LoadedThread>();
    const load = async (threadId: string): Promise<LoadedThread | undefined> => {
      const owner = this.resourceFor(threadId, args.resourceId);
      if (owner === undefined) return undefined;
      const key = `${owner}\u0000${threadId}`;
      let thread = loaded.get(key);
      if (!thread) {
        thread = await this.loadThread(threadId, owner);
        loaded.set(key, thread);
      }
      return thread;
    };

    const selected: Array<MastraDBMessage & { order: number }> = [];
    for (const threadId of threadIds) {
      const thread = await load(threadId);
      if (thread) selected.push(...thread.messages);
    }
    const filtered = selected.filter((message) => matchesFilter(message, args.filter));
    const sorted = sortMessages(filtered, direction);
    const total = sorted.length;
    const offset = perPageInput === false ? 0 : page * perPage;
    const paged = perPage === 0 ? [] : sorted.slice(offset, offset + perPage);

    const byId = new Map(paged.map((message) => [message.id, message]));
    for (const item of args.include ?? []) {
      const threadId = item.threadId ?? this.threadOfMessage(item.id, loaded) ?? threadIds[0];
      if (threadId === undefined) continue;
      const thread = await load(threadId);
      if (!thread) continue;
      const index = thread.messageIndexOf(item.id);
      if (index < 0) continue;
      const from = Math.max(0, index - (item.withPreviousMessages ?? 0));
      const to = Math.min(thread.messages.length - 1, index + (item.withNextMessages ?? 0));
      for (let at = from; at <= to; at++) {
        const message = thread.messages[at] as MastraDBMessage & { order: number };
        if (!byId.has(message.id)) byId.set(message.id, message);
      }
    }
    const messages = sortMessages([...byId.values()], direction).map(withoutOrder);
    return {
      messages,
      total,
      page,
      perPage: perPageInput === undefined ? 40 : perPageInput,
      hasMore: perPageInput !== false && perPage > 0 && offset + paged.length < total,
    };
  }

  override async listMessagesById({
    messageIds,
  }: {
    messageIds: string[];
  }): Promise<{ messages: MastraDBMessage[] }> {
    if (messageIds.length === 0) return { messages: [] };
    const found = new Map<string, MastraDBMessage>();
    const loaded = new Map<string, LoadedThread>();
    for (const id of messageIds) {
      const location = this.locate(id);
      if (!location) continue;
      const key = `${location.resourceId}\u0000${location.threadId}`;
      let thread = loaded.get(key);
      if (!thread) {
        thread = await this.loadThread(location.threadId, location.resourceId);
        loaded.set(key, thread);
      }
      const index = thread.messageIndexOf(id);
      const message = index < 0 ? undefined : thread.messages[index];
      if (message) found.set(message.id, withoutOrder(message));
    }
    return { messages: [...found.values()] };
  }

  override async saveMessages({
    messages,
  }: {
    messages: MastraDBMessage[];
  }): Promise<{ messages: MastraDBMessage[] }> {
    if (messages.length === 0 || this.closed()) return { messages };
    const scope = currentBridgeScope();
    const byThread = new Map<string, { threadId: string; resourceId: string; messages: MastraDBMessage[] }>();
    for (const message of messages) {
      const threadId = message.threadId;
      if (!threadId) throw new Error(`saveMessages: message ${message.id} has no threadId.`);
      const resourceId = this.resourceFor(threadId, message.resourceId);
      if (resourceId === undefined) {
        throw new Error(
          `saveMessages: message ${message.id} has no resourceId and thread ${threadId} belongs to no known resource.`,
        );
      }
      const key = `${resourceId}\u0000${threadId}`;
      let batch = byThread.get(key);
      if (!batch) {
        batch = { threadId, resourceId, messages: [] };
        byThread.set(key, batch);
      }
      batch.messages.push(message);
    }
    for (const { threadId, resourceId, messages: batch } of byThread.values()) {
      // Positions follow createdAt, as Mastra reads them back.
      const ordered = batch
        .map((message, index) => ({ message, index }))
        .sort((left, right) => {
          const delta = toTime(left.message.createdAt) - toTime(right.message.createdAt);
          return delta !== 0 ? delta : left.index - right.index;
        });
      const rows: NewMessage[] = [];
      for (const { message } of ordered) {
        for (const row of toStoredRows(message)) {
          rows.push({
            id: row.id,
            message: row.message,
            createdAt: row.createdAt,
            ...(scope ? { runId: scope.runId } : {}),
            ...(scope && message.role === "assistant" ? { step: row.step } : {}),
          });
        }
        this.rememberMessage(message.id, threadId, resourceId);
      }
      if (rows.length === 0) continue;
      await this.append(threadId, resourceId, rows);
    }
    return { messages };
  }

  override async updateMessages(args: {
    messages: Array<
      Partial<Omit<MastraDBMessage, "createdAt">> & {
        id: string;
        content?: {
          metadata?: MastraMessageContentV2["metadata"];
          content?: MastraMessageContentV2["content"];
        };
      }
    >;
  }): Promise<MastraDBMessage[]> {
    const updated: MastraDBMessage[] = [];
    if (this.closed()) return updated;
    for (const update of args.messages) {
      const location = this.locate(update.id);
      if (!location) continue;
      const thread = await this.loadThread(location.threadId, location.resourceId);
      const index = thread.messageIndexOf(update.id);
      const existing = index < 0 ? undefined : thread.messages[index];
      const group = index < 0 ? undefined : thread.groups[index];
      if (!existing || !group) continue;
      if (
        (update.threadId !== undefined && update.threadId !== location.threadId) ||
        (update.resourceId !== undefined && update.resourceId !== location.resourceId)
      ) {
        throw new Error(
          `updateMessages: message ${update.id} cannot move to another thread or resource on a FlowMaestro store.`,
        );
      }
      const { content, ...fields } = update;
      const next: MastraDBMessage = {
        ...withoutOrder(existing),
        ...(fields as Partial<MastraDBMessage>),
        id: existing.id,
        createdAt: existing.createdAt,
        content: {
          ...existing.content,
          ...(content ?? {}),
          ...(existing.content.metadata && content?.metadata
            ? { metadata: { ...existing.content.metadata, ...content.metadata } }
            : {}),
        } as MastraMessageContentV2,
      };
      const rows = toStoredRows(next);
      const keep = new Set(rows.map((row) => row.id));
      const stale = group.rows.map((row) => row.id).filter((id) => !keep.has(id));
      if (rows.length > 0) {
        await this.append(
          location.threadId,
          location.resourceId,
          rows.map((row) => ({ id: row.id, message: row.message, createdAt: row.createdAt })),
        );
      }
      if (stale.length > 0) {
        await this.call("deleteMessages", () =>
          this.adapter.deleteMessages({
            threadId: location.threadId,
            resourceId: location.resourceId,
            ids: stale,
          }),
        );
      }
      updated.push(next);
    }
    return updated;
  }

  override async deleteMessages(messageIds: string[]): Promise<void> {
    if (this.closed()) return;
    const byThread = new Map<string, { threadId: string; resourceId: string; ids: Set<string> }>();
    const loaded = new Map<string, LoadedThread>();
    for (const id of messageIds) {
      const location = this.locate(id);
      if (!location) continue;
      const key = `${location.resourceId}\u0000${location.threadId}`;
      let thread = loaded.get(key);
      if (!thread) {
        thread = await this.loadThread(location.threadId, location.resourceId);
        loaded.set(key, thread);
      }
      let batch = byThread.get(key);
      if (!batch) {
        batch = { ...location, ids: new Set() };
        byThread.set(key, batch);
      }
      const index = thread.groups.findIndex((group) => group.id === id);
      // A Mastra message is all of its rows; a row id alone deletes that row.
      const ids = index >= 0 ? (thread.groups[index] as RowGroup).rows.map((row) => row.id) : [id];
      for (const rowId of ids) batch.ids.add(rowId);
      this.messageThreads.delete(id);
    }
    for (const { threadId, resourceId, ids } of byThread.values()) {
      await this.call("deleteMessages", () =>
        this.adapter.deleteMessages({ threadId, resourceId, ids: [...ids] }),
      );
    }
  }

  // ------------------------------------------------------------------------------------------
  // resources (resource-scoped working memory)

  override async getResourceById({
    resourceId,
  }: {
    resourceId: string;
  }): Promise<StorageResourceType | null> {
    const record = await this.call("getWorkingMemory", () => this.adapter.getWorkingMemory({ resourceId }));
    if (!record) return null;
    return {
      id: resourceId,
      workingMemory: record.content,
      metadata: {},
      createdAt: record.updatedAt,
      updatedAt: record.updatedAt,
    };
  }

  override async saveResource({ resource }: { resource: StorageResourceType }): Promise<StorageResourceType> {
    if (typeof resource.workingMemory === "string" && !this.closed()) {
      await this.call("setWorkingMemory", () =>
        this.adapter.setWorkingMemory({ resourceId: resource.id, content: resource.workingMemory as string }),
      );
    }
    return resource;
  }

  override async updateResource({
    resourceId,
    workingMemory,
    metadata,
  }: {
    resourceId: string;
    workingMemory?: string;
    metadata?: Record<string, unknown>;
  }): Promise<StorageResourceType> {
    const record =
      workingMemory === undefined || this.closed()
        ? await this.call("getWorkingMemory", () => this.adapter.getWorkingMemory({ resourceId }))
        : await this.call("setWorkingMemory", () =>
            this.adapter.setWorkingMemory({ resourceId, content: workingMemory }),
          );
    const now = record?.updatedAt ?? new Date();
    return {
      id: resourceId,
      ...(record ? { workingMemory: record.content } : {}),
      metadata: metadata ?? {},
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * Stores rows as they are (plain `ModelMessage`s, e.g. a run's input before Mastra saves it under
   * the same ids). Creates the thread when it does not exist yet.
   */
  async appendRows(threadId: string, resourceId: string, rows: readonly NewMessage[]): Promise<void> {
    if (rows.length === 0 || this.closed()) return;
    for (const row of rows) if (row.id) this.rememberMessage(row.id, threadId, resourceId);
    await this.append(threadId, resourceId, rows);
  }

  // ------------------------------------------------------------------------------------------
  // internals

  /**
   * The newest `perPage` messages of one thread without reading all of it: what Mastra asks on
   * every run (its history, newest first; its input filter, the newest one). Reads a growing window
   * of the last rows until it holds enough whole messages (a window can start inside a message: a
   * tool row or a later step belongs to the message before). `undefined`: not that query.
   */
  private async newestMessages(
    args: StorageListMessagesInput,
    threadIds: readonly string[],
    perPage: number,
  ): Promise<StorageListMessagesOutput | undefined> {
    const threadId = threadIds[0] as string;
    if (
      threadIds.length !== 1 ||
      args.orderBy?.direction !== "DESC" ||
      (args.page ?? 0) !== 0 ||
      args.includeTotal !== false ||
      args.filter !== undefined ||
      (args.include !== undefined && args.include.length > 0) ||
      perPage <= 0 ||
      perPage > 1_000
    ) {
      return undefined;
    }
    const resourceId = this.resourceFor(threadId, args.resourceId);
    if (resourceId === undefined) return undefined;
    // The run's history starts after what its thread's summary covers (the summary strategy).
    const scope = currentBridgeScope();
    const after =
      scope && scope.threadId === threadId && scope.resourceId === resourceId
        ? scope.historyAfterPosition
        : undefined;
    for (let window = perPage * 4 + 4; ; window *= 4) {
      let rows: readonly StoredMessage[];
      try {
        rows = await this.call(
          "listMessages",
          () =>
            this.adapter.listMessages({
              threadId,
              resourceId,
              last: window,
              ...(after === undefined ? {} : { afterPosition: after }),
            }),
          NotFoundError.isInstance,
        );
      } catch (error) {
        if (NotFoundError.isInstance(error)) return undefined;
        throw error;
      }
      const whole = rows.length < window;
      // Rows before the first one that surely starts a message may belong to an earlier one.
      const start = whole ? 0 : rows.findIndex(startsMessage);
      if (start < 0) continue;
      const groups = groupRows(rows.slice(start).map(toRow));
      // The oldest group of a partial window may miss rows only when it does not start it surely.
      if (!whole && groups.length <= perPage) continue;
      this.threads.remember(threadId, resourceId);
      const thread = new LoadedThread(threadId, groups, runStartOf(threadId, resourceId));
      const messages = thread.messages.slice(-perPage).reverse().map(withoutOrder);
      return {
        messages,
        total: whole ? thread.messages.length : Math.max(thread.messages.length, perPage + 1),
        page: 0,
        perPage,
        hasMore: !whole || thread.messages.length > perPage,
      };
    }
  }

  /** Whether the current call belongs to a run that is over: its writes are dropped. */
  private closed(): boolean {
    return currentBridgeScope()?.isClosed() === true;
  }

  /**
   * The resource a thread belongs to for this call: the one named, else the run's, else (outside a
   * run) the one resource this process has seen the thread under. `undefined`: unknown (the thread
   * reads as absent).
   */
  private resourceFor(threadId: string, named: string | undefined): string | undefined {
    if (named) return named;
    const scope = currentBridgeScope();
    if (scope) return scope.resourceId;
    const known = this.threads.resourcesOf(threadId);
    return known.length === 1 ? known[0] : undefined;
  }

  /** Where a message (a Mastra message id or a row id) lives. */
  private locate(messageId: string): { threadId: string; resourceId: string } | undefined {
    const scope = currentBridgeScope();
    const known = this.messageThreads.get(messageId);
    if (known && (!scope || known.resourceId === scope.resourceId)) return known;
    if (scope) return { threadId: scope.threadId, resourceId: scope.resourceId };
    return undefined;
  }

  private threadOfMessage(messageId: string, loaded: ReadonlyMap<string, LoadedThread>): string | undefined {
    for (const thread of loaded.values()) if (thread.messageIndexOf(messageId) >= 0) return thread.threadId;
    return this.locate(messageId)?.threadId;
  }

  private rememberMessage(messageId: string, threadId: string, resourceId: string): void {
    this.messageThreads.delete(messageId);
    this.messageThreads.set(messageId, { threadId, resourceId });
    if (this.messageThreads.size > 50_000) {
      const oldest = this.messageThreads.keys().next().value;
      if (oldest !== undefined) this.messageThreads.delete(oldest);
    }
  }

  /** A thread's rows, grouped into Mastra messages (an absent thread has none). */
  private async loadThread(threadId: string, resourceId: string): Promise<LoadedThread> {
    let stored: readonly StoredMessage[];
    try {
      stored = await this.call(
        "listMessages",
        () => this.adapter.listMessages({ threadId, resourceId }),
        NotFoundError.isInstance,
      );
    } catch (error) {
      if (NotFoundError.isInstance(error)) return new LoadedThread(threadId, []);
      throw error;
    }
    this.threads.remember(threadId, resourceId);
    const groups = groupRows(stored.map(toRow));
    for (const group of groups) {
      for (const row of group.rows) this.rememberMessage(row.id, threadId, resourceId);
    }
    return new LoadedThread(threadId, groups, runStartOf(threadId, resourceId));
  }

  /** Appends rows; a thread Mastra writes to before creating it is created (Mastra stores have no such constraint). */
  private async append(threadId: string, resourceId: string, rows: readonly NewMessage[]): Promise<void> {
    try {
      await this.call(
        "appendMessages",
        () => this.adapter.appendMessages({ threadId, resourceId, messages: rows }),
        NotFoundError.isInstance,
      );
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
      await this.call("createThread", () => this.adapter.createThread({ id: threadId, resourceId }));
      await this.call("appendMessages", () =>
        this.adapter.appendMessages({ threadId, resourceId, messages: rows }),
      );
    }
    this.threads.remember(threadId, resourceId);
  }

  /**
   * Calls the adapter. Failures arrive typed (the adapter's own `StorageError`, `NotFoundError`…;
   * anything else becomes a `StorageError`) and are reported to the run's scope, unless `expected`.
   */
  private async call<T>(
    operation: string,
    fn: () => Promise<T>,
    expected?: (error: unknown) => boolean,
  ): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (expected?.(error)) throw error;
      const typed = AgentSdkError.isInstance(error)
        ? error
        : new StorageError({ adapter: this.adapter.name, operation, cause: error });
      const scope = currentBridgeScope();
      if (scope) {
        reported.add(typed);
        reportFailure(scope, typed);
      }
      throw typed;
    }
  }
}

/**
 * The Mastra store (`MastraCompositeStore`) over a FlowMaestro {@link StorageAdapter}: its `memory`
 * domain is {@link FlowMaestroMemoryStorage}. Other domains (workflows, scores…) are absent: a
 * Mastra agent with this store keeps no run snapshots (no suspend/resume through Mastra).
 * `close()` leaves the adapter open: it is the host's.
 *
 * @internal
 */
export class FlowMaestroMastraStore extends MastraCompositeStore {
  readonly memoryStorage: FlowMaestroMemoryStorage;

  constructor(readonly adapter: StorageAdapter) {
    const memoryStorage = new FlowMaestroMemoryStorage(adapter);
    super({
      id: `flowmaestro-${adapter.name}`,
      name: "FlowMaestroMastraStore",
      domains: { memory: memoryStorage },
    });
    this.memoryStorage = memoryStorage;
  }

  override async close(): Promise<void> {}
}

/** Failures already reported to a run's scope (see the constructor of {@link FlowMaestroMemoryStorage}). */
const reported = new WeakSet<object>();

type Fallback = (input: Record<string, any>, scope: BridgeScope) => unknown;

/** What each method answers inside a run once storage has failed: nothing stored. */
const FALLBACKS: Readonly<Record<string, Fallback>> = {
  getThreadById: () => null,
  saveThread: ({ thread }) => thread,
  updateThread: ({ id, title, metadata }, scope) => ({
    id,
    resourceId: scope.resourceId,
    title: title ?? "",
    metadata: metadata ?? {},
    createdAt: new Date(),
    updatedAt: new Date(),
  }),
  deleteThread: () => undefined,
  listThreads: ({ page, perPage }) => ({
    threads: [],
    total: 0,
    page: page ?? 0,
    perPage: perPage ?? THREAD_PAGE,
    hasMore: false,
  }),
  listMessages: ({ page, perPage }) => ({
    messages: [],
    total: 0,
    page: page ?? 0,
    perPage: perPage ?? 40,
    hasMore: false,
  }),
  listMessagesById: () => ({ messages: [] }),
  saveMessages: ({ messages }) => ({ messages }),
  updateMessages: () => [],
  deleteMessages: () => undefined,
  getResourceById: () => null,
  saveResource: ({ resource }) => resource,
  updateResource: ({ resourceId, metadata }) => ({
    id: resourceId,
    metadata: metadata ?? {},
    createdAt: new Date(),
    updatedAt: new Date(),
  }),
  appendRows: () => undefined,
};

/** The start of the run reading this thread, when the current call is that run's. */
function runStartOf(threadId: string, resourceId: string): { runId: string; at: number } | undefined {
  const scope = currentBridgeScope();
  return scope?.startedAt !== undefined && scope.threadId === threadId && scope.resourceId === resourceId
    ? { runId: scope.runId, at: scope.startedAt }
    : undefined;
}

/** A thread's Mastra messages, in thread order, each with its rows. */
class LoadedThread {
  readonly messages: Array<MastraDBMessage & { order: number }>;
  private readonly indexById = new Map<string, number>();

  /**
   * @param runStart The run reading its own thread (see {@link BridgeScope.startedAt}): the
   *   messages before the run's own first new one read as strictly older than its start.
   */
  constructor(
    readonly threadId: string,
    readonly groups: readonly RowGroup[],
    runStart?: { readonly runId: string; readonly at: number },
  ) {
    let latest = Number.NEGATIVE_INFINITY;
    this.messages = groups.map((group, order) => {
      const message = Object.assign(toMastraMessage(group), { order });
      // Mastra pages and orders by createdAt; the thread's order is its positions. Clamping makes
      // the two agree even for rows whose clocks disagree.
      const at = toTime(message.createdAt);
      if (at < latest) message.createdAt = new Date(latest);
      else latest = at;
      return message;
    });
    if (runStart) {
      // Messages stored after the run started, by other runs, before the run's own new ones: older
      // than the run's input, in thread order (moved back 1 ms apart only where needed).
      const own = (index: number) =>
        groups[index]?.rows.every((row) => row.runId === runStart.runId) === true &&
        toTime((this.messages[index] as MastraDBMessage).createdAt) >= runStart.at;
      let end = this.messages.findIndex((_, index) => own(index));
      if (end < 0) end = this.messages.length;
      let limit = runStart.at;
      for (let index = end - 1; index >= 0; index--) {
        const message = this.messages[index] as MastraDBMessage;
        if (toTime(message.createdAt) < limit) break;
        message.createdAt = new Date(limit - 1);
        limit -= 1;
      }
    }
    groups.forEach((group, index) => {
      this.indexById.set(group.id, index);
      for (const row of group.rows) if (!this.indexById.has(row.id)) this.indexById.set(row.id, index);
    });
  }

  /** The index of the message with this id, or holding the row with this id; -1 when absent. */
  messageIndexOf(id: string): number {
    return this.indexById.get(id) ?? -1;
  }
}

function reportFailure(scope: BridgeScope | undefined, error: AgentSdkError): void {
  try {
    scope?.onFailure(error);
  } catch {
    // A listener's failure must not replace the storage error.
  }
}

/**
 * A row that always starts a Mastra message: a user or system message, or an assistant message
 * whose id is not a later step's (`<id>~<step>`). A tool row never does.
 */
function startsMessage(stored: StoredMessage): boolean {
  const role = stored.message.role;
  return role === "user" || role === "system" || (role === "assistant" && !stored.id.includes("~"));
}

function toRow(stored: StoredMessage): StoredRow {
  return {
    id: stored.id,
    message: stored.message,
    createdAt: stored.createdAt,
    threadId: stored.threadId,
    resourceId: stored.resourceId,
    runId: stored.runId,
  };
}

function toMastraThread(thread: StoredThread, workingMemory: string | undefined): StorageThreadType {
  const metadata: ThreadMetadata = { ...thread.metadata };
  if (workingMemory !== undefined) metadata[WORKING_MEMORY_KEY] = workingMemory;
  return {
    id: thread.id,
    resourceId: thread.resourceId,
    title: thread.title ?? "",
    createdAt: thread.createdAt,
    updatedAt: thread.updatedAt,
    metadata,
  };
}

/** Thread metadata as JSON, without the working memory Mastra keeps in it. */
function splitMetadata(metadata: ThreadMetadata | undefined): {
  metadata: Record<string, JsonValue>;
  workingMemory: string | undefined;
} {
  if (!metadata) return { metadata: {}, workingMemory: undefined };
  const { [WORKING_MEMORY_KEY]: workingMemory, ...rest } = metadata;
  const json = JSON.parse(JSON.stringify(rest)) as Record<string, JsonValue>;
  return { metadata: json, workingMemory: typeof workingMemory === "string" ? workingMemory : undefined };
}

function matchesFilter(message: MastraDBMessage, filter: StorageListMessagesInput["filter"]): boolean {
  if (!filter) return true;
  const range = filter.dateRange;
  if (range) {
    const at = toTime(message.createdAt);
    if (range.start) {
      const start = toTime(range.start);
      if (range.startExclusive ? at <= start : at < start) return false;
    }
    if (range.end) {
      const end = toTime(range.end);
      if (range.endExclusive ? at >= end : at > end) return false;
    }
  }
  if (filter.metadata) {
    const metadata = (message.content.metadata ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(filter.metadata)) {
      if (value === null ? key in metadata && metadata[key] !== null : metadata[key] !== value) return false;
    }
  }
  return true;
}

/**
 * In thread order (positions: the order a model reads them), which is also createdAt order (see
 * {@link LoadedThread}); messages of several threads by createdAt first.
 */
function sortMessages<T extends MastraDBMessage & { order: number }>(
  messages: T[],
  direction: "ASC" | "DESC",
): T[] {
  return messages.sort((left, right) => {
    const delta =
      left.threadId === right.threadId
        ? left.order - right.order
        : toTime(left.createdAt) - toTime(right.createdAt) || left.order - right.order;
    return direction === "ASC" ? delta : -delta;
  });
}

function withoutOrder(message: MastraDBMessage & { order?: number }): MastraDBMessage {
  const { order: _order, ...rest } = message;
  return rest;
}

function toTime(value: Date | string | number): number {
  return value instanceof Date ? value.getTime() : new Date(value).getTime();
}

function threadNotFound(threadId: string): Error {
  return new Error(`Thread ${threadId} not found.`);
}

/** The adapter's error for a thread id that exists for this resource already. */
function isThreadExists(error: unknown): boolean {
  return StorageError.isInstance(error) && error.backendCode === "THREAD_EXISTS";
}
