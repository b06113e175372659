import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** A tool call that needed approval was declined; the model is told so, with the reason. */
export class ToolDeclinedError extends AgentSdkError {
  readonly toolName: string;
  readonly reason: string | undefined;

  constructor(options: { toolName: string; reason?: string | undefined }) {
    super({
      code: "TOOL_DECLINED",
      category: "tool",
      message: `The call to "${options.toolName}" was declined${options.reason ? `: ${options.reason}` : "."}`,
    });
    this.name = "ToolDeclinedError";
    this.toolName = options.toolName;
    this.reason = options.reason;
  }

  static override isInstance = hasCode<ToolDeclinedError>("TOOL_DECLINED");
}
