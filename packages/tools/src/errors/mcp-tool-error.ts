import { AgentSdkError } from "@flowmaestro/runtime";

const MARKER = Symbol.for("flowmaestro.tools.mcp-tool-error");

/**
 * An MCP server answered a tool call with `isError: true`. Thrown from the tool's `execute`, so
 * the runtime reports it back to the model as a tool error (the model may retry or change course)
 * and the run goes on.
 *
 * Code `TOOL_EXECUTION_FAILED`, category `tool`: `ToolExecutionError.isInstance` is true for it too.
 */
export class McpToolError extends AgentSdkError {
  /** @internal */
  readonly [MARKER] = true;
  /** Name of the agent tool the model called. */
  readonly toolName: string;
  /** Id of this tool call. */
  readonly toolCallId: string;
  /** Id of the MCP server, as in the tool's config. */
  readonly serverId: string;
  /** Name of the tool on the MCP server. */
  readonly mcpToolName: string;
  /** The server's result, unchanged. */
  readonly result: unknown;

  constructor(options: {
    toolName: string;
    toolCallId: string;
    serverId: string;
    mcpToolName: string;
    /** The error text the server sent (its text content). */
    text: string;
    result: unknown;
  }) {
    super({
      code: "TOOL_EXECUTION_FAILED",
      category: "tool",
      message: `Tool "${options.toolName}" failed: ${options.text || `MCP server "${options.serverId}" reported an error without a message.`}`,
    });
    this.name = "McpToolError";
    this.toolName = options.toolName;
    this.toolCallId = options.toolCallId;
    this.serverId = options.serverId;
    this.mcpToolName = options.mcpToolName;
    this.result = options.result;
  }

  /** True for this error, from any installed copy of the package. */
  static override isInstance = (error: unknown): error is McpToolError =>
    typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
}
