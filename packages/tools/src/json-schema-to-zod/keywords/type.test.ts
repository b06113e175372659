import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonSchemaToZod } from "../index.js";
import { accepts } from "../test-support/accepts.js";

describe("type", () => {
  it("maps single types to native Zod schemas", () => {
    expect(jsonSchemaToZod({ type: "string" }).schema).toBeInstanceOf(z.ZodString);
    expect(jsonSchemaToZod({ type: "null" }).schema).toBeInstanceOf(z.ZodNull);
    expect(jsonSchemaToZod({ type: "boolean" }).schema).toBeInstanceOf(z.ZodBoolean);
    expect(jsonSchemaToZod({ type: "object" }).schema).toBeInstanceOf(z.ZodObject);
    expect(jsonSchemaToZod({ type: "array" }).schema).toBeInstanceOf(z.ZodArray);
  });

  it("maps type arrays to unions", () => {
    const { schema } = jsonSchemaToZod({ type: ["string", "null"] });
    expect(schema).toBeInstanceOf(z.ZodUnion);
    expect(schema.safeParse("a").success).toBe(true);
    expect(schema.safeParse(null).success).toBe(true);
    expect(schema.safeParse(1).success).toBe(false);
  });

  it("judges integers by JSON Schema rules, beyond 2^53 too", () => {
    expect(accepts({ type: "integer" }, 1.0)).toBe(true);
    expect(accepts({ type: "integer" }, 1e308)).toBe(true);
    expect(accepts({ type: "integer" }, 2 ** 60)).toBe(true);
    expect(accepts({ type: "integer" }, 1.5)).toBe(false);
    expect(accepts({ type: "integer" }, "1")).toBe(false);
  });

  it("treats integer as a kind of number", () => {
    expect(accepts({ type: ["integer", "number"] }, 1.5)).toBe(true);
    expect(accepts({ type: "number" }, 1)).toBe(true);
  });

  it("applies type-specific keywords without a type, ignoring other types", () => {
    expect(accepts({ minimum: 1 }, "a string")).toBe(true);
    expect(accepts({ minimum: 1 }, 0)).toBe(false);
    expect(accepts({ minLength: 3 }, 5)).toBe(true);
    expect(accepts({ minLength: 3 }, "ab")).toBe(false);
    expect(accepts({ required: ["a"] }, [])).toBe(true);
    expect(accepts({ required: ["a"] }, {})).toBe(false);
    expect(accepts({ maxItems: 1 }, { a: 1, b: 2 })).toBe(true);
    expect(accepts({ maxItems: 1 }, [1, 2])).toBe(false);
  });

  it("accepts anything for an empty schema and true, nothing for false", () => {
    for (const value of [null, 0, "x", [], {}, true]) {
      expect(accepts({}, value)).toBe(true);
      expect(accepts(true, value)).toBe(true);
      expect(accepts(false, value)).toBe(false);
    }
  });
});
