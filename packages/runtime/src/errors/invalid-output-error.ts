import { AgentSdkError, hasCode } from "./agent-sdk-error.js";
import type { ValidationIssue } from "./invalid-definition-error.js";

/** The model's final answer is not JSON, or fails the agent's `outputSchema`. */
export class InvalidOutputError extends AgentSdkError {
  readonly issues: readonly ValidationIssue[];
  /** The answer text that failed. */
  readonly text: string;

  constructor(options: { issues: readonly ValidationIssue[]; text: string; cause?: unknown }) {
    const listed = options.issues
      .slice(0, 5)
      .map((issue) => `${issue.field}: expected ${issue.expected}`)
      .join("; ");
    super({
      code: "INVALID_OUTPUT",
      category: "model",
      message: `The model's answer does not match the output schema: ${listed}${options.issues.length > 5 ? "; …" : ""}.`,
      cause: options.cause,
    });
    this.name = "InvalidOutputError";
    this.issues = options.issues;
    this.text = options.text;
  }

  static override isInstance = hasCode<InvalidOutputError>("INVALID_OUTPUT");
}
