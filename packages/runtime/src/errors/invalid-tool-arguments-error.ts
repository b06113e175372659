import { AgentSdkError, hasCode } from "./agent-sdk-error.js";
import type { ValidationIssue } from "./invalid-definition-error.js";

/**
 * The model's arguments for a tool failed the tool's input schema (or were not valid JSON).
 * Reported back to the model as a tool error so it can correct itself; the run goes on.
 */
export class InvalidToolArgumentsError extends AgentSdkError {
  readonly toolName: string;
  readonly issues: readonly ValidationIssue[];

  constructor(options: { toolName: string; issues: ValidationIssue[]; cause?: unknown }) {
    super({
      code: "INVALID_TOOL_ARGUMENTS",
      category: "tool",
      message: `Invalid arguments for tool "${options.toolName}": ${options.issues
        .map((issue) =>
          issue.received === undefined
            ? `\`${issue.field}\` must be ${issue.expected}`
            : `\`${issue.field}\` must be ${issue.expected} (received ${issue.received})`,
        )
        .join("; ")}.`,
      cause: options.cause,
    });
    this.name = "InvalidToolArgumentsError";
    this.toolName = options.toolName;
    this.issues = options.issues;
  }

  static override isInstance = hasCode<InvalidToolArgumentsError>("INVALID_TOOL_ARGUMENTS");
}
