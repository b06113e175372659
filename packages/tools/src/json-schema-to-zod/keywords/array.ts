import { z } from "zod";
import { type CompiledNode, schemaOf, validates } from "../compiled-node.js";
import { allows2020Keywords, allowsDraft07Forms } from "../dialect.js";
import { addIssue } from "../issues.js";
import { canonicalJson } from "../json-equal.js";
import { readBoolean, readNonNegativeInteger, readSchema, readSchemaArray } from "../keyword-values.js";
import type { NodeBuilder } from "../node-builder.js";

const ARRAY_KEYWORDS = [
  "items",
  "prefixItems",
  "additionalItems",
  "minItems",
  "maxItems",
  "uniqueItems",
  "contains",
  "minContains",
  "maxContains",
];

/**
 * Array keywords. `items` / `prefixItems` (and draft-07 array `items` + `additionalItems`) map to
 * `z.array` / `z.tuple` with optional positions (JSON Schema never requires a prefix item to be
 * present); `minItems` / `maxItems` are native on `z.array`. `uniqueItems`, `contains` (+
 * `minContains` / `maxContains`) and the item counts of tuples are keyword checks.
 *
 * Returns the native array branch, or undefined when no array keyword is present.
 */
export function compileArrayKeywords(builder: NodeBuilder): z.ZodType | undefined {
  if (!ARRAY_KEYWORDS.some((keyword) => builder.has(keyword))) return undefined;
  const annotations = builder.node.annotations;
  let prefix: CompiledNode[] | undefined;
  let rest: CompiledNode | undefined;
  const items = builder.get("items");
  if (builder.has("items") && Array.isArray(items) && allowsDraft07Forms(builder.dialect)) {
    prefix = (readSchemaArray(builder, "items", false) ?? []).map((item, index) =>
      builder.child(item, false, "items", index),
    );
    if (builder.has("additionalItems")) {
      rest = builder.child(readSchema(builder, "additionalItems"), false, "additionalItems");
      annotations.allItems = true;
    }
  } else {
    if (allows2020Keywords(builder.dialect) && builder.has("prefixItems")) {
      prefix = (readSchemaArray(builder, "prefixItems", true) ?? []).map((item, index) =>
        builder.child(item, false, "prefixItems", index),
      );
    }
    if (builder.has("items")) {
      rest = builder.child(readSchema(builder, "items"), false, "items");
      annotations.allItems = true;
    }
  }
  annotations.prefixItemCount = prefix?.length ?? 0;

  const minItems = readNonNegativeInteger(builder, "minItems");
  const maxItems = readNonNegativeInteger(builder, "maxItems");
  let native: z.ZodType;
  if (prefix !== undefined) {
    const positions: z.ZodType[] = prefix.map((node) => schemaOf(node).optional());
    native = z.tuple(
      positions as [z.ZodType, ...z.ZodType[]],
      rest === undefined ? z.unknown() : schemaOf(rest),
    );
    if (minItems !== undefined) {
      builder.addCheck("minItems", (value, context) => {
        if (Array.isArray(value) && value.length < minItems) {
          addIssue(context, `Must have at least ${minItems} items`, value);
        }
      });
    }
    if (maxItems !== undefined) {
      builder.addCheck("maxItems", (value, context) => {
        if (Array.isArray(value) && value.length > maxItems) {
          addIssue(context, `Must have at most ${maxItems} items`, value);
        }
      });
    }
  } else {
    let array = z.array(rest === undefined ? z.unknown() : schemaOf(rest));
    if (minItems !== undefined) array = array.min(minItems);
    if (maxItems !== undefined) array = array.max(maxItems);
    native = array;
  }

  if (readBoolean(builder, "uniqueItems") === true) {
    builder.addCheck("uniqueItems", (value, context) => {
      if (!Array.isArray(value)) return;
      const seen = new Map<string, number>();
      value.forEach((item, index) => {
        const key = canonicalJson(item);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, index);
        else addIssue(context, `Items must be unique (item ${index} equals item ${first})`, value, [index]);
      });
    });
  }

  if (builder.has("contains")) {
    const contains = builder.child(readSchema(builder, "contains"), false, "contains");
    annotations.contains = contains;
    const allowsCounts = allows2020Keywords(builder.dialect);
    const minContains = allowsCounts ? (readNonNegativeInteger(builder, "minContains") ?? 1) : 1;
    const maxContains = allowsCounts ? readNonNegativeInteger(builder, "maxContains") : undefined;
    builder.addCheck("contains", (value, context) => {
      if (!Array.isArray(value)) return;
      let matches = 0;
      for (const item of value) if (validates(contains.schema, item)) matches++;
      if (matches < minContains) {
        addIssue(context, `Must contain at least ${minContains} matching item(s), found ${matches}`, value);
      }
      if (maxContains !== undefined && matches > maxContains) {
        addIssue(context, `Must contain at most ${maxContains} matching item(s), found ${matches}`, value);
      }
    });
  }
  return native;
}
