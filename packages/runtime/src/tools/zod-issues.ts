import type { z } from "zod";
import type { ValidationIssue } from "../errors/invalid-definition-error.js";

/** How one issue reads: what its field must be, and what it was. */
export type ZodIssueDescription = Omit<ValidationIssue, "field">;

/**
 * Turns Zod issues into field/expected pairs that read well in an error message ("`tools.0.name`
 * must be of type string (received number)"). Parse with `reportInput: true`: `received` is the
 * type of the input Zod reports with an issue (never its value).
 *
 * @param prefix Dotted path put before each issue's own path, e.g. `"overrides"`.
 * @param describe Words one issue. By default a schema author's own message is kept as is and
 *   Zod's built-in ones are reworded by {@link describeZodIssue}; pass your own to reword more,
 *   falling back to {@link describeZodIssue}.
 */
export function zodIssuesToValidationIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix = "",
  describe: (issue: z.core.$ZodIssue) => ZodIssueDescription = describeIssue,
): ValidationIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const field = prefix && path ? `${prefix}.${path}` : prefix || path || "(root)";
    return { field, ...describe(issue) };
  });
}

/** Zod's built-in messages; anything else was written by a schema author and is kept as is. */
const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

function describeIssue(issue: z.core.$ZodIssue): ZodIssueDescription {
  return DEFAULT_MESSAGE.test(issue.message) ? describeZodIssue(issue) : { expected: issue.message };
}

/**
 * Words one Zod issue from its code and details, whatever its message: `of type number`, `at
 * least 2 characters long`, `one of "a", "b"`… Codes without such details (`custom`, unions) read
 * as their message without Zod's "Invalid input" prefix.
 */
export function describeZodIssue(issue: z.core.$ZodIssue): ZodIssueDescription {
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "number" && typeof issue.input === "number") {
        return { expected: "a finite number", received: describeInput(issue.input) };
      }
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
  if (typeof input === "number" && !Number.isFinite(input)) return String(input);
  return typeof input;
}
