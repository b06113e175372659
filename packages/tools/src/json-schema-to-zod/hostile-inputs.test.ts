import { describe, expect, it } from "vitest";
import { JsonSchemaConversionError, jsonSchemaToZod } from "./index.js";

function nested(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: "string" };
  for (let level = 0; level < depth; level++) schema = { type: "object", properties: { a: schema } };
  return schema;
}

describe("hostile inputs", () => {
  it("rejects reference cycles that never consume data", () => {
    expect(() => jsonSchemaToZod({ $ref: "#" })).toThrowError(JsonSchemaConversionError);
    expect(() =>
      jsonSchemaToZod({
        $defs: { a: { $ref: "#/$defs/b" }, b: { allOf: [{ $ref: "#/$defs/a" }] } },
        $ref: "#/$defs/a",
      }),
    ).toThrowError(/cycle/);
    expect(() => jsonSchemaToZod({ anyOf: [{ type: "string" }, { $ref: "#" }] })).toThrowError(/cycle/);
  });

  it("accepts recursion that consumes data", () => {
    const { schema } = jsonSchemaToZod({ type: "array", items: { $ref: "#" } });
    expect(schema.safeParse([[], [[]]]).success).toBe(true);
    expect(schema.safeParse([1]).success).toBe(false);
  });

  it("rejects absurdly deep data for recursive schemas instead of overflowing the stack", () => {
    const { schema } = jsonSchemaToZod({ type: "array", items: { $ref: "#" } });
    let value: unknown = [];
    for (let level = 0; level < 100_000; level++) value = [value];
    expect(schema.safeParse(value).success).toBe(false);
  });

  it("rejects JavaScript object cycles", () => {
    const schema: Record<string, unknown> = { type: "object" };
    schema.properties = { self: schema };
    expect(() => jsonSchemaToZod(schema)).toThrowError(JsonSchemaConversionError);
  });

  it("rejects absurd nesting with a typed error", () => {
    const error = (() => {
      try {
        jsonSchemaToZod(nested(10_000));
      } catch (caught) {
        return caught;
      }
    })();
    expect(JsonSchemaConversionError.isInstance(error)).toBe(true);
    expect((error as JsonSchemaConversionError).keyword).toBe("maxDepth");
    expect(jsonSchemaToZod(nested(50)).schema.safeParse({}).success).toBe(true);
  });

  it("bounds enum size and schema size", () => {
    const members = Array.from({ length: 100_000 }, (_, index) => `value-${index}`);
    expect(() => jsonSchemaToZod({ enum: members })).toThrowError(/maxEnumSize/);
    const { schema } = jsonSchemaToZod({ enum: members }, { maxEnumSize: 100_000 });
    expect(schema.safeParse("value-99999").success).toBe(true);
    expect(schema.safeParse("value-100000").success).toBe(false);
    const wide = {
      properties: Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`p${index}`, {}])),
    };
    expect(() => jsonSchemaToZod(wide, { maxSchemaNodes: 10 })).toThrowError(/maxSchemaNodes/);
  });

  it("finishes catastrophic-backtracking patterns (RE2)", () => {
    const { schema } = jsonSchemaToZod({ type: "string", pattern: "^(a+)+$" });
    expect(schema.safeParse(`${"a".repeat(100_000)}!`).success).toBe(false);
    expect(schema.safeParse("a".repeat(100_000)).success).toBe(true);
    const alternation = jsonSchemaToZod({ pattern: "^(a|aa)*$" }).schema;
    expect(alternation.safeParse(`${"a".repeat(50_000)}b`).success).toBe(false);
  });

  it("reports backtracking-only patterns that could hang, and bounds the safe ones", () => {
    expect(() => jsonSchemaToZod({ pattern: "^(?=(a+)+$)" })).toThrowError(
      /Unsupported JSON Schema keyword "pattern"/,
    );
    const warned = jsonSchemaToZod({ pattern: "^(?=(a+)+$)" }, { onUnsupported: "warn" });
    expect(warned.warnings).toEqual([expect.objectContaining({ keyword: "pattern", path: "/pattern" })]);
    const lookahead = jsonSchemaToZod({ pattern: "^(?=.*\\d)\\w+$" }).schema;
    expect(lookahead.safeParse("abc1").success).toBe(true);
    expect(lookahead.safeParse("abc").success).toBe(false);
    expect(lookahead.safeParse(`${"a".repeat(5_000)}1`).success).toBe(false);
  });

  it("does not pollute prototypes", () => {
    const schema = JSON.parse(
      '{"properties": {"__proto__": {"properties": {"polluted": {"default": true}}}}}',
    );
    const { schema: zodSchema } = jsonSchemaToZod(schema);
    zodSchema.parse(JSON.parse('{"__proto__": {"polluted": 1}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
