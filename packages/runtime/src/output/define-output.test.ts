import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as zm from "zod/mini";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import { InvalidOutputError } from "../errors/invalid-output-error.js";
import {
  defineOutput,
  isAgentOutputSchema,
  isZodSchema,
  parseFinalOutput,
  toOutputSchema,
} from "./define-output.js";
import type { AgentOutputSchema } from "./output-schema.js";

const weather = z.object({ city: z.string(), celsius: z.number() });

describe("defineOutput", () => {
  it("derives a draft-07 JSON Schema of the output type, without $schema", () => {
    const output = defineOutput(weather, { name: "weather", description: "Today's weather" });
    expect(output.jsonSchema).toEqual({
      type: "object",
      properties: { city: { type: "string" }, celsius: { type: "number" } },
      required: ["city", "celsius"],
      additionalProperties: false,
    });
    expect(output.name).toBe("weather");
    expect(output.description).toBe("Today's weather");
  });

  it("describes the output type, not the input (defaults are filled in, so required)", () => {
    const output = defineOutput(z.object({ unit: z.enum(["C", "F"]).default("C") }));
    expect(output.jsonSchema.required).toEqual(["unit"]);
    expect(output.parse({})).toEqual({ success: true, value: { unit: "C" } });
  });

  it("takes the description from the schema when none is given, and leaves name and description out otherwise", () => {
    expect(defineOutput(weather.describe("The weather")).description).toBe("The weather");
    const bare = defineOutput(weather);
    expect(bare).not.toHaveProperty("name");
    expect(bare).not.toHaveProperty("description");
  });

  it("validates with the schema and reports issues by field", () => {
    const output = defineOutput(weather);
    expect(output.parse({ city: "Paris", celsius: 21 })).toEqual({
      success: true,
      value: { city: "Paris", celsius: 21 },
    });
    expect(output.parse({ city: "Paris", celsius: "warm" })).toEqual({
      success: false,
      issues: [{ field: "celsius", expected: "of type number", received: "string" }],
    });
    expect(output.parse("nope")).toMatchObject({ success: false, issues: [{ field: "(root)" }] });
  });

  it("does not throw when a refinement does", () => {
    const output = defineOutput(
      z.object({ a: z.number() }).refine(() => {
        throw new Error("boom");
      }),
    );
    expect(output.parse({ a: 1 })).toEqual({
      success: false,
      issues: [{ field: "(root)", expected: "a value the output schema accepts (boom)" }],
    });
  });

  it("accepts zod/mini schemas", () => {
    const output = defineOutput(zm.object({ n: zm.number() }) as unknown as z.ZodType<{ n: number }>);
    expect(output.jsonSchema).toMatchObject({ type: "object", properties: { n: { type: "number" } } });
    expect(output.parse({ n: 1 })).toEqual({ success: true, value: { n: 1 } });
    expect(output.parse({ n: "1" })).toMatchObject({ success: false, issues: [{ field: "n" }] });
  });

  it("rejects a schema JSON Schema cannot express, a bad name and a non-schema", () => {
    expect(() => defineOutput(z.object({ when: z.date() }))).toThrow(InvalidDefinitionError);
    try {
      defineOutput(z.object({ run: z.function() }) as unknown as z.ZodType);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: "INVALID_DEFINITION",
        issues: [{ field: "outputSchema", expected: "a Zod schema that can be expressed as JSON Schema" }],
      });
    }
    expect(() => defineOutput(weather, { name: "my output" })).toThrow(/outputSchema\.name/);
    expect(() => defineOutput({ type: "object" } as unknown as z.ZodType)).toThrow(/a Zod 4 schema/);
  });
});

describe("isZodSchema, isAgentOutputSchema and toOutputSchema", () => {
  const custom: AgentOutputSchema<{ total: number }> = {
    jsonSchema: { type: "object", properties: { total: { type: "number" } } },
    parse: (value) => ({ success: true, value: value as { total: number } }),
    name: "total",
  };

  it("tells Zod schemas from output schemas and from anything else", () => {
    expect(isZodSchema(weather)).toBe(true);
    expect(isZodSchema(zm.string())).toBe(true);
    expect(isZodSchema(custom)).toBe(false);
    expect(isZodSchema({ _def: {}, safeParse: () => ({}) })).toBe(false); // Zod 3
    expect(isZodSchema(null)).toBe(false);
    expect(isAgentOutputSchema(custom)).toBe(true);
    expect(isAgentOutputSchema(defineOutput(weather))).toBe(true);
    expect(isAgentOutputSchema(weather)).toBe(false);
    expect(isAgentOutputSchema({ jsonSchema: [], parse: () => undefined })).toBe(false);
    expect(isAgentOutputSchema({ jsonSchema: {} })).toBe(false);
  });

  it("turns a Zod schema into an output schema and keeps an output schema as it is", () => {
    const fromZod = toOutputSchema(weather);
    expect(fromZod.jsonSchema).toEqual(defineOutput(weather).jsonSchema);
    expect(fromZod.parse({ city: "Oslo", celsius: -3 })).toEqual({
      success: true,
      value: { city: "Oslo", celsius: -3 },
    });
    expect(toOutputSchema(custom)).toBe(custom);
  });

  it("names the option it was given in errors", () => {
    expect(() => toOutputSchema("json" as never, "overrides.outputSchema")).toThrow(
      expect.objectContaining({
        issues: [
          {
            field: "overrides.outputSchema",
            expected: "a Zod schema, or an AgentOutputSchema from defineOutput() or jsonSchemaOutput()",
            received: "string",
          },
        ],
      }),
    );
    expect(() => toOutputSchema(z.object({ when: z.date() }), "overrides.outputSchema")).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ field: "overrides.outputSchema" })] }),
    );
  });
});

describe("parseFinalOutput", () => {
  const output = defineOutput(weather);
  const paris = { city: "Paris", celsius: 21 };

  it.each([
    ['{"city":"Paris","celsius":21}'],
    ['  \n {"city": "Paris", "celsius": 21}\n\n'],
    ['```json\n{"city": "Paris", "celsius": 21}\n```'],
    ['```JSON\r\n{"city": "Paris", "celsius": 21}\r\n```\n'],
    ['```\n{"city": "Paris", "celsius": 21}\n```'],
    ['````json\n{"city": "Paris", "celsius": 21}\n````'],
    ['```json {"city": "Paris", "celsius": 21}```'],
    ['```json\n{"city": "Paris", "celsius": 21}'], // the closing fence cut off
  ])("accepts %j", (text) => {
    expect(parseFinalOutput(text, output)).toEqual({ ok: true, value: paris });
  });

  it("accepts any JSON value the schema accepts, also one that looks like a language word", () => {
    const flag = defineOutput(z.boolean());
    expect(parseFinalOutput("```true```", flag)).toEqual({ ok: true, value: true });
    expect(parseFinalOutput("```\ntrue\n```", flag)).toEqual({ ok: true, value: true });
    expect(parseFinalOutput("```true\n```", flag)).toEqual({ ok: true, value: true });
  });

  it.each([
    ["It is 21 degrees in Paris."],
    [""],
    ['{"city": "Paris", "celsius": 21'],
    ['Here you go: {"city": "Paris", "celsius": 21}'],
    ["```json\n```"],
  ])("fails on %j, which is not JSON, with an issue on (root)", (text) => {
    const result = parseFinalOutput(text, output);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(InvalidOutputError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({
      code: "INVALID_OUTPUT",
      text,
      issues: [{ field: "(root)", expected: "a JSON value", received: "text that is not JSON" }],
    });
    expect(result.error.cause).toBeInstanceOf(SyntaxError);
    expect(result.error.message).toContain("(root): expected a JSON value");
  });

  it("fails with the schema's issues on JSON the schema rejects, keeping the text as given", () => {
    const text = '```json\n{"city": "Paris", "celsius": "warm"}\n```';
    const result = parseFinalOutput(text, output);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: "INVALID_OUTPUT",
        text,
        issues: [{ field: "celsius", expected: "of type number", received: "string" }],
      },
    });
  });

  it("never throws, even when a hand-written parse does or reports no issue", () => {
    const throwing: AgentOutputSchema = {
      jsonSchema: { type: "object" },
      parse: () => {
        throw new Error("bad validator");
      },
    };
    expect(parseFinalOutput("{}", throwing)).toMatchObject({
      ok: false,
      error: { issues: [{ field: "(root)", expected: "a value the output schema accepts (bad validator)" }] },
    });
    const silent: AgentOutputSchema = {
      jsonSchema: { type: "object" },
      parse: () => ({ success: false, issues: [] }),
    };
    expect(parseFinalOutput("{}", silent)).toMatchObject({
      ok: false,
      error: { issues: [{ field: "(root)", expected: "a value the output schema accepts" }] },
    });
  });
});
