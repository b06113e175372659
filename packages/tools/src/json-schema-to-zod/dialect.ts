/**
 * Which JSON Schema dialect governs a schema resource.
 *
 * - `draft-07`: `$ref` overrides its siblings, `items` may be an array with `additionalItems`,
 *   `dependencies`, `$id` fragments act as anchors; no `unevaluated*`, `prefixItems`,
 *   `dependentRequired`/`dependentSchemas`, `min/maxContains`, `$anchor`, `$dynamicRef`.
 * - `2020-12`: the 2020-12 vocabulary.
 * - `auto`: 2020-12 semantics plus the draft-07 forms that do not conflict with them (array
 *   `items` + `additionalItems`, `dependencies`, `$id` fragments as anchors).
 */
export type Dialect = "draft-07" | "2020-12" | "auto";

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-0[4-7]\/schema#?$/;
const DRAFT_2020_12 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

/**
 * The dialect named by a `$schema` value (drafts 04 and 06 are read as draft-07, their closest
 * supported relative), or undefined when it names no draft this converter knows.
 */
export function dialectFromSchemaUri(uri: unknown): Dialect | undefined {
  if (typeof uri !== "string") return undefined;
  if (DRAFT_07.test(uri)) return "draft-07";
  if (DRAFT_2020_12.test(uri)) return "2020-12";
  return undefined;
}

/** True when draft-07 keywords and forms are honoured. */
export function allowsDraft07Forms(dialect: Dialect): boolean {
  return dialect !== "2020-12";
}

/** True when 2020-12-only keywords are honoured. */
export function allows2020Keywords(dialect: Dialect): boolean {
  return dialect !== "draft-07";
}
