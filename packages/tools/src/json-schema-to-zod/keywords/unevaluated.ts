import { type CompiledNode, validates } from "../compiled-node.js";
import { checkSubschema } from "../issues.js";
import { isJsonObject } from "../json-equal.js";
import { readSchema } from "../keyword-values.js";
import type { NodeBuilder } from "../node-builder.js";

/**
 * Adds to `evaluated` the properties of `value` that `node` and its in-place subschemas evaluate
 * (their annotations), assuming `node` itself validates. Returns true when every property is
 * evaluated. In-place cycles are rejected at conversion time, so the recursion terminates.
 */
export function collectEvaluatedProperties(
  node: CompiledNode,
  value: Record<string, unknown>,
  evaluated: Set<string>,
  includeOwnUnevaluated: boolean,
): boolean {
  const annotations = node.annotations;
  if (annotations.allProperties || (includeOwnUnevaluated && annotations.unevaluatedProperties)) return true;
  for (const name of annotations.propertyNames) if (Object.hasOwn(value, name)) evaluated.add(name);
  if (annotations.propertyPatterns.length > 0) {
    for (const key of Object.keys(value)) {
      if (annotations.propertyPatterns.some((pattern) => pattern.test(key) === true)) evaluated.add(key);
    }
  }
  const always = [...annotations.references, ...annotations.allOf];
  for (const child of always) if (collectEvaluatedProperties(child, value, evaluated, true)) return true;
  for (const child of [...annotations.anyOf, ...annotations.oneOf]) {
    if (validates(child.schema, value) && collectEvaluatedProperties(child, value, evaluated, true))
      return true;
  }
  if (annotations.condition !== undefined) {
    if (validates(annotations.condition.schema, value)) {
      if (collectEvaluatedProperties(annotations.condition, value, evaluated, true)) return true;
      if (
        annotations.consequent &&
        collectEvaluatedProperties(annotations.consequent, value, evaluated, true)
      )
        return true;
    } else if (
      annotations.alternative &&
      collectEvaluatedProperties(annotations.alternative, value, evaluated, true)
    ) {
      return true;
    }
  }
  for (const [name, child] of annotations.dependentSchemas) {
    if (Object.hasOwn(value, name) && collectEvaluatedProperties(child, value, evaluated, true)) return true;
  }
  return false;
}

/**
 * Marks in `evaluated` the items of `value` that `node` and its in-place subschemas evaluate,
 * assuming `node` validates. Returns true when every item is evaluated.
 */
export function collectEvaluatedItems(
  node: CompiledNode,
  value: readonly unknown[],
  evaluated: boolean[],
  includeOwnUnevaluated: boolean,
): boolean {
  const annotations = node.annotations;
  if (annotations.allItems || (includeOwnUnevaluated && annotations.unevaluatedItems)) return true;
  for (let index = 0; index < Math.min(annotations.prefixItemCount, value.length); index++)
    evaluated[index] = true;
  if (annotations.contains !== undefined) {
    const contains = annotations.contains;
    value.forEach((item, index) => {
      if (validates(contains.schema, item)) evaluated[index] = true;
    });
  }
  for (const child of [...annotations.references, ...annotations.allOf]) {
    if (collectEvaluatedItems(child, value, evaluated, true)) return true;
  }
  for (const child of [...annotations.anyOf, ...annotations.oneOf]) {
    if (validates(child.schema, value) && collectEvaluatedItems(child, value, evaluated, true)) return true;
  }
  if (annotations.condition !== undefined) {
    if (validates(annotations.condition.schema, value)) {
      if (collectEvaluatedItems(annotations.condition, value, evaluated, true)) return true;
      if (annotations.consequent && collectEvaluatedItems(annotations.consequent, value, evaluated, true))
        return true;
    } else if (
      annotations.alternative &&
      collectEvaluatedItems(annotations.alternative, value, evaluated, true)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * `unevaluatedProperties` / `unevaluatedItems` (2020-12): a keyword check that works out which
 * members the adjacent keywords (including successful in-place subschemas) evaluated, then
 * validates the rest against the keyword's subschema.
 */
export function compileUnevaluated(builder: NodeBuilder): void {
  const node = builder.node;
  if (builder.has("unevaluatedProperties")) {
    const child = builder.child(readSchema(builder, "unevaluatedProperties"), false, "unevaluatedProperties");
    node.annotations.unevaluatedProperties = true;
    builder.addCheck("unevaluatedProperties", (value, context) => {
      if (!isJsonObject(value)) return;
      const evaluated = new Set<string>();
      if (collectEvaluatedProperties(node, value, evaluated, false)) return;
      for (const key of Object.keys(value)) {
        if (evaluated.has(key)) continue;
        checkSubschema(child.schema, value[key], context, [key], `Unevaluated property "${key}"`);
      }
    });
  }
  if (builder.has("unevaluatedItems")) {
    const child = builder.child(readSchema(builder, "unevaluatedItems"), false, "unevaluatedItems");
    node.annotations.unevaluatedItems = true;
    builder.addCheck("unevaluatedItems", (value, context) => {
      if (!Array.isArray(value)) return;
      const evaluated: boolean[] = new Array(value.length).fill(false);
      if (collectEvaluatedItems(node, value, evaluated, false)) return;
      value.forEach((item, index) => {
        if (!evaluated[index])
          checkSubschema(child.schema, item, context, [index], `Unevaluated item ${index}`);
      });
    });
  }
}
