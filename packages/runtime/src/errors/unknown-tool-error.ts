import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** The model called a tool that the agent does not have. Reported back to the model as a tool error. */
export class UnknownToolError extends AgentSdkError {
  readonly toolName: string;
  readonly availableTools: readonly string[];

  constructor(options: { toolName: string; availableTools: string[] }) {
    super({
      code: "UNKNOWN_TOOL",
      category: "tool",
      message:
        options.availableTools.length === 0
          ? `Unknown tool "${options.toolName}": this agent has no tools.`
          : `Unknown tool "${options.toolName}". Available tools: ${options.availableTools.join(", ")}.`,
    });
    this.name = "UnknownToolError";
    this.toolName = options.toolName;
    this.availableTools = options.availableTools;
  }

  static override isInstance = hasCode<UnknownToolError>("UNKNOWN_TOOL");
}
