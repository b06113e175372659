// biome-ignore-all lint/suspicious/noThenProperty: "then" is a JSON Schema keyword here, not a thenable.
import { Ajv, type AnySchema } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getOriginalJsonSchema, jsonSchemaToZod } from "./index.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;

/** ajv for the dialect a schema declares (2020-12 when it declares none). */
function ajvValidator(schema: unknown): (value: unknown) => boolean {
  const declared = (schema as { $schema?: unknown }).$schema;
  const ajv =
    typeof declared === "string" && declared.includes("draft-07")
      ? new Ajv({ strict: false, logger: false })
      : new Ajv2020({ strict: false, logger: false });
  addFormats(ajv);
  const validate = ajv.compile(schema as AnySchema);
  return (value) => validate(value) as boolean;
}

/** The calls frameworks make on a tool's Zod schema (see scripts/conformance.ts). */
const EMITTERS: Record<string, (schema: z.ZodType) => unknown> = {
  "z.toJSONSchema defaults": (schema) => z.toJSONSchema(schema),
  "AI SDK zodSchema options": (schema) =>
    z.toJSONSchema(schema, { target: "draft-7", io: "input", reused: "inline" }),
  "Mastra standard JSON Schema": (schema) =>
    (
      schema["~standard"] as unknown as {
        jsonSchema: { input: (options: { target: string; libraryOptions: object }) => unknown };
      }
    ).jsonSchema.input({ target: "draft-07", libraryOptions: { unrepresentable: "any" } }),
};

/** Keywords Zod has no construct for, each with instances on both sides. */
const CASES: Array<{ name: string; schema: Record<string, unknown>; samples: unknown[] }> = [
  {
    name: "not",
    schema: {
      type: "object",
      properties: { role: { type: "string", not: { enum: ["admin", "root"] } } },
      required: ["role"],
    },
    samples: [{ role: "editor" }, { role: "admin" }, { role: "root" }, {}],
  },
  {
    name: "if/then/else",
    schema: {
      type: "object",
      properties: { country: { enum: ["US", "CA"] }, postal: { type: "string" } },
      required: ["country", "postal"],
      if: { properties: { country: { const: "US" } } },
      then: { properties: { postal: { pattern: "^[0-9]{5}$" } } },
      else: { properties: { postal: { pattern: "^[A-Z][0-9][A-Z] [0-9][A-Z][0-9]$" } } },
    },
    samples: [
      { country: "US", postal: "94103" },
      { country: "US", postal: "K1A 0B1" },
      { country: "CA", postal: "K1A 0B1" },
      { country: "CA", postal: "94103" },
    ],
  },
  {
    name: "uniqueItems",
    schema: { type: "array", items: { type: "object" }, uniqueItems: true },
    samples: [[{ id: 1 }, { id: 2 }], [{ id: 1 }, { id: 1 }], []],
  },
  {
    name: "unicode pattern",
    schema: { type: "string", pattern: "^\\p{Lu}\\p{Ll}+$" },
    samples: ["Émile", "émile", "Zoë", "E1", 12],
  },
  {
    name: "recursive $ref",
    schema: {
      $ref: "#/$defs/node",
      $defs: {
        node: {
          type: "object",
          properties: {
            value: { type: "number" },
            children: { type: "array", items: { $ref: "#/$defs/node" } },
          },
          required: ["value"],
        },
      },
    },
    samples: [
      { value: 1 },
      { value: 1, children: [{ value: 2, children: [{ value: 3 }] }] },
      { value: 1, children: [{ value: 2, children: [{}] }] },
      { children: [] },
    ],
  },
  {
    name: "fractional multipleOf, contains, propertyNames, object const",
    schema: {
      type: "object",
      properties: {
        price: { type: "number", multipleOf: 0.25 },
        tags: { type: "array", contains: { const: "primary" } },
        meta: { type: "object", propertyNames: { pattern: "^[a-z]+$" } },
        origin: { const: { x: 0, y: 0 } },
      },
    },
    samples: [
      { price: 19.75, tags: ["primary"], meta: { a: 1 }, origin: { x: 0, y: 0 } },
      { price: 19.7 },
      { tags: ["secondary"] },
      { meta: { A: 1 } },
      { origin: { x: 0, y: 1 } },
    ],
  },
];

describe("z.toJSONSchema on converted schemas", () => {
  for (const { name, schema, samples } of CASES) {
    for (const [emitter, emit] of Object.entries(EMITTERS)) {
      it(`${name} (${emitter}): ajv judges the emitted schema like the source`, () => {
        const converted = jsonSchemaToZod(schema).schema;
        const emitted = emit(converted);
        const source = ajvValidator(schema);
        const reEmitted = ajvValidator(emitted);
        for (const value of samples) {
          const expected = converted.safeParse(value).success;
          expect(source(value), JSON.stringify(value)).toBe(expected);
          expect(reEmitted(value), `${JSON.stringify(value)} against ${JSON.stringify(emitted)}`).toBe(
            expected,
          );
        }
      });
    }
  }

  it("emits a fresh copy each time and never changes the original", () => {
    const original = { type: "object", properties: { a: { anyOf: [{ type: "string" }, { type: "null" }] } } };
    const before = JSON.stringify(original);
    const converted = jsonSchemaToZod(original).schema;
    const first = z.toJSONSchema(converted) as { properties: Record<string, unknown> };
    first.properties.a = { type: "number" };
    expect(z.toJSONSchema(converted)).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      ...original,
    });
    expect(JSON.stringify(original)).toBe(before);
    expect(getOriginalJsonSchema(converted)).toBe(original);
  });

  it("says which dialect the keywords belong to when the target names another", () => {
    const schema = { type: "array", prefixItems: [{ type: "string" }], items: false };
    const converted = jsonSchemaToZod(schema, { draft: "2020-12" }).schema;
    const emitted = z.toJSONSchema(converted, { target: "draft-7", io: "input" });
    expect(emitted).toEqual({ $schema: "https://json-schema.org/draft/2020-12/schema", ...schema });
    expect(ajvValidator(emitted)(["a", "b"])).toBe(false);
    // A schema converted in auto mode keeps the target's label, as before.
    expect(z.toJSONSchema(jsonSchemaToZod({ type: "string" }).schema, { target: "draft-7" })).toEqual({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "string",
    });
  });

  it("keeps new metadata of a described copy, and Zod's derivation once the definition changes", () => {
    const schema = {
      type: "object",
      properties: { name: { type: "string", not: { const: "x" } } },
      description: "A person",
    };
    const converted = jsonSchemaToZod(schema).schema as z.ZodObject;
    expect(z.toJSONSchema(converted.describe("Another"))).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      ...schema,
      description: "Another",
    });
    const extended = z.toJSONSchema(converted.extend({ age: z.number() })) as {
      properties: Record<string, unknown>;
    };
    expect(extended.properties.age).toEqual({ type: "number" });
    expect(JSON.stringify(extended)).not.toContain('"not"');
  });

  it("embeds a converted part as its original unless the original's $refs would dangle", () => {
    const address = jsonSchemaToZod({
      type: "object",
      properties: { zip: { type: "string", pattern: "^[0-9]{5}$" } },
      required: ["zip"],
    }).schema;
    const tree = jsonSchemaToZod(CASES.find((entry) => entry.name === "recursive $ref")!.schema).schema;
    const composed = z.toJSONSchema(z.object({ address, tree })) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(composed.properties.address).toEqual({
      type: "object",
      properties: { zip: { type: "string", pattern: "^[0-9]{5}$" } },
      required: ["zip"],
    });
    expect(JSON.stringify(composed)).not.toContain("#/$defs/node");
    const validate = ajvValidator(composed);
    expect(validate({ address: { zip: "75001" }, tree: { value: 1 } })).toBe(true);
    expect(validate({ address: { zip: "750" }, tree: { value: 1 } })).toBe(false);
    // .nullable() nests its inner schema under anyOf without a path of its own.
    const nullable = z.toJSONSchema(tree.nullable());
    expect(JSON.stringify(nullable)).not.toContain("#/$defs/node");
    expect(ajvValidator(nullable)(null)).toBe(true);
  });

  it("stays the document root through wrappers Zod flattens, unless a root $ref would dangle", () => {
    const schema = CASES.find((entry) => entry.name === "recursive $ref")!.schema;
    const converted = jsonSchemaToZod(schema).schema;
    const samples = CASES.find((entry) => entry.name === "recursive $ref")!.samples;
    for (const wrapped of [converted.optional(), converted.readonly(), z.lazy(() => converted)]) {
      expect(z.toJSONSchema(wrapped)).toMatchObject(schema);
      // draft-07: Zod would nest the root "$ref" in allOf, away from "$defs"; its derivation is used.
      const draft7 = z.toJSONSchema(wrapped, { target: "draft-7", io: "input" });
      expect(JSON.stringify(draft7)).not.toContain("#/$defs/node");
      const validate = ajvValidator(draft7);
      for (const value of samples) expect(typeof validate(value)).toBe("boolean");
    }
    const described = z.toJSONSchema(converted.describe("A tree"), { target: "draft-7", io: "input" });
    const validate = ajvValidator(described);
    for (const value of samples) expect(validate(value)).toBe(converted.safeParse(value).success);
  });

  it("leaves targets Zod translates into another language to Zod", () => {
    const converted = jsonSchemaToZod({ type: ["string", "null"], not: { const: "" } }).schema;
    const openApi = z.toJSONSchema(converted, { target: "openapi-3.0" }) as Record<string, unknown>;
    expect(openApi).not.toHaveProperty("not");
    expect(JSON.stringify(openApi)).toContain("nullable");
  });

  it("writes an own __proto__ key as data, without touching prototypes", () => {
    const original = JSON.parse('{"type": "object", "__proto__": {"polluted": true}}');
    const emitted = z.toJSONSchema(jsonSchemaToZod(original).schema) as Record<string, unknown>;
    expect(Object.getPrototypeOf(emitted)).toBe(Object.prototype);
    expect(Object.hasOwn(emitted, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
