import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getOriginalJsonSchema, jsonSchemaToZod } from "./index.js";

describe("jsonSchemaToZod", () => {
  it("links the Zod schema to the exact original JSON Schema", () => {
    const original = { type: "object", properties: { a: { type: "string" } } };
    const { schema } = jsonSchemaToZod(original);
    expect(getOriginalJsonSchema(schema)).toBe(original);
    expect(getOriginalJsonSchema(z.string())).toBeUndefined();
    const boolean = jsonSchemaToZod(true).schema;
    expect(getOriginalJsonSchema(boolean)).toBe(true);
  });

  it("carries description, title and default as metadata without filling defaults", () => {
    const { schema } = jsonSchemaToZod({
      type: "object",
      title: "Weather",
      description: "Get the weather",
      properties: { units: { type: "string", default: "c", description: "Units" } },
    });
    expect(schema.description).toBe("Get the weather");
    expect(schema.meta()).toMatchObject({ title: "Weather", description: "Get the weather" });
    const units = (schema as z.ZodObject).shape.units as z.ZodOptional<z.ZodString>;
    expect(units.unwrap().meta()).toMatchObject({ default: "c", description: "Units" });
    expect(schema.parse({})).toEqual({});
  });

  it("reads the dialect from $schema in auto mode", () => {
    const draft7 = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $ref: "#/definitions/s",
      definitions: { s: { type: "string" } },
      maxLength: 1,
    };
    expect(jsonSchemaToZod(draft7).schema.safeParse("long").success).toBe(true);
    expect(jsonSchemaToZod({ ...draft7, $schema: undefined }).schema.safeParse("long").success).toBe(false);
  });

  it("returns no warnings under the default error mode", () => {
    expect(jsonSchemaToZod({ type: "string" }).warnings).toEqual([]);
  });

  it("reports unsupported keywords as warnings when asked", () => {
    const result = jsonSchemaToZod({ $recursiveRef: "#" }, { onUnsupported: "warn" });
    expect(result.warnings[0]).toMatchObject({ keyword: "$recursiveRef", path: "/$recursiveRef" });
    expect(() => jsonSchemaToZod({ $recursiveRef: "#" })).toThrowError(/Unsupported/);
  });

  it("never uses eval or the Function constructor", () => {
    const forbidden = new RegExp(["ev", "al\\(|new Func", "tion"].join(""));
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((entry) => {
        const full = join(dir, entry);
        return statSync(full).isDirectory() ? walk(full) : [full];
      });
    const sources = [...walk(import.meta.dirname), ...walk(join(import.meta.dirname, "../../scripts"))];
    for (const file of sources) expect(forbidden.test(readFileSync(file, "utf8")), file).toBe(false);
  });
});
