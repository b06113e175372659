import type { ArgumentMapping, PropertyMapping } from "./argument-mapping.js";
import { isSchemaNode, resolveLocalRef, type SchemaNode, typeList } from "./json-schema-node.js";

/**
 * @internal Builds the mapping that turns `null` into "absent" for every property that is optional
 * in `root` and does not accept `null` there: exactly what OpenAI strict mode's "required and
 * nullable" rewrite needs, and harmless elsewhere (models send `null` for optional fields on their
 * own, too). Follows `$ref`s lazily, so recursive schemas are fine. Branch schemas are taken from
 * `root`, so apply the result with `root` as the provider root.
 */
export function buildNullDroppingMapping(root: SchemaNode): ArgumentMapping | undefined {
  const memo = new Map<SchemaNode, ArgumentMapping>();

  const build = (schema: unknown): ArgumentMapping | undefined => {
    if (!isSchemaNode(schema)) return undefined;
    const known = memo.get(schema);
    if (known) return known;
    const node: ArgumentMapping = {};
    memo.set(schema, node);
    if (typeof schema.$ref === "string") {
      const target = safeResolve(root, schema.$ref);
      if (target !== undefined) node.lazy = () => build(target);
    }
    const properties = new Map<string, PropertyMapping>();
    collectProperties(schema, properties, build, root, 0);
    if (properties.size > 0) node.properties = properties;
    if (isSchemaNode(schema.items)) node.items = build(schema.items);
    const branches = [
      ...(Array.isArray(schema.anyOf) ? schema.anyOf : []),
      ...(Array.isArray(schema.oneOf) ? schema.oneOf : []),
    ].filter((branch): branch is SchemaNode | boolean => isSchemaNode(branch) || typeof branch === "boolean");
    if (branches.length > 0)
      node.branches = branches.map((branch) => ({ schema: branch, node: build(branch) }));
    return node;
  };

  return build(root);
}

/** Gathers an object's property mappings, merging `allOf` members (they all apply at once). */
function collectProperties(
  schema: SchemaNode,
  into: Map<string, PropertyMapping>,
  build: (schema: unknown) => ArgumentMapping | undefined,
  root: SchemaNode,
  depth: number,
): void {
  if (depth > 8) return;
  if (isSchemaNode(schema.properties)) {
    const required = Array.isArray(schema.required) ? schema.required : [];
    for (const [name, property] of Object.entries(schema.properties)) {
      const dropNull = !required.includes(name) && !acceptsNull(property, root);
      const existing = into.get(name);
      // Under allOf, a property required by any member is required.
      into.set(name, {
        dropNull: existing ? existing.dropNull && dropNull : dropNull,
        node: existing?.node ?? build(property),
      });
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const member of schema.allOf) {
      const resolved =
        isSchemaNode(member) && typeof member.$ref === "string" ? safeResolve(root, member.$ref) : member;
      if (isSchemaNode(resolved)) collectProperties(resolved, into, build, root, depth + 1);
    }
  }
}

/**
 * @internal True when `schema` (a subschema of `root`) accepts `null`, as far as can be told
 * without a validator: a `null` type, `nullable`, a `null` enum member, or a union member that does.
 * Schemas without any type constraint accept `null`.
 */
export function acceptsNull(
  schema: unknown,
  root: SchemaNode,
  depth = 0,
  budget = { remaining: 1000 },
): boolean {
  if (typeof schema === "boolean") return schema;
  if (!isSchemaNode(schema)) return false;
  // Unions of `$ref`s could make this exponential; past the budget, answer "no" (keep nulls out).
  if (depth > 32 || --budget.remaining < 0) return false;
  if (typeof schema.$ref === "string") {
    const target = safeResolve(root, schema.$ref);
    if (target === undefined || !acceptsNull(target, root, depth + 1, budget)) return false;
  }
  if (schema.nullable === true) return true;
  const types = typeList(schema);
  if (types.length > 0 && !types.includes("null")) return false;
  if ("const" in schema && schema.const !== null) return false;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) return false;
  const anyOf = Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (anyOf && !anyOf.some((member) => acceptsNull(member, root, depth + 1, budget))) return false;
  const oneOf = Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (oneOf && !oneOf.some((member) => acceptsNull(member, root, depth + 1, budget))) return false;
  const allOf = Array.isArray(schema.allOf) ? schema.allOf : undefined;
  if (allOf && !allOf.every((member) => acceptsNull(member, root, depth + 1, budget))) return false;
  if (schema.not !== undefined && acceptsNull(schema.not, root, depth + 1, budget)) return false;
  return true;
}

function safeResolve(root: SchemaNode, ref: string): SchemaNode | boolean | undefined {
  try {
    return resolveLocalRef(root, ref, "")?.schema;
  } catch {
    return undefined;
  }
}
