import type { EmbeddingModelV3, EmbeddingModelV4 } from "@ai-sdk/provider";
import {
  type AgentMemory,
  InvalidDefinitionError,
  type MemoryOpenRequest,
  type MemorySession,
  type MemoryStrategySettings,
  NotFoundError,
  type RunStore,
  type ValidationIssue,
} from "@flowmaestro/runtime";
import type { ModelMessage } from "ai";
import { z } from "zod";
import { createLibsqlStorage } from "../adapters/libsql/index.js";
import type { EmbeddingModelReference } from "../embedders/embed-values.js";
import { createRunStore } from "../run-store/create-run-store.js";
import type {
  ListThreadsInput,
  StorageAdapter,
  StoredThread,
  ThreadKey,
  WorkingMemoryRecord,
} from "../storage-adapter.js";
import {
  DEFAULT_RECALL_INDEX_PREFIX,
  type RecallDependencies,
  recallVectorId,
} from "../strategies/semantic-recall.js";
import { workingMemoryKey } from "../strategies/working-memory.js";
import { openMemorySession, RECALL_INDEXES_METADATA_KEY } from "./memory-session.js";
import {
  applySettings,
  parseStrategySettings,
  type ResolvedMemorySettings,
  resolveSettings,
  settingsIssues,
  strategySettingsShape,
} from "./memory-settings.js";
import { toValidationIssues } from "./validation-issues.js";

const MEMORY_MARKER = Symbol.for("flowmaestro.memory");

/** Options of {@link createMemory}: the strategy settings plus where memory lives. */
export interface MemoryOptions extends MemoryStrategySettings {
  /**
   * Where threads, messages, working memory and recall vectors are stored.
   * @default createLibsqlStorage() — the embedded file `./.flowmaestro/agent.db`, created on first use
   */
  storage?: StorageAdapter;
  /**
   * The embedding model semantic recall embeds messages with (an AI SDK v4 or v3 embedding model
   * object). Required when `semanticRecall` is on; then `storage` must support vectors too.
   * @default undefined
   */
  embedder?: EmbeddingModelV4 | EmbeddingModelV3;
  /**
   * The vector index recall uses: a name, or a function of the embedder's dimension. The default
   * puts the dimension in the name, so a new embedder of another dimension gets a new index
   * instead of failing on the old one. Give each embedding model its own name when two of them
   * share a dimension: their vectors are not comparable.
   * @default (dimension) => `fm_recall_${dimension}`
   */
  recallIndexName?: string | ((dimension: number) => string);
}

/**
 * The FlowMaestro memory of an agent: set it as the definition's `memory`. Runs with a `threadId`
 * and `resourceId` then continue that thread. Also a small API for hosts (list, read and delete
 * threads).
 */
export interface Memory extends AgentMemory {
  readonly name: "flowmaestro";
  /** The strategy settings, every default applied. */
  readonly settings: Readonly<ResolvedMemorySettings>;
  /** Where memory lives. */
  readonly storage: StorageAdapter;
  /**
   * Where agents using this memory keep suspended runs: `createRunStore(storage)`, in the same
   * database as the threads (used when the agent's definition sets no `runStore`).
   */
  readonly runStore: RunStore;
  /** The embedder of semantic recall, when one was given. */
  readonly embedder: EmbeddingModelReference | undefined;
  /** The vector index recall uses for an embedder of this dimension. */
  recallIndexName(dimension: number): string;
  /**
   * The settings of one run: these settings changed by a run's `memory` overrides.
   * @throws {InvalidDefinitionError} naming each bad field as `options.memory.…`.
   */
  resolveSettings(overrides: MemoryStrategySettings | undefined): Readonly<ResolvedMemorySettings>;
  /** A thread, or `undefined` when it does not exist for this resource. */
  getThread(key: ThreadKey): Promise<StoredThread | undefined>;
  /** The resource's threads, most recently updated first. */
  listThreads(input: ListThreadsInput): Promise<readonly StoredThread[]>;
  /**
   * A thread's messages, oldest first (the last `last` when set); `[]` when the thread does not
   * exist for this resource.
   */
  getMessages(key: ThreadKey & { readonly last?: number | undefined }): Promise<ModelMessage[]>;
  /**
   * The working memory a run of this thread sees (the resource's or the thread's, by
   * `workingMemory.scope`); `undefined` when none is stored. `threadId` is needed for the thread scope.
   */
  getWorkingMemory(key: {
    readonly resourceId: string;
    readonly threadId?: string | undefined;
  }): Promise<WorkingMemoryRecord | undefined>;
  /**
   * Deletes a thread with its messages, its working memory, its snapshots and its recall vectors.
   * No-op when absent.
   */
  deleteThread(key: ThreadKey): Promise<void>;
}

/** Whether `value` is a {@link Memory} from `createMemory` (of any installed copy of this package). */
export function isMemory(value: unknown): value is Memory {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[MEMORY_MARKER] === true &&
    (value as { specificationVersion?: unknown }).specificationVersion === "v1"
  );
}

const optionsSchema = z.strictObject({
  ...strategySettingsShape,
  storage: z
    .custom<StorageAdapter>(isStorageAdapter, {
      error: "a storage adapter (createLibsqlStorage(), createPostgresStorage(), createInMemoryStorage())",
    })
    .optional(),
  embedder: z
    .custom<EmbeddingModelReference>(isEmbeddingModel, {
      error: "an AI SDK embedding model object (specificationVersion v4 or v3)",
    })
    .optional(),
  recallIndexName: z
    .union(
      [
        z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, {
          error: "an index name of 1 to 200 letters, digits, `_`, `.`, `:` or `-`",
        }),
        z.custom<(dimension: number) => string>((value) => typeof value === "function"),
      ],
      { error: "an index name or a function of the dimension" },
    )
    .optional(),
});

/**
 * Creates the memory of an agent: a buffer of the last messages (on by default), and optionally a
 * rolling summary, semantic recall and working memory, stored in `storage`.
 *
 * @throws {InvalidDefinitionError} naming each bad option (`memory.lastMessages`,
 * `memory.semanticRecall.topK`, `memory.embedder` …).
 *
 * @example
 * ```ts
 * const memory = createMemory({
 *   lastMessages: 20,
 *   semanticRecall: { topK: 3 },
 *   workingMemory: { scope: "resource" },
 *   embedder: openai.embedding("text-embedding-3-small"),
 * });
 * const agent = createAgent({ name: "support", model: "openai/gpt-4o", memory, runtime });
 * await agent.execute("Hi, I am Ada", { threadId: "t1", resourceId: "user-42" });
 * ```
 */
export function createMemory(options: MemoryOptions = {}): Memory {
  const parsed = optionsSchema.safeParse(options ?? {}, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidDefinitionError({
      subject: "memory",
      issues: toValidationIssues(parsed.error.issues, "memory"),
    });
  }
  const { storage: givenStorage, embedder, recallIndexName: indexOption, ...strategies } = parsed.data;
  const settings = resolveSettings(parseStrategySettings(strategies, "memory", "memory"));
  const issues: ValidationIssue[] = settingsIssues(settings, "memory");
  if (settings.semanticRecall) {
    if (!embedder) {
      issues.push({
        field: "memory.embedder",
        expected:
          'an embedding model when `semanticRecall` is on (e.g. openai.embedding("text-embedding-3-small"))',
      });
    }
    if (givenStorage && !givenStorage.vectors) {
      issues.push({
        field: "memory.storage",
        expected: `an adapter with vector support when \`semanticRecall\` is on (the "${givenStorage.name}" adapter has none)`,
      });
    }
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "memory", issues });

  const storage = givenStorage ?? createLibsqlStorage();
  const indexName = (dimension: number): string =>
    typeof indexOption === "string"
      ? indexOption
      : typeof indexOption === "function"
        ? indexOption(dimension)
        : `${DEFAULT_RECALL_INDEX_PREFIX}_${dimension}`;
  const indexes = new Map<number, Promise<string>>();
  const ensureIndex = (dimension: number): Promise<string> => {
    let pending = indexes.get(dimension);
    if (!pending) {
      const name = indexName(dimension);
      const vectors = storage.vectors;
      pending = vectors
        ? vectors.createIndex({ indexName: name, dimension }).then(() => name)
        : Promise.reject(new Error(`Storage "${storage.name}" has no vector support.`));
      indexes.set(dimension, pending);
      // A failed create is not cached: the next save tries again.
      pending.catch(() => {
        if (indexes.get(dimension) === pending) indexes.delete(dimension);
      });
    }
    return pending;
  };
  const recall: RecallDependencies | undefined =
    embedder && storage.vectors
      ? { storage, vectors: storage.vectors, embedder, indexName, ensureIndex }
      : undefined;

  const settingsFor = (overrides: MemoryStrategySettings | undefined): ResolvedMemorySettings => {
    if (overrides === undefined) return settings;
    const changed = applySettings(
      settings,
      parseStrategySettings(overrides, "options.memory", "memory overrides"),
    );
    const problems = settingsIssues(changed, "options.memory");
    if (changed.semanticRecall && !recall) {
      problems.push({
        field: "options.memory.semanticRecall",
        expected: embedder
          ? `false: the memory's storage ("${storage.name}") has no vector support`
          : "false: the memory has no embedder (pass `embedder` to createMemory to use semantic recall)",
      });
    }
    if (problems.length > 0)
      throw new InvalidDefinitionError({ subject: "memory overrides", issues: problems });
    return changed;
  };

  const memory: Memory & { readonly [MEMORY_MARKER]: true } = {
    [MEMORY_MARKER]: true,
    specificationVersion: "v1",
    name: "flowmaestro",
    settings,
    storage,
    runStore: createRunStore(storage),
    embedder,
    recallIndexName: indexName,
    resolveSettings: settingsFor,
    open(request: MemoryOpenRequest): Promise<MemorySession> {
      return Promise.resolve().then(() =>
        openMemorySession({ storage, recall }, settingsFor(request.overrides), request),
      );
    },
    getThread: (key) => storage.getThread(key),
    listThreads: (input) => storage.listThreads(input),
    async getMessages(key) {
      try {
        const stored = await storage.listMessages({
          threadId: key.threadId,
          resourceId: key.resourceId,
          ...(key.last === undefined ? {} : { last: key.last }),
        });
        return stored.map((entry) => entry.message);
      } catch (error) {
        if (NotFoundError.isInstance(error)) return [];
        throw error;
      }
    },
    getWorkingMemory(key) {
      const working = settings.workingMemory || { scope: "resource" as const };
      if (working.scope === "thread" && key.threadId === undefined) {
        return Promise.reject(
          new InvalidDefinitionError({
            subject: "getWorkingMemory input",
            issues: [
              { field: "threadId", expected: "set: working memory is per thread (`workingMemory.scope`)" },
            ],
          }),
        );
      }
      return storage.getWorkingMemory(
        workingMemoryKey(working, { resourceId: key.resourceId, threadId: key.threadId ?? "" }),
      );
    },
    async deleteThread(key) {
      const thread = await storage.getThread(key);
      if (!thread) return;
      const listed = thread.metadata[RECALL_INDEXES_METADATA_KEY];
      const names = Array.isArray(listed)
        ? listed.filter((name): name is string => typeof name === "string")
        : [];
      if (names.length > 0 && storage.vectors) {
        const vectors = storage.vectors;
        const messages = await storage.listMessages(key);
        const ids = messages.map((stored) => recallVectorId(key, stored.id));
        if (ids.length > 0) await Promise.all(names.map((name) => vectors.delete({ indexName: name, ids })));
      }
      await storage.deleteThread(key);
    },
  };
  return memory;
}

function isStorageAdapter(value: unknown): value is StorageAdapter {
  if (typeof value !== "object" || value === null) return false;
  const adapter = value as Partial<Record<keyof StorageAdapter, unknown>>;
  return (
    adapter.specificationVersion === "v1" &&
    typeof adapter.name === "string" &&
    typeof adapter.getThread === "function" &&
    typeof adapter.appendMessages === "function" &&
    typeof adapter.listMessages === "function"
  );
}

function isEmbeddingModel(value: unknown): value is EmbeddingModelReference {
  if (typeof value !== "object" || value === null) return false;
  const model = value as { specificationVersion?: unknown; doEmbed?: unknown };
  return (
    (model.specificationVersion === "v4" || model.specificationVersion === "v3") &&
    typeof model.doEmbed === "function"
  );
}
