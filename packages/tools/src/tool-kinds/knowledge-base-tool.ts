import { InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";
import { MissingToolResolverError } from "../errors/missing-tool-resolver-error.js";
import type { FlowMaestroTool } from "../json-schema-tool/flow-maestro-tool.js";
import type { JSONSchema } from "../json-schema-tool/json-schema.js";
import { createJsonSchemaTool } from "../json-schema-tool/json-schema-tool.js";
import { type ToolFieldNames, toolFieldNames } from "../json-schema-tool/tool-field-names.js";
import type { KnowledgeBaseResult } from "./knowledge-base.js";
import type { ToolImportContext } from "./tool-import-context.js";
import type { ToolKindOptions } from "./tool-kind-options.js";

/** Results per search when neither the input nor the config sets `topK`. */
export const DEFAULT_KNOWLEDGE_BASE_TOP_K = 5;

/** Most results one search may ask for. */
export const MAX_KNOWLEDGE_BASE_TOP_K = 50;

/**
 * Input schema of a `knowledge_base` tool whose config gives none:
 * `{ query: string, topK?: integer 1..50 }`.
 */
export const DEFAULT_KNOWLEDGE_BASE_INPUT_SCHEMA = {
  type: "object",
  properties: {
    query: { type: "string", minLength: 1, description: "What to search for, in natural language." },
    topK: {
      type: "integer",
      minimum: 1,
      maximum: MAX_KNOWLEDGE_BASE_TOP_K,
      description: "How many passages to return.",
    },
  },
  required: ["query"],
  additionalProperties: false,
} as const satisfies JSONSchema;

/** Options of {@link knowledgeBaseTool}. */
export interface KnowledgeBaseToolOptions extends Omit<ToolKindOptions, "inputSchema"> {
  /** Which knowledge base to search, passed to `context.knowledgeBases`. */
  knowledgeBaseId: string;
  /**
   * Results per search when the input has no `topK`.
   * @default 5
   */
  topK?: number;
  /**
   * A metadata filter applied to every search (e.g. a tenant id). Keys set here win over a
   * `filter` in the model's input, so the model cannot widen the search past them.
   */
  filter?: Readonly<Record<string, unknown>>;
  /**
   * Input schema. It must have a required `query` property; optional `topK` (a number) and
   * `filter` (an object) are passed on when present.
   * @default DEFAULT_KNOWLEDGE_BASE_INPUT_SCHEMA
   */
  inputSchema?: JSONSchema;
}

/** One result as the model sees it: score rounded, metadata only when there is some. */
export interface KnowledgeBaseToolHit {
  readonly id: string;
  readonly score: number;
  readonly text: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * A `knowledge_base` tool: searches `context.knowledgeBases` with the model's query and returns
 * the results to the model as a compact list of `{ id, score, text, metadata? }`, best first
 * (an empty list when nothing matched).
 *
 * @throws {MissingToolResolverError} when `context.knowledgeBases` is not set.
 * @throws {InvalidDefinitionError} for an empty `knowledgeBaseId`, a `topK` outside 1..50, an
 * input schema without a required `query`, or a bad name, schema or timeout.
 */
export function knowledgeBaseTool(
  options: KnowledgeBaseToolOptions,
  context: ToolImportContext,
): FlowMaestroTool {
  return buildKnowledgeBaseTool(options, context, toolFieldNames(options.name));
}

/** @internal {@link knowledgeBaseTool} with the field names to use in errors. */
export function buildKnowledgeBaseTool(
  options: KnowledgeBaseToolOptions,
  context: ToolImportContext,
  fields: ToolFieldNames,
): FlowMaestroTool {
  const knowledgeBases = context.knowledgeBases;
  if (!knowledgeBases || typeof knowledgeBases.search !== "function") {
    throw new MissingToolResolverError({
      toolName: options.name,
      kind: "knowledge_base",
      option: "knowledgeBases",
      expected: "a KnowledgeBase with a search(query, context) method",
      field: fields("knowledgeBaseId"),
    });
  }
  const issues: ValidationIssue[] = [];
  const { knowledgeBaseId } = options;
  if (typeof knowledgeBaseId !== "string" || knowledgeBaseId.length === 0) {
    issues.push({
      field: fields("knowledgeBaseId"),
      expected: "a non-empty string",
      received: JSON.stringify(knowledgeBaseId),
    });
  }
  const defaultTopK = options.topK ?? DEFAULT_KNOWLEDGE_BASE_TOP_K;
  if (!Number.isInteger(defaultTopK) || defaultTopK < 1 || defaultTopK > MAX_KNOWLEDGE_BASE_TOP_K) {
    issues.push({
      field: fields("topK"),
      expected: `an integer from 1 to ${MAX_KNOWLEDGE_BASE_TOP_K}`,
      received: String(defaultTopK),
    });
  }
  const inputSchema = options.inputSchema ?? DEFAULT_KNOWLEDGE_BASE_INPUT_SCHEMA;
  if (options.inputSchema !== undefined && !hasRequiredQuery(options.inputSchema)) {
    issues.push({
      field: fields("inputSchema"),
      expected: 'an object schema with a required "query" property',
    });
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "tool", issues });
  const fixedFilter = options.filter;

  return createJsonSchemaTool<Record<string, unknown>, unknown>(
    {
      ...options,
      inputSchema,
      conversion: context.conversion,
      execute: async (input, toolContext) => {
        const query = input.query;
        if (typeof query !== "string") throw new Error('The input has no "query" string to search for.');
        const topK = typeof input.topK === "number" ? clampTopK(input.topK) : defaultTopK;
        const filter = { ...(isRecord(input.filter) ? input.filter : {}), ...fixedFilter };
        const results = await knowledgeBases.search(
          { knowledgeBaseId, query, topK, ...(Object.keys(filter).length === 0 ? {} : { filter }) },
          toolContext,
        );
        if (!Array.isArray(results)) {
          throw new Error(
            `Knowledge base "${knowledgeBaseId}" returned ${typeof results}, expected a list of results.`,
          );
        }
        return results.slice(0, topK).map(toHit);
      },
    },
    "knowledge_base",
    fields,
  );
}

function toHit(result: KnowledgeBaseResult): KnowledgeBaseToolHit {
  const hasMetadata = isRecord(result.metadata) && Object.keys(result.metadata).length > 0;
  return {
    id: String(result.id),
    score: Math.round(Number(result.score) * 1000) / 1000,
    text: String(result.text),
    ...(hasMetadata ? { metadata: result.metadata } : {}),
  };
}

function clampTopK(value: number): number {
  return Math.min(MAX_KNOWLEDGE_BASE_TOP_K, Math.max(1, Math.floor(value)));
}

function hasRequiredQuery(schema: JSONSchema): boolean {
  const { properties, required } = schema as { properties?: unknown; required?: unknown };
  return (
    isRecord(properties) && "query" in properties && Array.isArray(required) && required.includes("query")
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
