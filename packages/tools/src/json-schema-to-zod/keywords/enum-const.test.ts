import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonSchemaToZod } from "../index.js";
import { accepts } from "../test-support/accepts.js";

describe("enum and const", () => {
  it("uses native literals for primitives", () => {
    expect(jsonSchemaToZod({ enum: ["a", "b"] }).schema).toBeInstanceOf(z.ZodEnum);
    expect(jsonSchemaToZod({ const: 3 }).schema).toBeInstanceOf(z.ZodLiteral);
    expect(accepts({ enum: ["a", 1, null] }, 1.0)).toBe(true);
    expect(accepts({ enum: ["a", 1, null] }, "1")).toBe(false);
    expect(accepts({ const: false }, 0)).toBe(false);
  });

  it("compares objects and arrays by JSON equality", () => {
    expect(accepts({ const: { a: [1, { b: 2 }] } }, { a: [1.0, { b: 2 }] })).toBe(true);
    expect(accepts({ const: { a: 1, b: 2 } }, { b: 2, a: 1 })).toBe(true);
    expect(accepts({ const: { a: 1 } }, { a: 1, b: 2 })).toBe(false);
    expect(accepts({ enum: [[1], { x: null }] }, { x: null })).toBe(true);
    expect(accepts({ enum: [[1], { x: null }] }, [true])).toBe(false);
  });

  it("rejects every value for an empty enum", () => {
    expect(accepts({ enum: [] }, 1)).toBe(false);
  });
});
