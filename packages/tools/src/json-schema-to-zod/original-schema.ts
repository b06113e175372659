import type { z } from "zod";

/**
 * Links each Zod schema built by the converter to the JSON Schema it came from, so a later
 * Zod → JSON Schema step can hand providers the exact original instead of a lossy re-derivation.
 */
const originals = new WeakMap<z.ZodType, unknown>();

/** Records the JSON Schema a Zod schema was converted from. */
export function rememberOriginalJsonSchema(schema: z.ZodType, original: unknown): void {
  originals.set(schema, original);
}

/**
 * The JSON Schema a Zod schema was converted from (the very value passed in, not a copy), or
 * undefined when the schema was not produced by `jsonSchemaToZod`.
 */
export function getOriginalJsonSchema(schema: z.ZodType): unknown {
  return originals.get(schema);
}
