import { describe, expect, it } from "vitest";
import { JsonSchemaConversionError, jsonSchemaToZod } from "./index.js";

function conversionError(schema: unknown, options = {}): JsonSchemaConversionError {
  try {
    jsonSchemaToZod(schema, options);
  } catch (error) {
    expect(JsonSchemaConversionError.isInstance(error)).toBe(true);
    return error as JsonSchemaConversionError;
  }
  throw new Error("expected a JsonSchemaConversionError");
}

describe("malformed schemas", () => {
  it.each([
    [{ minLength: "x" }, "/minLength", "minLength", /non-negative integer/],
    [{ type: "banana" }, "/type", "type", /one of "null"/],
    [{ required: 5 }, "/required", "required", /array of strings/],
    [{ properties: { a: { maxItems: -1 } } }, "/properties/a/maxItems", "maxItems", /non-negative integer/],
    [{ allOf: [] }, "/allOf", "allOf", /non-empty array of schemas/],
    [{ multipleOf: 0 }, "/multipleOf", "multipleOf", /greater than 0/],
    [{ pattern: "(" }, "/pattern", "pattern", /valid ECMA-262 regular expression/],
    [{ items: [1] }, "/items/0", "items", /a schema/],
    [{ enum: "a" }, "/enum", "enum", /an array/],
    [{ properties: { "a/b": { minimum: "1" } } }, "/properties/a~1b/minimum", "minimum", /a number/],
    [{ $ref: "#/$defs/missing" }, "/$ref", "$ref", /does not exist/],
    [{ $ref: "#nope" }, "/$ref", "$ref", /anchor/],
  ])("%j fails at %s", (schema, path, keyword, message) => {
    const error = conversionError(schema);
    expect(error.code).toBe("INVALID_JSON_SCHEMA");
    expect(error.path).toBe(path);
    expect(error.keyword).toBe(keyword);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(keyword);
  });

  it("rejects values that are not schemas", () => {
    expect(conversionError(42).message).toMatch(/object or a boolean/);
    expect(conversionError({ not: "x" }).path).toBe("/not");
  });

  it("validates options", () => {
    expect(conversionError({}, { maxDepth: 0 }).keyword).toBe("maxDepth");
  });
});
