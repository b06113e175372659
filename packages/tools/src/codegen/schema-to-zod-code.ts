import {
  type JsonSchemaObject,
  jsonSchemaToZod as jsonSchemaToZodCode,
  parseSchema,
  type Refs,
} from "json-schema-to-zod";
import { formatZodCode } from "./format-code.js";
import { commentText, pascalCase } from "./identifiers.js";

/** @internal What {@link schemaToZodCode} produces for one JSON Schema. */
export interface ZodCode {
  /** `export const` declarations of the schema's definitions, dependencies first. */
  readonly declarations: string[];
  /** The Zod expression of the schema itself. */
  readonly expression: string;
  /** Whether `expression` refers to itself (a root `$ref: "#"`) and needs a type annotation. */
  readonly recursive: boolean;
  /** Things the generated code does not enforce, for the user to review. */
  readonly warnings: string[];
  /** Whether the code calls the `jsonEqual` helper. */
  readonly usesJsonEqual: boolean;
  /** Whether the code calls the `exactlyOne` helper (JSON Schema `oneOf`). */
  readonly usesExactlyOne: boolean;
}

/** @internal Options of {@link schemaToZodCode}. */
export interface ZodCodeOptions {
  /** Prefix of definition identifiers, e.g. `getWeather` → `getWeatherAddressSchema`. */
  readonly prefix: string;
  /** Identifier the expression will be bound to (for root `$ref: "#"`). */
  readonly selfIdentifier: string;
  /** Where the schema is, for warnings, e.g. `tools.0.inputSchema`. */
  readonly location: string;
  /** Module-level identifiers already in use; definition constants are added to it. */
  readonly taken: Set<string>;
}

type Schema = JsonSchemaObject;

/** Zod 4 top-level string formats for JSON Schema formats with the same meaning. */
const FORMATS: Record<string, string> = {
  email: "z.email()",
  uri: "z.url()",
  // JSON Schema's uuid is any 8-4-4-4-12 hex string; z.uuid() also checks the RFC 9562 variant.
  uuid: "z.guid()",
  "date-time": "z.iso.datetime({ offset: true })",
  date: "z.iso.date()",
  duration: "z.iso.duration()",
  ipv4: "z.ipv4()",
  ipv6: "z.ipv6()",
  hostname: "z.hostname()",
};
/** RFC 3339 `full-time` (JSON Schema's `time`), which requires an offset unlike z.iso.time(). */
const TIME_PATTERN =
  "^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";
const ANNOTATIONS = new Set([
  "description",
  "title",
  "default",
  "examples",
  "$comment",
  "deprecated",
  "discriminator",
]);

/**
 * @internal Turns one JSON Schema into Zod 4 source code with the `json-schema-to-zod` package,
 * adding what it lacks: `$ref`/`$defs` (one `const` per definition, `z.lazy` for recursive ones),
 * Zod 4 string formats (`z.email()`, `z.iso.datetime()`...), `oneOf` as a union that must match exactly once, `not` and
 * `if`/`then`/`else` that keep the base type, and deep equality for `uniqueItems` and object enums.
 */
export function schemaToZodCode(schema: unknown, options: ZodCodeOptions): ZodCode {
  return new ZodCodeGenerator(schema, options).run();
}

interface Definition {
  readonly key: string;
  readonly schema: Schema | boolean;
  readonly identifier: string;
}

class ZodCodeGenerator {
  readonly #root: Schema | boolean;
  readonly #options: ZodCodeOptions;
  readonly #warnings: string[] = [];
  /** Definitions by their `$ref` pointer (`/$defs/Name`). */
  readonly #definitions = new Map<string, Definition>();
  /** Definitions (and `""` for the root) that sit on a reference cycle. */
  readonly #recursive = new Set<string>();
  /** Strongly connected component of each definition (and `""`), to tell back references. */
  readonly #component = new Map<string, number>();
  /** Definition (or `""`) being converted. */
  #current = "";
  /** Pointer targets being inlined, to stop inlining cycles. */
  readonly #inlining = new Set<string>();
  #usesJsonEqual = false;
  #usesExactlyOne = false;

  constructor(schema: unknown, options: ZodCodeOptions) {
    this.#options = options;
    this.#root = normalize(schema, this.#warnings, options.location, "");
  }

  run(): ZodCode {
    const root = this.#root;
    if (typeof root !== "boolean") this.#collectDefinitions(root);
    const order = this.#dependencyOrder();
    const declarations = order.map((key) => {
      const definition = this.#definitions.get(key)!;
      this.#current = key;
      const code = formatZodCode(this.#convert(definition.schema));
      const annotation = this.#recursive.has(key) ? ": z.ZodType<unknown>" : "";
      const name = key.split("/").pop()!.replace(/~1/g, "/").replace(/~0/g, "~");
      const doc = `/** Definition \`${commentText(name)}\` (\`#${commentText(key)}\`) of ${this.#options.location}. */`;
      return `${doc}\nexport const ${definition.identifier}${annotation} = ${code};`;
    });
    const body = typeof root === "boolean" ? root : omit(root, "$defs", "definitions");
    this.#current = "";
    const expression = formatZodCode(this.#convert(body));
    return {
      declarations,
      expression,
      recursive: this.#recursive.has(""),
      warnings: this.#warnings,
      usesJsonEqual: this.#usesJsonEqual,
      usesExactlyOne: this.#usesExactlyOne,
    };
  }

  #collectDefinitions(root: Schema): void {
    const used = this.#options.taken;
    for (const container of ["$defs", "definitions"] as const) {
      const defs = root[container];
      if (!isObject(defs)) continue;
      for (const [name, definition] of Object.entries(defs)) {
        let identifier = `${this.#options.prefix}${pascalCase(name)}Schema`;
        for (let suffix = 2; used.has(identifier); suffix++) {
          identifier = `${this.#options.prefix}${pascalCase(name)}${suffix}Schema`;
        }
        used.add(identifier);
        const key = `/${container}/${escapeToken(name)}`;
        this.#definitions.set(key, {
          key,
          schema: isObject(definition) || typeof definition === "boolean" ? definition : {},
          identifier,
        });
      }
    }
  }

  /** Definitions reachable from the root, dependencies first; marks the ones on cycles. */
  #dependencyOrder(): string[] {
    const edges = new Map<string, string[]>();
    const nodes = ["", ...this.#definitions.keys()];
    for (const node of nodes) {
      const schema = node === "" ? this.#root : this.#definitions.get(node)!.schema;
      const targets: string[] = [];
      this.#collectReferences(
        node === "" && isObject(schema) ? omit(schema, "$defs", "definitions") : schema,
        targets,
        new Set(),
      );
      edges.set(node, targets);
    }
    // Tarjan's strongly connected components: a definition is recursive when its component has
    // more than one member or it refers to itself.
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const order: string[] = [];
    const connect = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      for (const target of edges.get(node) ?? []) {
        if (!index.has(target)) {
          connect(target);
          low.set(node, Math.min(low.get(node)!, low.get(target)!));
        } else if (onStack.has(target)) {
          low.set(node, Math.min(low.get(node)!, index.get(target)!));
        }
      }
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        for (const item of component) this.#component.set(item, this.#component.size);
        const selfLoop = (edges.get(node) ?? []).includes(node);
        if (component.length > 1 || selfLoop) for (const item of component) this.#recursive.add(item);
        // Components complete in reverse topological order: dependencies come out first.
        order.push(...component.reverse());
      }
    };
    connect("");
    return order.filter((node) => node !== "");
  }

  #collectReferences(schema: unknown, into: string[], visiting: Set<string>): void {
    if (Array.isArray(schema)) {
      for (const item of schema) this.#collectReferences(item, into, visiting);
      return;
    }
    if (!isObject(schema)) return;
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref" && typeof value === "string") {
        const target = this.#target(value);
        if (target?.kind === "definition" || target?.kind === "root") {
          if (!into.includes(target.key)) into.push(target.key);
        } else if (target?.kind === "pointer" && !visiting.has(target.key)) {
          visiting.add(target.key);
          this.#collectReferences(target.schema, into, visiting);
        }
      } else if (key !== "enum" && key !== "const" && key !== "default" && key !== "examples") {
        this.#collectReferences(value, into, visiting);
      }
    }
  }

  #target(
    ref: string,
  ):
    | { kind: "root"; key: "" }
    | { kind: "definition"; key: string; definition: Definition }
    | { kind: "pointer"; key: string; schema: Schema | boolean }
    | undefined {
    if (!ref.startsWith("#")) return undefined;
    let pointer: string;
    try {
      pointer = decodeURIComponent(ref.slice(1));
    } catch {
      return undefined;
    }
    if (pointer === "" || pointer === "/") return { kind: "root", key: "" };
    const definition = this.#definitions.get(pointer);
    if (definition) return { kind: "definition", key: pointer, definition };
    let current: unknown = this.#root;
    for (const token of pointer.slice(1).split("/")) {
      const name = token.replace(/~1/g, "/").replace(/~0/g, "~");
      if (Array.isArray(current)) current = current[Number(name)];
      else if (isObject(current) && Object.hasOwn(current, name)) current = current[name];
      else return undefined;
    }
    return isObject(current) || typeof current === "boolean"
      ? { kind: "pointer", key: pointer, schema: current }
      : undefined;
  }

  #convert(schema: Schema | boolean): string {
    return jsonSchemaToZodCode(schema, {
      zodVersion: 4,
      parserOverride: (node, refs) => this.#override(node, refs),
    });
  }

  /** Called by `json-schema-to-zod` for every subschema; a string replaces its own output. */
  #override(schema: Schema, refs: Refs): string | undefined {
    const parse = (node: Schema | boolean, ...path: (string | number)[]) =>
      parseSchema(node, { ...refs, path: [...refs.path, ...path] });
    if (typeof schema.$ref === "string") return this.#reference(schema, schema.$ref, refs);
    if (schema.if !== undefined) {
      const base = parse(omit(schema, "if", "then", "else"));
      const condition = parse(schema.if, "if");
      const then = schema.then === undefined ? "z.any()" : parse(schema.then, "then");
      const otherwise = schema.else === undefined ? "z.any()" : parse(schema.else, "else");
      return `${base}.superRefine((value, ctx) => {
  const branch: z.ZodType = ${condition}.safeParse(value).success ? ${then} : ${otherwise};
  const result = branch.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  }
})`;
    }
    if (schema.not !== undefined) {
      const base = parse(omit(schema, "not"));
      const not = parse(schema.not, "not");
      return `${base}.refine((value) => !${not}.safeParse(value).success, "Must not match the schema in \`not\`.")`;
    }
    if (Array.isArray(schema.oneOf) && schema.oneOf.length > 0) {
      const branches = schema.oneOf.map((branch, index) => parse(branch as Schema, "oneOf", index));
      // Not z.xor: it needs Zod 4.3, and the package supports Zod 4.1 and later.
      if (branches.length > 1) this.#usesExactlyOne = true;
      const union = branches.length === 1 ? branches[0]! : `exactlyOne([${branches.join(", ")}])`;
      const rest = omit(schema, "oneOf", "discriminator");
      return onlyAnnotations(rest) ? withAnnotations(union, rest) : `${parse(rest)}.and(${union})`;
    }
    if (Array.isArray(schema.anyOf) && schema.anyOf.length > 1 && schema.type !== undefined) {
      const rest = omit(schema, "anyOf");
      if (onlyAnnotations(rest)) {
        const branches = schema.anyOf.map((branch, index) => parse(branch as Schema, "anyOf", index));
        return withAnnotations(`z.union([${branches.join(", ")}])`, rest);
      }
    }
    const values = Array.isArray(schema.enum) ? schema.enum : "const" in schema ? [schema.const] : undefined;
    if (values?.some((value) => typeof value === "object" && value !== null)) {
      this.#usesJsonEqual = true;
      const list = JSON.stringify(values);
      return withAnnotations(
        `z.unknown().refine((value) => ${list}.some((candidate) => jsonEqual(candidate, value)), "Must be one of ${escapeForString(list)}.")`,
        omit(schema, "enum", "const"),
      );
    }
    if (schema.type === "array" && schema.uniqueItems === true) {
      this.#usesJsonEqual = true;
      return `${parse(omit(schema, "uniqueItems"))}.refine((items) => items.every((item, index) => items.findIndex((other) => jsonEqual(other, item)) === index), "Items must be unique.")`;
    }
    if (schema.type === "string") {
      const format = typeof schema.format === "string" ? FORMATS[schema.format] : undefined;
      const base64 = schema.contentEncoding === "base64" && format === undefined;
      if (format !== undefined || base64 || schema.format === "time") {
        const base = parse(omit(schema, "format", "contentEncoding"));
        if (!base.startsWith("z.string()")) return undefined;
        const rest = base.slice("z.string()".length);
        if (schema.format === "time")
          return `z.string().regex(new RegExp(${JSON.stringify(TIME_PATTERN)}, "i"))${rest}`;
        return `${format ?? "z.base64()"}${rest}`;
      }
    }
    return undefined;
  }

  #reference(schema: Schema, ref: string, refs: Refs): string {
    const siblings = omit(schema, "$ref");
    const target = this.#target(ref);
    if (!target) {
      this.#warnings.push(
        `${this.#options.location}: $ref ${JSON.stringify(ref)} points outside the document; typed as unknown.`,
      );
      return withAnnotations("z.unknown()", siblings);
    }
    if (target.kind === "pointer") {
      if (this.#inlining.has(target.key)) {
        this.#warnings.push(
          `${this.#options.location}: $ref ${JSON.stringify(ref)} is recursive; typed as unknown there.`,
        );
        return withAnnotations("z.unknown()", siblings);
      }
      this.#inlining.add(target.key);
      try {
        const merged = typeof target.schema === "boolean" ? target.schema : { ...target.schema, ...siblings };
        return parseSchema(merged, { ...refs, path: [...refs.path, "$ref"] });
      } finally {
        this.#inlining.delete(target.key);
      }
    }
    const identifier = target.kind === "root" ? this.#options.selfIdentifier : target.definition.identifier;
    const recursive = this.#recursive.has(target.key);
    // Only a reference back into the cycle being declared needs z.lazy; the rest is declared above.
    const backReference = recursive && this.#component.get(target.key) === this.#component.get(this.#current);
    const reference = backReference ? `z.lazy(() => ${identifier})` : identifier;
    if (onlyAnnotations(siblings)) return withAnnotations(reference, siblings);
    if (target.kind === "definition" && !recursive && typeof target.definition.schema !== "boolean") {
      // Constraints beside the $ref: convert the merged schema instead of the shared constant.
      return parseSchema(
        { ...target.definition.schema, ...siblings },
        { ...refs, path: [...refs.path, "$ref"] },
      );
    }
    return `z.intersection(${reference}, ${parseSchema(siblings, { ...refs, path: [...refs.path, "$ref"] })})`;
  }
}

/** Keywords whose value is a schema. */
const SCHEMA_KEYWORDS = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "unevaluatedItems",
  "unevaluatedProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "contentSchema",
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(["anyOf", "allOf", "oneOf", "prefixItems", "items"]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

/**
 * Prepares a schema for `json-schema-to-zod`: objects described only by `properties` or
 * `required` get `type: "object"` and arrays described by `items` get `type: "array"` (the
 * package needs a type), other type-specific keywords without a `type` are reported, and
 * non-primitive `default`s are dropped (Zod 4 types `.default()` by the output type, so they
 * rarely compile).
 */
function normalize(schema: unknown, warnings: string[], location: string, path: string): Schema | boolean {
  if (typeof schema === "boolean") return schema;
  if (!isObject(schema)) return {};
  const result: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    const at = `${path}/${escapeToken(key)}`;
    if (key === "default" && typeof value === "object" && value !== null) {
      warnings.push(
        `${location}${path}: default ${JSON.stringify(value)} is not emitted (only primitive defaults are).`,
      );
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      result[key] = value.map((item, index) => normalize(item, warnings, location, `${at}/${index}`));
    } else if (SCHEMA_KEYWORDS.has(key) && (isObject(value) || typeof value === "boolean")) {
      result[key] = normalize(value, warnings, location, at);
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      const map: Schema = {};
      for (const [name, item] of Object.entries(value)) {
        map[name] = normalize(item, warnings, location, `${at}/${escapeToken(name)}`);
      }
      result[key] = map;
    } else {
      result[key] = value;
    }
  }
  if (result.type === undefined && (isObject(result.properties) || Array.isArray(result.required))) {
    return { type: "object", ...result };
  }
  if (result.type === undefined && result.items !== undefined) return { type: "array", ...result };
  if (result.type === undefined && !UNTYPED_OK.some((key) => key in result)) {
    const ignored = Object.keys(result).filter((key) => TYPED_KEYWORDS.has(key));
    if (ignored.length > 0) {
      warnings.push(`${location}${path}: ${ignored.join(", ")} not enforced: the schema has no \`type\`.`);
    }
  }
  return result;
}

/** Keywords `json-schema-to-zod` handles without a `type`. */
const UNTYPED_OK = ["$ref", "anyOf", "allOf", "oneOf", "not", "enum", "const", "if", "nullable"];
/** Keywords it only applies under the matching `type`. */
const TYPED_KEYWORDS = new Set([
  "pattern",
  "minLength",
  "maxLength",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "additionalProperties",
  "patternProperties",
]);

function onlyAnnotations(schema: Schema): boolean {
  return Object.keys(schema).every((key) => ANNOTATIONS.has(key) || key === "type");
}

/** Appends `.describe()` and a primitive `.default()` from a schema's annotations. */
function withAnnotations(expression: string, schema: Schema): string {
  let result = expression;
  if (typeof schema.description === "string") result += `.describe(${JSON.stringify(schema.description)})`;
  const value = schema.default;
  if (value !== undefined && (typeof value !== "object" || value === null))
    result += `.default(${JSON.stringify(value)})`;
  return result;
}

function omit(schema: Schema, ...keys: string[]): Schema {
  const result: Schema = {};
  for (const [key, value] of Object.entries(schema)) if (!keys.includes(key)) result[key] = value;
  return result;
}

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

function escapeForString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
