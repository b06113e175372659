import { type JsonSchemaToZodOptions, jsonSchemaToZod } from "../index.js";

/** Converts `schema` and reports whether the result accepts `value` (test helper). */
export function accepts(schema: unknown, value: unknown, options?: JsonSchemaToZodOptions): boolean {
  return jsonSchemaToZod(schema, options).schema.safeParse(value).success;
}
