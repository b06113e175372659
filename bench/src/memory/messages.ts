import { appendBatches, messageText } from "./data.js";
import { interleave, summarizeMemory } from "./sampling.js";
import { type BenchStore, STORE_LABELS } from "./stores.js";
import { emptyRow, type MemoryRow, type MemorySection } from "./types.js";

export interface AppendOptions {
  /** Messages appended per sample (one thread each). */
  messages: number;
  /** Samples per store, interleaved. */
  rounds: number;
}

/**
 * Part 1: append `messages` messages to a fresh thread the way runs do (appends of 1 and 2
 * messages alternating), one sample per round and store. The writes are built before the clock
 * starts; each sample is checked afterwards by reading the whole thread back.
 */
export async function measureAppend(
  stores: readonly BenchStore[],
  options: AppendOptions,
): Promise<MemorySection> {
  const batches = appendBatches(options.messages);
  const rows = new Map(stores.map((store) => [store.id, emptyRow(store.id, STORE_LABELS[store.id])]));
  const totals = new Map<string, number[]>(stores.map((store) => [store.id, []]));
  const errors = new Map<string, string>();
  // Warm-up (not recorded): one short thread per store.
  await interleave(
    stores,
    1,
    async (store) => {
      const threadId = `append-warmup-${store.id}`;
      await store.messages.createThread(threadId);
      for (const write of appendBatches(60).map((batch) => store.messages.prepareAppend(threadId, batch)))
        await write();
    },
    errors,
  );
  await interleave(
    stores,
    options.rounds,
    async (store, round) => {
      const threadId = `append-${round}-${store.id}`;
      await store.messages.createThread(threadId);
      const writes = batches.map((batch) => store.messages.prepareAppend(threadId, batch));
      const started = performance.now();
      for (const write of writes) await write();
      const elapsed = performance.now() - started;
      const texts = store.messages.textsOf(await store.messages.loadLast(threadId, options.messages + 10));
      const problem = checkTexts(texts, 0, options.messages);
      if (problem) throw new Error(`wrong thread after appending: ${problem}`);
      totals.get(store.id)?.push(elapsed);
    },
    errors,
  );
  for (const [id, row] of rows) {
    const values = totals.get(id) ?? [];
    finish(row, errors.get(id), () => {
      row.samples.totalMs = values;
      row.samples.msPerMessage = values.map((ms) => ms / options.messages);
      row.metrics.totalMs = summarizeMemory(values);
      row.metrics.msPerMessage = summarizeMemory(row.samples.msPerMessage);
      row.figures.appendCalls = batches.length;
    });
  }
  return {
    id: "append",
    title: `Append ${options.messages.toLocaleString("en-US")} messages to a thread (${batches.length} appends of 1–2 messages, as runs write)`,
    rows: [...rows.values()],
    notes: [
      `One fresh thread per sample; ${options.rounds} sample(s) per store, stores interleaved. Each message is one text message of about 200 characters; every sample is checked by reading the thread back.`,
      'FlowMaestro: `storage.appendMessages({ messages: [{ message, runId, step }] })`. Mastra: `(await LibSQLStore.getStore("memory")).saveMessages({ messages })` with v2 messages (ids and dates made before timing).',
    ],
  };
}

export interface LoadOptions {
  /** Messages in the thread. */
  threadMessages: number;
  /** Messages per load. */
  last: number;
  rounds: number;
  /** Loads per store and round. */
  loadsPerRound: number;
  warmupLoads: number;
}

/**
 * Part 2: load the last `last` messages of a `threadMessages`-message thread. The thread is
 * written first in appends of 100 (timed as setup only); every load is checked after timing.
 */
export async function measureLoad(
  stores: readonly BenchStore[],
  options: LoadOptions,
): Promise<MemorySection> {
  const rows = new Map(stores.map((store) => [store.id, emptyRow(store.id, STORE_LABELS[store.id])]));
  const samples = new Map<string, number[]>(stores.map((store) => [store.id, []]));
  const errors = new Map<string, string>();
  const threadId = "load-thread";
  await interleave(
    stores,
    1,
    async (store) => {
      await store.messages.createThread(threadId);
      const started = performance.now();
      for (let first = 0; first < options.threadMessages; first += 100) {
        const indexes = Array.from(
          { length: Math.min(100, options.threadMessages - first) },
          (_, i) => first + i,
        );
        await store.messages.prepareAppend(threadId, indexes)();
      }
      rows.get(store.id)!.figures.seedMs = performance.now() - started;
      for (let load = 0; load < options.warmupLoads; load++) await loadChecked(store);
    },
    errors,
  );
  async function loadChecked(store: BenchStore): Promise<number> {
    const started = performance.now();
    const loaded = await store.messages.loadLast(threadId, options.last);
    const elapsed = performance.now() - started;
    const problem = checkTexts(
      store.messages.textsOf(loaded),
      options.threadMessages - options.last,
      options.last,
    );
    if (problem) throw new Error(`wrong messages loaded: ${problem}`);
    return elapsed;
  }
  await interleave(
    stores,
    options.rounds,
    async (store) => {
      for (let load = 0; load < options.loadsPerRound; load++)
        samples.get(store.id)?.push(await loadChecked(store));
    },
    errors,
  );
  for (const [id, row] of rows) {
    finish(row, errors.get(id), () => {
      row.samples.loadMs = samples.get(id) ?? [];
      row.metrics.loadMs = summarizeMemory(row.samples.loadMs);
    });
  }
  return {
    id: "load",
    title: `Load the last ${options.last} messages of a ${options.threadMessages.toLocaleString("en-US")}-message thread`,
    rows: [...rows.values()],
    notes: [
      `${options.rounds} rounds × ${options.loadsPerRound} loads per store after ${options.warmupLoads} warm-up loads, stores interleaved; every load is checked (the right ${options.last} messages, oldest first).`,
      `FlowMaestro: \`storage.listMessages({ threadId, resourceId, last: ${options.last} })\`. Mastra: \`listMessages({ threadId, resourceId, perPage: ${options.last}, page: 0, orderBy: { field: "createdAt", direction: "DESC" } })\` reversed, as \`Memory.recall\` asks it.`,
    ],
  };
}

function finish(row: MemoryRow, error: string | undefined, fill: () => void): void {
  if (error !== undefined) {
    row.status = "error";
    row.note = error;
    return;
  }
  fill();
}

/** Whether `texts` are messages `first` … `first + count - 1`, in order. */
function checkTexts(texts: readonly string[], first: number, count: number): string | undefined {
  if (texts.length !== count) return `${texts.length} message(s), expected ${count}`;
  for (let i = 0; i < count; i++) {
    if (texts[i] !== messageText(first + i))
      return `message ${i} is ${JSON.stringify(texts[i]?.slice(0, 20))}, expected #${first + i}`;
  }
  return undefined;
}
