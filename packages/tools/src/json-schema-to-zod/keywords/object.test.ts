import { describe, expect, it } from "vitest";
import { jsonSchemaToZod } from "../index.js";
import { accepts } from "../test-support/accepts.js";

describe("object keywords", () => {
  const tool = {
    type: "object",
    properties: { city: { type: "string" }, days: { type: "integer" } },
    required: ["city"],
    additionalProperties: false,
  };

  it("validates properties and required", () => {
    expect(accepts(tool, { city: "Paris", days: 3 })).toBe(true);
    expect(accepts(tool, { days: 3 })).toBe(false);
    expect(accepts(tool, { city: 1 })).toBe(false);
  });

  it("rejects (never strips) additional properties when closed", () => {
    expect(accepts(tool, { city: "Paris", extra: 1 })).toBe(false);
  });

  it("keeps unknown keys when open and never fills defaults", () => {
    const { schema } = jsonSchemaToZod({
      type: "object",
      properties: { a: { type: "string", default: "x" } },
    });
    expect(schema.parse({ b: 1, nested: { c: [1] } })).toEqual({ b: 1, nested: { c: [1] } });
    expect(schema.parse({})).toEqual({});
  });

  it("applies patternProperties, additionalProperties schemas and propertyNames", () => {
    const schema = {
      properties: { id: true },
      patternProperties: { "^x-": { type: "string" } },
      additionalProperties: { type: "number" },
      propertyNames: { maxLength: 5 },
    };
    expect(accepts(schema, { id: null, "x-a": "s", n: 1 })).toBe(true);
    expect(accepts(schema, { "x-a": 1 })).toBe(false);
    expect(accepts(schema, { n: "s" })).toBe(false);
    expect(accepts(schema, { toolong: 1 })).toBe(false);
  });

  it("counts properties", () => {
    expect(accepts({ minProperties: 1 }, {})).toBe(false);
    expect(accepts({ maxProperties: 1 }, { a: 1, b: 2 })).toBe(false);
  });

  it("supports dependentRequired, dependentSchemas and draft-07 dependencies", () => {
    expect(accepts({ dependentRequired: { a: ["b"] } }, { a: 1 })).toBe(false);
    expect(accepts({ dependentRequired: { a: ["b"] } }, { a: 1, b: 1 })).toBe(true);
    expect(accepts({ dependentSchemas: { a: { required: ["c"] } } }, { a: 1 })).toBe(false);
    expect(accepts({ dependencies: { a: ["b"] } }, { a: 1 }, { draft: "draft-07" })).toBe(false);
    expect(accepts({ dependencies: { a: { minProperties: 3 } } }, { a: 1 }, { draft: "draft-07" })).toBe(
      false,
    );
    // dependentRequired is not a draft-07 keyword.
    expect(accepts({ dependentRequired: { a: ["b"] } }, { a: 1 }, { draft: "draft-07" })).toBe(true);
  });

  it("never mistakes inherited members for present keys", () => {
    const schema = { required: ["toString", "constructor"], properties: { toString: { type: "string" } } };
    expect(accepts(schema, {})).toBe(false);
    expect(accepts(schema, { toString: "a", constructor: 1 })).toBe(true);
    expect(accepts(schema, { toString: 1, constructor: 1 })).toBe(false);
    expect(accepts({ properties: { valueOf: { type: "string" } } }, {})).toBe(true);
  });

  it("treats __proto__ as an ordinary property name without polluting prototypes", () => {
    // JSON.parse creates an own "__proto__" key; an object literal would set the prototype.
    const schema = JSON.parse('{"properties": {"__proto__": {"type": "number"}}, "required": ["__proto__"]}');
    expect(accepts(schema, JSON.parse('{"__proto__": 12}'))).toBe(true);
    expect(accepts(schema, JSON.parse('{"__proto__": "x"}'))).toBe(false);
    expect(accepts(schema, {})).toBe(false);
    const closed = { properties: { a: true }, additionalProperties: false };
    expect(accepts(closed, JSON.parse('{"__proto__": {"polluted": true}}'))).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
