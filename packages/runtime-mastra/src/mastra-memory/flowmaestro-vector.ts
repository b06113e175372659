import type {
  StorageAdapter,
  VectorFilter,
  VectorMetadataValue,
  VectorRecord,
  VectorStore,
} from "@flowmaestro/memory";
import { AgentSdkError, NotFoundError, StorageError } from "@flowmaestro/runtime";
import {
  type CreateIndexParams,
  type DeleteIndexParams,
  type DeleteVectorParams,
  type DeleteVectorsParams,
  type DescribeIndexParams,
  type IndexStats,
  MastraVector,
  type QueryResult,
  type QueryVectorParams,
  type UpdateVectorParams,
  type UpsertVectorParams,
} from "@mastra/core/vector";
import { currentBridgeScope } from "./bridge-scope.js";
import { RECALL_INDEXES_METADATA_KEY, recallVectorId } from "./recall-compat.js";

/** Mastra's metadata keys → FlowMaestro's (the recall index of `@flowmaestro/memory`). */
const TO_OURS: Readonly<Record<string, string>> = {
  message_id: "messageId",
  thread_id: "threadId",
  resource_id: "resourceId",
};
const TO_MASTRA: Readonly<Record<string, string>> = {
  messageId: "message_id",
  threadId: "thread_id",
  resourceId: "resource_id",
};
/** Mastra's names of its message index: `memory_messages` (1536 dimensions) or `memory_messages_<dimension>`. */
const MASTRA_MESSAGE_INDEX = /^memory[_:.-]messages(?:[_:.-](\d+))?$/;
/** Mastra's default message index dimension (the one its unsuffixed name stands for). */
const MASTRA_DEFAULT_DIMENSION = 1536;

/** Options of {@link FlowMaestroVector}. @internal */
export interface FlowMaestroVectorOptions {
  /** The adapter whose `vectors` hold the index (and whose messages give recalled vectors their position). */
  readonly storage: StorageAdapter;
  /** The FlowMaestro recall index for vectors of a dimension (`memory.recallIndexName`). */
  readonly indexNameFor: (dimension: number) => string;
}

/**
 * Mastra's vector store on a FlowMaestro adapter's `vectors`, so semantic recall works across
 * runtimes:
 * - Mastra's message indexes (`memory_messages_<dimension>`, and `memory_messages` for 1536
 *   dimensions) are the FlowMaestro recall index of that dimension (`fm_recall_<dimension>` by
 *   default); other names are used as they are.
 * - Mastra's metadata keys (`message_id`, `thread_id`, `resource_id`) are stored as FlowMaestro's
 *   (`messageId`, `threadId`, `resourceId`) plus the message's `position` in its thread (legacy recall
 *   needs it to load neighbours), and mapped back on queries. Mastra's extra metadata (`role`,
 *   `content`, `created_at`, thread metadata) is not stored.
 * - Vector ids are FlowMaestro's (a hash of resource, thread and message id), so Mastra's two
 *   embedding paths (its memory's save and its recall processor) and FlowMaestro's own deletion all
 *   address the same vector; each thread lists the indexes holding its vectors in its
 *   `flowmaestro.recallIndexes` metadata, as `@flowmaestro/memory` does.
 * - Cosine similarity only; filters: equality, `$eq`, `$in` and `$and` of those.
 *
 * @internal
 */
export class FlowMaestroVector extends MastraVector {
  private readonly vectors: VectorStore;
  /** Dimensions of the indexes Mastra named (learnt from `createIndex`, for names without one). */
  private readonly dimensions = new Map<string, number>();
  /** Threads whose metadata already lists an index, by `resource\0thread\0index`. */
  private readonly listed = new Set<string>();

  constructor(private readonly options: FlowMaestroVectorOptions) {
    super({ id: `flowmaestro-${options.storage.name}-vectors` });
    const vectors = options.storage.vectors;
    if (!vectors) {
      throw new Error(
        `Storage adapter "${options.storage.name}" has no vector support (\`vectors\`); semantic recall needs it.`,
      );
    }
    this.vectors = vectors;
  }

  /** The FlowMaestro index a Mastra index name stands for. */
  indexFor(indexName: string): string {
    const match = MASTRA_MESSAGE_INDEX.exec(indexName);
    if (match) return this.options.indexNameFor(match[1] ? Number(match[1]) : MASTRA_DEFAULT_DIMENSION);
    const dimension = this.dimensions.get(indexName);
    return dimension === undefined ? indexName : this.options.indexNameFor(dimension);
  }

  override async createIndex({ indexName, dimension, metric }: CreateIndexParams): Promise<void> {
    if (metric !== undefined && metric !== "cosine") {
      throw new Error(`FlowMaestro vector indexes use cosine similarity; "${metric}" is not supported.`);
    }
    // The recall processor's own default name (`mastra_memory_<model>`) is a message index too.
    if (indexName.startsWith("mastra_memory_") || MASTRA_MESSAGE_INDEX.test(indexName)) {
      this.dimensions.set(indexName, dimension);
    }
    await this.call("createIndex", () =>
      this.vectors.createIndex({ indexName: this.indexFor(indexName), dimension }),
    );
  }

  /**
   * The Mastra names of the message indexes this process has used (a FlowMaestro store cannot list
   * its indexes). Mastra lists them to delete a deleted thread's vectors; the bridge's
   * `deleteThread` deletes them from the indexes the thread's metadata lists anyway.
   */
  override async listIndexes(): Promise<string[]> {
    const names = new Set<string>();
    for (const name of this.dimensions.keys()) names.add(name);
    return [...names];
  }

  override async describeIndex({ indexName }: DescribeIndexParams): Promise<IndexStats> {
    const name = this.indexFor(indexName);
    const described = await this.call("describeIndex", () => this.vectors.describeIndex({ indexName: name }));
    if (!described) throw new Error(`Vector index ${name} does not exist.`);
    return { dimension: described.dimension, count: described.count, metric: "cosine" };
  }

  override async deleteIndex({ indexName }: DeleteIndexParams): Promise<void> {
    await this.call("deleteIndex", () => this.vectors.deleteIndex({ indexName: this.indexFor(indexName) }));
  }

  override async upsert({ indexName, vectors, metadata, ids }: UpsertVectorParams): Promise<string[]> {
    const name = this.indexFor(indexName);
    const scope = currentBridgeScope();
    const chunks = new Map<string, number>();
    const records: Array<{ id: string; vector: number[]; metadata: Record<string, VectorMetadataValue> }> =
      vectors.map((vector, index) => {
        const mapped = toOurMetadata(metadata?.[index] ?? {});
        if (mapped.resourceId === "" || mapped.resourceId === undefined) {
          if (scope) mapped.resourceId = scope.resourceId;
          else delete mapped.resourceId;
        }
        const { messageId, threadId, resourceId } = mapped;
        let id = ids?.[index];
        if (typeof messageId === "string" && typeof threadId === "string" && typeof resourceId === "string") {
          // Long messages come in several chunks; the first one has the message's own vector id.
          const chunk = chunks.get(messageId) ?? 0;
          chunks.set(messageId, chunk + 1);
          id = recallVectorId({ resourceId, threadId }, chunk === 0 ? messageId : `${messageId}#${chunk}`);
        }
        return { id: id ?? crypto.randomUUID(), vector, metadata: mapped };
      });
    // A run that is over stores nothing more (see BridgeScope.isClosed).
    if (records.length === 0 || scope?.isClosed()) return records.map((record) => record.id);
    // Indexing failures do not fail the run (a failed recall indexing is a warning on the legacy
    // runtime); Mastra logs them. Failed reads do (see `call`).
    await this.addPositions(records);
    await this.call(
      "upsert",
      () => this.vectors.upsert({ indexName: name, vectors: records as VectorRecord[] }),
      false,
    );
    await this.listIndexOnThreads(name, records);
    return records.map((record) => record.id);
  }

  override async query({ indexName, queryVector, topK, filter }: QueryVectorParams): Promise<QueryResult[]> {
    if (!queryVector) throw new Error("FlowMaestro vector queries need a query vector.");
    const translated = withRunResource(toOurFilter(filter));
    if (translated === NO_MATCH) return [];
    const matches = await this.call("query", () =>
      this.vectors.query({
        indexName: this.indexFor(indexName),
        vector: queryVector,
        topK: topK ?? 10,
        ...(translated ? { filter: translated } : {}),
      }),
    );
    return matches.map((match) => ({
      id: match.id,
      score: match.score,
      metadata: toMastraMetadata(match.metadata),
    }));
  }

  override async updateVector(params: UpdateVectorParams): Promise<void> {
    throw new Error(
      `Updating vectors in place is not supported on a FlowMaestro index (${this.indexFor(params.indexName)}); upsert them again.`,
    );
  }

  override async deleteVector({ indexName, id }: DeleteVectorParams): Promise<void> {
    await this.call("delete", () => this.vectors.delete({ indexName: this.indexFor(indexName), ids: [id] }));
  }

  override async deleteVectors({ indexName, ids, filter }: DeleteVectorsParams): Promise<void> {
    const name = this.indexFor(indexName);
    if (ids && ids.length > 0) {
      await this.call("delete", () => this.vectors.delete({ indexName: name, ids }));
      return;
    }
    const translated = withRunResource(toOurFilter(filter));
    if (translated === NO_MATCH || translated === undefined) {
      if (translated === undefined) throw new Error("deleteVectors needs ids or a filter.");
      return;
    }
    const described = await this.call("describeIndex", () => this.vectors.describeIndex({ indexName: name }));
    if (!described || described.count === 0) return;
    // A FlowMaestro index deletes by id only: find the matching ids with an exact filtered query
    // (any probe vector: a filtered query returns every match when topK covers the index).
    const probe = Array.from({ length: described.dimension }, (_, index) => (index === 0 ? 1 : 0));
    const matches = await this.call("query", () =>
      this.vectors.query({ indexName: name, vector: probe, topK: described.count, filter: translated }),
    );
    if (matches.length === 0) return;
    await this.call("delete", () =>
      this.vectors.delete({ indexName: name, ids: matches.map((match) => match.id) }),
    );
  }

  /** Lists the index in each thread's `flowmaestro.recallIndexes` (once per thread and process). */
  private async listIndexOnThreads(
    indexName: string,
    records: ReadonlyArray<{ metadata: Record<string, VectorMetadataValue> }>,
  ): Promise<void> {
    const threads = new Map<string, { threadId: string; resourceId: string }>();
    for (const { metadata } of records) {
      const { threadId, resourceId } = metadata;
      if (typeof threadId !== "string" || typeof resourceId !== "string") continue;
      const key = `${resourceId}\u0000${threadId}\u0000${indexName}`;
      if (!this.listed.has(key)) threads.set(key, { threadId, resourceId });
    }
    for (const [key, thread] of threads) {
      const stored = await this.call("getThread", () => this.options.storage.getThread(thread), false);
      if (!stored) continue;
      const listed = stored.metadata[RECALL_INDEXES_METADATA_KEY];
      const names = Array.isArray(listed)
        ? listed.filter((name): name is string => typeof name === "string")
        : [];
      if (!names.includes(indexName)) {
        await this.call(
          "updateThread",
          () =>
            this.options.storage.updateThread({
              ...thread,
              metadata: { [RECALL_INDEXES_METADATA_KEY]: [...names, indexName] },
            }),
          false,
        );
      }
      this.listed.add(key);
    }
  }

  /** Adds each message's position in its thread, as the FlowMaestro recall index keeps it. */
  private async addPositions(
    records: ReadonlyArray<{ metadata: Record<string, VectorMetadataValue> }>,
  ): Promise<void> {
    const byThread = new Map<string, { threadId: string; resourceId: string; ids: Set<string> }>();
    for (const { metadata } of records) {
      const { threadId, resourceId, messageId } = metadata;
      if (typeof threadId !== "string" || typeof resourceId !== "string" || typeof messageId !== "string")
        continue;
      const key = `${resourceId}\u0000${threadId}`;
      let entry = byThread.get(key);
      if (!entry) {
        entry = { threadId, resourceId, ids: new Set() };
        byThread.set(key, entry);
      }
      entry.ids.add(messageId);
    }
    const positions = new Map<string, number>();
    for (const { threadId, resourceId, ids } of byThread.values()) {
      try {
        const stored = await this.options.storage.listMessages({ threadId, resourceId, ids: [...ids] });
        for (const message of stored)
          positions.set(`${resourceId}\u0000${threadId}\u0000${message.id}`, message.position);
      } catch (error) {
        // A message not stored yet is embedded without its position.
        if (!NotFoundError.isInstance(error)) throw this.typed("listMessages", error, false);
      }
    }
    for (const { metadata } of records) {
      const key = `${metadata.resourceId}\u0000${metadata.threadId}\u0000${metadata.messageId}`;
      const position = positions.get(key);
      if (position !== undefined) metadata.position = position;
    }
  }

  /**
   * Calls the adapter; failures arrive typed. Inside a run, a failed read is reported to the run
   * (`report`), which then fails with it: Mastra's recall processor would swallow it and answer
   * without recall.
   */
  private async call<T>(operation: string, fn: () => Promise<T>, report = true): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.typed(operation, error, report);
    }
  }

  private typed(operation: string, error: unknown, report: boolean): AgentSdkError {
    const typed = AgentSdkError.isInstance(error)
      ? error
      : new StorageError({
          adapter: this.options.storage.name,
          operation: `vectors.${operation}`,
          cause: error,
        });
    if (report) {
      try {
        currentBridgeScope()?.onFailure(typed);
      } catch {
        // A listener's failure must not replace the storage error.
      }
    }
    return typed;
  }
}

const NO_MATCH = Symbol("no match");

/**
 * Inside a run, a filter is always narrowed to the run's resource: Mastra's thread-scoped recall
 * filters by `thread_id` alone, and the same thread id under another resource is another thread.
 */
function withRunResource(
  filter: VectorFilter | undefined | typeof NO_MATCH,
): VectorFilter | undefined | typeof NO_MATCH {
  const scope = currentBridgeScope();
  if (!scope || filter === NO_MATCH) return filter;
  const resource = filter?.resourceId;
  if (resource === undefined) return { ...(filter ?? {}), resourceId: scope.resourceId };
  const allowed =
    typeof resource === "object" ? resource.$in.includes(scope.resourceId) : resource === scope.resourceId;
  return allowed ? { ...filter, resourceId: scope.resourceId } : NO_MATCH;
}

function toOurMetadata(metadata: Record<string, unknown>): Record<string, VectorMetadataValue> {
  const out: Record<string, VectorMetadataValue> = {};
  for (const [key, value] of Object.entries(metadata)) {
    const ours = TO_OURS[key];
    if (ours !== undefined && (typeof value === "string" || typeof value === "number")) out[ours] = value;
  }
  return out;
}

function toMastraMetadata(metadata: Readonly<Record<string, VectorMetadataValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) out[TO_MASTRA[key] ?? key] = value;
  return out;
}

type Condition = VectorMetadataValue | { readonly $in: readonly VectorMetadataValue[] };

/** Mastra's (Mongo-style) filter as a FlowMaestro filter; `NO_MATCH` when it can match nothing. */
function toOurFilter(filter: unknown): VectorFilter | undefined | typeof NO_MATCH {
  if (filter === undefined || filter === null) return undefined;
  const out: Record<string, Condition> = {};
  const add = (key: string, condition: Condition): boolean => {
    const existing = out[key];
    if (existing === undefined) {
      out[key] = condition;
      return true;
    }
    // Two conditions on one key (an `$and`): keep the values both allow.
    const values = (condition: Condition) =>
      typeof condition === "object" ? [...condition.$in] : [condition as VectorMetadataValue];
    const both = values(existing).filter((value) => values(condition).includes(value));
    if (both.length === 0) return false;
    out[key] = both.length === 1 ? (both[0] as VectorMetadataValue) : { $in: both };
    return true;
  };
  const walk = (node: unknown): boolean => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) throw unsupported(node);
    for (const [rawKey, value] of Object.entries(node as Record<string, unknown>)) {
      if (rawKey === "$and") {
        if (!Array.isArray(value)) throw unsupported(node);
        for (const child of value) if (!walk(child)) return false;
        continue;
      }
      if (rawKey.startsWith("$")) throw unsupported(node);
      const key = TO_OURS[rawKey] ?? rawKey;
      if (isScalar(value)) {
        if (!add(key, value)) return false;
        continue;
      }
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        for (const [operator, operand] of Object.entries(value as Record<string, unknown>)) {
          if (operator === "$eq" && isScalar(operand)) {
            if (!add(key, operand)) return false;
          } else if (operator === "$in" && Array.isArray(operand) && operand.every(isScalar)) {
            if (operand.length === 0 || !add(key, { $in: operand as VectorMetadataValue[] })) return false;
          } else {
            throw unsupported(node);
          }
        }
        continue;
      }
      throw unsupported(node);
    }
    return true;
  };
  if (!walk(filter)) return NO_MATCH;
  return Object.keys(out).length === 0 ? undefined : out;
}

function isScalar(value: unknown): value is VectorMetadataValue {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function unsupported(node: unknown): Error {
  return new Error(
    `Vector filter not supported on a FlowMaestro index: ${JSON.stringify(node)}. Use equality, $eq, $in and $and.`,
  );
}
