import {
  isSchemaNode,
  jsonEqual,
  jsonTypeOf,
  resolveLocalRef,
  type SchemaNode,
  typeList,
} from "./json-schema-node.js";

/**
 * @internal How to map a value in the provider's shape back to the original schema's shape, for
 * one schema location. Built by the adapters alongside the provider schema; `undefined` anywhere
 * means "leave the value as it is".
 */
export interface ArgumentMapping {
  /** Per-property mappings of an object. */
  properties?: Map<string, PropertyMapping>;
  /** Mapping of every array item. */
  items?: ArgumentMapping;
  /** `anyOf` branches: the value is mapped by the branch that matches it best. */
  branches?: BranchMapping[];
  /** String enum values standing for non-string originals (Gemini only takes string enums). */
  enumValues?: Map<string, unknown>;
  /** The provider sends this value as a JSON-encoded string (Gemini: free-form values). */
  jsonString?: boolean;
  /** Deferred mapping, for `$ref`s kept in the provider schema (cycles are allowed). */
  lazy?: () => ArgumentMapping | undefined;
}

/** @internal Mapping of one object property. */
export interface PropertyMapping {
  /** The property was optional and does not accept `null` originally: `null` means "absent". */
  dropNull: boolean;
  /** Mapping of the property's value. */
  node: ArgumentMapping | undefined;
}

/** @internal One `anyOf` branch: its provider schema (to pick it) and its mapping. */
export interface BranchMapping {
  schema: SchemaNode | boolean;
  node: ArgumentMapping | undefined;
}

/** @internal Where the branch schemas of a mapping live, for picking `anyOf` branches. */
export interface BranchContext {
  /** Root that `$ref`s inside branch schemas resolve against. */
  readonly root: SchemaNode;
  /** Treat objects as closed even without `additionalProperties: false` (Gemini schemas). */
  readonly closedObjects: boolean;
}

/**
 * @internal Maps provider-shaped arguments back to the original shape. Never mutates `value`;
 * returns it unchanged where nothing applies.
 */
export function applyArgumentMapping(
  mapping: ArgumentMapping | undefined,
  value: unknown,
  providerRoot: BranchContext,
): unknown {
  let node = mapping;
  // A chain of lazy nodes can only come from `$ref` to `$ref`; bound it like the adapters do.
  for (let hops = 0; node?.lazy && hops < 64; hops++) node = node.lazy();
  if (!node) return value;
  if (node.jsonString && typeof value === "string") {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (node.enumValues && typeof value === "string" && node.enumValues.has(value))
    return node.enumValues.get(value);
  let result = value;
  if (Array.isArray(value) && node.items) {
    const items = node.items;
    result = value.map((item) => applyArgumentMapping(items, item, providerRoot));
  } else if (isSchemaNode(value) && node.properties) {
    const copy: SchemaNode = {};
    for (const [key, item] of Object.entries(value)) {
      const property = node.properties.get(key);
      if (!property) copy[key] = item;
      else if (item === null && property.dropNull) continue;
      else copy[key] = applyArgumentMapping(property.node, item, providerRoot);
    }
    result = copy;
  }
  if (node.branches && node.branches.length > 0) {
    // Pick the branch on the provider-shaped value: that is what the branch schemas describe.
    const branch = bestBranch(node.branches, value, providerRoot);
    if (branch) result = applyArgumentMapping(branch.node, result, providerRoot);
  }
  return result;
}

function bestBranch(
  branches: BranchMapping[],
  value: unknown,
  root: BranchContext,
): BranchMapping | undefined {
  let best: BranchMapping | undefined;
  let bestScore = 0;
  // Scoring recurses through unions and `$ref`s; a shared budget keeps hostile schemas linear.
  const budget = { remaining: 500 };
  for (const branch of branches) {
    const score = matchScore(branch.schema, value, root, 0, budget);
    if (score > bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

/**
 * How well `value` fits a provider schema: 0 means "cannot be this branch", higher is better.
 * A heuristic, not a validator: it checks types, property names (provider objects are closed in
 * strict mode) and `enum`/`const` discriminators, which is what tells union branches apart.
 */
function matchScore(
  schema: SchemaNode | boolean,
  value: unknown,
  context: BranchContext,
  depth: number,
  budget: { remaining: number },
): number {
  if (typeof schema === "boolean") return schema ? 1 : 0;
  if (depth > 8 || --budget.remaining < 0) return 1;
  if (typeof schema.$ref === "string") {
    const target = safeResolve(context.root, schema.$ref);
    return target === undefined ? 1 : matchScore(target, value, context, depth + 1, budget);
  }
  const union = [
    ...(Array.isArray(schema.anyOf) ? schema.anyOf : []),
    ...(Array.isArray(schema.oneOf) ? schema.oneOf : []),
  ];
  if (union.length > 0) {
    let best = 0;
    for (const branch of union) {
      if (isSchemaNode(branch) || typeof branch === "boolean") {
        best = Math.max(best, matchScore(branch, value, context, depth + 1, budget));
      }
    }
    return best;
  }
  const valueType = jsonTypeOf(value);
  if (value === null && schema.nullable === true) return 2;
  const types = typeList(schema);
  if (
    types.length > 0 &&
    !types.includes(valueType) &&
    !(valueType === "integer" && types.includes("number"))
  ) {
    return 0;
  }
  const allowed = allowedValues(schema);
  if (allowed) return allowed.some((candidate) => jsonEqual(candidate, value)) ? 3 : 0;
  let score = types.length > 0 ? 2 : 1;
  if (isSchemaNode(value) && isSchemaNode(schema.properties)) {
    const properties = schema.properties;
    for (const [key, item] of Object.entries(value)) {
      const propertySchema = properties[key];
      if (propertySchema === undefined) {
        if (context.closedObjects || schema.additionalProperties === false) return 0;
        continue;
      }
      const propertyAllowed = isSchemaNode(propertySchema) ? allowedValues(propertySchema) : undefined;
      // `null` says nothing about the branch: it may stand for an absent optional property.
      if (item !== null && propertyAllowed) {
        if (!propertyAllowed.some((candidate) => jsonEqual(candidate, item))) return 0;
        score += 4;
      } else {
        score += 1;
      }
    }
  }
  return score;
}

function allowedValues(schema: SchemaNode): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if ("const" in schema) return [schema.const];
  return undefined;
}

function safeResolve(root: SchemaNode, ref: string): SchemaNode | boolean | undefined {
  try {
    return resolveLocalRef(root, ref, "")?.schema;
  } catch {
    return undefined;
  }
}
