import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/**
 * A vector's length differs from its index's dimension (fixed when the index was created). Usually
 * the embedding model changed: use a new index name per embedding model and dimension.
 */
export class VectorDimensionError extends AgentSdkError {
  readonly indexName: string;
  /** The index's dimension. */
  readonly expected: number;
  /** The vector's length. */
  readonly actual: number;

  constructor(options: { indexName: string; expected: number; actual: number }) {
    super({
      code: "VECTOR_DIMENSION_MISMATCH",
      category: "caller",
      message: `Vector index "${options.indexName}" has dimension ${options.expected}, but a vector of dimension ${options.actual} was given. The embedding model probably changed; use a new index name for it.`,
    });
    this.name = "VectorDimensionError";
    this.indexName = options.indexName;
    this.expected = options.expected;
    this.actual = options.actual;
  }

  static override isInstance = hasCode<VectorDimensionError>("VECTOR_DIMENSION_MISMATCH");
}
