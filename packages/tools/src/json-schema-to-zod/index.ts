import { z } from "zod";
import { CompileContext } from "./compile-context.js";
import { assertNoInPlaceCycles, compileLocation } from "./compiler.js";
import {
  type ConversionWarning,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_ENUM_SIZE,
  DEFAULT_MAX_SCHEMA_NODES,
  type JsonSchemaToZodOptions,
  type ResolvedOptions,
} from "./conversion-options.js";
import { JsonSchemaConversionError } from "./errors.js";
import { emitOriginalJsonSchema } from "./json-schema-emission.js";
import { rememberOriginalJsonSchema } from "./original-schema.js";
import { ReferenceResolver } from "./ref-resolver.js";
import { DEFAULT_BASE_URI } from "./uri.js";

export type { ConversionWarning, JsonSchemaToZodOptions } from "./conversion-options.js";
export { JsonSchemaConversionError, type JsonSchemaConversionErrorOptions } from "./errors.js";
export { SUPPORTED_FORMATS } from "./formats/index.js";
export { getOriginalJsonSchema } from "./original-schema.js";

/**
 * Deepest instance nesting a recursive schema will validate. Zod validates recursively, so a
 * recursive schema fed absurdly deep data (easy to produce, JSON.parse accepts it) would
 * otherwise exhaust the stack; deeper instances are rejected with an issue instead.
 */
export const MAX_INSTANCE_DEPTH = 512;

/** Measures nesting iteratively, stopping as soon as `limit` is exceeded. */
function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== "object" || current === null) continue;
    if (depth >= limit) return true;
    for (const member of Array.isArray(current) ? current : Object.values(current))
      stack.push([member, depth + 1]);
  }
  return false;
}

/** Puts an iterative depth check in front of a recursive schema (see {@link MAX_INSTANCE_DEPTH}). */
function guardInstanceDepth(schema: z.ZodType): z.ZodType {
  const guard = z.unknown().superRefine((value, context) => {
    if (exceedsDepth(value, MAX_INSTANCE_DEPTH)) {
      context.addIssue({
        code: "custom",
        message: `Value nests deeper than ${MAX_INSTANCE_DEPTH} levels, the most this recursive schema validates`,
        input: value,
      });
    }
  });
  return guard.pipe(schema);
}

/**
 * The root gets its own Zod object, so the link to the original (and how it is emitted as JSON
 * Schema) is never shared with a subschema. It is a copy without a `_zod.parent` (see
 * json-schema-emission.ts), so the compiled node's metadata is registered on it directly.
 */
function rootSchema(compiled: z.ZodType, recursive: boolean): z.ZodType {
  const root = recursive ? guardInstanceDepth(compiled) : compiled.clone(compiled._zod.def);
  const metadata = z.globalRegistry.get(compiled);
  if (metadata !== undefined) z.globalRegistry.add(root, metadata);
  return root;
}

/** What {@link jsonSchemaToZod} returns. */
export interface ConversionResult {
  /** The Zod schema; `getOriginalJsonSchema(schema)` returns the JSON Schema it came from. */
  schema: z.ZodType;
  /** Keywords ignored because `onUnsupported` is `"warn"` (always empty under `"error"`). */
  warnings: ConversionWarning[];
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new JsonSchemaConversionError({
      message: `Option "${name}" must be a positive integer, got ${String(value)}.`,
      path: "",
      keyword: name,
    });
  }
  return value;
}

function resolveOptions(options: JsonSchemaToZodOptions): ResolvedOptions {
  return {
    draft: options.draft ?? "auto",
    onUnsupported: options.onUnsupported ?? "error",
    formats: options.formats ?? "validate",
    maxDepth: positiveInteger("maxDepth", options.maxDepth, DEFAULT_MAX_DEPTH),
    maxEnumSize: positiveInteger("maxEnumSize", options.maxEnumSize, DEFAULT_MAX_ENUM_SIZE),
    maxSchemaNodes: positiveInteger("maxSchemaNodes", options.maxSchemaNodes, DEFAULT_MAX_SCHEMA_NODES),
    remotes: options.remotes,
  };
}

/**
 * Converts a JSON Schema (draft-07 or 2020-12) to a Zod 4 schema at run time, without `eval`.
 *
 * Keywords map to native Zod constructs where Zod has them (`z.string()`, `z.looseObject`,
 * `z.union`, `z.literal`...) and to targeted keyword checks where it does not (`uniqueItems`,
 * `contains`, `patternProperties`, `not`, `if`...). Semantics follow JSON Schema, not Zod habits:
 *
 * - keywords apply only to values of their own type, whether or not `type` is present;
 * - objects keep unknown keys (never stripped) and `additionalProperties: false` rejects them;
 * - `default` is metadata only: defaults are never filled in;
 * - property presence uses `Object.hasOwn`, so `__proto__`, `constructor` or `toString` are
 *   ordinary names (Zod itself drops an own `__proto__` key from parsed output, as a
 *   prototype-pollution guard, after it has been validated);
 * - patterns run on RE2 (linear time) and never hang;
 * - `getOriginalJsonSchema(result.schema)` returns the schema passed in, and Zod's own
 *   `z.toJSONSchema(result.schema)` (what the AI SDK's `zodSchema()` and Mastra call) emits a copy
 *   of it rather than a lossy re-derivation from the Zod structure.
 *
 * @throws {JsonSchemaConversionError} for malformed schemas, unresolvable or cyclic references,
 * exceeded bounds, and unsupported keywords when `onUnsupported` is `"error"`.
 */
export function jsonSchemaToZod(schema: unknown, options: JsonSchemaToZodOptions = {}): ConversionResult {
  const resolved = resolveOptions(options);
  try {
    const resolver = new ReferenceResolver(resolved.remotes, {
      maxDepth: resolved.maxDepth,
      maxSchemaNodes: resolved.maxSchemaNodes,
    });
    const rootLocation = resolver.addDocument(
      schema,
      DEFAULT_BASE_URI,
      "",
      resolved.draft,
      resolved.draft !== "auto",
    );
    const context = new CompileContext(resolved, resolver);
    const node = compileLocation(context, rootLocation, [], 0);
    assertNoInPlaceCycles(context.nodes);
    const root = rootSchema(node.schema, context.recursive);
    rememberOriginalJsonSchema(root, schema);
    emitOriginalJsonSchema(root, schema, rootLocation.dialect);
    return { schema: root, warnings: context.warnings };
  } catch (error) {
    if (error instanceof RangeError) {
      // Last line of defence: the explicit depth bounds should make this unreachable.
      throw new JsonSchemaConversionError({
        message: "The schema is too deeply nested or its references chain too long to convert.",
        path: "",
        keyword: "maxDepth",
        cause: error,
      });
    }
    throw error;
  }
}
