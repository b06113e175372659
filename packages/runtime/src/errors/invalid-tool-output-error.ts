import { AgentSdkError, hasCode } from "./agent-sdk-error.js";
import type { ValidationIssue } from "./invalid-definition-error.js";

/** A tool returned a value that fails its declared output schema. Reported back to the model. */
export class InvalidToolOutputError extends AgentSdkError {
  readonly toolName: string;
  readonly issues: readonly ValidationIssue[];

  constructor(options: { toolName: string; issues: ValidationIssue[]; cause?: unknown }) {
    super({
      code: "INVALID_TOOL_OUTPUT",
      category: "tool",
      message: `Tool "${options.toolName}" returned an invalid result: ${options.issues
        .map((issue) =>
          issue.received === undefined
            ? `\`${issue.field}\` must be ${issue.expected}`
            : `\`${issue.field}\` must be ${issue.expected} (received ${issue.received})`,
        )
        .join("; ")}.`,
      cause: options.cause,
    });
    this.name = "InvalidToolOutputError";
    this.toolName = options.toolName;
    this.issues = options.issues;
  }

  static override isInstance = hasCode<InvalidToolOutputError>("INVALID_TOOL_OUTPUT");
}
