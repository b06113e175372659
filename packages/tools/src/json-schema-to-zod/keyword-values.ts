import { isJsonObject } from "./json-equal.js";
import type { NodeBuilder } from "./node-builder.js";

/**
 * Readers that validate keyword values against the meta-schema's expectations and throw a
 * `JsonSchemaConversionError` naming the keyword when a value is malformed.
 */

/** A non-negative integer keyword (`1.0` counts as an integer). */
export function readNonNegativeInteger(builder: NodeBuilder, keyword: string): number | undefined {
  if (!builder.has(keyword)) return undefined;
  const value = builder.get(keyword);
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    builder.fail(keyword, "a non-negative integer");
  }
  return value;
}

/** A finite number keyword. */
export function readNumber(builder: NodeBuilder, keyword: string): number | undefined {
  if (!builder.has(keyword)) return undefined;
  const value = builder.get(keyword);
  if (typeof value !== "number" || !Number.isFinite(value)) builder.fail(keyword, "a number");
  return value;
}

/** A string keyword. */
export function readString(builder: NodeBuilder, keyword: string): string | undefined {
  if (!builder.has(keyword)) return undefined;
  const value = builder.get(keyword);
  if (typeof value !== "string") builder.fail(keyword, "a string");
  return value;
}

/** A boolean keyword. */
export function readBoolean(builder: NodeBuilder, keyword: string): boolean | undefined {
  if (!builder.has(keyword)) return undefined;
  const value = builder.get(keyword);
  if (typeof value !== "boolean") builder.fail(keyword, "a boolean");
  return value;
}

/** An array of strings (e.g. `required`). */
export function readStringArray(builder: NodeBuilder, keyword: string): string[] | undefined {
  if (!builder.has(keyword)) return undefined;
  const value = builder.get(keyword);
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    builder.fail(keyword, "an array of strings");
  }
  return value as string[];
}

/** True for a schema value: an object or a boolean. */
export function isSchemaValue(value: unknown): boolean {
  return isJsonObject(value) || typeof value === "boolean";
}

/** An array of schemas (e.g. `allOf`); `nonEmpty` enforces the meta-schema's `minItems: 1`. */
export function readSchemaArray(
  builder: NodeBuilder,
  keyword: string,
  nonEmpty: boolean,
): unknown[] | undefined {
  if (!builder.has(keyword)) return undefined;
  const value = builder.get(keyword);
  const expected = `${nonEmpty ? "a non-empty" : "an"} array of schemas (objects or booleans)`;
  if (!Array.isArray(value) || (nonEmpty && value.length === 0)) builder.fail(keyword, expected);
  value.forEach((member, index) => {
    if (!isSchemaValue(member)) builder.fail(keyword, "a schema (an object or a boolean)", member, [index]);
  });
  return value;
}

/** An object whose values are schemas (e.g. `properties`), as own entries. */
export function readSchemaMap(builder: NodeBuilder, keyword: string): Array<[string, unknown]> | undefined {
  if (!builder.has(keyword)) return undefined;
  const value = builder.get(keyword);
  if (!isJsonObject(value)) builder.fail(keyword, "an object whose values are schemas");
  const entries: Array<[string, unknown]> = [];
  for (const name of Object.keys(value)) {
    const member = value[name];
    if (!isSchemaValue(member)) builder.fail(keyword, "an object whose values are schemas", member, [name]);
    entries.push([name, member]);
  }
  return entries;
}

/** A single schema keyword (e.g. `not`). */
export function readSchema(builder: NodeBuilder, keyword: string): unknown {
  if (!builder.has(keyword)) return undefined;
  const value = builder.get(keyword);
  if (!isSchemaValue(value)) builder.fail(keyword, "a schema (an object or a boolean)");
  return value;
}
