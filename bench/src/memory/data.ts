import type { ModelMessage } from "ai";

/**
 * Deterministic inputs of the memory bench: every contestant gets exactly the same messages and
 * the same vectors, from fixed seeds, on every run.
 */

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Standard normal (Box-Muller) from a uniform source. */
function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const WORDS =
  "install linux package version config server client deploy error retry cache token thread memory agent tool result answer question schedule invoice account billing export import report chart metric latency region backup restore"
    .split(" ")
    .filter(Boolean);

/** A sentence of about `words` words, deterministic in `index`. */
export function sentence(index: number, words = 24): string {
  const random = seededRandom(index + 1);
  const parts: string[] = [];
  for (let i = 0; i < words; i++) parts.push(WORDS[Math.floor(random() * WORDS.length)] as string);
  return `#${index} ${parts.join(" ")}.`;
}

/** The text of message `index` of a bench thread: about 200 characters. */
export const messageText = (index: number): string => sentence(index);

/**
 * Message `index` of a bench thread as an AI SDK message: users and assistants alternate, each a
 * single text part, so every store writes exactly one row of the same text per message.
 */
export function benchMessage(index: number): ModelMessage {
  const text = messageText(index);
  return index % 2 === 0
    ? { role: "user", content: text }
    : { role: "assistant", content: [{ type: "text", text }] };
}

/**
 * How a run appends: its input (1 message), then each finished step's messages (an assistant
 * message with its tool results: 2), then the final answer (1). Cycling 1, 2 stores `total`
 * messages in about `total / 1.5` appends.
 */
export function appendBatches(total: number): number[][] {
  const batches: number[][] = [];
  let next = 0;
  for (let call = 0; next < total; call++) {
    const size = Math.min(call % 2 === 0 ? 1 : 2, total - next);
    batches.push(Array.from({ length: size }, (_, offset) => next + offset));
    next += size;
  }
  return batches;
}

/** A set of unit vectors and queries with their exact top-k (the ground truth of recall@k). */
export interface VectorSet {
  dimension: number;
  /** `count` unit vectors, row-major. */
  data: Float32Array;
  count: number;
  /** Query vectors (unit length). */
  queries: number[][];
  /** Exact top-k ids of each query, best first (cosine). */
  truth: string[][];
}

/** Noise around a topic's centroid (norm, relative to the unit centroid). */
const CLUSTER_NOISE = 0.8;
/** Noise of a query around the stored vector it resembles. */
const QUERY_NOISE = 0.3;

export const vectorId = (index: number): string => `v${index}`;

/**
 * `count` seeded unit vectors of `dimension`, clustered the way embeddings of a conversation
 * are (topics: centroids plus noise), and `queryCount` queries, each a stored vector with noise
 * (the new input resembles something said before), with their exact top-`k` computed here.
 */
export function createVectorSet(options: {
  count: number;
  dimension: number;
  queryCount: number;
  k: number;
  seed?: number;
}): VectorSet {
  const { count, dimension, queryCount, k } = options;
  const random = seededRandom(options.seed ?? 42);
  const clusters = Math.max(1, Math.round(Math.sqrt(count)));
  const centroids = Array.from({ length: clusters }, () =>
    unit(Array.from({ length: dimension }, () => gaussian(random))),
  );
  const data = new Float32Array(count * dimension);
  const point = new Array<number>(dimension);
  for (let row = 0; row < count; row++) {
    const centroid = centroids[Math.floor(random() * clusters)] as number[];
    for (let i = 0; i < dimension; i++)
      point[i] = (centroid[i] as number) + (CLUSTER_NOISE * gaussian(random)) / Math.sqrt(dimension);
    writeUnit(point, data, row * dimension);
  }
  const queries: number[][] = [];
  for (let q = 0; q < queryCount; q++) {
    const base = Math.floor(random() * count) * dimension;
    queries.push(
      unit(
        Array.from(
          { length: dimension },
          (_, i) => (data[base + i] as number) + (QUERY_NOISE * gaussian(random)) / Math.sqrt(dimension),
        ),
      ),
    );
  }
  const truth = queries.map((query) => exactTopK(data, count, dimension, query, k));
  return { dimension, data, count, queries, truth };
}

/** Vector `index` of the set as a plain array (what every store's API takes). */
export function vectorAt(set: VectorSet, index: number): number[] {
  return Array.from(set.data.subarray(index * set.dimension, (index + 1) * set.dimension));
}

function unit(vector: number[]): number[] {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}

function writeUnit(vector: readonly number[], target: Float32Array, offset: number): void {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < vector.length; i++) target[offset + i] = (vector[i] as number) / norm;
}

/** Exact cosine top-k over unit vectors (dot product), best first. */
function exactTopK(
  data: Float32Array,
  count: number,
  dimension: number,
  query: readonly number[],
  k: number,
): string[] {
  const best: Array<{ index: number; score: number }> = [];
  for (let row = 0; row < count; row++) {
    let score = 0;
    const offset = row * dimension;
    for (let i = 0; i < dimension; i++) score += (data[offset + i] as number) * (query[i] as number);
    if (best.length < k || score > (best[best.length - 1] as { score: number }).score) {
      best.push({ index: row, score });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
    }
  }
  return best.map((entry) => vectorId(entry.index));
}

/** Share of the exact top-k found, 0 to 1. */
export function recallAtK(found: readonly string[], truth: readonly string[]): number {
  const expected = new Set(truth);
  return found.filter((id) => expected.has(id)).length / (truth.length || 1);
}
