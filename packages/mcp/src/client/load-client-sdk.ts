import { importMcpSdk } from "../internal/import-mcp-sdk.js";
import { loadOnce } from "../internal/load-once.js";

/** The parts of the MCP SDK a client connection uses. @internal */
export type ClientSdk = Awaited<ReturnType<typeof load>>;

/**
 * Loads the MCP SDK's client and its transports once per process, on first use. The SDK is an
 * optional peer: a missing one is a `ProviderNotInstalledError` naming the package to install; a
 * failed load is tried again on the next call.
 * @internal
 */
export const loadClientSdk: () => Promise<ClientSdk> = loadOnce(load);

async function load() {
  const [client, stdio, http, types] = await Promise.all([
    importMcpSdk(() => import("@modelcontextprotocol/sdk/client/index.js")),
    importMcpSdk(() => import("@modelcontextprotocol/sdk/client/stdio.js")),
    importMcpSdk(() => import("@modelcontextprotocol/sdk/client/streamableHttp.js")),
    importMcpSdk(() => import("@modelcontextprotocol/sdk/types.js")),
  ]);
  return {
    Client: client.Client,
    StdioClientTransport: stdio.StdioClientTransport,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    StreamableHTTPError: http.StreamableHTTPError,
    McpError: types.McpError,
    ErrorCode: types.ErrorCode,
    ListToolsResultSchema: types.ListToolsResultSchema,
    ToolListChangedNotificationSchema: types.ToolListChangedNotificationSchema,
  };
}
