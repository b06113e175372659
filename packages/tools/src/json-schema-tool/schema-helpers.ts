/** Shared by the JSON-Schema tool and output: conversion errors, validation, field names. @internal */
import type { ToolParseResult } from "@flowmaestro/runtime";
import type { z } from "zod";
import { toValidationIssues } from "./to-validation-issues.js";

/** Matches `JsonSchemaConversionError` by its code, from any copy of the converter. */
export function isConversionError(error: unknown): error is Error & { path: string } {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === "INVALID_JSON_SCHEMA" &&
    typeof (error as { path?: unknown }).path === "string"
  );
}

/** Validates with a converted schema; never throws. @internal */
export function parseWith<T>(schema: z.ZodType, value: unknown): ToolParseResult<T> {
  try {
    // jitless: Zod would otherwise compile a fast path with the Function constructor from the schema's keys,
    // which here come from stored, possibly untrusted, JSON Schemas.
    const result = schema.safeParse(value, { reportInput: true, jitless: true });
    return result.success
      ? { success: true, value: result.data as T }
      : { success: false, issues: toValidationIssues(result.error.issues) };
  } catch (error) {
    // parseInput must not throw; a validator that does is reported like any other mismatch.
    return {
      success: false,
      issues: [
        {
          field: "(root)",
          expected: `a value the validator accepts (${error instanceof Error ? error.message : String(error)})`,
        },
      ],
    };
  }
}

/** `/properties/a~1b/items` → `.properties.a/b.items`, to append to a dotted field name. */
export function pointerToDotted(pointer: string): string {
  const path = pointer.replace(/^#/, "").replace(/^\//, "");
  if (path === "") return "";
  return path
    .split("/")
    .map((segment) => `.${segment.replace(/~1/g, "/").replace(/~0/g, "~")}`)
    .join("");
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a value is, for `received` in an issue. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
