import { InvalidDefinitionError, type ProviderToolVariant } from "@flowmaestro/runtime";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { propertyParameters } from "../test-support/property-parameters.js";
import { adaptSchemaForProvider } from "./adapt-schema-for-provider.js";

/** Random, often odd, JSON Schemas: every keyword the adapters handle, mixed freely. */
const schemas = fc.letrec<{
  schema: unknown;
  object: unknown;
  array: unknown;
  combinator: unknown;
  leaf: unknown;
}>((tie) => ({
  schema: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    tie("object"),
    tie("array"),
    tie("combinator"),
    fc.boolean(),
  ),
  object: fc.record(
    {
      type: fc.constantFrom("object", ["object", "null"], undefined),
      properties: fc.dictionary(fc.constantFrom("a", "b", "c", "required", "$ref", "type"), tie("schema"), {
        maxKeys: 4,
      }),
      required: fc.array(fc.constantFrom("a", "b", "z")),
      additionalProperties: fc.oneof(fc.boolean(), tie("schema")),
      patternProperties: fc.constant({ "^x-": { type: "string" } }),
      nullable: fc.boolean(),
    },
    { requiredKeys: ["properties"] },
  ),
  array: fc.record(
    {
      type: fc.constantFrom("array", ["array", "null"]),
      items: fc.oneof(tie("schema"), fc.array(tie("schema"), { maxLength: 2 })),
      prefixItems: fc.array(tie("schema"), { maxLength: 2 }),
      minItems: fc.nat(3),
      uniqueItems: fc.boolean(),
    },
    { requiredKeys: ["type"] },
  ),
  combinator: fc.record(
    {
      anyOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }),
      oneOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }),
      allOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }),
      not: tie("schema"),
      if: tie("schema"),
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword under test.
      then: tie("schema"),
      description: fc.string({ maxLength: 5 }),
    },
    { requiredKeys: [] },
  ),
  leaf: fc.oneof(
    fc.record(
      {
        type: fc.constantFrom(
          "string",
          "number",
          "integer",
          "boolean",
          "null",
          ["string", "number"],
          ["integer", "null"],
        ),
        format: fc.constantFrom("email", "uri", "date-time", "int32", "float"),
        pattern: fc.constant("^a+$"),
        minLength: fc.nat(3),
        minimum: fc.integer({ min: -5, max: 5 }),
        exclusiveMaximum: fc.oneof(fc.boolean(), fc.integer()),
        multipleOf: fc.constantFrom(1, 0.5),
        default: fc.jsonValue({ maxDepth: 1 }),
        examples: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
        "x-vendor": fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    fc.record({ enum: fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 4 }) }),
    fc.record({ const: fc.jsonValue({ maxDepth: 1 }) }),
    fc.record({
      $ref: fc.constantFrom("#", "#/$defs/D", "#/definitions/E", "#/$defs/D/properties/a", "other.json#/x"),
    }),
    fc.record(
      {
        $ref: fc.constantFrom("#/$defs/D", "#"),
        description: fc.string({ maxLength: 5 }),
        minLength: fc.nat(2),
      },
      { requiredKeys: ["$ref"] },
    ),
  ),
}));

const roots = fc
  .record({
    properties: fc.dictionary(fc.constantFrom("a", "b", "c", "d"), schemas.schema, { maxKeys: 4 }),
    required: fc.array(fc.constantFrom("a", "b", "c")),
    D: fc.oneof(schemas.object, schemas.leaf),
    E: schemas.schema,
    $ref: fc.option(fc.constantFrom("#/$defs/D", "#/definitions/E"), { nil: undefined }),
  })
  .map(({ properties, required, D, E, $ref }) => ({
    type: "object",
    properties,
    required,
    $defs: { D },
    definitions: { E },
    ...($ref === undefined ? {} : { $ref }),
  }))
  // Schemas arrive as parsed JSON: no -0, no undefined.
  .map((schema) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>);

/** Keywords of the OpenAPI 3.0 subset of Gemini function declarations. */
const GEMINI_KEYWORDS = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "properties",
  "required",
  "items",
  "anyOf",
]);

function geminiKeywordsOutsideSubset(schema: unknown, path = ""): string[] {
  if (typeof schema !== "object" || schema === null) return [`${path} is not an object schema`];
  const found: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (!GEMINI_KEYWORDS.has(key)) found.push(`${path}/${key}`);
    if (key === "properties") {
      for (const [name, child] of Object.entries(value as object)) {
        found.push(...geminiKeywordsOutsideSubset(child, `${path}/properties/${name}`));
      }
    }
    if (key === "items") found.push(...geminiKeywordsOutsideSubset(value, `${path}/items`));
    if (key === "anyOf") {
      for (const [index, child] of (value as unknown[]).entries()) {
        found.push(...geminiKeywordsOutsideSubset(child, `${path}/anyOf/${index}`));
      }
    }
    if (key === "enum" && !(value as unknown[]).every((item) => typeof item === "string"))
      found.push(`${path}/enum`);
  }
  return found;
}

/**
 * 150 random roots, in 5 slices of 30 with a fixed seed each (see
 * test-support/property-parameters.ts). Each root is adapted for three providers, twice, and strict
 * results are compiled by ajv, so this is the heaviest property here. Measured on a 2-core machine:
 * 0.3 to 0.7 s per slice alone, at most 1.2 s during a whole-package `vitest run` with both cores
 * busy (the former unsliced run: 2 s alone, 7 to 21 s loaded). The budget is over twenty times the
 * loaded slice.
 */
const SLICES = 5;
const RUNS_PER_SLICE = 30;
const SLICE_BUDGET_MS = 30_000;

describe("adaptSchemaForProvider on arbitrary schemas", () => {
  const property = fc.property(roots, fc.jsonValue({ maxDepth: 3 }), (schema, args) => {
    const before = JSON.stringify(schema);
    for (const provider of ["openai", "gemini", "anthropic"] as const) {
      let result: ReturnType<typeof adaptSchemaForProvider>;
      try {
        result = adaptSchemaForProvider(schema as ProviderToolVariant["jsonSchema"], provider);
      } catch (error) {
        expect(InvalidDefinitionError.isInstance(error)).toBe(true);
        continue;
      }
      expect(JSON.parse(JSON.stringify(result.jsonSchema))).toEqual(result.jsonSchema);
      expect(JSON.stringify(adaptSchemaForProvider(schema as never, provider).jsonSchema)).toBe(
        JSON.stringify(result.jsonSchema),
      );
      if (result.strict) {
        expect(result.jsonSchema.type).toBe("object");
        new Ajv2020({ strict: false, validateFormats: false, logger: false }).compile(result.jsonSchema);
      }
      if (provider === "gemini") expect(geminiKeywordsOutsideSubset(result.jsonSchema)).toEqual([]);
      const copy = JSON.stringify(args);
      result.mapArguments(args);
      expect(JSON.stringify(args)).toBe(copy);
    }
    expect(JSON.stringify(schema)).toBe(before);
  });
  for (let slice = 0; slice < SLICES; slice++) {
    const parameters = propertyParameters(`provider-compat/hostile-schemas/${slice}`, RUNS_PER_SLICE);
    const first = slice * RUNS_PER_SLICE + 1;
    it(
      `never throws anything but InvalidDefinitionError, never mutates, always emits JSON (roots ${first}-${first + RUNS_PER_SLICE - 1}, seed ${parameters.seed})`,
      () => fc.assert(property, parameters),
      SLICE_BUDGET_MS,
    );
  }
});
