import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** A tool did not finish within its timeout. Reported back to the model as a tool error. */
export class ToolTimeoutError extends AgentSdkError {
  readonly toolName: string;
  readonly timeoutMs: number;

  constructor(options: { toolName: string; timeoutMs: number }) {
    super({
      code: "TOOL_TIMEOUT",
      category: "tool",
      message: `Tool "${options.toolName}" timed out after ${options.timeoutMs} ms.`,
    });
    this.name = "ToolTimeoutError";
    this.toolName = options.toolName;
    this.timeoutMs = options.timeoutMs;
  }

  static override isInstance = hasCode<ToolTimeoutError>("TOOL_TIMEOUT");
}
