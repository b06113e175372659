import { readdirSync, readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { propertyParameters } from "../test-support/property-parameters.js";
import { adaptSchemaForProvider } from "./adapt-schema-for-provider.js";

/**
 * Round trips: random instances valid against the original schema are put in the shape each
 * provider produces (nulls for absent optionals, stringified enums, JSON-encoded free-form
 * values, recursion cut into JSON strings), checked against the provider schema, mapped back
 * with `mapArguments`, and must come back valid against the original and equal to the instance.
 *
 * The provider shapes are derived here, from the schema, independently of the adapters.
 *
 * Deterministic: each property has its own fixed seed (see test-support/property-parameters.ts),
 * shown in the test name, and a fixed number of runs.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, any>;

/** One generated instance in every shape. */
interface Sample {
  /** Valid against the original schema. */
  original: Json | undefined;
  /** What OpenAI strict mode (or any model filling optionals with null) sends. */
  withNulls: Json | undefined;
  /** What `mapArguments` must turn `withNulls` into: nulls dropped unless the original accepts null. */
  withNullsExpected: Json | undefined;
  /** What Gemini sends for the adapted schema. */
  gemini: Json | undefined;
}

const GEMINI_RECURSION_DEPTH = 3;
const MAX_DEPTH = 5;
const FORMAT_SAMPLES: Record<string, string[]> = {
  email: ["ada@example.com", "grace.hopper@navy.mil"],
  uri: ["https://example.com/a?b=c", "urn:isbn:0451450523"],
  uuid: ["123e4567-e89b-12d3-a456-426614174000", "00000000-0000-4000-8000-000000000000"],
  "date-time": ["2024-02-29T12:30:00Z", "1999-12-31T23:59:59+01:00"],
  date: ["2024-02-29", "1970-01-01"],
  ipv4: ["192.168.0.1", "8.8.8.8"],
};

interface Context {
  root: Schema;
  /** `$ref` targets being generated, outermost first. */
  stack: string[];
  depth: number;
}

function resolve(root: Schema, ref: string): Schema | boolean {
  let current: any = root;
  for (const token of ref.slice(2).split("/").filter(Boolean)) current = current[decodeURIComponent(token)];
  return current;
}

function same(value: Json | undefined): Sample {
  return { original: value, withNulls: value, withNullsExpected: value, gemini: value };
}

/** What Gemini asks a JSON-encoded string for: untyped values and objects without properties. */
function geminiEncodes(schema: Schema): boolean {
  const type = Array.isArray(schema.type) ? schema.type.filter((t: string) => t !== "null") : schema.type;
  const union = schema.anyOf ?? schema.oneOf;
  if (
    type === undefined &&
    !schema.properties &&
    !schema.items &&
    !union &&
    !("enum" in schema) &&
    !("const" in schema)
  ) {
    return true;
  }
  return type === "object" && Object.keys(schema.properties ?? {}).length === 0 && !union;
}

function encode(sample: Sample): Sample {
  return { ...sample, gemini: JSON.stringify(sample.original) };
}

function arbitrary(schema: Schema | boolean, context: Context): fc.Arbitrary<Sample> {
  if (schema === true) return anyJson(2).map((value) => encode(same(value)));
  if (schema === false) throw new Error("cannot generate for false");
  if (typeof schema.$ref === "string") {
    const { $ref, ...siblings } = schema;
    const target = resolve(context.root, $ref);
    const merged = typeof target === "boolean" ? target : { ...target, ...siblings };
    const seen = context.stack.filter((entry) => entry === $ref).length;
    const inner = arbitrary(merged, {
      ...context,
      stack: [...context.stack, $ref],
      depth: context.depth + 1,
    });
    return seen >= GEMINI_RECURSION_DEPTH ? inner.map(encode) : inner;
  }
  if (schema.allOf) {
    const merged: Schema = { ...schema, properties: {}, required: [] };
    delete merged.allOf;
    for (const member of schema.allOf as Schema[]) {
      Object.assign(merged.properties, member.properties);
      merged.required.push(...(member.required ?? []));
      merged.type ??= member.type;
    }
    return arbitrary(merged, context);
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...(union as Schema[]).map((branch) => arbitrary(branch, context)));
  if ("const" in schema) return fc.constant(enumSample(schema.const));
  if (Array.isArray(schema.enum))
    return fc.constantFrom(...schema.enum.map((value: Json) => enumSample(value)));
  if (geminiEncodes(schema)) {
    if (schema.type === "object" || (Array.isArray(schema.type) && schema.type.includes("object"))) {
      const values = typeof schema.additionalProperties === "object" ? schema.additionalProperties : true;
      return fc
        .dictionary(fc.string({ minLength: 1, maxLength: 6 }), arbitrary(values, context), { maxKeys: 3 })
        .map((entries) =>
          encode(same(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v.original!])))),
        );
    }
    return arbitrary(true, context);
  }
  const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type ?? "object"];
  return fc.oneof(...types.map((type) => typed(schema, type, context)));
}

/** Any JSON value that survives a JSON round trip (fast-check may produce -0, which does not). */
function anyJson(maxDepth: number): fc.Arbitrary<Json> {
  return fc.jsonValue({ maxDepth }).map((value) => JSON.parse(JSON.stringify(value)) as Json);
}

function enumSample(value: Json): Sample {
  return {
    ...same(value),
    gemini: value === null || typeof value === "string" ? value : JSON.stringify(value),
  };
}

function typed(schema: Schema, type: string, context: Context): fc.Arbitrary<Sample> {
  switch (type) {
    case "null":
      return fc.constant(same(null));
    case "boolean":
      return fc.boolean().map(same);
    case "integer":
      return fc
        .integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 })
        .filter((n) => n !== 0 || Object.is(n, 0))
        .map(same);
    case "number": {
      if (schema.multipleOf !== undefined) {
        const step = schema.multipleOf as number;
        return fc
          .integer({ min: 1, max: Math.round(1 / step) - 1 })
          .map((k) => same(Number((k * step).toFixed(6))));
      }
      return fc
        .double({
          min: schema.minimum ?? -1e6,
          max: schema.maximum ?? 1e6,
          noNaN: true,
          noDefaultInfinity: true,
        })
        .map((n) => same(n === 0 ? 0 : n));
    }
    case "string": {
      const samples = FORMAT_SAMPLES[schema.format as string];
      if (samples) return fc.constantFrom(...samples).map(same);
      if (schema.pattern) {
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .filter(
            (s) =>
              s.length >= (schema.minLength ?? 0) &&
              s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY),
          )
          .map(same);
      }
      return fc
        .string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 8, 8) })
        .map(same);
    }
    case "array": {
      if (schema.items === undefined || schema.items === true) {
        return fc
          .array(anyJson(1), { maxLength: 2 })
          .map((items) => ({ ...same(items as Json[]), gemini: items.map((item) => JSON.stringify(item)) }));
      }
      const maxLength =
        context.depth >= MAX_DEPTH ? (schema.minItems ?? 0) : Math.min(schema.maxItems ?? 3, 3);
      if (maxLength === 0) return fc.constant(same([]));
      const item = arbitrary(schema.items, { ...context, depth: context.depth + 1 });
      const list = schema.uniqueItems
        ? fc.uniqueArray(item, {
            minLength: schema.minItems ?? 0,
            maxLength,
            selector: (s) => JSON.stringify(s.original),
          })
        : fc.array(item, { minLength: schema.minItems ?? 0, maxLength });
      const withContains =
        schema.contains === undefined
          ? list
          : fc
              .tuple(list, arbitrary({ ...schema.items, ...schema.contains }, context))
              .map(([items, extra]) => [...items, extra]);
      return withContains.map(
        (items): Sample => ({
          original: items.map((s) => s.original!),
          withNulls: items.map((s) => s.withNulls!),
          withNullsExpected: items.map((s) => s.withNullsExpected!),
          gemini: items.map((s) => s.gemini!),
        }),
      );
    }
    default:
      return objectArbitrary(schema, context);
  }
}

function acceptsNull(schema: Schema | boolean, root: Schema): boolean {
  if (typeof schema === "boolean") return schema;
  if (schema.$ref) return acceptsNull(resolve(root, schema.$ref), root);
  if (Array.isArray(schema.type)) return schema.type.includes("null");
  if (schema.type !== undefined) return schema.type === "null";
  if (schema.enum) return schema.enum.includes(null);
  if ("const" in schema) return schema.const === null;
  if (schema.allOf) return schema.allOf.every((member: Schema) => acceptsNull(member, root));
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.some((branch: Schema) => acceptsNull(branch, root));
  return true;
}

function objectArbitrary(schema: Schema, context: Context): fc.Arbitrary<Sample> {
  const required: string[] = schema.required ?? [];
  const entries = Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(
    ([name, propertySchema]) => {
      const isRequired = required.includes(name);
      if (!isRequired && context.depth >= MAX_DEPTH)
        return fc.constant([name, undefined, propertySchema] as const);
      const value = arbitrary(propertySchema, { ...context, depth: context.depth + 1 });
      return (isRequired ? value : fc.option(value, { nil: undefined })).map(
        (sample) => [name, sample, propertySchema] as const,
      );
    },
  );
  return fc.tuple(...entries).map((pairs): Sample => {
    const result = { original: {}, withNulls: {}, withNullsExpected: {}, gemini: {} } as Record<
      keyof Sample,
      Record<string, Json>
    >;
    for (const [name, sample, propertySchema] of pairs) {
      if (sample === undefined) {
        // Strict mode sends null for every absent optional; null survives mapping only where it is valid.
        result.withNulls[name] = null;
        if (acceptsNull(propertySchema, context.root)) result.withNullsExpected[name] = null;
        continue;
      }
      result.original[name] = sample.original!;
      result.withNulls[name] = sample.withNulls!;
      result.withNullsExpected[name] = sample.withNullsExpected!;
      result.gemini[name] = sample.gemini!;
    }
    return result;
  });
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * ajv on `schema`. With `report`, a rejected value is printed with ajv's errors (the assertions
 * use that); the filter that keeps only valid generated instances does not, rejections are its job.
 */
function validator(schema: Schema, report = true): (value: unknown) => boolean {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, multipleOfPrecision: 9 }));
  const { $schema: _ignored, ...rest } = schema;
  const validate = ajv.compile(rest);
  return (value) => {
    const ok = validate(value);
    if (!ok && report) console.error(JSON.stringify(value), JSON.stringify(validate.errors));
    return ok;
  };
}

/**
 * Budget of each round-trip property (50 or 150 runs). Measured on a 2-core machine: at most 0.14 s
 * alone, at most 0.35 s during a whole-package `vitest run` with both cores busy; the budget is
 * fifty times the loaded figure.
 */
const ROUND_TRIP_BUDGET_MS = 20_000;

/**
 * Spells Gemini's OpenAPI `nullable` out for Ajv: beside `anyOf` (no `type`) Ajv rejects it, and
 * beside `enum` OpenAPI 3.0 means "or null" while Ajv would still demand an enum member.
 */
function geminiAsJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(geminiAsJsonSchema);
  if (typeof schema !== "object" || schema === null) return schema;
  const result: Schema = {};
  for (const [key, value] of Object.entries(schema)) result[key] = geminiAsJsonSchema(value);
  if (result.nullable === true && Array.isArray(result.enum)) result.enum = [...result.enum, null];
  if (result.nullable === true && result.type === undefined) {
    const { nullable: _nullable, anyOf, ...rest } = result;
    return { ...rest, anyOf: [...(anyOf ?? []), { type: "null" }] };
  }
  return result;
}

const INPUTS = new URL("./__fixtures__/inputs/", import.meta.url);
const fixtures = readdirSync(INPUTS)
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => ({
    name: file.slice(0, -5),
    schema: JSON.parse(readFileSync(new URL(file, INPUTS), "utf8")) as Schema,
  }));

describe("mapArguments round trips", () => {
  for (const { name, schema } of fixtures) {
    describe(name, () => {
      const isValid = validator(schema);
      const isValidQuietly = validator(schema, false);
      const samples = arbitrary(schema, { root: schema, stack: [], depth: 0 }).filter((sample) =>
        isValidQuietly(sample.original),
      );
      const openai = propertyParameters(`map-arguments/${name}/openai`, 150);
      const gemini = propertyParameters(`map-arguments/${name}/gemini`, 150);
      const anthropic = propertyParameters(`map-arguments/${name}/anthropic`, 50);

      it(
        `openai: nulls for absent optionals map back to valid instances (seed ${openai.seed})`,
        () => {
          const adapted = adaptSchemaForProvider(schema as never, "openai");
          const isValidForProvider = adapted.strict ? validator(adapted.jsonSchema as Schema) : () => true;
          fc.assert(
            fc.property(samples, (sample) => {
              expect(isValidForProvider(sample.withNulls)).toBe(true);
              const mapped = adapted.mapArguments(sample.withNulls);
              expect(isValid(mapped)).toBe(true);
              expect(mapped).toEqual(sample.withNullsExpected);
            }),
            openai,
          );
        },
        ROUND_TRIP_BUDGET_MS,
      );

      it(
        `gemini: provider-shaped arguments map back to the original instance (seed ${gemini.seed})`,
        () => {
          const adapted = adaptSchemaForProvider(schema as never, "gemini");
          const isValidForProvider = validator(geminiAsJsonSchema(adapted.jsonSchema) as Schema);
          fc.assert(
            fc.property(samples, (sample) => {
              expect(isValidForProvider(sample.gemini)).toBe(true);
              const mapped = adapted.mapArguments(sample.gemini);
              expect(isValid(mapped)).toBe(true);
              expect(mapped).toEqual(sample.original);
            }),
            gemini,
          );
        },
        ROUND_TRIP_BUDGET_MS,
      );

      it(
        `anthropic: instances pass through, nulls for absent optionals are dropped (seed ${anthropic.seed})`,
        () => {
          const adapted = adaptSchemaForProvider(schema as never, "anthropic");
          fc.assert(
            fc.property(samples, (sample) => {
              expect(adapted.mapArguments(sample.original)).toEqual(sample.original);
              expect(adapted.mapArguments(sample.withNulls)).toEqual(sample.withNullsExpected);
            }),
            anthropic,
          );
        },
        ROUND_TRIP_BUDGET_MS,
      );
    });
  }
});

describe("mapArguments", () => {
  it("never mutates its input", () => {
    const schema = fixtures.find((fixture) => fixture.name === "nested-optional-objects")!.schema;
    const adapted = adaptSchemaForProvider(schema as never, "openai");
    const input = {
      name: "Ada",
      nickname: null,
      address: { street: null, city: "Paris", geo: null },
      note: null,
    };
    const copy = structuredClone(input);
    expect(adapted.mapArguments(input)).toEqual({ name: "Ada", address: { city: "Paris" }, note: null });
    expect(input).toEqual(copy);
  });

  it("returns values it does not understand unchanged", () => {
    const schema = fixtures.find((fixture) => fixture.name === "enums")!.schema;
    for (const provider of ["openai", "gemini"] as const) {
      const adapted = adaptSchemaForProvider(schema as never, provider);
      for (const value of [undefined, null, 42, "text", [1, 2], { unit: 7, priority: "nine" }]) {
        expect(adapted.mapArguments(value)).toEqual(value);
      }
    }
  });
});
