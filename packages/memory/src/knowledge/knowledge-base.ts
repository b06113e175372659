import { AbortedError, InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";
import { type EmbeddingModelReference, embeddingDimension, embedValues } from "../embedders/embed-values.js";
import { hash32 } from "../embedders/hash-embedder.js";
import type { StorageAdapter, VectorFilter, VectorMetadataValue, VectorRecord } from "../storage-adapter.js";
import {
  type ChunkMarkdownOptions,
  type ChunkTextOptions,
  chunkMarkdown,
  chunkText,
  type TextChunk,
} from "./chunking.js";

/** How a knowledge base cuts documents into chunks. */
export type KnowledgeBaseChunking =
  | ({
      /** Split by markdown headings (each chunk keeps its heading path), then by size. */
      readonly strategy: "markdown";
    } & ChunkMarkdownOptions)
  | ({
      /** Split by size only, at paragraph, sentence or word boundaries. */
      readonly strategy: "text";
    } & ChunkTextOptions);

/** Options of {@link createKnowledgeBase}. */
export interface CreateKnowledgeBaseOptions {
  /**
   * Where chunks are stored: any adapter with a vector index (`storage.vectors`), e.g.
   * `createInMemoryStorage()` or `createLibsqlStorage()`.
   */
  readonly storage: StorageAdapter;
  /**
   * Embeds chunks and queries: an AI SDK embedding model object (v4 or v3), e.g.
   * `openai.embedding("text-embedding-3-small")`, or {@link createHashEmbedder} offline. Queries
   * and chunks must be embedded by the same model: changing it needs a new index.
   */
  readonly embedder: EmbeddingModelReference;
  /**
   * Vector index holding the chunks of every knowledge base id this instance serves (they are
   * told apart by a `knowledgeBaseId` metadata key). It is created on first use with the
   * embedder's dimension, found by embedding a probe text (never guessed).
   * @default `kb_<provider>_<modelId>_<dimension>`, lower-case, e.g. `kb_flowmaestro_hash_v1_256`
   */
  readonly indexName?: string;
  /**
   * How documents are cut into chunks.
   * @default { strategy: "markdown", maxSize: 1500, overlap: 150 }
   */
  readonly chunking?: KnowledgeBaseChunking;
  /**
   * Retries per embedding call for retryable provider errors.
   * @default 2
   */
  readonly maxRetries?: number;
}

/** A document to ingest. */
export interface KnowledgeBaseDocument {
  /** Document id, unique within its knowledge base (1 to 200 characters), e.g. a file path. */
  readonly id: string;
  /** The document's text (markdown or plain, as the chunking strategy expects). */
  readonly text: string;
  /**
   * Metadata copied onto every chunk: returned with results and usable in search filters (e.g.
   * `{ source: "install.md", lang: "en" }`). Keys `knowledgeBaseId`, `documentId` and those
   * starting with `_kb_` are reserved.
   */
  readonly metadata?: Readonly<Record<string, VectorMetadataValue>>;
}

/** Input of {@link VectorKnowledgeBase.ingest}. */
export interface KnowledgeBaseIngestInput {
  /** Which knowledge base the documents belong to (1 to 200 characters). */
  readonly knowledgeBaseId: string;
  /** Documents to add, or to replace when one with the same id was ingested before. */
  readonly documents: readonly KnowledgeBaseDocument[];
}

/** What {@link VectorKnowledgeBase.ingest} did. */
export interface KnowledgeBaseIngestResult {
  /** Documents written. */
  readonly documents: number;
  /** Chunks written (whitespace-only chunks are skipped). */
  readonly chunks: number;
  /** Chunks of earlier versions of these documents that were deleted (their ids are not reused). */
  readonly deletedChunks: number;
}

/**
 * A search, as the `knowledge_base` tool kind of `@flowmaestro/tools` sends it (this type matches
 * its `KnowledgeBaseQuery`).
 */
export interface KnowledgeBaseSearchQuery {
  /** Which knowledge base to search. Always applied: a filter cannot reach another one. */
  readonly knowledgeBaseId: string;
  /** The text to search for. */
  readonly query: string;
  /**
   * At most this many results (1 to 1000).
   * @default 5
   */
  readonly topK?: number;
  /**
   * Metadata filter: every key must match. A value matches by equality, a list or `{ $in: [...] }`
   * matches any of its values. Keys are document metadata keys, or `documentId`.
   */
  readonly filter?: Readonly<Record<string, unknown>>;
}

/** One chunk a search found. */
export interface KnowledgeBaseHit {
  /** `<documentId>#<chunk number>`, stable while the document's text is unchanged. */
  readonly id: string;
  /** The chunk's text, as it is in the document. */
  readonly text: string;
  /** Cosine similarity to the query, -1 to 1; results come best first. */
  readonly score: number;
  /**
   * `documentId`, `headings` (the heading path, when the chunk has one) and the document's own
   * metadata.
   */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Options of the knowledge base's writing methods. */
export interface KnowledgeBaseCallOptions {
  /** Cancels the call (between embedding and storage steps); it then rejects with `AbortedError`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A knowledge base over a storage adapter's vector index. It implements the `KnowledgeBase`
 * interface of `@flowmaestro/tools` (pass it as `knowledgeBases` when building `knowledge_base`
 * tools), and one instance serves any number of knowledge base ids.
 */
export interface VectorKnowledgeBase {
  /**
   * Chunks, embeds and stores documents. Re-ingesting a document replaces it: its chunks get the
   * same ids (`<documentId>#0`, `#1`, …) and chunks left over from a longer earlier version are
   * deleted. All chunks are embedded before anything is written, so an embedding failure changes
   * nothing.
   * @throws {InvalidDefinitionError} for a bad id, duplicate document ids or reserved metadata keys.
   * @throws {ModelError} when embedding fails; {@link AbortedError} when the signal fires.
   */
  ingest(
    input: KnowledgeBaseIngestInput,
    options?: KnowledgeBaseCallOptions,
  ): Promise<KnowledgeBaseIngestResult>;
  /** Deletes a document's chunks; resolves to how many there were (0 when unknown). */
  deleteDocument(
    input: { readonly knowledgeBaseId: string; readonly documentId: string },
    options?: KnowledgeBaseCallOptions,
  ): Promise<{ readonly deletedChunks: number }>;
  /**
   * The `topK` chunks closest to the query by cosine similarity, best first, within
   * `knowledgeBaseId` and the filter. Honours `context.signal`.
   * @throws {InvalidDefinitionError} for an empty query, a bad `topK` or an unusable filter value.
   */
  search(
    query: KnowledgeBaseSearchQuery,
    context?: { readonly signal?: AbortSignal | undefined },
  ): Promise<readonly KnowledgeBaseHit[]>;
  /** The vector index in use (created when missing), its dimension and how many chunks it holds. */
  describeIndex(
    options?: KnowledgeBaseCallOptions,
  ): Promise<{ readonly indexName: string; readonly dimension: number; readonly count: number }>;
}

/** Results per search when the query sets no `topK`. */
export const DEFAULT_KNOWLEDGE_BASE_SEARCH_TOP_K = 5;
const MAX_TOP_K = 1000;
const MAX_ID_LENGTH = 200;
const UPSERT_BATCH = 256;
// How many of a document's chunks are read to learn its chunk count (they all carry it; reading
// several survives a store that wrote only part of an earlier version).
const COUNT_SAMPLE = 32;

// Metadata keys. Chunk text and bookkeeping live in the vector's metadata, so any adapter with a
// vector index is enough: no document table is needed.
const KNOWLEDGE_BASE_ID = "knowledgeBaseId";
const DOCUMENT_ID = "documentId";
const RESERVED_PREFIX = "_kb_";
const TEXT = "_kb_text";
const HEADINGS = "_kb_headings";
const CHUNK = "_kb_chunk";
const CHUNKS = "_kb_chunks";
const START = "_kb_start";
const END = "_kb_end";

/**
 * Creates a knowledge base on `storage.vectors`: documents are cut into chunks (by markdown
 * headings by default), embedded with `embedder` and stored in one vector index, each chunk's
 * text and metadata in its vector's metadata (`knowledgeBaseId`, `documentId`, the document's
 * metadata, and `_kb_`-prefixed bookkeeping). Searches embed the query and rank by cosine.
 *
 * A chunk is embedded with its heading path in front (`Install > Linux\n\n<text>`), so a section's
 * title counts even in its later chunks; results return the chunk's own text.
 *
 * @example
 * ```ts
 * const kb = createKnowledgeBase({ storage: createInMemoryStorage(), embedder: createHashEmbedder() });
 * await kb.ingest({ knowledgeBaseId: "docs", documents: [{ id: "install.md", text }] });
 * const tool = knowledgeBaseTool({ name: "search_docs", knowledgeBaseId: "docs" }, { knowledgeBases: kb });
 * ```
 *
 * @throws {InvalidDefinitionError} when the adapter has no vector index, or for bad options.
 */
export function createKnowledgeBase(options: CreateKnowledgeBaseOptions): VectorKnowledgeBase {
  const { storage, embedder } = options;
  const issues: ValidationIssue[] = [];
  const vectors = storage?.vectors;
  if (!vectors) {
    const name = typeof storage?.name === "string" ? storage.name : "unknown";
    throw new InvalidDefinitionError({
      subject: "knowledge base",
      issues: [{ field: "storage.vectors", expected: "a vector index", received: `adapter "${name}"` }],
      message: `Storage adapter "${name}" has no vector index (\`storage.vectors\` is unset), and a knowledge base needs one. Use an adapter with vectors, e.g. \`createInMemoryStorage()\` or \`createLibsqlStorage()\`.`,
    });
  }
  if (typeof embedder?.doEmbed !== "function") {
    issues.push({ field: "embedder", expected: "an AI SDK embedding model object (v4 or v3)" });
  }
  if (options.indexName !== undefined) checkId(issues, "indexName", options.indexName);
  const chunking = options.chunking ?? { strategy: "markdown" };
  if (chunking.strategy !== "markdown" && chunking.strategy !== "text") {
    issues.push({
      field: "chunking.strategy",
      expected: '"markdown" or "text"',
      received: JSON.stringify((chunking as { strategy?: unknown }).strategy),
    });
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "knowledge base options", issues });
  const chunk = (text: string): TextChunk[] =>
    chunking.strategy === "text"
      ? chunkText(text, { size: chunking.size, overlap: chunking.overlap })
      : chunkMarkdown(text, { maxSize: chunking.maxSize, overlap: chunking.overlap });
  // Fail fast on bad chunking sizes.
  chunk("");
  const embedOptions = { maxRetries: options.maxRetries ?? 2 };

  let index: Promise<{ indexName: string; dimension: number }> | undefined;
  const ensureIndex = (signal: AbortSignal | undefined) => {
    index ??= (async () => {
      const dimension = await embeddingDimension(embedder, { ...embedOptions, signal });
      const indexName = options.indexName ?? defaultIndexName(embedder, dimension);
      await vectors.createIndex({ indexName, dimension });
      return { indexName, dimension };
    })();
    const pending = index;
    pending.catch(() => {
      if (index === pending) index = undefined;
    });
    return pending;
  };

  const chunkCount = async (
    indexName: string,
    dimension: number,
    knowledgeBaseId: string,
    documentId: string,
  ): Promise<number> => {
    const matches = await vectors.query({
      indexName,
      vector: probeVector(dimension),
      topK: COUNT_SAMPLE,
      filter: { [KNOWLEDGE_BASE_ID]: knowledgeBaseId, [DOCUMENT_ID]: documentId },
    });
    let count = 0;
    for (const match of matches) {
      const chunks = match.metadata[CHUNKS];
      if (typeof chunks === "number" && chunks > count) count = chunks;
    }
    return count;
  };

  return {
    async ingest(input, callOptions = {}) {
      const { signal } = callOptions;
      checkIngest(input);
      throwIfAborted(signal);
      const { indexName, dimension } = await ensureIndex(signal);
      const prepared = input.documents.map((document) => ({
        document,
        chunks: chunk(document.text).filter((piece) => piece.text.trim() !== ""),
      }));
      const texts = prepared.flatMap(({ chunks }) => chunks.map(embeddingText));
      const embeddings = await embedValues(embedder, texts, { ...embedOptions, signal });
      let next = 0;
      let written = 0;
      let deleted = 0;
      for (const { document, chunks } of prepared) {
        throwIfAborted(signal);
        const records: VectorRecord[] = chunks.map((piece, position) => ({
          id: recordId(input.knowledgeBaseId, document.id, position),
          vector: embeddings[next++] as number[],
          metadata: {
            ...document.metadata,
            [KNOWLEDGE_BASE_ID]: input.knowledgeBaseId,
            [DOCUMENT_ID]: document.id,
            [TEXT]: piece.text,
            [HEADINGS]: JSON.stringify(piece.headings ?? []),
            [CHUNK]: position,
            [CHUNKS]: chunks.length,
            [START]: piece.start,
            [END]: piece.end,
          },
        }));
        // Leftovers first, then the new chunks: an interrupted ingest is repaired by the next one.
        const before = await chunkCount(indexName, dimension, input.knowledgeBaseId, document.id);
        if (before > records.length) {
          const ids = range(records.length, before).map((n) =>
            recordId(input.knowledgeBaseId, document.id, n),
          );
          await vectors.delete({ indexName, ids });
          deleted += ids.length;
        }
        for (let from = 0; from < records.length; from += UPSERT_BATCH) {
          await vectors.upsert({ indexName, vectors: records.slice(from, from + UPSERT_BATCH) });
        }
        written += records.length;
      }
      return { documents: prepared.length, chunks: written, deletedChunks: deleted };
    },

    async deleteDocument(input, callOptions = {}) {
      const issues: ValidationIssue[] = [];
      checkId(issues, "knowledgeBaseId", input?.knowledgeBaseId);
      checkId(issues, "documentId", input?.documentId);
      if (issues.length > 0) throw new InvalidDefinitionError({ subject: "knowledge base document", issues });
      throwIfAborted(callOptions.signal);
      const { indexName, dimension } = await ensureIndex(callOptions.signal);
      const count = await chunkCount(indexName, dimension, input.knowledgeBaseId, input.documentId);
      if (count > 0) {
        const ids = range(0, count).map((n) => recordId(input.knowledgeBaseId, input.documentId, n));
        await vectors.delete({ indexName, ids });
      }
      return { deletedChunks: count };
    },

    async search(query, context = {}) {
      const { signal } = context;
      const { topK, filter } = checkSearch(query);
      throwIfAborted(signal);
      const { indexName } = await ensureIndex(signal);
      const [vector] = await embedValues(embedder, [query.query], { ...embedOptions, signal });
      throwIfAborted(signal);
      const matches = await vectors.query({ indexName, vector: vector as number[], topK, filter });
      return matches.map((match) => {
        const metadata: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(match.metadata)) {
          if (key !== KNOWLEDGE_BASE_ID && !key.startsWith(RESERVED_PREFIX)) metadata[key] = value;
        }
        const headings = parseHeadings(match.metadata[HEADINGS]);
        if (headings.length > 0) metadata.headings = headings;
        const documentId = String(match.metadata[DOCUMENT_ID] ?? "");
        return {
          id: `${documentId}#${String(match.metadata[CHUNK] ?? 0)}`,
          text: String(match.metadata[TEXT] ?? ""),
          score: match.score,
          metadata,
        };
      });
    },

    async describeIndex(callOptions = {}) {
      const { indexName, dimension } = await ensureIndex(callOptions.signal);
      const described = await vectors.describeIndex({ indexName });
      return { indexName, dimension, count: described?.count ?? 0 };
    },
  };
}

/** What is embedded for a chunk: its heading path, then its text. */
function embeddingText(chunk: TextChunk): string {
  const path = chunk.headings?.filter((heading) => heading.length > 0) ?? [];
  return path.length > 0 ? `${path.join(" > ")}\n\n${chunk.text}` : chunk.text;
}

/**
 * The vector id of a chunk. Ids are unique across the knowledge base ids sharing the index; a
 * long id is shortened to a hash (ids are at most 200 characters).
 */
function recordId(knowledgeBaseId: string, documentId: string, chunk: number): string {
  const readable = `${encodeURIComponent(knowledgeBaseId)}/${documentId}#${chunk}`;
  if (readable.length <= MAX_ID_LENGTH) return readable;
  const key = `${knowledgeBaseId}\u0000${documentId}`;
  return `h:${hex(hash32(key))}${hex(hash32(`${key}\u0001`))}${hex(hash32(`\u0001${key}`))}#${chunk}`;
}

function hex(value: number): string {
  return value.toString(16).padStart(8, "0");
}

/** The default index name: `kb_<provider>_<modelId>_<dimension>`, at most 63 characters. */
function defaultIndexName(embedder: EmbeddingModelReference, dimension: number): string {
  const slug = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "");
  const name = `kb_${slug(embedder.provider)}_${slug(embedder.modelId)}_${dimension}`;
  if (name.length <= 63) return name;
  const suffix = `_${hex(hash32(name))}_${dimension}`;
  return `${name.slice(0, 63 - suffix.length)}${suffix}`;
}

function probeVector(dimension: number): number[] {
  const vector = new Array<number>(dimension).fill(0);
  vector[0] = 1;
  return vector;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, offset) => from + offset);
}

function parseHeadings(value: VectorMetadataValue | undefined): string[] {
  if (typeof value !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError({ reason: signal.reason });
}

function checkId(issues: ValidationIssue[], field: string, value: unknown): void {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_ID_LENGTH) {
    issues.push({
      field,
      expected: `a string of 1 to ${MAX_ID_LENGTH} characters`,
      received: typeof value === "string" ? `${value.length} characters` : typeof value,
    });
  }
}

function isScalar(value: unknown): value is VectorMetadataValue {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

function isReserved(key: string): boolean {
  return key === KNOWLEDGE_BASE_ID || key === DOCUMENT_ID || key.startsWith(RESERVED_PREFIX);
}

function checkIngest(input: KnowledgeBaseIngestInput): void {
  const issues: ValidationIssue[] = [];
  checkId(issues, "knowledgeBaseId", input?.knowledgeBaseId);
  const documents: unknown = input?.documents;
  if (!Array.isArray(documents)) {
    issues.push({ field: "documents", expected: "an array of { id, text, metadata? }" });
  } else {
    const seen = new Set<string>();
    documents.forEach((document: Partial<KnowledgeBaseDocument> | undefined, index) => {
      const field = `documents.${index}`;
      checkId(issues, `${field}.id`, document?.id);
      if (typeof document?.id === "string") {
        if (seen.has(document.id)) {
          issues.push({
            field: `${field}.id`,
            expected: "an id no other document in this call has",
            received: JSON.stringify(document.id),
          });
        }
        seen.add(document.id);
      }
      if (typeof document?.text !== "string") {
        issues.push({ field: `${field}.text`, expected: "a string", received: typeof document?.text });
      }
      const metadata: unknown = document?.metadata;
      if (metadata === undefined) return;
      if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
        issues.push({ field: `${field}.metadata`, expected: "an object of strings, numbers and booleans" });
        return;
      }
      for (const [key, value] of Object.entries(metadata)) {
        if (isReserved(key)) {
          issues.push({
            field: `${field}.metadata.${key}`,
            expected: `a key other than knowledgeBaseId, documentId or ${RESERVED_PREFIX}… (they are reserved)`,
          });
        } else if (!isScalar(value)) {
          issues.push({
            field: `${field}.metadata.${key}`,
            expected: "a string, a finite number or a boolean",
          });
        }
      }
    });
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "knowledge base ingest", issues });
}

function checkSearch(query: KnowledgeBaseSearchQuery): { topK: number; filter: VectorFilter } {
  const issues: ValidationIssue[] = [];
  checkId(issues, "knowledgeBaseId", query?.knowledgeBaseId);
  if (typeof query?.query !== "string" || query.query.trim() === "") {
    issues.push({ field: "query", expected: "a non-empty string" });
  }
  const topK = query?.topK ?? DEFAULT_KNOWLEDGE_BASE_SEARCH_TOP_K;
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    issues.push({ field: "topK", expected: `an integer from 1 to ${MAX_TOP_K}`, received: String(topK) });
  }
  const filter: Record<string, VectorFilter[string]> = {};
  const given: unknown = query?.filter;
  if (given !== undefined && (typeof given !== "object" || given === null || Array.isArray(given))) {
    issues.push({ field: "filter", expected: "an object" });
  } else if (given !== undefined) {
    for (const [key, value] of Object.entries(given)) {
      const field = `filter.${key}`;
      if (key === KNOWLEDGE_BASE_ID) continue; // always the query's own, below
      if (key.startsWith(RESERVED_PREFIX)) {
        issues.push({
          field,
          expected: `a metadata key (keys starting with ${RESERVED_PREFIX} are internal)`,
        });
        continue;
      }
      const list = Array.isArray(value)
        ? value
        : typeof value === "object" && value !== null && Array.isArray((value as { $in?: unknown }).$in)
          ? (value as { $in: unknown[] }).$in
          : undefined;
      if (list?.every(isScalar)) filter[key] = { $in: list };
      else if (list === undefined && isScalar(value)) filter[key] = value;
      else {
        issues.push({
          field,
          expected: "a string, number or boolean, or a list (or { $in: [...] }) of them",
          received: JSON.stringify(value) ?? typeof value,
        });
      }
    }
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "knowledge base search", issues });
  filter[KNOWLEDGE_BASE_ID] = query.knowledgeBaseId;
  return { topK, filter };
}

/** @internal Exposed for tests. */
export const knowledgeBaseInternals = { recordId, defaultIndexName, embeddingText };
