import { z } from "zod";

const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * @internal Accepts a number as SQL drivers return it: a JS number, a numeric string (Postgres
 * `numeric`/`decimal` and `bigint` columns through `pg`, MySQL `DECIMAL`), or a `bigint`. `null`
 * (a NULL column) becomes `undefined`: pass an optional schema to accept it. Anything else is
 * left for `schema` to reject.
 */
export function sqlNumber<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (value === null) return undefined;
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "string" && NUMBER_TEXT.test(value)) return Number(value);
    return value;
  }, schema);
}

/**
 * @internal Accepts a JSON value as stored: already parsed (Postgres `json`/`jsonb` through `pg`,
 * MySQL `JSON` through `mysql2`) or as JSON text (SQLite `TEXT`, drivers that skip parsing).
 * `null` becomes `undefined` (pass an optional schema to accept it). Text that is not JSON is
 * reported as such.
 */
export function sqlJson<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, context) => {
    if (value === null) return undefined;
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "valid JSON (the text does not parse)", input: value });
      return z.NEVER;
    }
  }, schema);
}

/**
 * @internal An id as stored: a non-empty string, or a number (an integer key) turned into one.
 */
export function sqlId() {
  return z.preprocess(
    (value) => (typeof value === "number" || typeof value === "bigint" ? String(value) : value),
    z.string().min(1),
  );
}

/** @internal Optional, with `null` (a NULL column) counting as absent. */
export function sqlOptional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}
