import type { EmbeddingModelV4, EmbeddingModelV4CallOptions, EmbeddingModelV4Result } from "@ai-sdk/provider";
import { InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";

/** Dimension of {@link createHashEmbedder} vectors when no `dimension` is given. */
export const DEFAULT_HASH_EMBEDDER_DIMENSION = 256;

/** Largest dimension {@link createHashEmbedder} accepts. */
export const MAX_HASH_EMBEDDER_DIMENSION = 65_536;

/**
 * Common English words left out of the word and bigram features (their character n-grams too):
 * without inverse document frequencies they would make any two English sentences look alike.
 */
export const DEFAULT_HASH_EMBEDDER_STOP_WORDS: readonly string[] = [
  "a",
  "about",
  "after",
  "all",
  "also",
  "am",
  "an",
  "and",
  "any",
  "are",
  "as",
  "at",
  "be",
  "been",
  "but",
  "by",
  "can",
  "could",
  "did",
  "do",
  "does",
  "for",
  "from",
  "had",
  "has",
  "have",
  "he",
  "her",
  "his",
  "how",
  "i",
  "if",
  "in",
  "into",
  "is",
  "it",
  "its",
  "me",
  "my",
  "no",
  "not",
  "of",
  "on",
  "or",
  "our",
  "she",
  "so",
  "than",
  "that",
  "the",
  "their",
  "them",
  "then",
  "there",
  "these",
  "they",
  "this",
  "those",
  "to",
  "us",
  "was",
  "we",
  "were",
  "what",
  "when",
  "where",
  "which",
  "who",
  "why",
  "will",
  "with",
  "would",
  "you",
  "your",
];

/** Options of {@link createHashEmbedder}. */
export interface HashEmbedderOptions {
  /**
   * Length of every vector (a per-call `dimensions` option overrides it). Bigger means fewer hash
   * collisions between unrelated words; 256 to 1024 suits small and mid-sized corpora.
   * @default 256
   */
  dimension?: number;
  /**
   * Model id reported as `modelId` (and so part of a knowledge base's default index name).
   * Change it when you change `dimension` or `stopWords` of an existing index's embedder.
   * @default "hash-v1"
   */
  modelId?: string;
  /**
   * Words left out of the features (compared after lower-casing). `[]` keeps every word. A text
   * made only of stop words is embedded from all its words rather than as empty.
   * @default DEFAULT_HASH_EMBEDDER_STOP_WORDS (about 75 common English words)
   */
  stopWords?: readonly string[];
}

/** Provider id of {@link createHashEmbedder} models. */
export const HASH_EMBEDDER_PROVIDER = "flowmaestro";

// Relative weights of the feature families. Words dominate; the character 3-grams of a word
// (about as many as it has letters) together weigh a little more than the word itself, so a typo
// or an inflection ("install" / "installing" / "instal") keeps most of the similarity.
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.35;
// Yield to the event loop (and look at the abort signal) every this many values.
const YIELD_EVERY = 256;
const WORD_PATTERN = /[\p{L}\p{N}]+/gu;

/**
 * Creates a deterministic, offline embedding model (AI SDK `EmbeddingModelV4`) based on feature
 * hashing. It needs no network, no key, no weights and no dependency, and the same text gives the
 * same vector on every machine and every run.
 *
 * How: the text is Unicode-normalised (NFKC) and lower-cased, split into words (letters and
 * digits), and turned into features: each word, each pair of neighbouring words, and the
 * character 3-grams of each word with boundary markers (`<in`, `ins`, …, `ll>`). Each feature is
 * hashed (FNV-1a with a murmur3 finaliser) into one of `dimension` buckets with a sign taken from
 * the hash, weighted by `1 + ln(count)` (sublinear term frequency), and the vector is
 * L2-normalised, so the dot product of two vectors is their cosine similarity.
 *
 * Good at: lexical overlap (shared words and phrases), typos and inflections (through the
 * character n-grams), zero setup, offline tests, examples and reproducible CI runs.
 *
 * Bad at: meaning. Synonyms ("car" / "automobile"), paraphrases and translations are **not**
 * close; there are no word frequencies across a corpus (no IDF) beyond a stop-word list, and
 * unrelated words can collide in a bucket. Do not use it where recall quality matters: use a real
 * provider embedding model there, e.g. `openai.embedding("text-embedding-3-small")` from
 * `@ai-sdk/openai`, in a new index (vectors of different models never mix).
 *
 * An empty text (no letters or digits) gets one fixed unit vector, so every vector is unit length.
 *
 * @example
 * ```ts
 * import { embedMany } from "ai";
 * const model = createHashEmbedder({ dimension: 512 });
 * const { embeddings } = await embedMany({ model, values: ["Install on Linux", "Linux install"] });
 * ```
 *
 * @throws {InvalidDefinitionError} for a `dimension` that is not an integer from 1 to 65536 or an
 * empty `modelId`.
 */
export function createHashEmbedder(options: HashEmbedderOptions = {}): EmbeddingModelV4 {
  const dimension = options.dimension ?? DEFAULT_HASH_EMBEDDER_DIMENSION;
  const modelId = options.modelId ?? "hash-v1";
  const issues: ValidationIssue[] = [];
  if (!isValidDimension(dimension)) {
    issues.push({
      field: "dimension",
      expected: `an integer from 1 to ${MAX_HASH_EMBEDDER_DIMENSION}`,
      received: String(dimension),
    });
  }
  if (typeof modelId !== "string" || modelId.length === 0) {
    issues.push({ field: "modelId", expected: "a non-empty string", received: JSON.stringify(modelId) });
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "hash embedder options", issues });
  const stopWords = new Set((options.stopWords ?? DEFAULT_HASH_EMBEDDER_STOP_WORDS).map(normalise));

  return {
    specificationVersion: "v4",
    provider: HASH_EMBEDDER_PROVIDER,
    modelId,
    // Local and cheap: no limit per call, and calls can run side by side.
    maxEmbeddingsPerCall: Number.POSITIVE_INFINITY,
    supportsParallelCalls: true,
    async doEmbed(call: EmbeddingModelV4CallOptions): Promise<EmbeddingModelV4Result> {
      const signal = call.abortSignal;
      signal?.throwIfAborted();
      const size = call.dimensions ?? dimension;
      if (!isValidDimension(size)) {
        throw new InvalidDefinitionError({
          subject: "embedding call",
          issues: [
            {
              field: "dimensions",
              expected: `an integer from 1 to ${MAX_HASH_EMBEDDER_DIMENSION}`,
              received: String(size),
            },
          ],
        });
      }
      const embeddings: number[][] = [];
      let tokens = 0;
      for (const [index, value] of call.values.entries()) {
        if (index > 0 && index % YIELD_EVERY === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          signal?.throwIfAborted();
        }
        const { vector, wordCount } = hashEmbed(String(value), size, stopWords);
        embeddings.push(vector);
        tokens += wordCount;
      }
      return { embeddings, usage: { tokens }, warnings: [] };
    },
  };
}

function isValidDimension(value: unknown): value is number {
  return (
    typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_HASH_EMBEDDER_DIMENSION
  );
}

function normalise(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/** @internal Embeds one text; exported for tests. */
export function hashEmbed(
  text: string,
  dimension: number,
  stopWords: ReadonlySet<string> = new Set(DEFAULT_HASH_EMBEDDER_STOP_WORDS),
): { vector: number[]; wordCount: number } {
  const allWords = normalise(text).match(WORD_PATTERN) ?? [];
  const kept = allWords.filter((word) => !stopWords.has(word));
  const words = kept.length > 0 ? kept : allWords;
  const features = new Map<string, number>();
  const add = (feature: string, weight: number) => {
    features.set(feature, (features.get(feature) ?? 0) + weight);
  };
  let previous: string | undefined;
  for (const word of words) {
    add(`w:${word}`, 1);
    if (previous !== undefined) add(`b:${previous} ${word}`, 1);
    previous = word;
    const padded = [..."<", ...word, ">"];
    for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3).join("")}`, 1);
  }
  const vector = new Array<number>(dimension).fill(0);
  if (features.size === 0) {
    // No words at all: a fixed unit vector rather than a zero vector, whose cosine is undefined.
    vector[bucketOf(hash32("e:"), dimension)] = 1;
    return { vector, wordCount: 0 };
  }
  for (const [feature, count] of features) {
    const family = feature.charCodeAt(0);
    const weight =
      family === 119 /* w */ ? WORD_WEIGHT : family === 98 /* b */ ? BIGRAM_WEIGHT : TRIGRAM_WEIGHT;
    const hash = hash32(feature);
    const sign = hash & 0x8000_0000 ? -1 : 1;
    const bucket = bucketOf(hash, dimension);
    vector[bucket] = (vector[bucket] as number) + sign * weight * (1 + Math.log(count));
  }
  let norm = 0;
  for (const component of vector) norm += component * component;
  norm = Math.sqrt(norm);
  if (norm === 0) {
    // Every feature cancelled out in its bucket (possible with signs in a tiny dimension).
    vector[bucketOf(hash32("e:"), dimension)] = 1;
  } else {
    for (let i = 0; i < dimension; i++) vector[i] = (vector[i] as number) / norm;
  }
  return { vector, wordCount: allWords.length };
}

function bucketOf(hash: number, dimension: number): number {
  // The low 31 bits pick the bucket; the top bit is the sign.
  return (hash & 0x7fff_ffff) % dimension;
}

/**
 * FNV-1a over the UTF-16 code units, then murmur3's `fmix32` so every output bit depends on every
 * input bit (FNV alone spreads short strings poorly over the low bits).
 * @internal
 */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
