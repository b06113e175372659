import { InvalidDefinitionError } from "@flowmaestro/runtime";

/**
 * @internal A JSON Schema object node, read loosely: provider adapters look at keywords one by one
 * and never trust the declared JSON Schema types of their input.
 */
export type SchemaNode = Record<string, unknown>;

/** @internal True for a non-array object (a schema node, or an instance object). */
export function isSchemaNode(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** @internal Appends one RFC 6901 reference token to a JSON pointer. */
export function pointer(base: string, ...tokens: ReadonlyArray<string | number>): string {
  let result = base;
  for (const token of tokens) result += `/${String(token).replace(/~/g, "~0").replace(/\//g, "~1")}`;
  return result;
}

/** @internal Deep copy of a JSON value, so adapters never hand out (or mutate) the caller's objects. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneJson(item)) as T;
  if (isSchemaNode(value)) {
    const copy: SchemaNode = {};
    for (const [key, item] of Object.entries(value)) copy[key] = cloneJson(item);
    return copy as T;
  }
  return value;
}

/** @internal Structural equality of two JSON values (object key order ignored). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left)) {
    return (
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => jsonEqual(item, right[index]))
    );
  }
  if (isSchemaNode(left) && isSchemaNode(right)) {
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]))
    );
  }
  return false;
}

/** @internal A local `$ref` resolved inside the root schema. */
export interface ResolvedRef {
  /** JSON pointer of the target inside the root schema (`""` for the root itself). */
  readonly path: string;
  /** The target schema (an object node, or a boolean schema). */
  readonly schema: SchemaNode | boolean;
  /** Name of the definition when the target is `#/$defs/<name>` or `#/definitions/<name>`. */
  readonly definition?: { readonly container: "$defs" | "definitions"; readonly name: string };
}

/**
 * @internal Resolves a `$ref` against the root schema. Returns `undefined` for references that
 * leave the document (anything not starting with `#`); throws `InvalidDefinitionError` for a
 * local reference that points at nothing, since the input schema itself is then broken.
 */
export function resolveLocalRef(root: SchemaNode, ref: string, at: string): ResolvedRef | undefined {
  if (!ref.startsWith("#")) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch (cause) {
    throw danglingRef(ref, at, cause);
  }
  if (fragment !== "" && !fragment.startsWith("/")) throw danglingRef(ref, at);
  const tokens =
    fragment === ""
      ? []
      : fragment
          .slice(1)
          .split("/")
          .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
  let current: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(current) && /^(?:0|[1-9][0-9]*)$/.test(token)) current = current[Number(token)];
    else if (isSchemaNode(current) && Object.hasOwn(current, token)) current = current[token];
    else throw danglingRef(ref, at);
  }
  if (!isSchemaNode(current) && typeof current !== "boolean") throw danglingRef(ref, at);
  const first = tokens[0];
  const name = tokens[1];
  const definition =
    tokens.length === 2 && (first === "$defs" || first === "definitions") && name !== undefined
      ? { container: first as "$defs" | "definitions", name }
      : undefined;
  return { path: pointer("", ...tokens), schema: current, ...(definition ? { definition } : {}) };
}

function danglingRef(ref: string, at: string, cause?: unknown): InvalidDefinitionError {
  return new InvalidDefinitionError({
    subject: "tool input schema",
    issues: [
      { field: `${at || "/"}/$ref`, expected: "a reference to a schema inside the document", received: ref },
    ],
    cause,
  });
}

/** @internal The JSON type of an instance value, with integers told apart from other numbers. */
export function jsonTypeOf(
  value: unknown,
): "null" | "boolean" | "integer" | "number" | "string" | "array" | "object" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "number":
      return Number.isInteger(value) ? "integer" : "number";
    case "string":
      return "string";
    default:
      return "object";
  }
}

/** @internal The `type` keyword as a list (empty when absent or malformed). */
export function typeList(schema: SchemaNode): string[] {
  const type = schema.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((item): item is string => typeof item === "string");
  return [];
}

/**
 * @internal Appends keywords that a provider cannot enforce to a schema's description, as compact
 * JSON, so the model still sees them: `"<description>\nJSON Schema constraints: {...}"`.
 */
export function withConstraintsInDescription(description: unknown, moved: SchemaNode): string | undefined {
  const base = typeof description === "string" ? description : "";
  if (Object.keys(moved).length === 0) return typeof description === "string" ? description : undefined;
  const note = `JSON Schema constraints: ${JSON.stringify(moved)}`;
  return base === "" ? note : `${base}\n${note}`;
}
