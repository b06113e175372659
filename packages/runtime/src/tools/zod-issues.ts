import type { z } from "zod";
import type { ValidationIssue } from "../errors/invalid-definition-error.js";

/** Turns Zod issues into field/expected pairs that read well in an error message. */
export function zodIssuesToValidationIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix = "",
): ValidationIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const field = prefix && path ? `${prefix}.${path}` : prefix || path || "(root)";
    return { field, ...describeIssue(issue) };
  });
}

/** Zod's built-in messages; anything else was written by a schema author and is kept as is. */
const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

function describeIssue(issue: z.core.$ZodIssue): { expected: string; received?: string } {
  if (!DEFAULT_MESSAGE.test(issue.message)) return { expected: issue.message };
  switch (issue.code) {
    case "invalid_type":
      return {
        expected: issue.expected === "undefined" ? "absent" : `of type ${issue.expected}`,
        received: describeInput(issue.input),
      };
    case "too_small":
      return { expected: boundText(issue.origin, "at least", issue.minimum, issue.inclusive) };
    case "too_big":
      return { expected: boundText(issue.origin, "at most", issue.maximum, issue.inclusive) };
    case "invalid_value":
      return { expected: `one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}` };
    case "unrecognized_keys":
      return { expected: `an object without the keys ${issue.keys.map((key) => `"${key}"`).join(", ")}` };
    case "invalid_format":
      return { expected: `a valid ${issue.format}` };
    case "not_multiple_of":
      return { expected: `a multiple of ${String(issue.divisor)}` };
    default:
      return { expected: issue.message.replace(/^Invalid input:?\s*/i, "") || "valid" };
  }
}

function boundText(origin: string, word: string, bound: unknown, inclusive: boolean | undefined): string {
  const value = String(bound);
  const strict = inclusive === false ? (word === "at least" ? "greater than" : "less than") : word;
  if (origin === "string") return `${strict} ${value} characters long`;
  if (origin === "array" || origin === "set") return `${strict} ${value} items long`;
  return `${strict} ${value}`;
}

function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "array";
  return typeof input;
}
