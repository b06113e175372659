import { z } from "zod";

const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * @internal Accepts a number as SQL drivers return it: a JS number, a numeric string (Postgres
 * `numeric` and `bigint` columns through `pg`), or a `bigint`. `null` (a NULL column) becomes
 * `undefined`: pass an optional schema to accept it. Anything else is left for `schema` to reject.
 */
export function sqlNumber<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (value === null) return undefined;
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "string" && NUMBER_TEXT.test(value)) return Number(value);
    return value;
  }, schema);
}

/** @internal Optional, with `null` (a NULL column) counting as absent. */
export function sqlOptional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}
