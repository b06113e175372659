import { z } from "zod";
import type { NodeBuilder } from "../node-builder.js";
import type { NumberChecks } from "./number.js";
import type { StringChecks } from "./string.js";

/** The type-specific Zod branches built from the non-`type` keywords of a schema. */
export interface TypeBranches {
  readonly string: StringChecks | undefined;
  readonly number: NumberChecks | undefined;
  readonly array: z.ZodType | undefined;
  readonly object: z.ZodType | undefined;
}

const TYPE_NAMES = new Set(["null", "boolean", "object", "array", "number", "string", "integer"]);
const EXPECTED_TYPE =
  'one of "null", "boolean", "object", "array", "number", "string", "integer", or a unique array of them';

/** JSON Schema integers are numbers with no fractional part, of any magnitude (`1.0`, `1e308`). */
function integerSchema(): z.ZodNumber {
  // Not z.int(): it also requires a safe integer, which JSON Schema does not.
  return z.number().refine(Number.isInteger, { message: "Expected an integer" });
}

/**
 * `type` plus the type-specific keywords. Keywords constrain only instances of their own type, so
 * without `type` a schema such as `{ "minimum": 1 }` becomes a union in which the other JSON types
 * are accepted unchanged (`z.union([z.number().gte(1), z.string(), ...])`). With `type` the union
 * holds just the allowed types (`["string", "null"]` → `z.union([z.string(), z.null()])`).
 *
 * Returns undefined when neither `type` nor any type-specific keyword is present.
 */
export function compileTypeKeyword(builder: NodeBuilder, branches: TypeBranches): z.ZodType | undefined {
  let allowed: Set<string> | undefined;
  if (builder.has("type")) {
    const value = builder.get("type");
    const names = typeof value === "string" ? [value] : value;
    if (
      !Array.isArray(names) ||
      !names.every((name) => typeof name === "string" && TYPE_NAMES.has(name)) ||
      new Set(names).size !== names.length
    ) {
      builder.fail("type", EXPECTED_TYPE);
    }
    allowed = new Set(names as string[]);
  }
  const hasBranches =
    branches.string !== undefined ||
    branches.number !== undefined ||
    branches.array !== undefined ||
    branches.object !== undefined;
  if (allowed === undefined && !hasBranches) return undefined;
  const types = allowed ?? new Set(["object", "array", "string", "number", "boolean", "null"]);
  const options: z.ZodType[] = [];
  if (types.has("object")) options.push(branches.object ?? z.looseObject({}));
  if (types.has("array")) options.push(branches.array ?? z.array(z.unknown()));
  if (types.has("string")) options.push(branches.string ? z.string().check(...branches.string) : z.string());
  if (types.has("number") || types.has("integer")) {
    const base = types.has("number") ? z.number() : integerSchema();
    options.push(branches.number ? base.check(...branches.number) : base);
  }
  if (types.has("boolean")) options.push(z.boolean());
  if (types.has("null")) options.push(z.null());
  if (options.length === 0) return z.never();
  if (options.length === 1) return options[0];
  return z.union(options as [z.ZodType, z.ZodType, ...z.ZodType[]]);
}
