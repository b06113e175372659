import { z } from "zod";
import type { SchemaLocation } from "./ref-resolver.js";
import type { CompiledPattern } from "./regex.js";

/**
 * Static facts about a compiled schema that `unevaluatedProperties` / `unevaluatedItems` need in
 * order to work out, for a given instance, which members adjacent keywords already evaluated.
 */
export interface EvaluationAnnotations {
  /** Names listed in `properties`. */
  readonly propertyNames: string[];
  /** Compiled `patternProperties` patterns. */
  readonly propertyPatterns: CompiledPattern[];
  /** True when `additionalProperties` is present (it evaluates every remaining property). */
  allProperties: boolean;
  /** True when this schema has its own `unevaluatedProperties`. */
  unevaluatedProperties: boolean;
  /** Number of leading items covered by `prefixItems` (or draft-07 array `items`). */
  prefixItemCount: number;
  /** True when every item is evaluated (`items` schema, or `additionalItems` after array `items`). */
  allItems: boolean;
  /** The `contains` subschema, whose matching items count as evaluated. */
  contains: CompiledNode | undefined;
  /** True when this schema has its own `unevaluatedItems`. */
  unevaluatedItems: boolean;
  /** In-place applicators whose annotations flow up when they validate. */
  readonly allOf: CompiledNode[];
  readonly anyOf: CompiledNode[];
  readonly oneOf: CompiledNode[];
  /** `if`, `then` and `else`. */
  condition: CompiledNode | undefined;
  consequent: CompiledNode | undefined;
  alternative: CompiledNode | undefined;
  readonly dependentSchemas: Array<readonly [string, CompiledNode]>;
  /** `$ref` / `$dynamicRef` targets. */
  readonly references: CompiledNode[];
}

/** One JSON Schema location compiled to Zod, plus what later analyses need about it. */
export interface CompiledNode {
  /** Where the schema came from. */
  readonly location: SchemaLocation;
  /** The Zod schema; a placeholder until {@link CompiledNode.finished}. */
  schema: z.ZodType;
  /** True once `schema` is final (false while a recursive reference is being compiled). */
  finished: boolean;
  /** Subschemas applied to the same instance (used to reject cycles that never consume data). */
  readonly inPlaceChildren: CompiledNode[];
  /** See {@link EvaluationAnnotations}. */
  readonly annotations: EvaluationAnnotations;
}

/** Creates an unfinished node for `location`. */
export function createCompiledNode(location: SchemaLocation): CompiledNode {
  return {
    location,
    schema: z.never(),
    finished: false,
    inPlaceChildren: [],
    annotations: {
      propertyNames: [],
      propertyPatterns: [],
      allProperties: false,
      unevaluatedProperties: false,
      prefixItemCount: 0,
      allItems: false,
      contains: undefined,
      unevaluatedItems: false,
      allOf: [],
      anyOf: [],
      oneOf: [],
      condition: undefined,
      consequent: undefined,
      alternative: undefined,
      dependentSchemas: [],
      references: [],
    },
  };
}

/** The node's schema, or a lazy stand-in while the node is still being compiled (recursion). */
export function schemaOf(node: CompiledNode): z.ZodType {
  return node.finished ? node.schema : z.lazy(() => node.schema);
}

/**
 * True when `value` satisfies `schema`. Runs the schema's internal parser directly instead of
 * `safeParse` so that failing sub-checks (`not`, `if`, `anyOf` annotation collection...) do not
 * build and format a `ZodError` each time; the schemas this converter builds are never async.
 */
export function validates(schema: z.ZodType, value: unknown): boolean {
  const result = schema._zod.run({ value, issues: [] }, {});
  return !(result instanceof Promise) && result.issues.length === 0;
}
