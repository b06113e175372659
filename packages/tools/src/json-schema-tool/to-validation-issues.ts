import type { ValidationIssue } from "@flowmaestro/runtime";
import {
  describeZodIssue,
  type ZodIssueDescription,
  zodIssuesToValidationIssues,
} from "@flowmaestro/runtime";
import type { z } from "zod";

/**
 * @internal Turns Zod issues into field/expected pairs that read well in an error message, in the
 * wording of `@flowmaestro/runtime`'s `zodIssuesToValidationIssues` (so a tool error reads alike
 * whichever way the tool was built), and also rephrases the free-text messages of the JSON Schema
 * converter and of custom `error`s. Parse with `reportInput: true`: `received` is the type of the
 * input Zod reports with a type mismatch (never its value).
 */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): ValidationIssue[] {
  return zodIssuesToValidationIssues(issues, prefix, describeIssue);
}

/** The runtime's wording by code, except where a message or a detail says more. */
function describeIssue(issue: z.core.$ZodIssue): ZodIssueDescription {
  switch (issue.code) {
    case "invalid_type":
      // A required key whose value may be anything (`z.unknown()` made non-optional).
      if (issue.expected === "nonoptional") return { expected: "present (it is required)" };
      if (issue.expected === "int") return { ...describeZodIssue(issue), expected: "an integer" };
      break;
    case "invalid_format":
      // A custom message (`z.string().regex(re, { error })`) says more than the format's name.
      if (!/^Invalid\b/.test(issue.message)) return { expected: phrase(issue.message) };
      if (issue.format === "regex" && "pattern" in issue) {
        return { expected: `text matching ${String(issue.pattern)}` };
      }
      break;
    case "invalid_union": {
      // A discriminated union whose discriminator matched no option: list the options.
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length > 0) {
        return { expected: `one of ${options.map((option) => JSON.stringify(option)).join(", ")}` };
      }
      return { expected: phrase(issue.message) };
    }
    case "too_small":
    case "too_big":
    case "invalid_value":
    case "unrecognized_keys":
    case "not_multiple_of":
      break;
    default:
      return { expected: phrase(issue.message) };
  }
  return describeZodIssue(issue);
}

/**
 * Rephrases a free-text message (a refinement's, such as the JSON Schema converter's "Must be at
 * least 2 characters long") to follow "`field` must be …".
 */
function phrase(message: string): string {
  const text = message.replace(/^Invalid input:?\s*/i, "").trim();
  if (text === "") return "valid";
  const mustBe = /^(?:must be|expected)\s+(.+)$/i.exec(text);
  if (mustBe?.[1]) return mustBe[1];
  const mustMatch = /^must match (.+)$/i.exec(text);
  if (mustMatch?.[1]) return `text matching ${mustMatch[1]}`;
  const mustEqual = /^must equal (.+)$/i.exec(text);
  if (mustEqual?.[1]) return `equal to ${mustEqual[1]}`;
  // Already phrased as an expectation (the SDK's own `error` texts are).
  if (/^(?:a|an|one of|valid|present|absent)\s/.test(text)) return text;
  if (/^unexpected property\b/i.test(text)) return "absent (the schema allows no such property)";
  if (/^missing required property\b/i.test(text)) return "present (it is required)";
  return `valid (${text.charAt(0).toLowerCase()}${text.slice(1)})`;
}
