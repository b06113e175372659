// biome-ignore-all lint/suspicious/noThenProperty: "then" is a JSON Schema keyword here, not a thenable.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonSchemaToZod } from "../index.js";
import { accepts } from "../test-support/accepts.js";

describe("applicators", () => {
  it("allOf requires every member, even closed ones", () => {
    const schema = {
      allOf: [{ properties: { a: { type: "number" } }, additionalProperties: false }, { required: ["a"] }],
    };
    expect(accepts(schema, { a: 1 })).toBe(true);
    expect(accepts(schema, { a: 1, b: 2 })).toBe(false);
    expect(accepts(schema, {})).toBe(false);
  });

  it("anyOf is a z.union", () => {
    const { schema } = jsonSchemaToZod({ anyOf: [{ type: "string" }, { type: "number" }] });
    expect(schema).toBeInstanceOf(z.ZodUnion);
    expect(schema.safeParse(1).success).toBe(true);
    expect(schema.safeParse(null).success).toBe(false);
  });

  it("oneOf requires exactly one match", () => {
    const schema = { oneOf: [{ type: "integer" }, { minimum: 2 }] };
    expect(accepts(schema, 1)).toBe(true);
    expect(accepts(schema, 2.5)).toBe(true);
    expect(accepts(schema, 3)).toBe(false);
  });

  it("not inverts", () => {
    expect(accepts({ not: { type: "string" } }, 1)).toBe(true);
    expect(accepts({ not: { type: "string" } }, "a")).toBe(false);
  });

  it("if/then/else picks a branch", () => {
    const schema = { if: { type: "number" }, then: { minimum: 10 }, else: { type: "string" } };
    expect(accepts(schema, 11)).toBe(true);
    expect(accepts(schema, 5)).toBe(false);
    expect(accepts(schema, "x")).toBe(true);
    expect(accepts(schema, null)).toBe(false);
    expect(accepts({ then: false }, 1)).toBe(true);
  });
});
