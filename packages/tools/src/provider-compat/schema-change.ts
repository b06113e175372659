/**
 * How a provider adapter changed one keyword of a tool's input schema.
 *
 * - `removed`: dropped; the provider rejects it and it carries nothing the model needs.
 * - `moved-to-description`: dropped from the schema but appended to the `description` as text,
 *   so the model still sees the constraint (the tool's own validator still enforces it).
 * - `rewritten`: replaced by an equivalent or looser construct the provider accepts
 *   (e.g. `const` → one-value `enum`, an optional property → required and nullable).
 * - `inlined`: a `$ref` replaced by a copy of its target.
 */
export type SchemaChangeAction = "removed" | "moved-to-description" | "rewritten" | "inlined";

/** One lossy rewrite made while adapting a schema for a provider; see {@link adaptSchemaForProvider}. */
export interface SchemaChange {
  /** JSON pointer of the changed schema in the ORIGINAL schema (`""` is the root). */
  readonly path: string;
  /** The keyword that was changed, e.g. `format`, `$ref`, `required`. */
  readonly keyword: string;
  /** What was done; see {@link SchemaChangeAction}. */
  readonly action: SchemaChangeAction;
  /** Human-readable detail: the old value or the reason. */
  readonly detail: string;
}

/**
 * A reason an adapter could not produce a schema the provider enforces exactly (OpenAI strict
 * mode); the adapter then falls back to a non-strict schema.
 */
export interface StrictModeBlocker {
  /** JSON pointer of the offending schema in the original schema. */
  readonly path: string;
  /** The keyword at fault. */
  readonly keyword: string;
  /** Why strict mode cannot express it. */
  readonly detail: string;
}
