import type { McpCallToolResult, McpClient } from "@flowmaestro/tools";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpServerError } from "../errors/mcp-server-error.js";
import type { McpToolDefinition } from "./mcp-clients-options.js";

/**
 * Where a server's connection stands:
 * - `idle`: never connected yet (connections open on first use);
 * - `connecting`: the process is starting or the handshake runs;
 * - `connected`: ready;
 * - `disconnected`: the connection closed or failed; the next use reconnects (see `reconnect`);
 * - `closed`: the client was closed.
 */
export type McpServerStatus = "idle" | "connecting" | "connected" | "disconnected" | "closed";

/**
 * The client of one MCP server, as `clients[name]` of `McpClients`. It satisfies the tools
 * package's `McpClient`, so `clients` can be the `mcpClients` of a stored agent import
 * (`fromStoredAgent(record, { mcpClients: mcp.clients })`).
 *
 * Every method connects first when needed (reconnecting a dead server, with backoff) and fails
 * with an {@link McpServerError} naming the server.
 */
export interface McpServerClient extends McpClient {
  /** The server's name, as a key of `servers`. */
  readonly name: string;
  /** How the server is reached. */
  readonly transport: "stdio" | "http";
  /** Where the connection stands; see {@link McpServerStatus}. */
  readonly status: McpServerStatus;
  /** Process id of the running stdio server; `undefined` when none runs (or for HTTP). */
  readonly pid: number | undefined;
  /** The error of the last failed connection or request; `undefined` once a connection succeeds. */
  readonly lastError: McpServerError | undefined;
  /** Connects (or reconnects) now rather than on first use. */
  connect(options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * The server's tools as it lists them (every tool, before `include`/`exclude`), kept up to date
   * by `notifications/tools/list_changed`.
   */
  listTools(options?: { signal?: AbortSignal }): Promise<readonly McpToolDefinition[]>;
  /**
   * Calls a tool by its name on the server and resolves with the server's result as it is, also
   * when `isError` is set (the tools built by `tools()` turn that into a tool error).
   *
   * @throws {McpServerError} when the server cannot be reached, dies, times out or answers garbage.
   * Aborting `options.signal` cancels the call on the server and rejects with the signal's reason.
   */
  callTool(
    params: { name: string; arguments?: Record<string, unknown> },
    options?: { signal?: AbortSignal },
  ): Promise<McpCallToolResult>;
  /** The MCP SDK `Client` of the current connection (resources, prompts…); `undefined` when disconnected. */
  getInstance(): Client | undefined;
}
