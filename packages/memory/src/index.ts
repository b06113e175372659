/**
 * Memory for FlowMaestro agents: the storage contract and its in-memory adapter, memory
 * strategies, the run store of suspended runs (`createRunStore`), embedders and a knowledge
 * base. The libSQL and Postgres adapters are on the `./libsql` and `./postgres` subpaths; the
 * adapter contract suite on `./testing`.
 * @packageDocumentation
 */

export { createInMemoryStorage, type InMemoryStorage } from "./adapters/in-memory/in-memory-storage.js";
export {
  type EmbeddingModelReference,
  type EmbedValuesOptions,
  embeddingDimension,
  embedValues,
} from "./embedders/embed-values.js";
export {
  createHashEmbedder,
  DEFAULT_HASH_EMBEDDER_DIMENSION,
  DEFAULT_HASH_EMBEDDER_STOP_WORDS,
  HASH_EMBEDDER_PROVIDER,
  type HashEmbedderOptions,
  MAX_HASH_EMBEDDER_DIMENSION,
} from "./embedders/hash-embedder.js";
export {
  type ChunkMarkdownOptions,
  type ChunkTextOptions,
  chunkMarkdown,
  chunkText,
  DEFAULT_CHUNK_OVERLAP,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MARKDOWN_CHUNK_OVERLAP,
  DEFAULT_MARKDOWN_CHUNK_SIZE,
  type TextChunk,
} from "./knowledge/chunking.js";
export {
  type IngestDirectoryOptions,
  type IngestDirectoryResult,
  ingestDirectory,
} from "./knowledge/ingest-directory.js";
export {
  type CreateKnowledgeBaseOptions,
  createKnowledgeBase,
  DEFAULT_KNOWLEDGE_BASE_SEARCH_TOP_K,
  type KnowledgeBaseCallOptions,
  type KnowledgeBaseChunking,
  type KnowledgeBaseDocument,
  type KnowledgeBaseHit,
  type KnowledgeBaseIngestInput,
  type KnowledgeBaseIngestResult,
  type KnowledgeBaseSearchQuery,
  type VectorKnowledgeBase,
} from "./knowledge/knowledge-base.js";
export {
  createMemory,
  isMemory,
  type Memory,
  type MemoryOptions,
} from "./memory/create-memory.js";
export { RECALL_INDEXES_METADATA_KEY } from "./memory/memory-session.js";
export {
  MAX_RECALL_MESSAGE_RANGE,
  MAX_RECALL_TOP_K,
  type ResolvedMemorySettings,
} from "./memory/memory-settings.js";
export { createRunStore } from "./run-store/create-run-store.js";
export type * from "./storage-adapter.js";
export {
  type MemoryStrategiesFromStoredOptions,
  memoryStrategiesFromStored,
  type StoredMemoryStrategies,
} from "./stored-settings/memory-strategies-from-stored.js";
export {
  type BufferMemorySettings,
  type MemorySettings,
  parseMemorySettings,
  type SummaryMemorySettings,
  storedMemorySettingsSchema,
  type VectorMemorySettings,
} from "./stored-settings/stored-memory-settings.js";
export { DEFAULT_LAST_MESSAGES } from "./strategies/buffer.js";
export {
  DEFAULT_RECALL_INDEX_PREFIX,
  DEFAULT_RECALL_MESSAGE_RANGE,
  DEFAULT_RECALL_TOP_K,
  type ResolvedSemanticRecallSettings,
} from "./strategies/semantic-recall.js";
export {
  DEFAULT_SUMMARY_KEEP_MESSAGES,
  DEFAULT_SUMMARY_TRIGGER_MESSAGES,
  type ResolvedSummarySettings,
  SUMMARY_METADATA_KEY,
  type ThreadSummary,
} from "./strategies/summary.js";
export {
  DEFAULT_WORKING_MEMORY_TEMPLATE,
  MAX_WORKING_MEMORY_CHARACTERS,
  type ResolvedWorkingMemorySettings,
  WORKING_MEMORY_TOOL_NAME,
  type WorkingMemoryToolResult,
} from "./strategies/working-memory.js";
