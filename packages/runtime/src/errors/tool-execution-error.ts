import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** A tool threw. The message is reported back to the model as a tool error; the run goes on. */
export class ToolExecutionError extends AgentSdkError {
  readonly toolName: string;
  readonly toolCallId: string;

  constructor(options: { toolName: string; toolCallId: string; cause: unknown }) {
    super({
      code: "TOOL_EXECUTION_FAILED",
      category: "tool",
      message: `Tool "${options.toolName}" failed: ${messageOf(options.cause)}`,
      cause: options.cause,
    });
    this.name = "ToolExecutionError";
    this.toolName = options.toolName;
    this.toolCallId = options.toolCallId;
  }

  static override isInstance = hasCode<ToolExecutionError>("TOOL_EXECUTION_FAILED");
}

/** @internal */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
