import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { StorageAdapter, StoredMessage } from "@flowmaestro/memory";
import type { MastraDBMessage } from "@mastra/core/memory";
import { LibSQLStore, LibSQLVector } from "@mastra/libsql";
import { benchMessage, messageText } from "./data.js";

/**
 * The stores the memory bench compares, behind one small interface each for messages and for
 * vectors. FlowMaestro's adapters are loaded by variable specifier (like the Mastra runtime
 * runner): `@flowmaestro/memory` is written in parallel with this bench, so a missing build or
 * export makes its rows "n/a" instead of breaking `npm run bench`.
 */

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type StoreId = "in-memory" | "libsql" | "postgres" | "mastra-libsql";

export const STORE_LABELS: Record<StoreId, string> = {
  "in-memory": "FlowMaestro in-memory",
  libsql: "FlowMaestro libSQL (file)",
  postgres: "FlowMaestro Postgres",
  "mastra-libsql": "Mastra @mastra/libsql (file)",
};

export const RESOURCE_ID = "bench-user";

/** Messages of one bench thread, written and read through one store's own API. */
export interface MessageStore {
  id: StoreId;
  createThread(threadId: string): Promise<void>;
  /**
   * Builds (untimed) the write of messages `indexes` (see {@link benchMessage}) to the thread;
   * calling the result does the timed write.
   */
  prepareAppend(threadId: string, indexes: readonly number[]): () => Promise<void>;
  /** The last `count` messages, oldest first, as the store returns them. */
  loadLast(threadId: string, count: number): Promise<unknown>;
  /** The texts of what {@link loadLast} returned (checked after timing). */
  textsOf(loaded: unknown): string[];
}

/** One vector index of `dimension`, through one store's own API. */
export interface VectorIndex {
  upsert(
    records: ReadonlyArray<{ id: string; vector: number[]; metadata: Record<string, string | number> }>,
  ): Promise<void>;
  /** Top-k ids, best first. */
  query(vector: number[], topK: number): Promise<string[]>;
}

/** A store under test: its messages, its vector index, and how to clean up. */
export interface BenchStore {
  id: StoreId;
  /** What is worth saying next to its figures (e.g. which vector path it uses). */
  note?: string;
  messages: MessageStore;
  /** Creates the bench's vector index; `undefined` when the store has no vectors. */
  createVectorIndex?: (indexName: string, dimension: number) => Promise<VectorIndex>;
  /** Closes connections and deletes what the bench created (temp files, the Postgres schema). */
  dispose(): Promise<void>;
}

export type LoadResult = { ok: true; store: BenchStore } | { ok: false; reason: string };

// Variable specifiers: resolved at run time only (see the module comment).
const MEMORY_PACKAGE = "@flowmaestro/memory";
const MEMORY_LIBSQL = "@flowmaestro/memory/libsql";
const MEMORY_POSTGRES = "@flowmaestro/memory/postgres";

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const message = error.message.split("\n")[0] ?? "";
    const causeMessage = error.cause instanceof Error ? (error.cause.message.split("\n")[0] ?? "") : "";
    const cause = causeMessage !== "" && !message.includes(causeMessage) ? ` (cause: ${causeMessage})` : "";
    return `${error.name}: ${message}${cause}`;
  }
  return String(error);
}

async function importExport<T>(specifier: string, name: string): Promise<T> {
  const module = (await import(specifier)) as Record<string, unknown>;
  const value = module[name];
  if (typeof value !== "function") throw new Error(`${specifier} does not export ${name} (not built yet?)`);
  return value as T;
}

/** A temp directory for one store's database file, removed by its `dispose`. */
export async function tempDirectory(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `flowmaestro-bench-${label}-`));
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function adapterMessages(id: StoreId, storage: StorageAdapter): MessageStore {
  return {
    id,
    async createThread(threadId) {
      await storage.createThread({ id: threadId, resourceId: RESOURCE_ID, title: "bench" });
    },
    prepareAppend(threadId, indexes) {
      // As a run saves: its input without a step, then each step's messages with the step.
      const runId = `run-${indexes[0]}`;
      const input = {
        threadId,
        resourceId: RESOURCE_ID,
        messages: indexes.map((index) => ({
          message: benchMessage(index),
          runId,
          ...(indexes.length > 1 ? { step: 0 } : {}),
        })),
      };
      return async () => {
        await storage.appendMessages(input);
      };
    },
    loadLast: (threadId, count) => storage.listMessages({ threadId, resourceId: RESOURCE_ID, last: count }),
    textsOf: (loaded) =>
      (loaded as readonly StoredMessage[]).map(({ message }) => {
        if (typeof message.content === "string") return message.content;
        const part = message.content[0];
        return part && part.type === "text" ? part.text : "";
      }),
  };
}

function adapterVectors(storage: StorageAdapter): BenchStore["createVectorIndex"] {
  const vectors = storage.vectors;
  if (!vectors) return undefined;
  return async (indexName, dimension) => {
    await vectors.createIndex({ indexName, dimension });
    return {
      upsert: (records) => vectors.upsert({ indexName, vectors: records }),
      async query(vector, topK) {
        const matches = await vectors.query({ indexName, vector, topK });
        return matches.map((match) => match.id);
      },
    };
  };
}

export async function loadInMemory(): Promise<LoadResult> {
  try {
    const create = await importExport<() => StorageAdapter>(MEMORY_PACKAGE, "createInMemoryStorage");
    const storage = create();
    await storage.init();
    return {
      ok: true,
      store: {
        id: "in-memory",
        note: "exact cosine in JS",
        messages: adapterMessages("in-memory", storage),
        createVectorIndex: adapterVectors(storage),
        dispose: () => storage.close(),
      },
    };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

export async function loadLibsql(): Promise<LoadResult> {
  let directory: string | undefined;
  try {
    const create = await importExport<(options: { url: string }) => StorageAdapter>(
      MEMORY_LIBSQL,
      "createLibsqlStorage",
    );
    directory = await tempDirectory("libsql");
    const storage = create({ url: `file:${path.join(directory, "memory.db")}` });
    await storage.init();
    const dir = directory;
    return {
      ok: true,
      store: {
        id: "libsql",
        note: "libSQL native vectors (DiskANN `libsql_vector_idx`, cosine)",
        messages: adapterMessages("libsql", storage),
        createVectorIndex: adapterVectors(storage),
        async dispose() {
          try {
            await storage.close();
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        },
      },
    };
  } catch (error) {
    if (directory) await rm(directory, { recursive: true, force: true });
    return { ok: false, reason: describeError(error) };
  }
}

interface PostgresStorageLike extends StorageAdapter {
  getPool(): Promise<{ query(sql: string): Promise<unknown> }>;
  vectorMode(): Promise<string>;
}

export async function loadPostgres(): Promise<LoadResult> {
  let create: (options: Record<string, unknown>) => PostgresStorageLike;
  try {
    create = await importExport(MEMORY_POSTGRES, "createPostgresStorage");
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
  // A fresh schema per run, dropped on dispose.
  const schema = `fm_bench_${process.pid}_${Date.now().toString(36)}`;
  const storage = create({ connectionString: POSTGRES_URL, schema, vectors: "auto" });
  const dropSchema = async () => {
    const pool = await storage.getPool();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  };
  try {
    await withTimeout(storage.init(), 15_000, "Postgres init");
    const mode = await storage.vectorMode();
    return {
      ok: true,
      store: {
        id: "postgres",
        note:
          mode === "exact"
            ? "exact fallback (cosine over `real[]` in SQL): this server has no pgvector"
            : `vectors: ${mode}`,
        messages: adapterMessages("postgres", storage),
        createVectorIndex: adapterVectors(storage),
        async dispose() {
          await dropSchema().catch(() => {});
          await storage.close();
        },
      },
    };
  } catch (error) {
    await dropSchema().catch(() => {});
    await storage.close().catch(() => {});
    return { ok: false, reason: `${POSTGRES_URL} unreachable or failing: ${describeError(error)}` };
  }
}

/** Message `index` in Mastra's stored format (v2: one text part), with its own id and time. */
export function mastraMessage(threadId: string, index: number, createdAt: Date): MastraDBMessage {
  return {
    id: randomUUID(),
    role: index % 2 === 0 ? "user" : "assistant",
    createdAt,
    threadId,
    resourceId: RESOURCE_ID,
    type: "v2",
    content: { format: 2, parts: [{ type: "text", text: messageText(index) }] },
  };
}

/** Mastra's own store: `LibSQLStore` (memory domain) and `LibSQLVector` on a temp file each. */
export async function loadMastraLibsql(): Promise<LoadResult> {
  const directory = await tempDirectory("mastra");
  try {
    const store = new LibSQLStore({ id: "bench-mastra", url: `file:${path.join(directory, "mastra.db")}` });
    await store.init();
    const memory = await store.getStore("memory");
    if (!memory) throw new Error("LibSQLStore has no memory domain");
    // Mastra orders a thread by `createdAt`; each message gets its own millisecond, in order.
    let clock = Date.now();
    const messages: MessageStore = {
      id: "mastra-libsql",
      async createThread(threadId) {
        const now = new Date();
        await memory.saveThread({
          thread: {
            id: threadId,
            resourceId: RESOURCE_ID,
            title: "bench",
            metadata: {},
            createdAt: now,
            updatedAt: now,
          },
        });
      },
      prepareAppend(threadId, indexes) {
        const batch = indexes.map((index) => mastraMessage(threadId, index, new Date(clock++)));
        return async () => {
          await memory.saveMessages({ messages: batch });
        };
      },
      // What `Memory.recall` asks the store for `lastMessages` (newest first, then reversed).
      async loadLast(threadId, count) {
        const result = await memory.listMessages({
          threadId,
          resourceId: RESOURCE_ID,
          perPage: count,
          page: 0,
          orderBy: { field: "createdAt", direction: "DESC" },
        });
        return result.messages.reverse();
      },
      textsOf: (loaded) =>
        (loaded as MastraDBMessage[]).map((message) => {
          const part = message.content.parts[0];
          return part && part.type === "text" ? part.text : "";
        }),
    };
    const vectorStores: LibSQLVector[] = [];
    return {
      ok: true,
      store: {
        id: "mastra-libsql",
        note: "LibSQLStore (memory domain) + LibSQLVector",
        messages,
        async dispose() {
          for (const vector of vectorStores) await vector.close().catch(() => {});
          try {
            await store.close();
          } finally {
            await rm(directory, { recursive: true, force: true });
          }
        },
        createVectorIndex: async (indexName, dimension) => {
          const vector = new LibSQLVector({
            id: "bench-mastra-vector",
            url: `file:${path.join(directory, `${indexName}.db`)}`,
          });
          vectorStores.push(vector);
          return mastraVectorIndex(vector, indexName, dimension);
        },
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    return { ok: false, reason: describeError(error) };
  }
}

/** `LibSQLVector` as Mastra's memory uses it: `createIndex` (which adds its DiskANN index), `upsert`, `query`. */
export async function mastraVectorIndex(
  vector: LibSQLVector,
  indexName: string,
  dimension: number,
): Promise<VectorIndex> {
  await vector.createIndex({ indexName, dimension });
  return mastraVectorApi(vector, indexName);
}

export function mastraVectorApi(vector: LibSQLVector, indexName: string): VectorIndex {
  return {
    async upsert(records) {
      await vector.upsert({
        indexName,
        vectors: records.map((record) => record.vector),
        ids: records.map((record) => record.id),
        metadata: records.map((record) => record.metadata),
      });
    },
    async query(queryVector, topK) {
      const results = await vector.query({ indexName, queryVector, topK });
      return results.map((result) => result.id);
    },
  };
}
