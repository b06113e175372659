import { type AgentOutputSchema, InvalidDefinitionError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { jsonSchemaOutput } from "./json-schema-output.js";

const weatherSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  description: "Today's weather",
  type: "object",
  properties: {
    city: { type: "string", minLength: 2 },
    celsius: { type: "number", minimum: -100, maximum: 100 },
  },
  required: ["city", "celsius"],
  additionalProperties: false,
} as const;

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("jsonSchemaOutput", () => {
  it("sends the schema as written without $schema, and takes name and description", () => {
    const output: AgentOutputSchema<{ city: string; celsius: number }> = jsonSchemaOutput(weatherSchema, {
      name: "weather",
    });
    const { $schema, ...withoutDraft } = weatherSchema;
    expect($schema).toBeDefined();
    expect(output.jsonSchema).toEqual(withoutDraft);
    expect(output.name).toBe("weather");
    expect(output.description).toBe("Today's weather");
    expect(jsonSchemaOutput(weatherSchema, { description: "Mine" }).description).toBe("Mine");
    const bare = jsonSchemaOutput({ type: "object" });
    expect(bare).not.toHaveProperty("name");
    expect(bare).not.toHaveProperty("description");
    expect(bare.schemaWarnings).toEqual([]);
  });

  it("validates with JSON Schema semantics and reports issues by field", () => {
    const output = jsonSchemaOutput(weatherSchema);
    expect(output.parse({ city: "Paris", celsius: 21 })).toEqual({
      success: true,
      value: { city: "Paris", celsius: 21 },
    });
    expect(output.parse({ city: "Paris", celsius: "warm" })).toEqual({
      success: false,
      issues: [{ field: "celsius", expected: "of type number", received: "string" }],
    });
    expect(output.parse({ city: "P", celsius: 500 })).toEqual({
      success: false,
      issues: [
        { field: "city", expected: "at least 2 characters long" },
        { field: "celsius", expected: "at most 100" },
      ],
    });
    const extra = output.parse({ city: "Paris", celsius: 21, wind: 3 });
    expect(extra.success).toBe(false);
    expect(JSON.stringify(extra)).toContain("wind");
    expect(output.parse(null)).toMatchObject({ success: false, issues: [{ field: "(root)" }] });
  });

  it("validates non-object outputs too", () => {
    const output = jsonSchemaOutput<string[]>({ type: "array", items: { type: "string" }, maxItems: 2 });
    expect(output.parse(["a", "b"])).toEqual({ success: true, value: ["a", "b"] });
    expect(output.parse(["a", "b", "c"]).success).toBe(false);
  });

  it("keeps its own copy of the schema", () => {
    const schema = structuredClone(weatherSchema) as { properties: { city: { minLength: number } } };
    const output = jsonSchemaOutput(schema as never);
    schema.properties.city.minLength = 50;
    expect(output.jsonSchema.properties).toMatchObject({ city: { minLength: 2 } });
    expect(output.parse({ city: "Rome", celsius: 1 }).success).toBe(true);
  });

  it("passes conversion options on, recording what it ignored", () => {
    // A backtracking-only pattern that could hang: unsupported, so an error unless told to warn.
    const schema = { type: "object", properties: { code: { type: "string", pattern: "^(?=(a+)+$)" } } };
    expect(InvalidDefinitionError.isInstance(catchError(() => jsonSchemaOutput(schema)))).toBe(true);
    const loose = jsonSchemaOutput(schema, { conversion: { onUnsupported: "warn" } });
    expect(loose.schemaWarnings).toEqual([expect.objectContaining({ keyword: "pattern" })]);
    expect(loose.parse({ code: "b" }).success).toBe(true);
  });

  it("names the bad part of a schema it cannot convert", () => {
    const error = catchError(() =>
      jsonSchemaOutput({ type: "object", properties: { total: { type: "number", minimum: "zero" } } }),
    );
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "INVALID_DEFINITION",
      issues: [expect.objectContaining({ field: "outputSchema.properties.total.minimum" })],
    });
    expect((error as Error).message).toMatch(
      /^Invalid output schema: `outputSchema\.properties\.total\.minimum`/,
    );
  });

  it("rejects what is not a schema, data that is not JSON, and a bad name", () => {
    for (const value of [null, [], "object", true]) {
      expect(catchError(() => jsonSchemaOutput(value as never))).toMatchObject({
        issues: [expect.objectContaining({ field: "outputSchema" })],
      });
    }
    expect(catchError(() => jsonSchemaOutput({ type: "object", default: () => 1 } as never))).toMatchObject({
      issues: [{ field: "outputSchema", expected: "plain JSON data (no functions, classes or symbols)" }],
    });
    expect(catchError(() => jsonSchemaOutput({ type: "object" }, { name: "two words" }))).toMatchObject({
      issues: [expect.objectContaining({ field: "outputSchema.name", received: '"two words"' })],
    });
  });
});
