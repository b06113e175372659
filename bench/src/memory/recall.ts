import { rm } from "node:fs/promises";
import path from "node:path";
import { createClient } from "@libsql/client";
import { LibSQLVector } from "@mastra/libsql";
import { createVectorSet, recallAtK, type VectorSet, vectorAt, vectorId } from "./data.js";
import { interleave, summarizeMemory } from "./sampling.js";
import {
  type BenchStore,
  describeError,
  mastraVectorApi,
  STORE_LABELS,
  tempDirectory,
  type VectorIndex,
} from "./stores.js";
import { emptyRow, type MemoryRow, type MemorySection } from "./types.js";

export interface RecallOptions {
  /** Vectors in the exact-search indexes (in-memory, Postgres fallback, Mastra without DiskANN). */
  count: number;
  /**
   * Vectors in the DiskANN indexes (FlowMaestro libSQL, Mastra LibSQLVector as created): building
   * DiskANN costs ~12 ms a vector here, so 100,000 would take ~20 minutes per index.
   */
  annCount: number;
  dimension: number;
  topK: number;
  /** Distinct query vectors (cycled). */
  queries: number;
  warmupQueries: number;
  rounds: number;
  /** Query time budget per contestant over all rounds, ms (at least `minQueries` are taken). */
  budgetMs: number;
  minQueries: number;
  maxQueries: number;
  /** Vectors per upsert call. */
  batch: number;
}

/** One index under test. */
interface RecallContestant {
  id: string;
  label: string;
  set: VectorSet;
  index: VectorIndex;
  dispose?: () => Promise<void>;
}

const INDEX_NAME = "bench_recall";

/** How each row searches (Postgres: as its store reports). */
const SEARCH: Record<string, string> = {
  "in-memory": "exact, in JS",
  libsql: "DiskANN (`libsql_vector_idx`, cosine)",
  "mastra-libsql": "DiskANN (`libsql_vector_idx`, as `createIndex` makes it)",
  "mastra-libsql-exact": "exact scan (`vector_distance_cos`, DiskANN index dropped)",
};

/**
 * Part 3: semantic recall, top-k over seeded clustered unit vectors. Each index is filled through
 * its store's own upsert (timed as setup: "insert + index"), then every contestant answers the
 * same queries in interleaved rounds. Each answer is compared with the exact top-k computed here
 * (recall@k), so a fast but approximate index shows what it gives up.
 *
 * Rows: FlowMaestro in-memory and Postgres (exact, `count` vectors); FlowMaestro libSQL
 * (DiskANN, `annCount`); Mastra `LibSQLVector` twice: as `createIndex` makes it (DiskANN,
 * `annCount`, the like-for-like reference for the libSQL adapter) and with its DiskANN index
 * dropped before the insert, which makes `query` take its exact-scan path (`count`, the
 * reference for the exact stores).
 */
export async function measureRecall(
  stores: readonly BenchStore[],
  options: RecallOptions,
  log: (message: string) => void,
): Promise<MemorySection> {
  const started = performance.now();
  const full = createVectorSet({
    count: options.count,
    dimension: options.dimension,
    queryCount: options.queries,
    k: options.topK,
  });
  const ann =
    options.annCount === options.count
      ? full
      : createVectorSet({
          count: options.annCount,
          dimension: options.dimension,
          queryCount: options.queries,
          k: options.topK,
        });
  log(
    `[bench]   vectors and exact top-${options.topK} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const rows: MemoryRow[] = [];
  const contestants: RecallContestant[] = [];
  const errors = new Map<string, string>();
  const add = async (
    id: string,
    label: string,
    search: string,
    set: VectorSet,
    build: () => Promise<{ index: VectorIndex; dispose?: () => Promise<void>; filled?: boolean }>,
  ) => {
    const row = emptyRow(id, label);
    row.detail = search;
    row.figures.vectors = set.count;
    rows.push(row);
    log(`[bench]   ${label}: inserting ${set.count.toLocaleString("en-US")} vectors`);
    try {
      const insertStarted = performance.now();
      const { index, dispose, filled } = await build();
      if (!filled) await fill(index, set, options.batch);
      const elapsed = performance.now() - insertStarted;
      // A bulk SQL load is not the store's upsert: kept apart so it is never read as one.
      row.figures[filled ? "bulkLoadMs" : "insertMs"] = elapsed;
      log(`[bench]     ${(elapsed / 1000).toFixed(1)} s`);
      contestants.push({ id, label, set, index, ...(dispose ? { dispose } : {}) });
    } catch (error) {
      row.status = "error";
      row.note = `setup failed: ${describeError(error)}`;
    }
  };

  for (const store of stores) {
    if (!store.createVectorIndex) continue;
    // Both libSQL-native indexes are DiskANN; they hold the DiskANN count.
    const isAnn = store.id === "libsql" || store.id === "mastra-libsql";
    const create = store.createVectorIndex;
    const label =
      store.id === "mastra-libsql" ? `${STORE_LABELS[store.id]}, DiskANN` : STORE_LABELS[store.id];
    const search = SEARCH[store.id] ?? store.note ?? "";
    await add(store.id, label, search, isAnn ? ann : full, async () => ({
      index: await create(INDEX_NAME, options.dimension),
    }));
    if (store.id === "mastra-libsql") {
      // The same class on its exact path: its DiskANN index dropped before inserting, and a
      // fresh instance (it looks for indexes when it opens) for the writes and queries.
      await add(
        "mastra-libsql-exact",
        `${STORE_LABELS[store.id]}, exact scan`,
        SEARCH["mastra-libsql-exact"] as string,
        full,
        () => mastraExactIndex(options.dimension, full),
      );
    }
  }

  const samples = new Map<string, number[]>(contestants.map((c) => [c.id, []]));
  const recalls = new Map<string, number[]>(contestants.map((c) => [c.id, []]));
  const cursor = new Map<string, number>(contestants.map((c) => [c.id, 0]));
  const queryOnce = async (contestant: RecallContestant, record: boolean) => {
    const position = cursor.get(contestant.id) ?? 0;
    cursor.set(contestant.id, position + 1);
    const q = position % contestant.set.queries.length;
    const vector = contestant.set.queries[q] as number[];
    const queryStarted = performance.now();
    const ids = await contestant.index.query(vector, options.topK);
    const elapsed = performance.now() - queryStarted;
    if (ids.length !== options.topK)
      throw new Error(`query returned ${ids.length} match(es), expected ${options.topK}`);
    if (record) {
      samples.get(contestant.id)?.push(elapsed);
      recalls.get(contestant.id)?.push(recallAtK(ids, contestant.set.truth[q] as string[]));
    }
  };
  await interleave(
    contestants,
    1,
    async (contestant) => {
      // At least one, then up to `warmupQueries` within a second (an exact scan of 100,000
      // vectors can take seconds a query).
      const deadline = performance.now() + 1_000;
      for (let i = 0; i < options.warmupQueries && (i === 0 || performance.now() < deadline); i++) {
        await queryOnce(contestant, false);
      }
    },
    errors,
  );
  await interleave(
    contestants,
    options.rounds,
    async (contestant, round) => {
      const taken = samples.get(contestant.id) ?? [];
      const minimum = Math.ceil((options.minQueries * (round + 1)) / options.rounds);
      const maximum = Math.ceil((options.maxQueries * (round + 1)) / options.rounds);
      const deadline = performance.now() + options.budgetMs / options.rounds;
      while (taken.length < maximum && (taken.length < minimum || performance.now() < deadline)) {
        await queryOnce(contestant, true);
      }
    },
    errors,
  );
  for (const contestant of contestants) await contestant.dispose?.().catch(() => {});

  for (const row of rows) {
    const error = errors.get(row.id);
    if (error !== undefined) {
      row.status = "error";
      row.note = `query failed: ${error}`;
      continue;
    }
    if (row.status !== "ok") continue;
    row.samples.queryMs = samples.get(row.id) ?? [];
    row.metrics.queryMs = summarizeMemory(row.samples.queryMs);
    const values = recalls.get(row.id) ?? [];
    row.figures.recallAtK = values.reduce((sum, value) => sum + value, 0) / (values.length || 1);
  }
  return {
    id: "recall",
    title: `Semantic recall: top-${options.topK} over ${options.count.toLocaleString("en-US")} stored vectors (dimension ${options.dimension})`,
    rows,
    notes: [
      `Seeded clustered unit vectors (√n topics); ${options.queries} distinct queries, each a stored vector plus noise. 1 to ${options.warmupQueries} warm-up queries (1 s), then ${options.rounds} interleaved rounds (at least ${options.minQueries} queries, else up to ${options.maxQueries} or ${(options.budgetMs / 1000).toFixed(0)} s per index); median/p95 per query. recall@${options.topK}: share of the exact top-${options.topK} (computed in JS) returned.`,
      `"insert + index" is setup: upserts of ${options.batch} vectors through each store's own API, including building its index (DiskANN indexes are maintained on insert, in both libraries).`,
      options.annCount < options.count
        ? `DiskANN rows hold ${options.annCount.toLocaleString("en-US")} vectors, not ${options.count.toLocaleString("en-US")}: both libraries create libSQL's default \`libsql_vector_idx\` before inserting, and inserting into it cost ${annCost(rows)} here, so ${options.count.toLocaleString("en-US")} vectors would take ${annEstimate(rows, options.count)} per index (and grows slowly with the index). Compare DiskANN rows with each other; \`--memory-ann-vectors=${options.count}\` measures them at the full count.`
        : `DiskANN rows hold the full ${options.count.toLocaleString("en-US")} vectors.`,
      'Mastra exact scan: `LibSQLVector.createIndex` makes the table, its `*_vector_idx` is dropped and the rows bulk-loaded with SQL as its `upsert` writes them (its load time is marked "bulk SQL", not an upsert figure); a fresh `LibSQLVector` finds no index and `query` takes its exact path, `vector_distance_cos` against the query as JSON text (parsed again for every row). Not Mastra\'s default: `createIndex` always adds DiskANN, which is the like-for-like row for the libSQL adapter.',
      "The exact rows are the fair reference for each other, not for DiskANN: Mastra's default at 100,000 would be DiskANN, which could not be built here in time (see above).",
    ],
  };
}

/** Measured DiskANN insert cost per vector of each DiskANN row, ms. */
function annPerVector(rows: readonly MemoryRow[]): number[] {
  return rows
    .filter(
      (row) => (row.id === "libsql" || row.id === "mastra-libsql") && row.figures.insertMs !== undefined,
    )
    .map((row) => (row.figures.insertMs as number) / (row.figures.vectors || 1));
}

function annCost(rows: readonly MemoryRow[]): string {
  const costs = annPerVector(rows);
  return costs.length === 0
    ? "(not measured)"
    : `${costs.map((ms) => ms.toFixed(1)).join(" and ")} ms a vector`;
}

function annEstimate(rows: readonly MemoryRow[], count: number): string {
  const costs = annPerVector(rows);
  if (costs.length === 0) return "an unknown time";
  const minutes = (Math.min(...costs) * count) / 60_000;
  return `about ${minutes.toFixed(0)} minutes`;
}

async function fill(index: VectorIndex, set: VectorSet, batch: number): Promise<void> {
  for (let first = 0; first < set.count; first += batch) {
    const records = [];
    for (let row = first; row < Math.min(set.count, first + batch); row++) {
      records.push({
        id: vectorId(row),
        vector: vectorAt(set, row),
        metadata: { threadId: "recall-thread", messageId: `m${row}` },
      });
    }
    await index.upsert(records);
  }
}

/**
 * `LibSQLVector` with no DiskANN index, so its `query` takes the exact-scan path. Its table is made
 * by its own `createIndex`; the DiskANN index is dropped, and the rows are bulk-loaded with plain
 * SQL in the columns and encoding its `upsert` writes (`vector32(json)`, JSON metadata): its
 * upsert (one statement a vector) would take a minute for 100,000, and its write cost is measured
 * on the DiskANN row already. A fresh instance (it looks for indexes when it opens) answers.
 */
async function mastraExactIndex(
  dimension: number,
  set: VectorSet,
): Promise<{ index: VectorIndex; dispose: () => Promise<void>; filled: true }> {
  const directory = await tempDirectory("mastra-exact");
  const url = `file:${path.join(directory, "vectors.db")}`;
  const writer = new LibSQLVector({ id: "bench-mastra-exact-writer", url });
  await writer.createIndex({ indexName: INDEX_NAME, dimension });
  await writer.close();
  const client = createClient({ url });
  try {
    await client.execute(`DROP INDEX IF EXISTS ${INDEX_NAME}_vector_idx`);
    for (let first = 0; first < set.count; first += 1_000) {
      const statements = [];
      for (let row = first; row < Math.min(set.count, first + 1_000); row++) {
        statements.push({
          sql: `INSERT INTO ${INDEX_NAME} (vector_id, embedding, metadata) VALUES (?, vector32(?), ?)`,
          args: [
            vectorId(row),
            JSON.stringify(vectorAt(set, row)),
            JSON.stringify({ threadId: "recall-thread", messageId: `m${row}` }),
          ],
        });
      }
      await client.batch(statements, "write");
    }
  } finally {
    client.close();
  }
  const vector = new LibSQLVector({ id: "bench-mastra-exact", url });
  return {
    index: mastraVectorApi(vector, INDEX_NAME),
    filled: true,
    async dispose() {
      try {
        await vector.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}
