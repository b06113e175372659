import { describe, expect, it } from "vitest";
import { isMultipleOf } from "../multiple-of.js";
import { accepts } from "../test-support/accepts.js";

describe("numeric keywords", () => {
  it("enforces inclusive and exclusive bounds", () => {
    const schema = { type: "number", minimum: 1, maximum: 10, exclusiveMaximum: 10 };
    expect(accepts(schema, 1)).toBe(true);
    expect(accepts(schema, 9.99)).toBe(true);
    expect(accepts(schema, 10)).toBe(false);
    expect(accepts(schema, 0.5)).toBe(false);
    expect(accepts({ exclusiveMinimum: 0 }, 0)).toBe(false);
    expect(accepts({ exclusiveMinimum: 0 }, 0.001)).toBe(true);
  });

  it("accepts the draft-04 boolean exclusive form", () => {
    expect(accepts({ minimum: 5, exclusiveMinimum: true }, 5)).toBe(false);
    expect(accepts({ minimum: 5, exclusiveMinimum: true }, 6)).toBe(true);
    expect(accepts({ maximum: 5, exclusiveMaximum: true }, 5)).toBe(false);
  });

  it("computes multipleOf on decimal values", () => {
    expect(accepts({ multipleOf: 0.0001 }, 0.0075)).toBe(true);
    expect(accepts({ multipleOf: 0.01 }, 0.07)).toBe(true);
    expect(accepts({ multipleOf: 0.1 }, 0.3)).toBe(true);
    expect(accepts({ multipleOf: 0.1 }, 0.35)).toBe(false);
    expect(accepts({ multipleOf: 1.5 }, 4.5)).toBe(true);
    expect(accepts({ type: "integer", multipleOf: 0.123456789 }, 1e308)).toBe(false);
    expect(isMultipleOf(1e308, 2)).toBe(true);
    expect(isMultipleOf(-9, 3)).toBe(true);
    expect(isMultipleOf(1e-7, 1e-8)).toBe(true);
  });
});
