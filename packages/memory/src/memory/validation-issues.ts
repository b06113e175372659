import { describeZodIssue, type ValidationIssue, zodIssuesToValidationIssues } from "@flowmaestro/runtime";
import type { z } from "zod";

/**
 * Zod issues as {@link ValidationIssue}s under `prefix`, in the wording of `@flowmaestro/runtime`
 * (and of `@flowmaestro/tools`' stored-config import): "an integer", `one of "a", "b"`, a custom
 * `error` text kept as written. Parse with `reportInput: true`.
 * @internal
 */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[], prefix: string): ValidationIssue[] {
  return zodIssuesToValidationIssues(issues, prefix, describeIssue);
}

function describeIssue(issue: z.core.$ZodIssue): Omit<ValidationIssue, "field"> {
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "int") return { ...describeZodIssue(issue), expected: "an integer" };
      if (issue.expected === "nonoptional") return { expected: "present (it is required)" };
      break;
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length > 0) {
        return { expected: `one of ${options.map((option) => JSON.stringify(option)).join(", ")}` };
      }
      break;
    }
    case "too_small":
    case "too_big":
    case "invalid_value":
    case "unrecognized_keys":
    case "invalid_format":
    case "not_multiple_of":
      return describeZodIssue(issue);
    default:
      break;
  }
  // A custom `error` text (ours read as expectations) is kept; Zod's own are reworded.
  return /^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message)
    ? describeZodIssue(issue)
    : { expected: issue.message };
}
