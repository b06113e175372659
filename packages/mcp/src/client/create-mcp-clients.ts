import type { JsonSchemaToZodOptions } from "@flowmaestro/tools";
import { McpServerError } from "../errors/mcp-server-error.js";
import { checkMcpClientsOptions } from "./check-mcp-clients-options.js";
import { type McpAgentTool, tryMcpAgentTool } from "./mcp-agent-tool.js";
import type { McpClientsOptions, McpServerConfig, McpToolDefinition } from "./mcp-clients-options.js";
import type { McpServerClient } from "./mcp-server-client.js";
import { type ResolvedReconnect, ServerConnection } from "./server-connection.js";
import { toToolNames } from "./tool-names.js";

/** What {@link McpClients.toolsWithErrors} resolves with. */
export interface McpToolsListing {
  /** The agent tools of every server that could be reached, in `servers` order. */
  readonly tools: McpAgentTool[];
  /** One error per server that could not be reached now, and per tool whose schema cannot be used. */
  readonly errors: McpServerError[];
}

/**
 * Clients of a set of MCP servers, with their tools ready for agents. From {@link createMcpClients}.
 */
export interface McpClients {
  /**
   * The client of each server, by name. Each satisfies the tools package's `McpClient`, so this
   * record is the `mcpClients` a stored agent import needs.
   */
  readonly clients: Readonly<Record<string, McpServerClient>>;
  /**
   * The tools of every server as agent tools, for `createAgent({ tools })` on any runtime; servers
   * are connected (in parallel) on first use. Each call reads the current tool lists, so call it
   * again (and create the agent anew) after a tool list changed (see `onToolsChanged`).
   *
   * A server that is down but was listed before keeps its last listing: agents keep the same
   * tools (and names, so a suspended run resumes), and its calls reconnect or fail saying why.
   *
   * @throws {McpServerError} of the first server (in `servers` order) whose tools are unknown (it
   *   could not be reached and never was), or of a tool whose schema the converter cannot use; use
   *   {@link toolsWithErrors} to go on with the other tools.
   */
  tools(): Promise<McpAgentTool[]>;
  /**
   * {@link tools}, but nothing rejects: a server that cannot be reached is in `errors` (and its
   * tools are left out unless it was listed before).
   */
  toolsWithErrors(): Promise<McpToolsListing>;
  /**
   * Closes every connection and ends every stdio server process: resolves once the processes are
   * gone (each gets its stdin closed, then SIGTERM, then SIGKILL). Calls after it fail with
   * `reason: "unavailable"`. Idempotent.
   */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CONVERSION: JsonSchemaToZodOptions = { onUnsupported: "warn" };
const DEFAULT_CLIENT_INFO = { name: "flowmaestro", version: "0.1.0" };

/**
 * Connects agents to MCP servers: stdio servers run as child processes, Streamable HTTP servers
 * are reached by URL. Nothing starts until first use (`tools()`, a call, `clients.x.connect()`).
 * A server that fails gives an {@link McpServerError} naming it, the other servers keep working,
 * and a dead server is reconnected on the next call (with backoff).
 *
 * @throws {InvalidDefinitionError} for bad options, naming each field (e.g. `servers.fs.command`).
 *
 * @example
 * ```ts
 * const mcp = createMcpClients({
 *   servers: {
 *     fs: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", dir] },
 *     docs: { url: "https://example.com/mcp", bearerToken: process.env.DOCS_TOKEN },
 *   },
 * });
 * const agent = createAgent({ runtime, name: "helper", model, tools: await mcp.tools() });
 * const result = await agent.execute("What is in the folder?");
 * await mcp.close();
 * ```
 */
export function createMcpClients(options: McpClientsOptions): McpClients {
  checkMcpClientsOptions(options);
  const reconnect = resolveReconnect(options.reconnect);
  const conversion = options.conversion ?? DEFAULT_CONVERSION;
  const clientInfo = options.clientInfo ?? DEFAULT_CLIENT_INFO;
  const entries = Object.entries(options.servers).map(([name, config]) => ({
    name,
    config,
    connection: new ServerConnection({
      name,
      config,
      timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      reconnect,
      clientInfo,
      onToolsChanged: () => {
        try {
          options.onToolsChanged?.(name);
        } catch {
          // A failing listener must not break the connection.
        }
      },
    }),
  }));
  const clients: Record<string, McpServerClient> = Object.create(null);
  for (const entry of entries) clients[entry.name] = entry.connection;
  Object.freeze(clients);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= Promise.all(entries.map((entry) => entry.connection.close())).then(() => {
      options.signal?.removeEventListener("abort", onAbort);
    });
    return closing;
  };
  const onAbort = () => void close();
  if (options.signal?.aborted) void close();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  /**
   * Every server's tools, plus the errors: `missing` for servers whose tools are unknown (never
   * listed), `errors` for every failure. A server that is down but was listed before keeps its last
   * listing, so agents keep the same tools (and names: a suspended run resumes) and its calls
   * reconnect or say why they cannot.
   */
  const collect = async (): Promise<McpToolsListing & { missing: McpServerError[] }> => {
    const listings = await Promise.all(
      entries.map(async (entry) => {
        try {
          return { entry, tools: await entry.connection.listTools(), error: undefined, known: true };
        } catch (error) {
          if (!McpServerError.isInstance(error)) throw error;
          const known = entry.connection.status === "closed" ? undefined : entry.connection.knownTools;
          return { entry, tools: known ?? [], error, known: known !== undefined };
        }
      }),
    );
    const errors: McpServerError[] = [];
    const missing: McpServerError[] = [];
    const selected: { entry: (typeof entries)[number]; tool: McpToolDefinition }[] = [];
    for (const listing of listings) {
      if (listing.error) errors.push(listing.error);
      if (listing.error && !listing.known) missing.push(listing.error);
      for (const tool of selectTools(listing.entry.config, listing.tools)) {
        selected.push({ entry: listing.entry, tool });
      }
    }
    const names = toToolNames(
      selected.map(({ entry, tool }) => {
        const prefix = entry.config.toolPrefix ?? entry.name;
        return {
          key: `${entry.name}\u0000${tool.name}`,
          wanted: prefix === "" ? tool.name : `${prefix}_${tool.name}`,
        };
      }),
    );
    const tools: McpAgentTool[] = [];
    selected.forEach(({ entry, tool }, index) => {
      const built = tryMcpAgentTool(entry.connection, entry.config, tool, names[index]!, conversion);
      if ("tool" in built) tools.push(built.tool);
      else {
        errors.push(built.error);
        missing.push(built.error);
      }
    });
    return { tools, errors, missing };
  };

  return {
    clients,
    async toolsWithErrors() {
      const { tools, errors } = await collect();
      return { tools, errors };
    },
    async tools() {
      const { tools, missing } = await collect();
      if (missing[0]) throw missing[0];
      return tools;
    },
    close,
  };
}

/** The tools to hand to agents: not task-only, and as `include` / `exclude` say. */
function selectTools(config: McpServerConfig, tools: readonly McpToolDefinition[]): McpToolDefinition[] {
  const { include, exclude } = config;
  return tools.filter((tool) => {
    if (tool.execution?.taskSupport === "required") return false;
    if (
      typeof include === "function" ? !include(tool) : include !== undefined && !include.includes(tool.name)
    ) {
      return false;
    }
    return !exclude?.includes(tool.name);
  });
}

function resolveReconnect(reconnect: McpClientsOptions["reconnect"]): ResolvedReconnect {
  if (reconnect === false) return false;
  return {
    initialDelayMs: reconnect?.initialDelayMs ?? 1000,
    maxDelayMs: reconnect?.maxDelayMs ?? 30_000,
    multiplier: reconnect?.multiplier ?? 2,
    maxAttempts: reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY,
  };
}
