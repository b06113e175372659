import type { Dialect } from "./dialect.js";

/** Options of `jsonSchemaToZod`. */
export interface JsonSchemaToZodOptions {
  /**
   * Dialect to apply. `"auto"` (default) reads `$schema`; without one it applies 2020-12 semantics
   * plus the draft-07 forms that do not conflict with them (array `items` + `additionalItems`,
   * `dependencies`, `$id: "#name"` anchors).
   */
  draft?: "draft-07" | "2020-12" | "auto";
  /**
   * What to do with a recognised keyword (or keyword value) this converter cannot enforce:
   * `"error"` (default) throws a `JsonSchemaConversionError`; `"warn"` ignores that keyword and
   * records a {@link ConversionWarning}. Nothing is ever ignored silently.
   */
  onUnsupported?: "error" | "warn";
  /** `"validate"` (default) asserts the known `format`s; `"ignore"` treats `format` as annotation. */
  formats?: "validate" | "ignore";
  /** Maximum subschema nesting depth, counting `$ref` hops (default 256). */
  maxDepth?: number;
  /** Maximum number of `enum` members (default 10 000). */
  maxEnumSize?: number;
  /** Maximum number of subschemas in the schema and the remotes it uses (default 100 000). */
  maxSchemaNodes?: number;
  /** Pre-loaded remote schemas by URI, for `$ref`s to other documents. Nothing is ever fetched. */
  remotes?: Record<string, unknown>;
}

/** A keyword the converter could not enforce and ignored because `onUnsupported` is `"warn"`. */
export interface ConversionWarning {
  /** JSON pointer of the keyword. */
  path: string;
  /** The keyword. */
  keyword: string;
  /** Why it was ignored. */
  message: string;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly draft: Dialect;
  readonly onUnsupported: "error" | "warn";
  readonly formats: "validate" | "ignore";
  readonly maxDepth: number;
  readonly maxEnumSize: number;
  readonly maxSchemaNodes: number;
  readonly remotes: Record<string, unknown> | undefined;
}

/** Default for {@link JsonSchemaToZodOptions.maxDepth}. */
export const DEFAULT_MAX_DEPTH = 256;
/** Default for {@link JsonSchemaToZodOptions.maxEnumSize}. */
export const DEFAULT_MAX_ENUM_SIZE = 10_000;
/** Default for {@link JsonSchemaToZodOptions.maxSchemaNodes}. */
export const DEFAULT_MAX_SCHEMA_NODES = 100_000;
