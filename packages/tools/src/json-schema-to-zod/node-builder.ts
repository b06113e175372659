import type { z } from "zod";
import type { CompileContext } from "./compile-context.js";
import type { CompiledNode } from "./compiled-node.js";
import { allows2020Keywords, allowsDraft07Forms, type Dialect } from "./dialect.js";
import { JsonSchemaConversionError } from "./errors.js";
import { isJsonObject } from "./json-equal.js";
import { appendPointer } from "./json-pointer.js";
import type { SchemaLocation } from "./ref-resolver.js";

/** Compiles a location within a dynamic scope at a depth; provided by the compiler. */
export type CompileFunction = (
  location: SchemaLocation,
  scope: readonly string[],
  depth: number,
) => CompiledNode;

/** A keyword check on the raw instance; report failures through `context.addIssue`. */
export type InstanceCheck = (value: unknown, context: z.core.$RefinementCtx<unknown>) => void;

/** Keywords that only exist in 2020-12 (ignored under draft-07, like any unknown keyword). */
const KEYWORDS_2020 = new Set([
  "prefixItems",
  "dependentRequired",
  "dependentSchemas",
  "minContains",
  "maxContains",
  "unevaluatedItems",
  "unevaluatedProperties",
  "$dynamicRef",
  "$anchor",
  "$dynamicAnchor",
]);
/** Keywords that only exist in draft-07 (honoured under draft-07 and auto). */
const KEYWORDS_DRAFT_07 = new Set(["dependencies", "additionalItems"]);

const VALIDATION_VOCABULARY = "https://json-schema.org/draft/2020-12/vocab/validation";
const APPLICATOR_VOCABULARY = "https://json-schema.org/draft/2020-12/vocab/applicator";
/** Which 2020-12 vocabulary each assertion or applicator keyword belongs to. */
const VOCABULARY_OF: ReadonlyMap<string, string> = new Map([
  ...[
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
  ].map((keyword) => [keyword, VALIDATION_VOCABULARY] as const),
  ...[
    "prefixItems",
    "items",
    "contains",
    "additionalProperties",
    "properties",
    "patternProperties",
    "dependentSchemas",
    "propertyNames",
    "if",
    "then",
    "else",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
  ].map((keyword) => [keyword, APPLICATOR_VOCABULARY] as const),
]);

/** Short, safe description of a keyword value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Per-schema-object compilation state handed to the keyword modules: access to the keywords of
 * the current schema, compilation of subschemas, and the parts and checks that make up its Zod
 * schema.
 */
export class NodeBuilder {
  /** Native Zod schemas the instance must satisfy (combined with `z.intersection`). */
  readonly parts: z.ZodType[] = [];
  /** Keyword checks that need the raw instance. */
  readonly checks: Array<{ keyword: string; check: InstanceCheck }> = [];
  /** The schema object being compiled. */
  readonly schema: Readonly<Record<string, unknown>>;

  constructor(
    readonly context: CompileContext,
    readonly node: CompiledNode,
    readonly scope: readonly string[],
    readonly depth: number,
    private readonly compile: CompileFunction,
  ) {
    this.schema = node.location.schema as Readonly<Record<string, unknown>>;
  }

  /** Where the schema lives. */
  get location(): SchemaLocation {
    return this.node.location;
  }

  /** The dialect governing this schema. */
  get dialect(): Dialect {
    return this.node.location.dialect;
  }

  /** True when the keyword is present as an own property and belongs to the active dialect. */
  has(keyword: string): boolean {
    if (!Object.hasOwn(this.schema, keyword)) return false;
    if (KEYWORDS_2020.has(keyword) && !allows2020Keywords(this.dialect)) return false;
    if (KEYWORDS_DRAFT_07.has(keyword) && !allowsDraft07Forms(this.dialect)) return false;
    const vocabularies = this.location.vocabularies;
    const vocabulary = VOCABULARY_OF.get(keyword);
    if (vocabularies !== undefined && vocabulary !== undefined && !vocabularies.has(vocabulary)) return false;
    return true;
  }

  /** The keyword's value (undefined when absent). */
  get(keyword: string): unknown {
    return Object.hasOwn(this.schema, keyword) ? this.schema[keyword] : undefined;
  }

  /** JSON pointer of a keyword (or of a location inside its value). */
  pathOf(keyword: string, ...tokens: ReadonlyArray<string | number>): string {
    return appendPointer(this.location.path, keyword, ...tokens);
  }

  /** Throws the typed error for a malformed keyword value. */
  fail(
    keyword: string,
    expected: string,
    value: unknown = this.get(keyword),
    tokens: ReadonlyArray<string | number> = [],
  ): never {
    const path = this.pathOf(keyword, ...tokens);
    throw new JsonSchemaConversionError({
      message: `Invalid JSON Schema at "${path || "/"}": "${keyword}" must be ${expected}, got ${describeValue(value)}.`,
      path,
      keyword,
    });
  }

  /** Reports a keyword this converter cannot enforce (throws or records a warning). */
  unsupported(keyword: string, message: string): void {
    this.context.unsupported(this.pathOf(keyword), keyword, message);
  }

  /** Adds a native Zod part. */
  addPart(part: z.ZodType): void {
    this.parts.push(part);
  }

  /** Adds a keyword check on the raw instance. */
  addCheck(keyword: string, check: InstanceCheck): void {
    this.checks.push({ keyword, check });
  }

  /**
   * Compiles a subschema found at `keyword/...tokens`. `inPlace` says whether it applies to the
   * same instance (allOf, not, if...) rather than to a member of it (properties, items...).
   */
  child(
    value: unknown,
    inPlace: boolean,
    keyword: string,
    ...tokens: ReadonlyArray<string | number>
  ): CompiledNode {
    const path = this.pathOf(keyword, ...tokens);
    if (!isJsonObject(value) && typeof value !== "boolean") {
      this.fail(keyword, "a schema (an object or a boolean)", value, tokens);
    }
    const known = isJsonObject(value) ? this.context.resolver.locationOf(value) : undefined;
    const location: SchemaLocation = known ?? {
      schema: value,
      baseUri: this.location.baseUri,
      path,
      dialect: this.dialect,
      isResourceRoot: false,
      vocabularies: this.location.vocabularies,
    };
    const compiled = this.compile(location, this.scope, this.depth + 1);
    if (inPlace) this.node.inPlaceChildren.push(compiled);
    return compiled;
  }

  /** Compiles the target of a reference, entering its resource in the dynamic scope. */
  reference(target: SchemaLocation): CompiledNode {
    const scope =
      this.scope[this.scope.length - 1] === target.baseUri ? this.scope : [...this.scope, target.baseUri];
    const compiled = this.compile(target, scope, this.depth + 1);
    this.node.inPlaceChildren.push(compiled);
    return compiled;
  }
}
