import { z } from "zod";
import { readNumber } from "../keyword-values.js";
import { isMultipleOf } from "../multiple-of.js";
import type { NodeBuilder } from "../node-builder.js";

/** Checks for the numeric keywords, applied to a `z.number()` branch in one `.check()` call. */
export type NumberChecks = Array<z.core.$ZodCheck<number>>;

/**
 * `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numeric, as in draft-07 and
 * 2020-12; the draft-04 boolean form is also accepted because OpenAPI 3.0 schemas still use it)
 * map to Zod's native `gte`/`lte`/`gt`/`lt`. `multipleOf` is a refinement because Zod's own check
 * works in binary floating point; ours compares the decimal values (see multiple-of.ts).
 */
export function compileNumberKeywords(builder: NodeBuilder): NumberChecks | undefined {
  const steps: NumberChecks = [];
  let minimum = readNumber(builder, "minimum");
  let maximum = readNumber(builder, "maximum");
  let exclusiveMinimum: number | undefined;
  let exclusiveMaximum: number | undefined;
  for (const keyword of ["exclusiveMinimum", "exclusiveMaximum"] as const) {
    if (!builder.has(keyword)) continue;
    const value = builder.get(keyword);
    if (typeof value === "boolean") {
      // Draft-04 form: turns the matching minimum/maximum exclusive.
      if (value && keyword === "exclusiveMinimum" && minimum !== undefined) {
        exclusiveMinimum = minimum;
        minimum = undefined;
      }
      if (value && keyword === "exclusiveMaximum" && maximum !== undefined) {
        exclusiveMaximum = maximum;
        maximum = undefined;
      }
      continue;
    }
    const bound = readNumber(builder, keyword);
    if (keyword === "exclusiveMinimum") exclusiveMinimum = bound;
    else exclusiveMaximum = bound;
  }
  if (minimum !== undefined) {
    const bound = minimum;
    steps.push(z.gte(bound));
  }
  if (maximum !== undefined) {
    const bound = maximum;
    steps.push(z.lte(bound));
  }
  if (exclusiveMinimum !== undefined) {
    const bound = exclusiveMinimum;
    steps.push(z.gt(bound));
  }
  if (exclusiveMaximum !== undefined) {
    const bound = exclusiveMaximum;
    steps.push(z.lt(bound));
  }
  const divisor = readNumber(builder, "multipleOf");
  if (divisor !== undefined) {
    if (divisor <= 0) builder.fail("multipleOf", "a number greater than 0");
    steps.push(
      z.refine<number>((value) => isMultipleOf(value, divisor), {
        message: `Must be a multiple of ${divisor}`,
      }),
    );
  }
  return steps.length === 0 ? undefined : steps;
}
