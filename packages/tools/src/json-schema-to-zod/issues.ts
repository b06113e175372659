import type { z } from "zod";
import { validates } from "./compiled-node.js";

/**
 * Validates `value` against a subschema from inside a keyword check and, when it fails, copies
 * the subschema's issues into the enclosing check with `path` prepended. Returns whether it passed.
 */
export function checkSubschema(
  schema: z.ZodType,
  value: unknown,
  context: z.core.$RefinementCtx<unknown>,
  path: ReadonlyArray<string | number>,
  prefix: string,
): boolean {
  if (validates(schema, value)) return true;
  // jitless: never let Zod compile code from (possibly stored, untrusted) schema keys.
  const result = schema.safeParse(value, { jitless: true });
  if (result.success) return true;
  for (const issue of result.error.issues) {
    context.addIssue({
      code: "custom",
      message: `${prefix}: ${issue.message}`,
      path: [...path, ...(issue.path as Array<string | number>)],
      input: value,
    });
  }
  return false;
}

/** Adds one custom issue. */
export function addIssue(
  context: z.core.$RefinementCtx<unknown>,
  message: string,
  input: unknown,
  path: ReadonlyArray<string | number> = [],
): void {
  context.addIssue({ code: "custom", message, path: [...path], input });
}
