import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonSchemaToZod } from "../json-schema-to-zod/index.js";
import { propertyParameters } from "../test-support/property-parameters.js";
import { zodToJsonSchema } from "./zod-to-json-schema.js";

const addFormats = addFormatsModule as unknown as <T>(ajv: T) => T;

/**
 * Budget of each Zod → JSON Schema property (200 random values, fixed seed). Measured on a 2-core
 * machine: at most 0.11 s alone, at most 0.21 s during a whole-package `vitest run` with both cores
 * busy; the budget is far above that, so only a hang can exceed it.
 */
const PROPERTY_BUDGET_MS = 20_000;

function ajvValidator(
  schema: object,
  dialect: "draft-07" | "draft-2020-12" = "draft-07",
): (value: unknown) => boolean {
  const ajv = addFormats(
    dialect === "draft-07" ? new Ajv({ strict: false }) : new Ajv2020({ strict: false }),
  );
  const validate = ajv.compile(schema);
  return (value) => validate(value) as boolean;
}

/** JSON Schemas as tools define them, with instances on both sides of each boundary. */
const JSON_SCHEMAS: {
  name: string;
  schema: Record<string, unknown>;
  valid: unknown[];
  invalid: unknown[];
}[] = [
  {
    name: "flat object with optional fields",
    schema: {
      type: "object",
      properties: {
        city: { type: "string", minLength: 1 },
        days: { type: "integer", minimum: 1, maximum: 7 },
      },
      required: ["city"],
      additionalProperties: false,
    },
    valid: [{ city: "Paris" }, { city: "Oslo", days: 3 }],
    invalid: [
      {},
      { city: "" },
      { city: "Paris", days: 8 },
      { city: "Paris", extra: true },
      { city: "Rome", days: 1.5 },
    ],
  },
  {
    name: "nested arrays of objects with enums",
    schema: {
      type: "object",
      properties: {
        lines: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            properties: { sku: { type: "string" }, size: { enum: ["S", "M", "L"] } },
            required: ["sku"],
          },
        },
      },
      required: ["lines"],
    },
    valid: [
      { lines: [{ sku: "a" }] },
      {
        lines: [
          { sku: "a", size: "M" },
          { sku: "b", other: 1 },
        ],
      },
    ],
    invalid: [{ lines: [] }, { lines: [{ size: "S" }] }, { lines: [{ sku: "a", size: "XL" }] }],
  },
  {
    name: "nullable union and refs",
    schema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        when: { anyOf: [{ type: "string", format: "date" }, { type: "null" }] },
        owner: { $ref: "#/$defs/Person" },
      },
      $defs: { Person: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
    },
    valid: [{}, { when: null }, { when: "2024-01-31", owner: { name: "Ada" } }],
    invalid: [{ when: 3 }, { when: "yesterday" }, { owner: {} }],
  },
  {
    name: "recursive tree",
    schema: {
      type: "object",
      properties: { root: { $ref: "#/$defs/Node" } },
      required: ["root"],
      $defs: {
        Node: {
          type: "object",
          properties: {
            label: { type: "string" },
            children: { type: "array", items: { $ref: "#/$defs/Node" } },
          },
          required: ["label"],
        },
      },
    },
    valid: [{ root: { label: "a" } }, { root: { label: "a", children: [{ label: "b", children: [] }] } }],
    invalid: [{ root: {} }, { root: { label: "a", children: [{}] } }],
  },
];

describe("zodToJsonSchema", () => {
  describe("JSON Schema → Zod → JSON Schema", () => {
    for (const { name, schema, valid, invalid } of JSON_SCHEMAS) {
      it(`${name}: returns the original and validates the same instances`, () => {
        const zod = jsonSchemaToZod(schema).schema;
        const back = zodToJsonSchema(zod);
        expect(back).toEqual(schema);
        expect(back).not.toBe(schema);
        const { $schema: _dialect, ...body } = back as Record<string, unknown>;
        const validate = ajvValidator(body, "draft-2020-12");
        for (const value of valid) {
          expect(validate(value)).toBe(true);
          expect(zod.safeParse(value).success).toBe(true);
        }
        for (const value of invalid) {
          expect(validate(value)).toBe(false);
          expect(zod.safeParse(value).success).toBe(false);
        }
      });
    }

    it("embeds converted parts of a larger Zod schema as their originals", () => {
      const address = {
        type: "object",
        properties: { zip: { type: "string", pattern: "^[0-9]{5}$" } },
        required: ["zip"],
      };
      const composed = z.object({ name: z.string(), address: jsonSchemaToZod(address).schema });
      const json = zodToJsonSchema(composed) as { properties: Record<string, unknown> };
      expect(json.properties.address).toEqual(address);
      const validate = ajvValidator(json);
      expect(validate({ name: "Ada", address: { zip: "75001" } })).toBe(true);
      expect(validate({ name: "Ada", address: { zip: "750" } })).toBe(false);
    });

    it("turns boolean originals into object schemas", () => {
      expect(zodToJsonSchema(jsonSchemaToZod(true).schema)).toEqual({});
      expect(zodToJsonSchema(jsonSchemaToZod(false).schema)).toEqual({ not: {} });
    });
  });

  describe("Zod → JSON Schema", () => {
    const ZOD_SCHEMAS = {
      object: z.object({
        query: z.string().min(1),
        limit: z.number().int().min(1).max(50).default(10),
        tags: z.array(z.enum(["a", "b"])).optional(),
        mode: z.union([z.literal("fast"), z.literal("exact")]).nullable(),
      }),
      lazy: (() => {
        const Node: z.ZodType<{ value: number; next?: unknown }> = z.lazy(() =>
          z.object({ value: z.number(), next: Node.optional() }),
        );
        return z.object({ head: Node });
      })(),
    };

    for (const [name, schema] of Object.entries(ZOD_SCHEMAS)) {
      for (const target of ["draft-07", "draft-2020-12"] as const) {
        // 200 random JSON values, fixed seed (see test-support/property-parameters.ts).
        const parameters = propertyParameters(`zod-to-json-schema/${name}/${target}`, 200);
        it(
          `${name} (${target}): accepts what Zod accepts as input (seed ${parameters.seed})`,
          () => {
            const json = zodToJsonSchema(schema, { target });
            expect(JSON.stringify(json)).toContain(target === "draft-07" ? "draft-07" : "2020-12");
            const validate = ajvValidator(json, target);
            fc.assert(
              fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
                expect(validate(value)).toBe(schema.safeParse(value).success);
              }),
              parameters,
            );
            const samples: unknown[] =
              name === "object"
                ? [
                    { query: "q", mode: null },
                    { query: "q", limit: 5, tags: ["a"], mode: "fast" },
                    { query: "", mode: null },
                  ]
                : [
                    { head: { value: 1 } },
                    { head: { value: 1, next: { value: 2 } } },
                    { head: { next: {} } },
                  ];
            for (const value of samples) expect(validate(value)).toBe(schema.safeParse(value).success);
          },
          PROPERTY_BUDGET_MS,
        );
      }
    }

    it("describes the input side of transforms and defaults", () => {
      const schema = z.object({ n: z.string().transform((value) => value.length), k: z.number().default(1) });
      expect(zodToJsonSchema(schema)).toMatchObject({
        properties: { n: { type: "string" }, k: { type: "number", default: 1 } },
        required: ["n"],
      });
    });

    it.each([
      ["z.date()", z.object({ when: z.date() }), "/properties/when"],
      [
        "z.bigint()",
        z.object({ list: z.array(z.object({ big: z.bigint() })) }),
        "/properties/list/items/properties/big",
      ],
      [
        "z.custom()",
        z.object({ any: z.custom<string>((value) => typeof value === "string") }),
        "/properties/any",
      ],
      ["z.map()", z.map(z.string(), z.number()), "/"],
    ])("rejects %s with an InvalidDefinitionError naming the path", (_label, schema, field) => {
      try {
        zodToJsonSchema(schema as z.ZodType);
        expect.unreachable();
      } catch (error) {
        expect(InvalidDefinitionError.isInstance(error)).toBe(true);
        expect((error as InvalidDefinitionError).field).toBe(field);
        expect((error as Error).message).toContain(`\`${field}\``);
      }
    });
  });
});
