/**
 * MCP for FlowMaestro agents, both ways: MCP servers' tools for agents on either runtime (stdio
 * and Streamable HTTP clients), and agents and tools served over MCP (`createMcpServer`).
 * `@modelcontextprotocol/sdk` 1.x is a peer, loaded on first use.
 * @packageDocumentation
 */

export { createMcpClients, type McpClients, type McpToolsListing } from "./client/create-mcp-clients.js";
export type { McpAgentTool } from "./client/mcp-agent-tool.js";
export type {
  McpClientsOptions,
  McpHttpServerConfig,
  McpReconnectOptions,
  McpServerConfig,
  McpServerConfigBase,
  McpStdioServerConfig,
  McpToolApproval,
  McpToolApprovalContext,
  McpToolDefinition,
} from "./client/mcp-clients-options.js";
export type { McpServerClient, McpServerStatus } from "./client/mcp-server-client.js";
export {
  McpServerError,
  type McpServerErrorOptions,
  type McpServerFailure,
  type McpServerOperation,
} from "./errors/mcp-server-error.js";
export {
  type CreateMcpServerOptions,
  createMcpServer,
  type McpAuthenticate,
  type McpCaller,
  type McpHttpListener,
  type McpListenOptions,
  type McpServedAgent,
  type McpServer,
  type McpStdioOptions,
} from "./server/create-mcp-server.js";
