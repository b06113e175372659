import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** One problem found while validating a definition or option. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `tools.0.name` or `maxIterations`. */
  field: string;
  /** What was expected there, in words. */
  expected: string;
  /** What was found, when useful (never a secret). */
  received?: string;
}

/** An agent definition (or a per-call override) failed validation. */
export class InvalidDefinitionError extends AgentSdkError {
  /** Every problem found, first one first. */
  readonly issues: readonly ValidationIssue[];
  /** Path of the first offending field. */
  readonly field: string;

  constructor(options: { message?: string; issues: ValidationIssue[]; cause?: unknown; subject?: string }) {
    const first = options.issues[0] ?? { field: "(root)", expected: "a valid value" };
    const subject = options.subject ?? "agent definition";
    super({
      code: "INVALID_DEFINITION",
      category: "caller",
      message:
        options.message ??
        `Invalid ${subject}: ${options.issues.map((issue) => `\`${issue.field}\` ${describe(issue)}`).join("; ")}.`,
      cause: options.cause,
    });
    this.name = "InvalidDefinitionError";
    this.issues = options.issues;
    this.field = first.field;
  }

  static override isInstance = hasCode<InvalidDefinitionError>("INVALID_DEFINITION");
}

function describe(issue: ValidationIssue): string {
  return issue.received === undefined
    ? `must be ${issue.expected}`
    : `must be ${issue.expected} (received ${issue.received})`;
}
