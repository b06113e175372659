import type { ArgumentMapping, BranchMapping, PropertyMapping } from "./argument-mapping.js";
import { ChangeLog, preview } from "./change-log.js";
import {
  isSchemaNode,
  jsonTypeOf,
  pointer,
  resolveLocalRef,
  type SchemaNode,
  typeList,
  withConstraintsInDescription,
} from "./json-schema-node.js";
import { mergeSchemas } from "./merge-schemas.js";
import { acceptsNull } from "./null-dropping-mapping.js";
import type { SchemaChange } from "./schema-change.js";

/** @internal Options of {@link adaptForGemini}. */
export interface GeminiAdapterOptions {
  /** How many times one definition may be inlined inside itself before recursion is cut. */
  readonly maxRecursionDepth: number;
}

/** @internal What {@link adaptForGemini} returns. */
export interface GeminiAdapterResult {
  readonly jsonSchema: SchemaNode;
  readonly changes: SchemaChange[];
  readonly mapping: ArgumentMapping | undefined;
}

/** Formats Gemini accepts, per type (Schema.format in the Gemini API reference). */
const FORMATS: Record<string, ReadonlySet<string>> = {
  string: new Set(["date-time", "enum"]),
  number: new Set(["float", "double"]),
  integer: new Set(["int32", "int64"]),
};
/** Keywords of the OpenAPI 3.0 subset kept as they are. */
const KEPT_KEYWORDS = new Set([
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
]);
/** Keywords Gemini rejects but that tell the model something: kept as description text. */
const DESCRIBED_KEYWORDS = new Set([
  "default",
  "examples",
  "deprecated",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "uniqueItems",
  "contains",
  "minContains",
  "maxContains",
  "not",
  "if",
  "then",
  "else",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
  "propertyNames",
  "patternProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contentEncoding",
  "contentMediaType",
  "contentSchema",
]);
/** Keywords handled structurally below. */
const STRUCTURAL_KEYWORDS = new Set([
  "type",
  "description",
  "title",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "prefixItems",
  "additionalItems",
  "anyOf",
  "oneOf",
  "allOf",
  "$ref",
  "$defs",
  "definitions",
  "nullable",
  "format",
]);
/** Keywords that only make sense for one instance type, for splitting `type` arrays. */
const TYPE_KEYWORDS: Record<string, readonly string[]> = {
  string: [
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
  ],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format"],
  integer: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format"],
  array: ["items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains"],
  object: [
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependentSchemas",
  ],
};
/**
 * Inlining `$ref`s can multiply a schema's size (each recursive reference is copied
 * `maxRecursionDepth` times); past this many subschemas, references become JSON strings.
 */
const MAX_NODES = 2000;
/** Same bound, on the JSON text of inlined definitions. */
const MAX_INLINED_CHARS = 200_000;
/** Longest JSON Schema repeated in the description of a JSON-encoded string value. */
const MAX_DESCRIBED_SCHEMA = 2000;
const NUMBER_KEYWORDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];

interface Transformed {
  schema: SchemaNode;
  mapping: ArgumentMapping | undefined;
}

/**
 * @internal Rewrites a tool input schema into the OpenAPI 3.0 subset of Gemini function
 * declarations: `$ref`s inlined (recursion cut after `maxRecursionDepth` levels), `nullable`
 * instead of `null` types, string-only enums, no `additionalProperties`, unsupported keywords
 * moved to the description. Values Gemini cannot describe (free-form objects, maps, untyped
 * values, cut recursion) are asked for as JSON-encoded strings and decoded by the mapping.
 */
export function adaptForGemini(original: SchemaNode, options: GeminiAdapterOptions): GeminiAdapterResult {
  const adapter = new GeminiAdapter(original, options);
  const { schema, mapping } = adapter.run();
  return { jsonSchema: schema, changes: adapter.log.changes, mapping };
}

class GeminiAdapter {
  readonly log = new ChangeLog();
  readonly #root: SchemaNode;
  readonly #options: GeminiAdapterOptions;
  /** Original paths of the `$ref` targets being inlined, outermost first. */
  readonly #inlining: string[] = [];
  /** Subschemas emitted so far; inlining stops growing the output past {@link MAX_NODES}. */
  #nodes = 0;
  /** Size of the JSON inlined so far; see {@link MAX_INLINED_CHARS}. */
  #inlinedChars = 0;

  constructor(root: SchemaNode, options: GeminiAdapterOptions) {
    this.#root = root;
    this.#options = options;
  }

  run(): Transformed {
    for (const container of ["$defs", "definitions"] as const) {
      if (this.#root[container] !== undefined) {
        this.log.record("", container, "removed", "Gemini takes no definitions; each $ref is inlined");
      }
    }
    // Document keywords are reported at the root even when a root `$ref` gets inlined.
    const root: SchemaNode = {};
    for (const [key, value] of Object.entries(this.#root)) {
      if (key === "$schema" || key === "$id" || key === "$comment")
        this.log.record("", key, "removed", preview(value));
      else root[key] = value;
    }
    this.#inlining.push("");
    const result = this.#node(root, "", true);
    if (result.mapping?.jsonString || result.schema.type !== "object") {
      // The root must stay an object for a function declaration.
      this.log.record("", "type", "rewritten", "the root must be an object schema");
      return { schema: { type: "object", properties: {} }, mapping: undefined };
    }
    return result;
  }

  #node(input: SchemaNode | boolean, path: string, isRoot = false): Transformed {
    this.#nodes++;
    if (typeof input === "boolean")
      return this.#jsonString(input ? {} : { not: {} }, path, "(schema)", "accepts any value");
    if (typeof input.$ref === "string") return this.#ref(input, input.$ref, path);
    if (Array.isArray(input.allOf)) {
      const inlined: string[] = [];
      const merged = this.#mergeAllOf(input, path, inlined);
      // Definitions merged in count as being inlined until the merged schema is done.
      this.#inlining.push(...inlined);
      try {
        return this.#node(merged, path, isRoot);
      } finally {
        this.#inlining.length -= inlined.length;
      }
    }
    const schema = input;

    let types = typeList(schema);
    let nullable = schema.nullable === true;
    if (types.includes("null")) {
      types = types.filter((type) => type !== "null");
      nullable = true;
      this.log.record(path, "type", "rewritten", `${preview(schema.type)} expressed with nullable: true`);
    }
    if (schema.type === undefined) {
      const inferred = inferType(schema);
      if (inferred) {
        types = [inferred];
        this.log.record(path, "type", "rewritten", `added "${inferred}" (Gemini needs a type)`);
      }
    }
    const union = Array.isArray(schema.anyOf) ? "anyOf" : Array.isArray(schema.oneOf) ? "oneOf" : undefined;
    const enumerated = "const" in schema || Array.isArray(schema.enum);
    if (types.length === 0 && !union && !enumerated) {
      if (schema.type === "null" || (Array.isArray(schema.type) && types.length === 0 && nullable)) {
        // Only `null` is valid: Gemini has no null type, so ask for a nullable string and keep it null.
        return {
          schema: describeOnly(schema, { type: "string", nullable: true }, "Always null."),
          mapping: undefined,
        };
      }
      if (isRoot) return { schema: { type: "object", properties: {} }, mapping: undefined };
      return this.#jsonString(schema, path, "type", "accepts any value");
    }
    if (types.length > 1) return this.#splitTypes(schema, types, nullable, path);
    const type = types[0];
    if (type === "object" && !isRoot && !hasDeclaredProperties(schema) && !union) {
      return this.#jsonString(schema, path, "properties", "is a free-form object or map");
    }

    const out: SchemaNode = {};
    const moved: SchemaNode = {};
    const mapping: ArgumentMapping = {};
    if (type !== undefined) out.type = type;
    if (nullable) out.nullable = true;
    if (enumerated) this.#enum(schema, path, out, mapping);
    const stringified = mapping.enumValues !== undefined;
    for (const [key, value] of Object.entries(schema)) {
      if (STRUCTURAL_KEYWORDS.has(key)) continue;
      if (stringified && NUMBER_KEYWORDS.includes(key)) {
        this.log.record(path, key, "removed", `${preview(value)}: the enum now lists every allowed value`);
      } else if (KEPT_KEYWORDS.has(key)) {
        out[key] = value;
      } else if (DESCRIBED_KEYWORDS.has(key)) {
        moved[key] = value;
      } else {
        this.log.record(path, key, "removed", preview(value));
      }
    }
    if (schema.format !== undefined) {
      const allowed = FORMATS[String(out.type)];
      if (allowed?.has(String(schema.format))) out.format = schema.format;
      else moved.format = schema.format;
    }
    if (union) this.#union(schema, union, path, out, mapping);
    if (type === "object") this.#object(schema, path, out, mapping, moved);
    if (type === "array") this.#array(schema, path, out, mapping, moved);
    for (const key of Object.keys(moved))
      this.log.record(path, key, "moved-to-description", preview(moved[key]));
    if (typeof schema.title === "string") out.title = schema.title;
    const description = withConstraintsInDescription(schema.description, moved);
    if (description !== undefined) out.description = description;

    // A union left with one branch (once `null` branches became `nullable`) is that branch.
    if (Array.isArray(out.anyOf) && out.anyOf.length === 1 && out.type === undefined && !enumerated) {
      const [only] = out.anyOf as SchemaNode[];
      const { anyOf: _anyOf, ...outer } = out;
      const branch = mapping.branches?.[0];
      return { schema: order({ ...only, ...outer }), mapping: branch?.node };
    }
    return { schema: order(out), mapping: isEmptyMapping(mapping) ? undefined : mapping };
  }

  #ref(input: SchemaNode, ref: string, path: string): Transformed {
    const resolved = resolveLocalRef(this.#root, ref, path);
    if (!resolved) return this.#jsonString(input, path, "$ref", `points outside the schema (${ref})`);
    if (this.#nodes > MAX_NODES || this.#inlinedChars > MAX_INLINED_CHARS) {
      const why = `${ref} not inlined: the adapted schema grew too large`;
      return this.#jsonString(input, path, "$ref", why);
    }
    this.#inlinedChars += JSON.stringify(resolved.schema).length;
    const depth = this.#inlining.filter((target) => target === resolved.path).length;
    if (depth >= this.#options.maxRecursionDepth) {
      // Describe the target itself: the model cannot look `ref` up, since definitions are gone.
      const { $ref: _ref, ...siblings } = input;
      const target = isSchemaNode(resolved.schema) ? { ...resolved.schema, ...siblings } : input;
      const why = `recursion through ${ref} cut after ${depth} levels`;
      return this.#jsonString(target, path, "$ref", why, `${ref} refers to this same schema`);
    }
    this.log.record(path, "$ref", "inlined", ref);
    const siblings = Object.fromEntries(
      Object.entries(input).filter(([key]) => key !== "$ref" && key !== "$defs" && key !== "definitions"),
    );
    const merged = isSchemaNode(resolved.schema) ? { ...resolved.schema, ...siblings } : resolved.schema;
    this.#inlining.push(resolved.path);
    try {
      return this.#node(merged, resolved.path);
    } finally {
      this.#inlining.pop();
    }
  }

  /** Asks for a JSON-encoded string instead of a value Gemini's schema subset cannot describe. */
  #jsonString(original: SchemaNode, path: string, keyword: string, why: string, aside?: string): Transformed {
    const { description, title, ...shape } = original;
    const hasShape = Object.keys(shape).length > 0;
    const text = JSON.stringify(shape);
    const note = !hasShape
      ? "A JSON-encoded string of any JSON value."
      : text.length > MAX_DESCRIBED_SCHEMA
        ? `A JSON-encoded string of a value matching the schema at ${path || "/"} of the tool's JSON Schema.`
        : `A JSON-encoded string of a value matching this JSON Schema${aside ? ` (${aside})` : ""}: ${text}`;
    this.log.record(path, keyword, "rewritten", `${why}: sent as a JSON-encoded string and decoded back`);
    const schema: SchemaNode = { type: "string" };
    if (typeof title === "string") schema.title = title;
    schema.description = typeof description === "string" ? `${description}\n${note}` : note;
    if (acceptsNull(original, this.#root) && hasShape) schema.nullable = true;
    return { schema, mapping: { jsonString: true } };
  }

  #enum(schema: SchemaNode, path: string, out: SchemaNode, mapping: ArgumentMapping): void {
    const values = "const" in schema ? [schema.const] : (schema.enum as unknown[]);
    if ("const" in schema)
      this.log.record(path, "const", "rewritten", `enum of one value ${preview(schema.const)}`);
    const present = values.filter((value) => value !== null);
    if (present.length === 0) {
      out.type = "string";
      out.nullable = true;
      return;
    }
    if (present.length < values.length) {
      out.nullable = true;
      if (!Array.isArray(schema.type) || !schema.type.includes("null")) {
        this.log.record(path, "enum", "rewritten", "null member expressed with nullable: true");
      }
    }
    if (present.every((value) => typeof value === "string")) {
      out.type = "string";
      out.enum = present;
      return;
    }
    const strings: string[] = [];
    const back = new Map<string, unknown>();
    for (const value of present) {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      if (back.has(text)) continue;
      back.set(text, value);
      strings.push(text);
    }
    out.type = "string";
    out.enum = strings;
    mapping.enumValues = back;
    this.log.record(
      path,
      "enum",
      "rewritten",
      `Gemini only takes string enums: ${preview(present)} sent as ${preview(strings)} and mapped back`,
    );
  }

  #union(
    schema: SchemaNode,
    keyword: "anyOf" | "oneOf",
    path: string,
    out: SchemaNode,
    mapping: ArgumentMapping,
  ): void {
    if (keyword === "oneOf")
      this.log.record(path, "oneOf", "rewritten", "expressed as anyOf (Gemini has no oneOf)");
    const branches: SchemaNode[] = [];
    const mappings: BranchMapping[] = [];
    for (const [index, branch] of (schema[keyword] as unknown[]).entries()) {
      const branchPath = pointer(path, keyword, index);
      if (isSchemaNode(branch) && isNullOnly(branch)) {
        out.nullable = true;
        this.log.record(branchPath, "type", "rewritten", "null branch expressed with nullable: true");
        continue;
      }
      if (!isSchemaNode(branch) && typeof branch !== "boolean") continue;
      const transformed = this.#node(branch, branchPath);
      branches.push(transformed.schema);
      mappings.push({ schema: transformed.schema, node: transformed.mapping });
    }
    out.anyOf = branches;
    if (mappings.some((branch) => branch.node !== undefined)) mapping.branches = mappings;
  }

  #splitTypes(schema: SchemaNode, types: string[], nullable: boolean, path: string): Transformed {
    this.log.record(
      path,
      "type",
      "rewritten",
      `${preview(schema.type)} expressed as anyOf, one branch per type`,
    );
    const shared: SchemaNode = {};
    for (const [key, value] of Object.entries(schema)) {
      const specific = Object.values(TYPE_KEYWORDS).some((keywords) => keywords.includes(key));
      if (!specific && key !== "type" && key !== "nullable" && key !== "enum" && key !== "const")
        shared[key] = value;
    }
    const branches: SchemaNode[] = [];
    const mappings: BranchMapping[] = [];
    for (const type of types) {
      const branch: SchemaNode = { type };
      for (const key of TYPE_KEYWORDS[type] ?? []) if (schema[key] !== undefined) branch[key] = schema[key];
      const values = Array.isArray(schema.enum)
        ? schema.enum
        : "const" in schema
          ? [schema.const]
          : undefined;
      if (values) {
        const matching = values.filter(
          (value) => jsonTypeOf(value) === type || (type === "number" && typeof value === "number"),
        );
        if (matching.length === 0) continue;
        branch.enum = matching;
      }
      const transformed = this.#node(branch, path);
      branches.push(transformed.schema);
      mappings.push({ schema: transformed.schema, node: transformed.mapping });
    }
    const { description, title } = shared;
    const out: SchemaNode = {};
    if (typeof title === "string") out.title = title;
    const moved: SchemaNode = {};
    for (const [key, value] of Object.entries(shared)) {
      if (DESCRIBED_KEYWORDS.has(key)) moved[key] = value;
    }
    for (const key of Object.keys(moved))
      this.log.record(path, key, "moved-to-description", preview(moved[key]));
    const text = withConstraintsInDescription(description, moved);
    if (text !== undefined) out.description = text;
    if (nullable) out.nullable = true;
    out.anyOf = branches;
    const hasMapping = mappings.some((branch) => branch.node !== undefined);
    return { schema: out, mapping: hasMapping ? { branches: mappings } : undefined };
  }

  #object(
    schema: SchemaNode,
    path: string,
    out: SchemaNode,
    mapping: ArgumentMapping,
    moved: SchemaNode,
  ): void {
    const declared = isSchemaNode(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required)
      ? schema.required.filter((name): name is string => typeof name === "string")
      : [];
    const properties: SchemaNode = {};
    const propertyMappings = new Map<string, PropertyMapping>();
    for (const [name, propertySchema] of Object.entries(declared)) {
      const propertyPath = pointer(path, "properties", name);
      if (propertySchema === false) {
        this.log.record(propertyPath, "(schema)", "removed", "the property accepts no value");
        continue;
      }
      if (!isSchemaNode(propertySchema) && propertySchema !== true) continue;
      const transformed = this.#node(propertySchema, propertyPath);
      properties[name] = transformed.schema;
      const dropNull = !required.includes(name) && !acceptsNull(propertySchema, this.#root);
      if (dropNull || transformed.mapping)
        propertyMappings.set(name, { dropNull, node: transformed.mapping });
    }
    out.properties = properties;
    const kept = required.filter((name) => Object.hasOwn(properties, name));
    for (const name of required) {
      if (!kept.includes(name))
        this.log.record(path, "required", "removed", `"${name}" is required but not declared`);
    }
    if (kept.length > 0) out.required = kept;
    if (propertyMappings.size > 0) mapping.properties = propertyMappings;
    if (schema.additionalProperties !== undefined) {
      if (schema.additionalProperties === false) {
        this.log.record(
          path,
          "additionalProperties",
          "removed",
          "false (Gemini never adds undeclared properties)",
        );
      } else {
        moved.additionalProperties = schema.additionalProperties;
      }
    }
  }

  #array(
    schema: SchemaNode,
    path: string,
    out: SchemaNode,
    mapping: ArgumentMapping,
    moved: SchemaNode,
  ): void {
    const tuple = Array.isArray(schema.prefixItems)
      ? { keyword: "prefixItems", members: schema.prefixItems as unknown[] }
      : Array.isArray(schema.items)
        ? { keyword: "items", members: schema.items as unknown[] }
        : undefined;
    if (tuple) {
      // Gemini has no tuples: any position may hold any member; the positions go to the description.
      moved[tuple.keyword] = tuple.members;
      const rest = tuple.keyword === "items" ? schema.additionalItems : schema.items;
      if (rest !== undefined) moved[tuple.keyword === "items" ? "additionalItems" : "items"] = rest;
      const members = tuple.members.filter((member) => isSchemaNode(member) || typeof member === "boolean");
      const union: SchemaNode = { anyOf: members };
      if (isSchemaNode(rest) || rest === true) (union.anyOf as unknown[]).push(rest);
      if (rest === false && out.maxItems === undefined) out.maxItems = tuple.members.length;
      const transformed = this.#node(union, pointer(path, tuple.keyword));
      out.items = transformed.schema;
      if (transformed.mapping) mapping.items = transformed.mapping;
      return;
    }
    if (schema.additionalItems !== undefined) {
      this.log.record(
        path,
        "additionalItems",
        "removed",
        `${preview(schema.additionalItems)} (no tuple items)`,
      );
    }
    const items = isSchemaNode(schema.items) || typeof schema.items === "boolean" ? schema.items : true;
    const transformed =
      items === true
        ? this.#jsonString({}, pointer(path, "items"), "items", "array items accept any value")
        : this.#node(items, pointer(path, "items"));
    out.items = transformed.schema;
    if (transformed.mapping) mapping.items = transformed.mapping;
  }

  /** Merges `allOf` members; members that conflict are described instead. */
  #mergeAllOf(schema: SchemaNode, path: string, inlined: string[], depth = 0): SchemaNode {
    const { allOf, ...rest } = schema;
    let merged: SchemaNode = rest;
    const conflicting: unknown[] = [];
    for (const [index, member] of (allOf as unknown[]).entries()) {
      let resolved: unknown = member;
      if (isSchemaNode(member) && typeof member.$ref === "string") {
        const target = resolveLocalRef(this.#root, member.$ref, pointer(path, "allOf", index));
        const { $ref: _ref, ...siblings } = member;
        const seen = [...this.#inlining, ...inlined].filter((entry) => entry === target?.path).length;
        if (target && isSchemaNode(target.schema) && seen < this.#options.maxRecursionDepth) {
          resolved = { ...target.schema, ...siblings };
          inlined.push(target.path);
          this.log.record(pointer(path, "allOf", index), "$ref", "inlined", member.$ref);
        } else {
          // Unresolvable (external) or recursion too deep: describe it instead.
          resolved = undefined;
        }
      }
      const result = isSchemaNode(resolved)
        ? mergeSchemas(merged, resolved)
        : resolved === true
          ? merged
          : undefined;
      if (result) merged = result;
      else conflicting.push(member);
    }
    if (conflicting.length > 0) {
      const described = withConstraintsInDescription(merged.description, { allOf: conflicting });
      if (described !== undefined) merged.description = described;
      this.log.record(path, "allOf", "moved-to-description", preview(conflicting));
    }
    this.log.record(
      path,
      "allOf",
      "rewritten",
      `${(allOf as unknown[]).length} members merged into one schema`,
    );
    if (!Array.isArray(merged.allOf)) return merged;
    if (depth < 8) return this.#mergeAllOf(merged, path, inlined, depth + 1);
    const { allOf: nested, ...flat } = merged;
    this.log.record(path, "allOf", "moved-to-description", `${preview(nested)}: nested too deeply to merge`);
    const described = withConstraintsInDescription(flat.description, { allOf: nested });
    return described === undefined ? flat : { ...flat, description: described };
  }
}

function isNullOnly(schema: SchemaNode): boolean {
  const types = typeList(schema);
  return types.length > 0 && types.every((type) => type === "null") && schema.enum === undefined;
}

function hasDeclaredProperties(schema: SchemaNode): boolean {
  return isSchemaNode(schema.properties) && Object.keys(schema.properties).length > 0;
}

function inferType(schema: SchemaNode): string | undefined {
  if (
    schema.properties !== undefined ||
    schema.additionalProperties !== undefined ||
    schema.required !== undefined
  ) {
    return "object";
  }
  if (schema.items !== undefined || schema.prefixItems !== undefined) return "array";
  return undefined;
}

function describeOnly(schema: SchemaNode, base: SchemaNode, note: string): SchemaNode {
  const description = typeof schema.description === "string" ? `${schema.description}\n${note}` : note;
  return { ...base, description };
}

function isEmptyMapping(mapping: ArgumentMapping): boolean {
  return (
    mapping.properties === undefined &&
    mapping.items === undefined &&
    mapping.branches === undefined &&
    mapping.enumValues === undefined &&
    !mapping.jsonString
  );
}

/** Stable keyword order, so goldens and diffs read well. */
const KEY_ORDER = [
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "items",
  "minProperties",
  "maxProperties",
  "properties",
  "required",
  "anyOf",
];

function order(schema: SchemaNode): SchemaNode {
  const result: SchemaNode = {};
  for (const key of KEY_ORDER) if (schema[key] !== undefined) result[key] = schema[key];
  for (const [key, value] of Object.entries(schema))
    if (!(key in result) && value !== undefined) result[key] = value;
  return result;
}
