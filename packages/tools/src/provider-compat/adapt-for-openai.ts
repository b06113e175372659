import { adaptForAnthropic } from "./adapt-for-anthropic.js";
import { ChangeLog, preview } from "./change-log.js";
import {
  isSchemaNode,
  pointer,
  type ResolvedRef,
  resolveLocalRef,
  type SchemaNode,
  typeList,
  withConstraintsInDescription,
} from "./json-schema-node.js";
import { mergeSchemas } from "./merge-schemas.js";
import { acceptsNull } from "./null-dropping-mapping.js";
import type { SchemaChange, StrictModeBlocker } from "./schema-change.js";

/** @internal Options of {@link adaptForOpenAi}. */
export interface OpenAiAdapterOptions {
  /**
   * `keep`: keep `pattern`, `format` (supported values), `minimum`/`maximum`/`exclusive*`,
   * `multipleOf` and `minItems`/`maxItems`, which strict mode enforces today.
   * `move-to-description`: move them to the description, for older models and deployments that
   * reject them.
   */
  readonly constraintKeywords: "keep" | "move-to-description";
}

/** @internal What {@link adaptForOpenAi} returns. */
export interface OpenAiAdapterResult {
  readonly jsonSchema: SchemaNode;
  readonly strict: boolean;
  readonly changes: SchemaChange[];
  readonly blockers: StrictModeBlocker[];
}

/** String formats strict mode accepts (OpenAI structured outputs, "Supported properties"). */
const STRICT_FORMATS = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uuid",
]);
/** Value constraints strict mode enforces; see {@link OpenAiAdapterOptions.constraintKeywords}. */
const CONSTRAINT_KEYWORDS = new Set([
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
]);
/** Keywords strict mode rejects but that tell the model something: kept as description text. */
const DESCRIBED_KEYWORDS = new Set([
  "default",
  "examples",
  "deprecated",
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
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
  "additionalItems",
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
  "anyOf",
  "oneOf",
  "allOf",
  "$ref",
  "$defs",
  "definitions",
  "nullable",
]);
/** Annotations that may sit beside a `$ref` without forcing it to be inlined for recursion. */
const REF_ANNOTATIONS = new Set(["description", "title", "default", "examples", "deprecated", "$comment"]);
/** Never treated as siblings of `$ref` (document-level keywords). */
const REF_IGNORED = new Set(["$schema", "$id", "$defs", "definitions"]);

/** Limits from OpenAI's structured outputs guide ("Objects have limitations on nesting depth and size"). */
const MAX_PROPERTIES = 5000;
const MAX_NESTING = 10;
const MAX_ENUM_VALUES = 1000;
const MAX_TOTAL_STRING_LENGTH = 120_000;

interface Transformed {
  schema: SchemaNode;
}

/**
 * @internal Rewrites a tool input schema for OpenAI strict mode (structured outputs): closed
 * objects with every property required (optional ones made nullable), only the keywords strict
 * mode accepts, `$defs` for shared and recursive definitions. When a part of the schema cannot
 * be expressed (free-form objects and maps, untyped values, tuples, external `$ref`s, limits
 * exceeded), returns the original schema (only its root adjusted, as for Anthropic) with
 * `strict: false` and the reasons in `blockers`.
 */
export function adaptForOpenAi(original: SchemaNode, options: OpenAiAdapterOptions): OpenAiAdapterResult {
  const adapter = new OpenAiStrictAdapter(original, options);
  const jsonSchema = adapter.run();
  const log = adapter.log;
  if (log.blockers.length > 0) {
    // Non-strict function parameters still need an object root, which is all Anthropic needs too.
    const fallback = adaptForAnthropic(original);
    return {
      jsonSchema: fallback.jsonSchema,
      strict: false,
      changes: fallback.changes,
      blockers: log.blockers,
    };
  }
  return { jsonSchema, strict: true, changes: log.changes, blockers: [] };
}

class OpenAiStrictAdapter {
  readonly log = new ChangeLog();
  readonly #root: SchemaNode;
  readonly #options: OpenAiAdapterOptions;
  /** Output `$defs`, by output name, in the order they were first referenced. */
  readonly #defs = new Map<string, SchemaNode | undefined>();
  /** Original location of each output definition, for ordering and cycle checks. */
  readonly #defPaths = new Map<string, string>();
  /** Definitions inlined at least once (so not unused even when absent from the output). */
  readonly #inlinedDefinitions = new Set<string>();
  /** Paths of schemas being transformed right now (definitions and inlined targets). */
  readonly #active = new Set<string>();

  constructor(root: SchemaNode, options: OpenAiAdapterOptions) {
    this.#root = root;
    this.#options = options;
  }

  run(): SchemaNode {
    // Document keywords are reported at the root even when a root `$ref` gets inlined.
    let root: SchemaNode | boolean = {};
    for (const [key, value] of Object.entries(this.#root)) {
      if (key === "$schema" || key === "$id" || key === "$comment")
        this.log.record("", key, "removed", preview(value));
      else root[key] = value;
    }
    let rootPath = "";
    // A root `$ref` (zod-to-json-schema and pydantic emit `{ $ref, definitions }`) is inlined:
    // strict mode needs the root itself to be an object schema.
    for (let hops = 0; isSchemaNode(root) && typeof root.$ref === "string"; hops++) {
      const resolved = this.#resolve(root.$ref, rootPath);
      if (!resolved) return {};
      if (hops >= 8 || this.#active.has(resolved.path) || resolved.path === "") {
        this.log.block(rootPath, "$ref", "the root $ref never reaches an object schema");
        return {};
      }
      this.log.record(rootPath, "$ref", "inlined", `${root.$ref} inlined: the root must be an object schema`);
      const { $ref: _ref, ...siblings } = root;
      root = isSchemaNode(resolved.schema)
        ? (mergeSchemas(siblings, resolved.schema) ?? { ...resolved.schema, ...siblings })
        : resolved.schema;
      this.#active.add(resolved.path);
      rootPath = resolved.path;
      if (resolved.definition) {
        const { container, name } = resolved.definition;
        this.#inlinedDefinitions.add(outputDefName(container, name, this.#root));
      }
    }
    this.#active.add("");
    if (!isSchemaNode(root)) {
      this.log.block("", "type", "the root schema must be an object schema");
      return {};
    }
    if (root.anyOf !== undefined || root.oneOf !== undefined) {
      this.log.block(
        "",
        root.anyOf !== undefined ? "anyOf" : "oneOf",
        "the root must be an object, not a union",
      );
    }
    if (root.nullable !== undefined) {
      this.log.record(
        rootPath,
        "nullable",
        "removed",
        `${preview(root.nullable)}: the root is always an object`,
      );
      const { nullable: _nullable, ...rest } = root;
      root = rest;
    }
    const types = typeList(root);
    if (types.length > 0 && (types.length !== 1 || types[0] !== "object")) {
      this.log.block("", "type", `the root must have type "object" (found ${preview(root.type)})`);
    }
    const { schema } = this.#node(root, rootPath, true);
    const output: SchemaNode = { ...schema };
    if (this.#defs.size > 0) {
      const defs: SchemaNode = {};
      for (const [name, definition] of this.#defs) defs[name] = definition ?? {};
      output.$defs = defs;
      this.#checkAliasCycles(defs);
    }
    for (const container of ["$defs", "definitions"] as const) {
      const declared = this.#root[container];
      if (!isSchemaNode(declared)) continue;
      for (const name of Object.keys(declared)) {
        const outputName = outputDefName(container, name, this.#root);
        if (!this.#defPaths.has(outputName) && !this.#inlinedDefinitions.has(outputName)) {
          this.log.record(
            pointer("", container, name),
            container,
            "removed",
            "definition is never referenced",
          );
        }
      }
      if (container === "definitions" && Object.keys(declared).length > 0) {
        this.log.record("", "definitions", "rewritten", "moved to $defs");
      }
    }
    checkLimits(output, this.log);
    return output;
  }

  /** A definition that is only a `$ref` to itself (directly or through others) describes nothing. */
  #checkAliasCycles(defs: SchemaNode): void {
    const aliasOf = (name: string): string | undefined => {
      const definition = defs[name];
      const ref =
        isSchemaNode(definition) && Object.keys(definition).length === 1 ? definition.$ref : undefined;
      if (typeof ref !== "string" || !ref.startsWith("#/$defs/")) return undefined;
      return ref.slice("#/$defs/".length).replace(/~1/g, "/").replace(/~0/g, "~");
    };
    for (const name of Object.keys(defs)) {
      const seen = new Set<string>([name]);
      for (let next = aliasOf(name); next !== undefined; next = aliasOf(next)) {
        if (next === name) {
          this.log.block(
            this.#defPaths.get(name) ?? "",
            "$ref",
            "a reference cycle that never reaches a schema",
          );
          break;
        }
        if (seen.has(next)) break;
        seen.add(next);
      }
    }
  }

  #resolve(ref: string, path: string): ResolvedRef | undefined {
    const resolved = resolveLocalRef(this.#root, ref, path);
    if (!resolved) this.log.block(path, "$ref", `external reference ${preview(ref)} cannot be resolved`);
    return resolved;
  }

  /** Transforms one schema node. `isRoot` allows a root object without declared properties. */
  #node(input: SchemaNode | boolean, path: string, isRoot = false): Transformed {
    if (typeof input === "boolean") {
      this.log.block(
        path,
        "(schema)",
        input ? "accepts any value; strict mode needs a type" : "accepts no value",
      );
      return { schema: {} };
    }
    if (typeof input.$ref === "string") return this.#ref(input, input.$ref, path);
    const schema = input;
    if (Array.isArray(schema.allOf) && schema.allOf.length === 1 && isSchemaNode(schema.allOf[0])) {
      const [member] = schema.allOf as SchemaNode[];
      if (typeof member!.$ref === "string") {
        // `allOf: [{ $ref }]` beside annotations (older pydantic) is just that reference.
        const { allOf: _allOf, ...rest } = schema;
        this.log.record(path, "allOf", "rewritten", "a single-member allOf replaced by its $ref");
        return this.#node({ ...rest, ...member }, path, isRoot);
      }
    }
    if (Array.isArray(schema.allOf)) {
      const inlined: string[] = [];
      const merged = this.#mergeAllOf(schema, path, inlined);
      if (!merged) return { schema: {} };
      // Definitions merged in stay "being transformed" until the merged schema is done, so a
      // reference back to them is seen as the recursion it is.
      for (const target of inlined) this.#active.add(target);
      try {
        return this.#node(merged, path, isRoot);
      } finally {
        for (const target of inlined) this.#active.delete(target);
      }
    }
    const out: SchemaNode = {};
    const moved: SchemaNode = {};
    let types = typeList(schema);
    if (types.length === 0 && schema.type === undefined) {
      const inferred = inferType(schema);
      if (inferred) {
        types = inferred;
        this.log.record(
          path,
          "type",
          "rewritten",
          `added ${preview(inferred.length === 1 ? inferred[0] : inferred)} (strict mode needs a type)`,
        );
      } else if (
        schema.anyOf === undefined &&
        schema.oneOf === undefined &&
        schema.enum === undefined &&
        !("const" in schema)
      ) {
        this.log.block(path, "type", "the schema accepts any value; strict mode needs a type");
        return { schema: {} };
      }
    }
    const openApiNullable = schema.nullable === true && types.length > 0 && !types.includes("null");
    if (openApiNullable) {
      types = [...types, "null"];
      this.log.record(path, "nullable", "rewritten", 'OpenAPI `nullable` expressed as a "null" type');
    }
    for (const [key, value] of Object.entries(schema)) {
      if (STRUCTURAL_KEYWORDS.has(key)) continue;
      if (CONSTRAINT_KEYWORDS.has(key)) {
        const unsupported =
          this.#options.constraintKeywords === "move-to-description" ||
          (key === "format" && !STRICT_FORMATS.has(String(value))) ||
          ((key === "exclusiveMinimum" || key === "exclusiveMaximum") && typeof value !== "number");
        if (unsupported) moved[key] = value;
        else out[key] = value;
        continue;
      }
      if (DESCRIBED_KEYWORDS.has(key)) {
        moved[key] = value;
        continue;
      }
      this.log.record(path, key, "removed", preview(value));
    }
    for (const key of Object.keys(moved))
      this.log.record(path, key, "moved-to-description", preview(moved[key]));

    if (types.length > 0) out.type = types.length === 1 ? types[0] : types;
    if ("const" in schema) {
      out.enum = [schema.const];
      this.log.record(path, "const", "rewritten", `enum of one value ${preview(schema.const)}`);
    } else if (Array.isArray(schema.enum)) {
      out.enum = openApiNullable && !schema.enum.includes(null) ? [...schema.enum, null] : schema.enum;
    }
    if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) {
      if (Array.isArray(schema.oneOf) && Array.isArray(schema.anyOf)) {
        this.log.block(path, "oneOf", "both anyOf and oneOf on one schema");
      } else if (Array.isArray(schema.oneOf)) {
        this.log.record(path, "oneOf", "rewritten", "expressed as anyOf (strict mode has no oneOf)");
      }
      const keyword = Array.isArray(schema.anyOf) ? "anyOf" : "oneOf";
      const branches = (schema[keyword] as unknown[]).map((branch, index) =>
        isSchemaNode(branch) || typeof branch === "boolean"
          ? this.#node(branch, pointer(path, keyword, index)).schema
          : {},
      );
      out.anyOf = branches;
    }
    if (types.includes("object")) this.#object(schema, path, out, isRoot);
    if (types.includes("array")) this.#array(schema, path, out);
    const description = withConstraintsInDescription(schema.description, moved);
    if (typeof schema.title === "string") out.title = schema.title;
    if (description !== undefined) out.description = description;
    return { schema: order(out) };
  }

  #object(schema: SchemaNode, path: string, out: SchemaNode, isRoot: boolean): void {
    const declared = isSchemaNode(schema.properties) ? schema.properties : {};
    const additional = schema.additionalProperties;
    const hasProperties = Object.keys(declared).length > 0;
    if (!hasProperties && schema.patternProperties !== undefined) {
      this.log.block(path, "patternProperties", "a map keyed by pattern cannot be a closed object");
      return;
    }
    if (!hasProperties && additional !== false && !(isRoot && additional === undefined)) {
      const keyword = additional === undefined ? "properties" : "additionalProperties";
      const what = additional === undefined ? "an object without declared properties" : "an open map";
      this.log.block(
        path,
        keyword,
        `${what} cannot be expressed in strict mode, which requires closed objects`,
      );
      return;
    }
    const required = Array.isArray(schema.required)
      ? schema.required.filter((name): name is string => typeof name === "string")
      : [];
    const properties: SchemaNode = {};
    for (const [name, propertySchema] of Object.entries(declared)) {
      const propertyPath = pointer(path, "properties", name);
      if (propertySchema === false) {
        this.log.record(propertyPath, "(schema)", "removed", "the property accepts no value");
        continue;
      }
      if (!isSchemaNode(propertySchema) && propertySchema !== true) continue;
      const { schema: transformed } = this.#node(propertySchema, propertyPath);
      if (required.includes(name)) {
        properties[name] = transformed;
      } else if (acceptsNull(propertySchema, this.#root)) {
        properties[name] = transformed;
        this.log.record(
          propertyPath,
          "required",
          "rewritten",
          "optional property made required (it already accepts null)",
        );
      } else {
        properties[name] = nullable(transformed);
        this.log.record(
          propertyPath,
          "required",
          "rewritten",
          "optional property made required and nullable; null maps back to absent",
        );
      }
    }
    for (const name of required) {
      if (!Object.hasOwn(declared, name)) {
        this.log.record(path, "required", "removed", `"${name}" is required but not declared`);
      }
    }
    out.properties = properties;
    out.required = Object.keys(properties);
    if (additional !== false) {
      this.log.record(
        path,
        "additionalProperties",
        "rewritten",
        additional === undefined
          ? "set to false: strict mode requires closed objects"
          : `was ${preview(additional)}; set to false: strict mode requires closed objects`,
      );
    }
    out.additionalProperties = false;
  }

  #array(schema: SchemaNode, path: string, out: SchemaNode): void {
    if (Array.isArray(schema.items) || schema.prefixItems !== undefined) {
      this.log.block(path, Array.isArray(schema.items) ? "items" : "prefixItems", "tuples are not supported");
      return;
    }
    if (!isSchemaNode(schema.items)) {
      this.log.block(path, "items", "array items accept any value; strict mode needs an items schema");
      return;
    }
    out.items = this.#node(schema.items, pointer(path, "items")).schema;
  }

  #ref(input: SchemaNode, ref: string, path: string): Transformed {
    const resolved = this.#resolve(ref, path);
    if (!resolved) return { schema: {} };
    const siblingKeys = Object.keys(input).filter((key) => key !== "$ref" && !REF_IGNORED.has(key));
    const recursive = this.#active.has(resolved.path);
    if (resolved.path === "" && siblingKeys.length === 0) return { schema: { $ref: "#" } };
    if (resolved.definition && (siblingKeys.length === 0 || recursive)) {
      const annotationsOnly = siblingKeys.every((key) => REF_ANNOTATIONS.has(key));
      if (siblingKeys.length > 0 && !annotationsOnly) {
        this.log.block(
          path,
          "$ref",
          `recursive ${ref} has constraints beside it, which strict mode cannot express`,
        );
        return { schema: {} };
      }
      for (const key of siblingKeys) {
        this.log.record(
          path,
          key,
          "removed",
          `${preview(input[key])}: strict mode takes no keywords beside a recursive $ref`,
        );
      }
      const name = this.#requireDefinition(resolved);
      const target = `#/$defs/${encodeToken(name)}`;
      if (target !== ref) this.log.record(path, "$ref", "rewritten", `${ref} → ${target}`);
      return { schema: { $ref: target } };
    }
    if (recursive) {
      this.log.block(path, "$ref", `${ref} is recursive and does not point at a definition`);
      return { schema: {} };
    }
    const why =
      siblingKeys.length > 0
        ? "strict mode takes no keywords beside $ref"
        : "it points inside the schema, not at a definition";
    this.log.record(path, "$ref", "inlined", `${ref} inlined: ${why}`);
    const siblings = Object.fromEntries(siblingKeys.map((key) => [key, input[key]]));
    const merged: SchemaNode | boolean = isSchemaNode(resolved.schema)
      ? { ...resolved.schema, ...siblings }
      : resolved.schema;
    if (resolved.definition) {
      this.#inlinedDefinitions.add(
        outputDefName(resolved.definition.container, resolved.definition.name, this.#root),
      );
    }
    this.#active.add(resolved.path);
    try {
      return this.#node(merged, resolved.path);
    } finally {
      this.#active.delete(resolved.path);
    }
  }

  #requireDefinition(resolved: ResolvedRef): string {
    const definition = resolved.definition!;
    const name = outputDefName(definition.container, definition.name, this.#root);
    if (!this.#defPaths.has(name)) {
      this.#defPaths.set(name, resolved.path);
      this.#defs.set(name, undefined);
      this.#active.add(resolved.path);
      try {
        this.#defs.set(name, this.#node(resolved.schema, resolved.path).schema);
      } finally {
        this.#active.delete(resolved.path);
      }
    }
    return name;
  }

  /**
   * Merges `allOf` members into one schema when they do not conflict (the usual "base object +
   * extension" pattern). Strict mode has no `allOf`; anything else blocks strict mode.
   */
  #mergeAllOf(schema: SchemaNode, path: string, inlined: string[], depth = 0): SchemaNode | undefined {
    if (depth > 16) {
      this.log.block(path, "allOf", "allOf nested too deeply (or recursively) to merge");
      return undefined;
    }
    const { allOf, ...rest } = schema;
    let merged: SchemaNode = rest;
    for (const [index, member] of (allOf as unknown[]).entries()) {
      let resolved: unknown = member;
      if (isSchemaNode(member) && typeof member.$ref === "string") {
        const target = this.#resolve(member.$ref, pointer(path, "allOf", index));
        if (!target) return undefined;
        if (this.#active.has(target.path) || inlined.includes(target.path)) {
          this.log.block(pointer(path, "allOf", index), "$ref", "a recursive allOf member cannot be merged");
          return undefined;
        }
        inlined.push(target.path);
        const { $ref: _ref, ...siblings } = member;
        resolved = isSchemaNode(target.schema) ? { ...target.schema, ...siblings } : target.schema;
      }
      if (resolved === true) continue;
      const result = isSchemaNode(resolved) ? mergeSchemas(merged, resolved) : undefined;
      if (!result) {
        this.log.block(pointer(path, "allOf", index), "allOf", "allOf members conflict and cannot be merged");
        return undefined;
      }
      merged = result;
    }
    this.log.record(
      path,
      "allOf",
      "rewritten",
      `${(allOf as unknown[]).length} members merged into one schema`,
    );
    return Array.isArray(merged.allOf) ? this.#mergeAllOf(merged, path, inlined, depth + 1) : merged;
  }
}

/** Adds `null` to what a transformed schema accepts. */
function nullable(schema: SchemaNode): SchemaNode {
  if (typeof schema.$ref === "string") return { anyOf: [schema, { type: "null" }] };
  if (Array.isArray(schema.anyOf)) {
    const hasNull = schema.anyOf.some((branch) => isSchemaNode(branch) && branch.type === "null");
    return hasNull ? schema : { ...schema, anyOf: [...schema.anyOf, { type: "null" }] };
  }
  const result: SchemaNode = { ...schema };
  const types = typeList(schema);
  if (types.length > 0 && !types.includes("null")) result.type = [...types, "null"];
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) result.enum = [...schema.enum, null];
  return order(result);
}

function inferType(schema: SchemaNode): string[] | undefined {
  if (
    schema.properties !== undefined ||
    schema.additionalProperties !== undefined ||
    schema.required !== undefined
  ) {
    return ["object"];
  }
  if (schema.items !== undefined || schema.prefixItems !== undefined) return ["array"];
  const values = Array.isArray(schema.enum) ? schema.enum : "const" in schema ? [schema.const] : undefined;
  if (!values || values.length === 0) return undefined;
  const types: string[] = [];
  const integers = values.every((value) => typeof value !== "number" || Number.isInteger(value));
  for (const value of values) {
    const type =
      value === null
        ? "null"
        : Array.isArray(value)
          ? "array"
          : typeof value === "number"
            ? integers
              ? "integer"
              : "number"
            : typeof value;
    if (type === "object" || type === "array") return undefined;
    if (!types.includes(type)) types.push(type);
  }
  return types;
}

/** Output name of a definition: `definitions/X` keeps its name unless `$defs/X` exists too. */
function outputDefName(container: "$defs" | "definitions", name: string, root: SchemaNode): string {
  if (container === "$defs") return name;
  const defs = root.$defs;
  return isSchemaNode(defs) && Object.hasOwn(defs, name) ? `${name}_definitions` : name;
}

function encodeToken(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Stable keyword order, so goldens and diffs read well. */
const KEY_ORDER = [
  "type",
  "title",
  "description",
  "enum",
  "format",
  "pattern",
  "minimum",
  "exclusiveMinimum",
  "maximum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "items",
  "properties",
  "required",
  "additionalProperties",
  "anyOf",
  "$ref",
];

function order(schema: SchemaNode): SchemaNode {
  const result: SchemaNode = {};
  for (const key of KEY_ORDER) if (schema[key] !== undefined) result[key] = schema[key];
  for (const [key, value] of Object.entries(schema)) if (!(key in result)) result[key] = value;
  return result;
}

function checkLimits(schema: SchemaNode, log: ChangeLog): void {
  let properties = 0;
  let enumValues = 0;
  let stringLength = 0;
  let deepest = 0;
  const visit = (node: unknown, depth: number, path: string): void => {
    if (!isSchemaNode(node)) return;
    if (isSchemaNode(node.properties)) {
      deepest = Math.max(deepest, depth);
      for (const [name, child] of Object.entries(node.properties)) {
        properties++;
        stringLength += name.length;
        visit(child, depth + 1, pointer(path, "properties", name));
      }
    }
    if (Array.isArray(node.enum)) {
      enumValues += node.enum.length;
      for (const value of node.enum) if (typeof value === "string") stringLength += value.length;
    }
    visit(node.items, depth, pointer(path, "items"));
    if (Array.isArray(node.anyOf)) {
      for (const [index, branch] of node.anyOf.entries()) visit(branch, depth, pointer(path, "anyOf", index));
    }
    if (isSchemaNode(node.$defs)) {
      for (const [name, child] of Object.entries(node.$defs)) {
        stringLength += name.length;
        visit(child, 1, pointer(path, "$defs", name));
      }
    }
  };
  visit(schema, 1, "");
  if (properties > MAX_PROPERTIES)
    log.block("", "properties", `${properties} properties (strict mode allows ${MAX_PROPERTIES})`);
  if (deepest > MAX_NESTING)
    log.block("", "properties", `${deepest} levels of nesting (strict mode allows ${MAX_NESTING})`);
  if (enumValues > MAX_ENUM_VALUES)
    log.block("", "enum", `${enumValues} enum values (strict mode allows ${MAX_ENUM_VALUES})`);
  if (stringLength > MAX_TOTAL_STRING_LENGTH) {
    log.block(
      "",
      "enum",
      `names and enum values total ${stringLength} characters (strict mode allows ${MAX_TOTAL_STRING_LENGTH})`,
    );
  }
}
