import { NotFoundError, VectorDimensionError } from "@flowmaestro/runtime";
import { InputCheck } from "../../internal/inputs.js";
import type {
  VectorFilter,
  VectorMatch,
  VectorMetadataValue,
  VectorRecord,
  VectorStore,
} from "../../storage-adapter.js";
import { guard } from "./guard.js";

interface StoredVector {
  readonly vector: Float64Array;
  readonly norm: number;
  readonly metadata: Readonly<Record<string, VectorMetadataValue>>;
}

interface IndexState {
  readonly dimension: number;
  readonly vectors: Map<string, StoredVector>;
}

/**
 * The in-memory adapter's vector store: exact cosine similarity over every stored vector, so a
 * filter is applied before ranking and can never make a query return fewer matches than exist.
 *
 * @internal
 */
export function createInMemoryVectorStore(): VectorStore {
  const indexes = new Map<string, IndexState>();

  const requireIndex = (indexName: string): IndexState => {
    const index = indexes.get(indexName);
    if (!index) {
      throw new NotFoundError({
        kind: "index",
        id: indexName,
        hint: "Create it first with `vectors.createIndex({ indexName, dimension })`.",
      });
    }
    return index;
  };

  return {
    createIndex: (input) =>
      guard("createIndex", () => {
        new InputCheck("createIndex")
          .id("indexName", input?.indexName)
          .require(Number.isInteger(input?.dimension) && input.dimension >= 1, {
            field: "dimension",
            expected: "an integer of at least 1",
            received: String(input?.dimension),
          })
          .done();
        const existing = indexes.get(input.indexName);
        if (existing) {
          if (existing.dimension !== input.dimension) {
            throw new VectorDimensionError({
              indexName: input.indexName,
              expected: existing.dimension,
              actual: input.dimension,
            });
          }
          return;
        }
        indexes.set(input.indexName, { dimension: input.dimension, vectors: new Map() });
      }),

    describeIndex: (input) =>
      guard("describeIndex", () => {
        new InputCheck("describeIndex").id("indexName", input?.indexName).done();
        const index = indexes.get(input.indexName);
        return index ? { dimension: index.dimension, count: index.vectors.size } : undefined;
      }),

    deleteIndex: (input) =>
      guard("deleteIndex", () => {
        new InputCheck("deleteIndex").id("indexName", input?.indexName).done();
        indexes.delete(input.indexName);
      }),

    upsert: (input) =>
      guard("upsert", () => {
        const records: readonly VectorRecord[] = Array.isArray(input?.vectors) ? input.vectors : [];
        const check = new InputCheck("upsert")
          .id("indexName", input?.indexName)
          .require(Array.isArray(input?.vectors), { field: "vectors", expected: "an array" });
        records.forEach((record, index) => {
          const field = `vectors.${index}`;
          check
            .id(`${field}.id`, record?.id)
            .require(isNumberArray(record?.vector), {
              field: `${field}.vector`,
              expected: "an array of finite numbers",
            })
            .require(record?.metadata === undefined || isMetadata(record.metadata), {
              field: `${field}.metadata`,
              expected: "an object of strings, numbers and booleans",
            });
        });
        check.done();
        const target = requireIndex(input.indexName);
        // Check every vector before writing any, so a bad batch writes nothing.
        for (const record of records) {
          if (record.vector.length !== target.dimension) {
            throw new VectorDimensionError({
              indexName: input.indexName,
              expected: target.dimension,
              actual: record.vector.length,
            });
          }
        }
        for (const record of records) {
          const vector = Float64Array.from(record.vector);
          target.vectors.set(record.id, {
            vector,
            norm: norm(vector),
            metadata: { ...(record.metadata ?? {}) },
          });
        }
      }),

    query: (input) =>
      guard("query", () => {
        new InputCheck("query")
          .id("indexName", input?.indexName)
          .require(isNumberArray(input?.vector), { field: "vector", expected: "an array of finite numbers" })
          .optionalInteger("topK", input?.topK, 0)
          .require(input?.topK !== undefined, { field: "topK", expected: "an integer of at least 0" })
          .require(input?.filter === undefined || isFilter(input.filter), {
            field: "filter",
            expected: "an object of values or `{ $in: [...] }` lists",
          })
          .done();
        const index = requireIndex(input.indexName);
        if (input.vector.length !== index.dimension) {
          throw new VectorDimensionError({
            indexName: input.indexName,
            expected: index.dimension,
            actual: input.vector.length,
          });
        }
        const queryNorm = norm(input.vector);
        const matches: VectorMatch[] = [];
        for (const [id, stored] of index.vectors) {
          if (input.filter && !matchesFilter(stored.metadata, input.filter)) continue;
          matches.push({ id, score: cosine(input.vector, queryNorm, stored), metadata: stored.metadata });
        }
        // Best first; ties by id so results are deterministic.
        matches.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        return matches.slice(0, input.topK).map((match) => ({ ...match, metadata: { ...match.metadata } }));
      }),

    delete: (input) =>
      guard("delete", () => {
        new InputCheck("delete")
          .id("indexName", input?.indexName)
          .require(Array.isArray(input?.ids) && input.ids.every((id) => typeof id === "string"), {
            field: "ids",
            expected: "an array of vector ids",
          })
          .done();
        const index = requireIndex(input.indexName);
        for (const id of input.ids) index.vectors.delete(id);
      }),
  };
}

function norm(vector: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  return Math.sqrt(sum);
}

/** Cosine similarity, clamped to [-1, 1] against rounding; 0 when either vector is all zeros. */
function cosine(query: readonly number[], queryNorm: number, stored: StoredVector): number {
  if (queryNorm === 0 || stored.norm === 0) return 0;
  let dot = 0;
  for (let i = 0; i < query.length; i++) dot += query[i]! * stored.vector[i]!;
  return Math.min(1, Math.max(-1, dot / (queryNorm * stored.norm)));
}

function matchesFilter(
  metadata: Readonly<Record<string, VectorMetadataValue>>,
  filter: VectorFilter,
): boolean {
  for (const [key, condition] of Object.entries(filter)) {
    if (!Object.hasOwn(metadata, key)) return false;
    const value = metadata[key];
    if (typeof condition === "object") {
      if (!condition.$in.includes(value as VectorMetadataValue)) return false;
    } else if (value !== condition) {
      return false;
    }
  }
  return true;
}

function isNumberArray(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === "number" && Number.isFinite(entry));
}

function isMetadataValue(value: unknown): value is VectorMetadataValue {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

function isMetadata(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(isMetadataValue)
  );
}

function isFilter(value: unknown): value is VectorFilter {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (condition) =>
      isMetadataValue(condition) ||
      (typeof condition === "object" &&
        condition !== null &&
        Array.isArray((condition as { $in?: unknown }).$in) &&
        (condition as { $in: unknown[] }).$in.every(isMetadataValue)),
  );
}
