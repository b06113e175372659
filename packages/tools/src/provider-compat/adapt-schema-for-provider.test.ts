import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { InvalidDefinitionError, type ProviderToolVariant } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { adaptSchemaForProvider } from "./adapt-schema-for-provider.js";

const FIXTURES = new URL("./__fixtures__/", import.meta.url);
const INPUTS = new URL("inputs/", FIXTURES);
const PROVIDERS = ["openai", "gemini", "anthropic"] as const;
/** Set UPDATE_GOLDENS=1 to rewrite the expected files after an intended change; review the diff. */
const UPDATE = process.env.UPDATE_GOLDENS === "1";

const inputNames = readdirSync(INPUTS)
  .filter((file) => file.endsWith(".json"))
  .map((file) => file.slice(0, -".json".length))
  .sort();

function readInput(name: string): ProviderToolVariant["jsonSchema"] {
  return JSON.parse(readFileSync(new URL(`${name}.json`, INPUTS), "utf8"));
}

describe("adaptSchemaForProvider golden files", () => {
  for (const provider of PROVIDERS) {
    describe(provider, () => {
      for (const name of inputNames) {
        it(name, () => {
          const input = readInput(name);
          const result = adaptSchemaForProvider(input, provider);
          const actual = {
            strict: result.strict,
            jsonSchema: result.jsonSchema,
            changes: result.changes,
            strictModeBlockers: result.strictModeBlockers,
          };
          const golden = new URL(`expected/${provider}/${name}.json`, FIXTURES);
          if (UPDATE) {
            mkdirSync(new URL(`expected/${provider}/`, FIXTURES), { recursive: true });
            writeFileSync(golden, `${JSON.stringify(actual, null, 2)}\n`);
          }
          expect(actual).toEqual(JSON.parse(readFileSync(golden, "utf8")));
          // Never mutates its input; same input, same output.
          expect(input).toEqual(readInput(name));
          const again = adaptSchemaForProvider(input, provider);
          expect(JSON.stringify(again.jsonSchema)).toBe(JSON.stringify(result.jsonSchema));
          expect(again.changes).toEqual(result.changes);
        });
      }
    });
  }
});

describe("adaptSchemaForProvider", () => {
  it("accepts AI SDK provider ids and returns other providers' schemas unchanged", () => {
    const schema = readInput("enums");
    expect(adaptSchemaForProvider(schema, "openai.responses").family).toBe("openai");
    expect(adaptSchemaForProvider(schema, "google.vertex.chat").family).toBe("gemini");
    const other = adaptSchemaForProvider(schema, "groq.chat");
    expect(other.family).toBe("other");
    expect(other.jsonSchema).toEqual(schema);
    expect(other.jsonSchema).not.toBe(schema);
    expect(other.changes).toEqual([]);
    expect(other.mapArguments({ unit: null })).toEqual({ unit: null });
  });

  it("hands out schemas that do not share objects with the input", () => {
    const schema = readInput("nested-optional-objects");
    const result = adaptSchemaForProvider(schema, "anthropic");
    (result.jsonSchema.properties as Record<string, { type?: string }>).name!.type = "number";
    expect(schema).toEqual(readInput("nested-optional-objects"));
  });

  it("rejects schemas that are not objects and dangling references, naming the place", () => {
    expect(() => adaptSchemaForProvider(true as never, "openai")).toThrow(InvalidDefinitionError);
    const dangling = { type: "object", properties: { a: { $ref: "#/$defs/Missing" } } } as const;
    for (const provider of PROVIDERS) {
      try {
        adaptSchemaForProvider(dangling as never, provider === "anthropic" ? "gemini" : provider);
        expect.unreachable();
      } catch (error) {
        expect(InvalidDefinitionError.isInstance(error)).toBe(true);
        expect((error as InvalidDefinitionError).field).toBe("/properties/a/$ref");
        expect((error as Error).message).toContain("#/$defs/Missing");
      }
    }
  });

  it("can move OpenAI value constraints to the description for older models", () => {
    const result = adaptSchemaForProvider(readInput("formats"), "openai", {
      openAiConstraintKeywords: "move-to-description",
    });
    expect(result.strict).toBe(true);
    const properties = result.jsonSchema.properties as Record<string, Record<string, unknown>>;
    expect(properties.code).toEqual({
      type: ["string", "null"],
      description: 'JSON Schema constraints: {"pattern":"^[A-Z]{3}$","minLength":3,"maxLength":3}',
    });
  });

  it("falls back to non-strict OpenAI schemas past the size limits", () => {
    const properties: Record<string, { type: "string" }> = {};
    for (let index = 0; index < 5001; index++) properties[`p${index}`] = { type: "string" };
    const result = adaptSchemaForProvider(
      { type: "object", properties, required: Object.keys(properties) },
      "openai",
    );
    expect(result.strict).toBe(false);
    expect(result.strictModeBlockers[0]?.detail).toContain("5001 properties");
  });

  it("survives self-referencing definitions and recursive allOf", () => {
    const alias = {
      type: "object",
      properties: { a: { $ref: "#/$defs/A" } },
      $defs: { A: { $ref: "#/$defs/A" } },
    };
    const openai = adaptSchemaForProvider(alias as never, "openai");
    expect(openai.strict).toBe(false);
    expect(openai.strictModeBlockers).toEqual([
      { path: "/$defs/A", keyword: "$ref", detail: "a reference cycle that never reaches a schema" },
    ]);
    const recursiveAllOf = {
      type: "object",
      properties: { node: { $ref: "#/$defs/N" } },
      $defs: { N: { type: "object", properties: { next: { allOf: [{ $ref: "#/$defs/N" }] } } } },
    };
    const gemini = adaptSchemaForProvider(recursiveAllOf as never, "gemini");
    expect(JSON.stringify(gemini.jsonSchema)).toContain("JSON-encoded string");
    // A single-member allOf is its $ref, which strict mode keeps even when recursive...
    expect(adaptSchemaForProvider(recursiveAllOf as never, "openai").jsonSchema).toMatchObject({
      $defs: { N: { properties: { next: { anyOf: [{ $ref: "#/$defs/N" }, { type: "null" }] } } } },
    });
    // ...but a recursive member cannot be merged with others.
    const merged = structuredClone(recursiveAllOf) as any;
    merged.$defs.N.properties.next.allOf.push({ type: "object", properties: { extra: { type: "string" } } });
    expect(adaptSchemaForProvider(merged, "openai").strictModeBlockers[0]?.detail).toBe(
      "a recursive allOf member cannot be merged",
    );
  });

  it("keeps the OpenAI root a plain object", () => {
    const schema = {
      $ref: "#/$defs/Root",
      $defs: { Root: { type: "object", nullable: true, properties: {} } },
    };
    const result = adaptSchemaForProvider(schema as never, "openai");
    expect(result.strict).toBe(true);
    expect(result.jsonSchema).toEqual({
      type: "object",
      properties: {},
      required: [],
      additionalProperties: false,
    });
    expect(result.changes).toContainEqual({
      path: "/$defs/Root",
      keyword: "nullable",
      action: "removed",
      detail: "true: the root is always an object",
    });
  });

  it("cuts Gemini recursion at the configured depth", () => {
    const schema = readInput("recursive-refs");
    const shallow = JSON.stringify(
      adaptSchemaForProvider(schema, "gemini", { maxRecursionDepth: 1 }).jsonSchema,
    );
    const deep = JSON.stringify(
      adaptSchemaForProvider(schema, "gemini", { maxRecursionDepth: 4 }).jsonSchema,
    );
    expect(deep.length).toBeGreaterThan(shallow.length);
    expect(() => adaptSchemaForProvider(schema, "gemini", { maxRecursionDepth: 0 })).toThrow(
      InvalidDefinitionError,
    );
  });
});
