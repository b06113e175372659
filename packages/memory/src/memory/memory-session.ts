import {
  AbortedError,
  AgentSdkError,
  type AgentTool,
  type MemoryOpenRequest,
  type MemorySession,
  StorageError,
} from "@flowmaestro/runtime";
import type { ModelMessage } from "ai";
import { embedValues } from "../embedders/embed-values.js";
import type {
  StorageAdapter,
  StoredMessage,
  StoredThread,
  ThreadKey,
  VectorMatch,
  WorkingMemoryRecord,
} from "../storage-adapter.js";
import { loadBuffer } from "../strategies/buffer.js";
import {
  indexMessages,
  loadRecalled,
  type RecallDependencies,
  type RecalledGroup,
  recallContext,
  recallQueryText,
  searchRecall,
} from "../strategies/semantic-recall.js";
import {
  foldBoundary,
  MAX_MESSAGES_PER_SUMMARY,
  SUMMARY_METADATA_KEY,
  summaryContext,
  summaryOf,
  type ThreadSummary,
  writeSummary,
} from "../strategies/summary.js";
import {
  createWorkingMemoryTool,
  workingMemoryContext,
  workingMemoryKey,
} from "../strategies/working-memory.js";
import type { ResolvedMemorySettings } from "./memory-settings.js";
import { runMessageId } from "./message-ids.js";

/** Thread metadata key listing the recall indexes that hold vectors of the thread's messages. */
export const RECALL_INDEXES_METADATA_KEY = "flowmaestro.recallIndexes";

/** What a session needs from its memory. @internal */
export interface SessionDependencies {
  readonly storage: StorageAdapter;
  /** Set when the memory has an embedder and its storage has vectors. */
  readonly recall: RecallDependencies | undefined;
}

/**
 * Opens the memory of one run: reads the thread (creating it on first use), then its history,
 * summary, working memory and recalled messages with as few queries as possible, the independent
 * ones in parallel. See {@link MemorySession} for what the run does with it.
 * @internal
 */
export async function openMemorySession(
  dependencies: SessionDependencies,
  settings: ResolvedMemorySettings,
  request: MemoryOpenRequest,
): Promise<MemorySession> {
  const { storage } = dependencies;
  const key: ThreadKey = { threadId: request.threadId, resourceId: request.resourceId };
  const signal = request.signal;
  if (signal.aborted) throw new AbortedError({ reason: signal.reason });
  const recall = settings.semanticRecall && dependencies.recall ? dependencies.recall : undefined;
  const recallSettings = settings.semanticRecall || undefined;
  const working = settings.workingMemory || undefined;
  /** Vectors embedded while the session is open, by text: a text is embedded once per run. */
  const vectorCache = new Map<string, readonly number[]>();

  // Started together: the thread, the resource's working memory and the recall search (whose
  // embedding call is usually the slowest part) do not depend on each other.
  const threadRead = settle(getOrCreateThread(storage, key));
  const resourceMemory =
    working?.scope === "resource"
      ? settle(storage.getWorkingMemory({ resourceId: key.resourceId }))
      : undefined;
  const queryText = recall ? recallQueryText(request.input) : undefined;
  const search =
    recall && recallSettings && queryText !== undefined
      ? settle(
          (async (): Promise<readonly VectorMatch[]> => {
            const [vector] = await embedValues(recall.embedder, [queryText], { signal });
            if (!vector) return [];
            vectorCache.set(queryText, vector);
            // Over-fetch by the history window: matches already in it are dropped below.
            return searchRecall(recall, key, vector, recallSettings, settings.lastMessages || 0);
          })(),
        )
      : undefined;

  const { thread, created } = await threadRead;
  const summary = settings.summary ? summaryOf(thread) : undefined;
  const [buffer, threadMemory, resourceRecord] = await Promise.all([
    created
      ? { window: [] as readonly StoredMessage[], fetched: [] as readonly StoredMessage[] }
      : loadBuffer(storage, key, settings, { afterPosition: summary?.throughPosition }),
    working?.scope === "thread" && !created ? storage.getWorkingMemory(key) : undefined,
    resourceMemory,
  ]);
  const memoryRecord: WorkingMemoryRecord | undefined =
    working?.scope === "thread" ? threadMemory : resourceRecord;
  const matches = search ? await search : [];

  let recalled: readonly RecalledGroup[] = [];
  if (recall && recallSettings && matches.length > 0) {
    recalled = await loadRecalled(
      storage,
      key,
      matches,
      recallSettings,
      new Set(buffer.window.map((stored) => stored.id)),
    );
  }

  const contexts: string[] = [];
  if (summary) contexts.push(summaryContext(summary));
  const recalledText = recallContext(recalled, key.threadId);
  if (recalledText) contexts.push(recalledText);
  const tools: AgentTool[] = [];
  if (working) {
    contexts.push(workingMemoryContext(working, memoryRecord?.content));
    tools.push(createWorkingMemoryTool(storage, working, workingMemoryKey(working, key)));
  }

  return new Session({
    dependencies,
    recall,
    settings,
    request,
    key,
    thread,
    summary,
    history: buffer.window.map((stored) => stored.message),
    // A window that is not full holds every unsummarised message: their count is known.
    unsummarised:
      created || buffer.fetched.length < (settings.lastMessages || 0) ? buffer.fetched.length : undefined,
    context: contexts.length === 0 ? undefined : contexts.join("\n\n"),
    tools,
    vectorCache,
  });
}

interface SessionState {
  readonly dependencies: SessionDependencies;
  readonly recall: RecallDependencies | undefined;
  readonly settings: ResolvedMemorySettings;
  readonly request: MemoryOpenRequest;
  readonly key: ThreadKey;
  readonly thread: StoredThread;
  readonly summary: ThreadSummary | undefined;
  readonly history: readonly ModelMessage[];
  /** How many messages the summary did not cover at open, when the history read tells. */
  readonly unsummarised: number | undefined;
  readonly context: string | undefined;
  readonly tools: readonly AgentTool[];
  readonly vectorCache: Map<string, readonly number[]>;
}

/** The memory of one run. @internal */
class Session implements MemorySession {
  readonly history: readonly ModelMessage[];
  readonly context: string | undefined;
  readonly tools: readonly AgentTool[];
  private saved = 0;
  /** Recall indexing runs behind the saves (in order), so a step never waits for the embedder. */
  private indexing: Promise<void> = Promise.resolve();
  private readonly unindexed: { messages: readonly StoredMessage[]; error: unknown }[] = [];
  private readonly knownIndexes: Set<string>;

  constructor(private readonly state: SessionState) {
    this.history = state.history;
    this.context = state.context;
    this.tools = state.tools;
    const listed = state.thread.metadata[RECALL_INDEXES_METADATA_KEY];
    this.knownIndexes = new Set(
      Array.isArray(listed) ? listed.filter((name): name is string => typeof name === "string") : [],
    );
  }

  async save(messages: readonly ModelMessage[], info: { readonly step: number | undefined }): Promise<void> {
    if (messages.length === 0) return;
    const { storage } = this.state.dependencies;
    const { runId } = this.state.request;
    const stored = await storage.appendMessages({
      ...this.state.key,
      messages: messages.map((message, index) => ({
        id: runMessageId(runId, info.step, index, message),
        message,
        runId,
        ...(info.step === undefined ? {} : { step: info.step }),
      })),
    });
    this.saved += stored.length;
    if (this.state.recall) {
      const recall = this.state.recall;
      this.indexing = this.indexing.then(() =>
        this.index(recall, stored).catch((error: unknown) => {
          this.unindexed.push({ messages: stored, error });
        }),
      );
    }
  }

  async close(_info: { readonly status: string }): Promise<void> {
    await this.indexing;
    const { signal } = this.state.request;
    const failures: unknown[] = [];
    // Indexing that failed during the run gets one more try now.
    if (this.state.recall && this.unindexed.length > 0 && !signal.aborted) {
      const recall = this.state.recall;
      const pending = this.unindexed.splice(0);
      for (const { messages } of pending) {
        try {
          await this.index(recall, messages);
        } catch (error) {
          failures.push(error);
        }
      }
    }
    // An aborted run leaves the summary to the next one.
    if (this.state.settings.summary && !signal.aborted) {
      try {
        await this.summarise();
      } catch (error) {
        failures.push(error);
      }
    }
    const failure = failures.find((error) => !(AbortedError.isInstance(error) && signal.aborted));
    if (failure !== undefined) throw toTypedError(failure, "close");
  }

  /** Embeds and upserts stored messages; lists a new index in the thread's metadata once. */
  private async index(recall: RecallDependencies, messages: readonly StoredMessage[]): Promise<void> {
    const names = await indexMessages(recall, this.state.key, messages, {
      cache: this.state.vectorCache,
      signal: this.state.request.signal,
    });
    const added = names.filter((name) => !this.knownIndexes.has(name));
    if (added.length === 0) return;
    for (const name of added) this.knownIndexes.add(name);
    // Listed so that deleting the thread can delete its vectors too.
    await this.state.dependencies.storage.updateThread({
      ...this.state.key,
      metadata: { [RECALL_INDEXES_METADATA_KEY]: [...this.knownIndexes] },
    });
  }

  /**
   * Folds unsummarised messages into the summary once they pass the trigger. One query decides
   * (skipped when the open already knows the count), a second reads the messages to fold
   * (see {@link foldBoundary}); the thread changes only once the summary is written.
   */
  private async summarise(): Promise<void> {
    const settings = this.state.settings.summary;
    if (!settings) return;
    const { storage } = this.state.dependencies;
    const { key, summary, request } = this.state;
    const known = this.state.unsummarised;
    if (known !== undefined && known + this.saved <= settings.triggerMessages) return;
    const after = summary === undefined ? {} : { afterPosition: summary.throughPosition };
    const recent = await storage.listMessages({ ...key, ...after, last: settings.triggerMessages + 1 });
    const boundary = foldBoundary(recent, settings, summary?.throughPosition);
    if (boundary === undefined) return;
    const older = await storage.listMessages({
      ...key,
      ...after,
      ...(boundary.beforePosition === undefined ? {} : { beforePosition: boundary.beforePosition }),
    });
    const fold = older.slice(0, MAX_MESSAGES_PER_SUMMARY);
    const last = fold[fold.length - 1];
    if (last === undefined) return;
    const text = await writeSummary({
      model: settings.model ?? request.model,
      previous: summary?.text,
      messages: fold,
      signal: request.signal,
    });
    const next: ThreadSummary = { text, throughPosition: last.position, updatedAt: new Date().toISOString() };
    await storage.updateThread({ ...key, metadata: { [SUMMARY_METADATA_KEY]: { ...next } } });
  }
}

/** The thread, created when missing; a concurrent create (`THREAD_EXISTS`) reads it again. */
async function getOrCreateThread(
  storage: StorageAdapter,
  key: ThreadKey,
): Promise<{ thread: StoredThread; created: boolean }> {
  const existing = await storage.getThread(key);
  if (existing) return { thread: existing, created: false };
  try {
    return {
      thread: await storage.createThread({ id: key.threadId, resourceId: key.resourceId }),
      created: true,
    };
  } catch (error) {
    if (!(StorageError.isInstance(error) && error.backendCode === "THREAD_EXISTS")) throw error;
    const raced = await storage.getThread(key);
    if (!raced) throw error;
    return { thread: raced, created: false };
  }
}

/**
 * A promise that is already marked handled: started early and awaited later, it never becomes an
 * unhandled rejection when an earlier await throws first.
 */
function settle<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function toTypedError(error: unknown, operation: string): AgentSdkError {
  if (AgentSdkError.isInstance(error)) return error;
  return new StorageError({ adapter: "memory", operation, cause: error });
}
