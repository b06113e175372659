import {
  type AgentTool,
  InvalidDefinitionError,
  type ToolApprovalRequirement,
  type ToolModelOutput,
  type ToolParseResult,
} from "@flowmaestro/runtime";
import {
  type JSONSchema,
  type JsonSchemaToZodOptions,
  jsonSchemaOutput,
  jsonSchemaTool,
  McpToolError,
  type McpToolOutput,
  type ToolSchemaWarning,
  mcpResultText as textOfResult,
  mcpToolModelOutput as toModelOutput,
} from "@flowmaestro/tools";
import { McpServerError } from "../errors/mcp-server-error.js";
import type { McpServerConfigBase, McpToolDefinition } from "./mcp-clients-options.js";
import type { McpServerClient } from "./mcp-server-client.js";

/**
 * An agent tool that calls a tool of an MCP server; from `tools()` of `McpClients`. Runs on
 * every runtime like any `AgentTool`: its input is validated with the server's input schema
 * (converted by `@flowmaestro/tools`), its structured result with the server's output schema.
 */
export interface McpAgentTool extends AgentTool<Record<string, unknown>, McpToolOutput> {
  /** Always `mcp`, as for the stored `mcp` tool kind. */
  readonly kind: "mcp";
  /** Keywords of the server's schemas the converter skipped (see `conversion`). */
  readonly schemaWarnings: readonly ToolSchemaWarning[];
  /** Where the tool comes from. */
  readonly mcp: {
    /** The server's name, as a key of `servers`. */
    readonly server: string;
    /** The tool's name on the server (the agent tool's `name` is prefixed and sanitized). */
    readonly toolName: string;
    /** The tool as the server listed it. */
    readonly definition: McpToolDefinition;
  };
  /** What the model is sent for a result: the server's content blocks, images as images. */
  toModelOutput(output: McpToolOutput): ToolModelOutput;
}

/** Builds the agent tool for one server tool. @internal */
export function toMcpAgentTool(
  client: McpServerClient,
  serverOptions: McpServerConfigBase,
  tool: McpToolDefinition,
  name: string,
  conversion: JsonSchemaToZodOptions,
): McpAgentTool {
  const server = client.name;
  const mcpToolName = tool.name;
  const base = jsonSchemaTool<Record<string, unknown>, McpToolOutput>({
    name,
    description: tool.description ?? tool.title ?? `Tool "${mcpToolName}" of the MCP server "${server}".`,
    inputSchema: tool.inputSchema as JSONSchema,
    conversion,
    execute: async (input, context) => {
      const result = await client.callTool(
        { name: mcpToolName, arguments: input },
        { signal: context.signal },
      );
      if (result.isError === true) {
        throw new McpToolError({
          toolName: name,
          toolCallId: context.toolCallId,
          serverId: server,
          mcpToolName,
          text: textOfResult(result),
          result,
        });
      }
      return {
        content: Array.isArray(result.content) ? result.content : [],
        ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
      };
    },
  });
  const output =
    tool.outputSchema === undefined ? undefined : jsonSchemaOutput(tool.outputSchema, { conversion });
  return {
    ...base,
    kind: "mcp",
    needsApproval: approvalOf(serverOptions.needsApproval, server, tool),
    ...(output === undefined
      ? {}
      : { parseOutput: (value: unknown) => parseStructured(output.parse, value) }),
    toModelOutput,
    mcp: { server, toolName: mcpToolName, definition: tool },
    schemaWarnings: [
      ...base.schemaWarnings,
      ...(output?.schemaWarnings ?? []).map((warning) => ({ ...warning, schema: "output" as const })),
    ],
  };
}

/**
 * {@link toMcpAgentTool}, with a schema the converter cannot use reported as the server's fault
 * (`protocol`) rather than thrown: the server's other tools still work.
 * @internal
 */
export function tryMcpAgentTool(
  ...args: Parameters<typeof toMcpAgentTool>
): { tool: McpAgentTool } | { error: McpServerError } {
  try {
    return { tool: toMcpAgentTool(...args) };
  } catch (error) {
    if (!InvalidDefinitionError.isInstance(error)) throw error;
    return {
      error: new McpServerError({
        server: args[0].name,
        operation: "listTools",
        toolName: args[2].name,
        reason: "protocol",
        detail: `the tool's schema cannot be used, so the tool is left out: ${error.message}`,
        cause: error,
      }),
    };
  }
}

function approvalOf(
  requirement: McpServerConfigBase["needsApproval"],
  server: string,
  tool: McpToolDefinition,
): ToolApprovalRequirement<Record<string, unknown>> {
  if (typeof requirement !== "function") return requirement === true;
  return (input, context) => requirement(tool.name, input, { ...context, server, tool });
}

/** Checks `structuredContent` against the tool's output schema; issues name `structuredContent.<path>`. */
function parseStructured(
  parse: (value: unknown) => ToolParseResult<unknown>,
  value: unknown,
): ToolParseResult<McpToolOutput> {
  const structured = (value as Partial<McpToolOutput> | undefined)?.structuredContent;
  if (structured === undefined) {
    return {
      success: false,
      issues: [
        {
          field: "structuredContent",
          expected: "present (the tool declares an output schema)",
          received: "absent",
        },
      ],
    };
  }
  const checked = parse(structured);
  if (checked.success) return { success: true, value: value as McpToolOutput };
  return {
    success: false,
    issues: checked.issues.map((issue) => ({
      ...issue,
      field: issue.field === "(root)" ? "structuredContent" : `structuredContent.${issue.field}`,
    })),
  };
}
