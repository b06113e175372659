import { describe, expect, it } from "vitest";
import { accepts } from "../test-support/accepts.js";

describe("unevaluated keywords", () => {
  it("sees properties evaluated by allOf, anyOf and if/then", () => {
    const schema = {
      allOf: [{ properties: { a: true } }],
      anyOf: [
        { properties: { b: true }, required: ["b"] },
        { properties: { c: true }, required: ["c"] },
      ],
      unevaluatedProperties: false,
    };
    expect(accepts(schema, { a: 1, b: 1 })).toBe(true);
    expect(accepts(schema, { a: 1, c: 1 })).toBe(true);
    expect(accepts(schema, { a: 1, b: 1, d: 1 })).toBe(false);
  });

  it("ignores annotations from failed branches", () => {
    const schema = {
      anyOf: [{ properties: { b: { type: "string" } }, required: ["b"] }, { required: ["c"] }],
      unevaluatedProperties: false,
    };
    expect(accepts(schema, { b: 1, c: 1 })).toBe(false);
  });

  it("sees items evaluated by prefixItems and contains", () => {
    const schema = {
      prefixItems: [{ type: "string" }],
      contains: { type: "number" },
      unevaluatedItems: false,
    };
    expect(accepts(schema, ["a", 1, 2])).toBe(true);
    expect(accepts(schema, ["a", 1, true])).toBe(false);
  });

  it("follows references", () => {
    const schema = {
      $defs: { base: { properties: { a: true } } },
      $ref: "#/$defs/base",
      properties: { b: true },
      unevaluatedProperties: false,
    };
    expect(accepts(schema, { a: 1, b: 2 })).toBe(true);
    expect(accepts(schema, { a: 1, c: 2 })).toBe(false);
  });
});
