import { McpToolError } from "../errors/mcp-tool-error.js";
import { MissingToolResolverError } from "../errors/missing-tool-resolver-error.js";
import type { FlowMaestroTool } from "../json-schema-tool/flow-maestro-tool.js";
import type { JSONSchema } from "../json-schema-tool/json-schema.js";
import { createJsonSchemaTool } from "../json-schema-tool/json-schema-tool.js";
import { type ToolFieldNames, toolFieldNames } from "../json-schema-tool/tool-field-names.js";
import type { McpClient } from "./mcp-client.js";
import { type McpToolOutput, mcpResultText, mcpToolModelOutput } from "./mcp-result.js";
import type { ToolImportContext } from "./tool-import-context.js";
import type { ToolKindOptions } from "./tool-kind-options.js";

/** Options of {@link mcpTool}. */
export interface McpToolOptions extends ToolKindOptions {
  /** Key of the server's client in `context.mcpClients`. */
  serverId: string;
  /**
   * Name of the tool on the MCP server, when it differs from `name` (e.g. names with dots, or two
   * servers with a tool of the same name).
   * @default name
   */
  toolName?: string;
}

/**
 * An `mcp` tool: forwards the model's validated arguments to a tool on an MCP server through the
 * host's {@link McpClient} (`context.mcpClients[serverId]`), passing the call's abort signal.
 *
 * The tool's output is the server's `{ content, structuredContent }`; the model sees the content
 * blocks as they are (text, images and files as content parts, see {@link mcpToolModelOutput}), or
 * the structured content when there is no content. A result with `isError: true` becomes an
 * {@link McpToolError} whose message is the server's text, reported to the model as a tool error.
 *
 * @throws {MissingToolResolverError} when `context.mcpClients` has no client for `serverId`.
 * @throws {InvalidDefinitionError} for a bad name, schema or timeout.
 */
export function mcpTool(options: McpToolOptions, context: ToolImportContext): FlowMaestroTool {
  return buildMcpTool(options, context, toolFieldNames(options.name));
}

/** @internal {@link mcpTool} with the field names to use in errors. */
export function buildMcpTool(
  options: McpToolOptions,
  context: ToolImportContext,
  fields: ToolFieldNames,
): FlowMaestroTool {
  const { serverId } = options;
  const clients = context.mcpClients;
  const client: McpClient | undefined =
    clients && typeof serverId === "string" && Object.hasOwn(clients, serverId)
      ? clients[serverId]
      : undefined;
  if (!client || typeof client.callTool !== "function") {
    throw new MissingToolResolverError({
      toolName: options.name,
      kind: "mcp",
      option: clients ? `mcpClients[${JSON.stringify(serverId)}]` : "mcpClients",
      expected: clients
        ? `an McpClient for the server "${String(serverId)}"`
        : "a record of McpClients keyed by server id",
      field: fields("serverId"),
      ...(clients ? { available: Object.keys(clients) } : {}),
    });
  }
  const mcpToolName = options.toolName ?? options.name;
  const toolName = options.name;
  return createJsonSchemaTool<Record<string, unknown>, McpToolOutput>(
    {
      ...options,
      // The server's output schema describes its `structuredContent`.
      ...(options.outputSchema === undefined
        ? {}
        : {
            outputSchema: {
              type: "object",
              properties: { structuredContent: options.outputSchema },
              required: ["structuredContent"],
            } as JSONSchema,
          }),
      conversion: context.conversion,
      toModelOutput: mcpToolModelOutput,
      execute: async (input, toolContext) => {
        const result = await client.callTool(
          { name: mcpToolName, arguments: input },
          { signal: toolContext.signal },
        );
        if (typeof result !== "object" || result === null) {
          throw new Error(
            `MCP server "${serverId}" returned ${result === null ? "null" : typeof result} for tool "${mcpToolName}".`,
          );
        }
        if (result.isError === true) {
          throw new McpToolError({
            toolName,
            toolCallId: toolContext.toolCallId,
            serverId,
            mcpToolName,
            text: mcpResultText(result),
            result,
          });
        }
        return {
          content: Array.isArray(result.content) ? result.content : [],
          ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
        };
      },
    },
    "mcp",
    fields,
  );
}
