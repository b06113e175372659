import type { ToolExecutionContext } from "@flowmaestro/runtime";

/** A search against one knowledge base. */
export interface KnowledgeBaseQuery {
  /** Which knowledge base, as in the tool's config. */
  readonly knowledgeBaseId: string;
  /** The text to search for. */
  readonly query: string;
  /** How many results to return at most (1 to 50). */
  readonly topK: number;
  /** Metadata filter, when the tool's config or input sets one. Its meaning is the implementation's. */
  readonly filter?: Readonly<Record<string, unknown>>;
}

/** One passage a knowledge base found. */
export interface KnowledgeBaseResult {
  /** Stable id of the passage (or chunk). */
  readonly id: string;
  /** The passage text. */
  readonly text: string;
  /** Relevance; higher is better. Results are expected best first. */
  readonly score: number;
  /** Source, title, page and the like; shown to the model when present. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Searches knowledge bases for `knowledge_base` tools. The host supplies it (the memory package
 * will provide an implementation); one instance serves every knowledge base id.
 */
export interface KnowledgeBase {
  /** Returns at most `query.topK` results, best first. Honour `context.signal`. */
  search(query: KnowledgeBaseQuery, context: ToolExecutionContext): Promise<readonly KnowledgeBaseResult[]>;
}
