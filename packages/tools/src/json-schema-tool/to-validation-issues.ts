import type { ValidationIssue } from "@flowmaestro/runtime";
import type { z } from "zod";

/**
 * @internal Turns Zod issues into field/expected pairs that read well in an error message. Follows
 * the wording of `@flowmaestro/runtime`'s own helper (not exported), so a tool error reads alike
 * whichever way the tool was built, and also rephrases the free-text messages of the JSON Schema
 * converter and of custom `error`s. Parse with `reportInput: true` to get `received` for type
 * mismatches (only the input's type is reported, never its value).
 */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): ValidationIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const field = prefix && path ? `${prefix}.${path}` : prefix || path || "(root)";
    return { field, ...describeIssue(issue) };
  });
}

function describeIssue(issue: z.core.$ZodIssue): { expected: string; received?: string } {
  switch (issue.code) {
    case "invalid_type":
      // A required key whose value may be anything (`z.unknown()` made non-optional).
      if (issue.expected === "nonoptional") return { expected: "present (it is required)" };
      return {
        expected:
          issue.expected === "undefined"
            ? "absent"
            : issue.expected === "int"
              ? "an integer"
              : `of type ${issue.expected}`,
        // Zod keeps `input` only when parsing with `reportInput: true`.
        ...("input" in issue ? { received: describeInput(issue.input) } : {}),
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
      // A custom message (`z.string().regex(re, { error })`) says more than the format's name.
      if (!/^Invalid\b/.test(issue.message)) return { expected: phrase(issue.message) };
      return {
        expected:
          issue.format === "regex" && "pattern" in issue
            ? `text matching ${String(issue.pattern)}`
            : `a valid ${issue.format}`,
      };
    case "not_multiple_of":
      return { expected: `a multiple of ${String(issue.divisor)}` };
    case "invalid_union": {
      // A discriminated union whose discriminator matched no option: list the options.
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length > 0) {
        return { expected: `one of ${options.map((option) => JSON.stringify(option)).join(", ")}` };
      }
      return { expected: phrase(issue.message) };
    }
    default:
      return { expected: phrase(issue.message) };
  }
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
