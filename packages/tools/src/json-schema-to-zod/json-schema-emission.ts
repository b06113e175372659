import type { z } from "zod";
import { type Dialect, dialectFromSchemaUri } from "./dialect.js";

/** The parts of Zod's JSON Schema generator context this module reads. */
interface EmissionContext {
  readonly target?: unknown;
}

/** The parts of Zod's per-schema processing parameters this module reads. */
interface EmissionParams {
  /** Where the schema lands in the generated document (empty at its root). */
  readonly path: readonly unknown[];
  /** The Zod schemas being processed, from the document's root schema down to this one. */
  readonly schemaPath?: readonly z.ZodType[];
}

/** Zod's per-schema JSON Schema processor (`schema._zod.processJSONSchema`, Zod ≥ 4.2). */
type Processor = (context: EmissionContext, json: Record<string, unknown>, params: EmissionParams) => void;

interface EmittingInternals {
  processJSONSchema?: Processor;
}

const DIALECT_URIS: Readonly<Record<"draft-07" | "2020-12", string>> = {
  "draft-07": "http://json-schema.org/draft-07/schema#",
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
};

/** The dialect each `z.toJSONSchema` target names (Zod normalises "draft-7" to "draft-07"). */
const TARGET_DIALECTS: Readonly<Record<string, Dialect>> = {
  "draft-7": "draft-07",
  "draft-07": "draft-07",
  "draft-2020-12": "2020-12",
};

/**
 * Targets for which Zod translates into another schema language (OpenAPI 3.0's `nullable`,
 * draft-04's boolean `exclusiveMinimum`...). The original is not written in it, so Zod's own
 * translation of the converted schema is kept there.
 */
const TRANSLATED_TARGETS = new Set(["openapi-3.0", "draft-04", "draft-4"]);

/**
 * Schema types whose node is their inner schema's node, merged in place (Zod flattens them), so
 * an inner schema processed through them stands where they stand.
 */
const IN_PLACE_WRAPPERS = new Set([
  "optional",
  "nonoptional",
  "default",
  "prefault",
  "catch",
  "pipe",
  "readonly",
  "promise",
  "lazy",
]);

/**
 * Where the schema being processed lands in the generated document:
 *
 * - `"root"`: it is the document's root schema, or a clone's parent processed for it
 *   (`.describe()`);
 * - `"wrapped"`: its node becomes the root through wrappers Zod flattens (`.optional()`,
 *   `z.lazy()`...);
 * - `"embedded"`: anywhere else. An empty `path` is not enough to tell: `.nullable()` processes its
 *   inner schema with its own path and then nests it in `anyOf`.
 */
function placementOf(params: EmissionParams): "root" | "wrapped" | "embedded" {
  if (params.path.length > 0) return "embedded";
  const chain = params.schemaPath ?? [];
  let placement: "root" | "wrapped" = "root";
  for (let index = 0; index < chain.length - 1; index++) {
    const ancestor = chain[index] as z.ZodType;
    if (ancestor._zod.parent === chain[index + 1]) continue;
    if (!IN_PLACE_WRAPPERS.has(ancestor._zod.def.type)) return "embedded";
    placement = "wrapped";
  }
  return placement;
}

/** Targets where `$ref` overrides its siblings, so Zod nests a wrapped `$ref` node in `allOf`. */
const REF_OVERRIDES_TARGETS = new Set(["draft-7", "draft-07"]);

/** True when a `$ref`-like key occurs anywhere in `value` (iterative: values may nest deeply). */
function containsReference(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current !== "object" || current === null) continue;
    if (Array.isArray(current)) {
      stack.push(...current);
      continue;
    }
    for (const key of Object.keys(current)) {
      if (key === "$ref" || key === "$dynamicRef" || key === "$recursiveRef") return true;
      stack.push((current as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/** A fresh copy of the original, as a schema object (`true` → `{}`, `false` → `{ not: {} }`). */
function copyOf(original: unknown): Record<string, unknown> {
  if (original === true) return {};
  if (original === false) return { not: {} };
  return structuredClone(original) as Record<string, unknown>;
}

/**
 * Writes `source`'s own keys onto `target` as data properties. Plain assignment would run the
 * `__proto__` setter for a schema that has an own `"__proto__"` key (JSON.parse creates those).
 */
function defineAll(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    Object.defineProperty(target, key, {
      value: source[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

/**
 * Makes Zod's own JSON Schema generator (`z.toJSONSchema`, `schema.toJSONSchema()`,
 * `schema["~standard"].jsonSchema`, which the AI SDK's `zodSchema()` and Mastra call) emit the
 * JSON Schema `schema` was converted from, instead of re-deriving one from the Zod structure.
 * Re-deriving loses every keyword that is a keyword check here (`not`, `if`/`then`/`else`,
 * `uniqueItems`, `contains`, `propertyNames`, `dependencies`, unicode-aware `pattern`, decimal
 * `multipleOf`, object `const`/`enum`, `unevaluated*`, formats Zod lacks...) and the `$ref` structure
 * (a recursive root even becomes `{}` under `io: "input"`).
 *
 * How it plugs into Zod (checked against zod 4.6's `to-json-schema.js`):
 *
 * - The generator calls `schema._zod.processJSONSchema(context, json, params)` to fill a schema's
 *   node; this replaces that processor on `schema` alone. `schema` must have no `_zod.parent`:
 *   the generator would process the parent as well, walking the Zod internals, and the `$defs` it
 *   extracts for their cycles would overwrite the original's own `definitions`/`$defs`.
 * - Registry metadata (`title`, `description`...) is merged after the processor, as for any schema;
 *   nothing goes into the registry here, so no `id` can reach its id map.
 * - Each emission writes a fresh deep copy: the generator mutates nodes (`$defs` extraction,
 *   folding `anyOf` of bare types), and the original must never change.
 * - At the root of the generated document (see {@link placementOf}) the copy is emitted whole. If
 *   the conversion used an explicit dialect that differs from the target's, `$schema` says which
 *   one the keywords belong to (a 2020-12 schema is not re-labelled draft-07 because the AI SDK
 *   asks for draft-7). Embedded in a larger Zod schema, the copy loses `$schema`, and an original
 *   with `$ref`s falls back to Zod's own derivation: its references would not resolve at another
 *   position in the document. So does a root `$ref` under a flattened wrapper (`.optional()`,
 *   `z.lazy()`...) for draft-07, where Zod nests it in `allOf`.
 * - For targets Zod translates into another language (`openapi-3.0`, `draft-04`) Zod's own
 *   derivation is kept.
 * - A pure clone (`.describe()`, `.meta({...})`) emits the original too, with its new metadata;
 *   anything that changes the definition (`.refine()`, `.min()`, `.extend()`...) gets Zod's
 *   derivation, since the original no longer describes it.
 *
 * Does nothing under Zod versions without per-schema processors (before 4.2): their generator
 * keeps its own derivation.
 */
export function emitOriginalJsonSchema(schema: z.ZodType, original: unknown, dialect: Dialect): void {
  const internals = schema._zod as unknown as EmittingInternals;
  const derive = internals.processJSONSchema;
  if (typeof derive !== "function") return;
  let hasReference: boolean | undefined;
  internals.processJSONSchema = (context, json, params) => {
    const target = typeof context.target === "string" ? context.target : "draft-2020-12";
    const placement = placementOf(params);
    hasReference ??= containsReference(original);
    // Embedded, the original's references would resolve against another node than its root;
    // wrapped, for a target where `$ref` overrides its siblings, Zod moves a root `$ref` (and the
    // definitions beside it) into `allOf`, with the same effect.
    const referencesBreak =
      placement === "embedded" ||
      (placement === "wrapped" &&
        REF_OVERRIDES_TARGETS.has(target) &&
        typeof original === "object" &&
        original !== null &&
        Object.hasOwn(original, "$ref"));
    if (TRANSLATED_TARGETS.has(target) || (hasReference && referencesBreak)) {
      derive(context, json, params);
      return;
    }
    const copy = copyOf(original);
    if (placement === "embedded") {
      delete copy.$schema;
    } else if (dialect !== "auto") {
      const declared = dialectFromSchemaUri(copy.$schema);
      const absent = !Object.hasOwn(copy, "$schema");
      if (
        (absent && TARGET_DIALECTS[target] !== dialect) ||
        (declared !== undefined && declared !== dialect)
      ) {
        copy.$schema = DIALECT_URIS[dialect];
      }
    }
    defineAll(json, copy);
  };
  const cloneable = schema as unknown as { clone: (definition?: unknown, params?: unknown) => z.ZodType };
  const clone = cloneable.clone;
  Object.defineProperty(schema, "clone", {
    configurable: true,
    writable: true,
    value(this: z.ZodType, definition?: unknown, params?: unknown): z.ZodType {
      const copy = clone.call(this, definition, params);
      if (definition === undefined) emitOriginalJsonSchema(copy, original, dialect);
      return copy;
    },
  });
}
