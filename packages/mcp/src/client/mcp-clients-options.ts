import type { ToolApprovalContext } from "@flowmaestro/runtime";
import type { JsonSchemaToZodOptions } from "@flowmaestro/tools";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";

/** A tool as an MCP server lists it (`tools/list`): name, description, schemas, annotations. */
export type McpToolDefinition = Tool;

/** What a {@link McpToolApproval} function receives besides the tool's name and input. */
export interface McpToolApprovalContext extends ToolApprovalContext {
  /** The server's name, as a key of `servers`. */
  readonly server: string;
  /** The tool as the server lists it, e.g. to read `annotations.destructiveHint`. */
  readonly tool: McpToolDefinition;
}

/**
 * Whether a call of a server's tool needs a person's approval first: `true` for every tool, or a
 * function of the tool's name on the server, the validated arguments and the run. The run then
 * suspends before the call (the agent needs a `runStore`); see `needsApproval` of `AgentTool`. A
 * function that throws or rejects counts as `true`: approval fails closed.
 */
export type McpToolApproval =
  | boolean
  | ((
      toolName: string,
      input: Record<string, unknown>,
      context: McpToolApprovalContext,
    ) => boolean | PromiseLike<boolean>);

/** Options every server takes, whatever its transport. */
export interface McpServerConfigBase {
  /**
   * The tools to hand to agents: names as the server calls them, or a predicate. Every tool when
   * unset. Tools the server marks `execution.taskSupport: "required"` are always left out (this
   * client does not run MCP tasks).
   */
  include?: readonly string[] | ((tool: McpToolDefinition) => boolean);
  /** Tools to leave out (names as the server calls them), applied after `include`. */
  exclude?: readonly string[];
  /**
   * Milliseconds each request to the server may take: the handshake, a tool listing, a tool call.
   * A call that takes longer fails with an `McpServerError` (`reason: "timeout"`) and is
   * cancelled on the server; the connection stays up.
   * @default 60000
   */
  timeoutMs?: number;
  /** Approval for some or all of this server's tools; see {@link McpToolApproval}. @default false */
  needsApproval?: McpToolApproval;
  /**
   * What agent tool names start with: `<toolPrefix>_<tool>`; `""` for the server's own names.
   * Names are then made to fit `^[A-Za-z0-9_-]{1,64}$` and unique across servers (see the README).
   * @default the server's name
   */
  toolPrefix?: string;
}

/** A server run as a child process, spoken to over its stdin and stdout. */
export interface McpStdioServerConfig extends McpServerConfigBase {
  /** The executable, e.g. `process.execPath` with the script in `args`, or `npx`. */
  command: string;
  /** Its arguments. @default [] */
  args?: readonly string[];
  /**
   * Environment variables, on top of a safe default set (`HOME`, `LOGNAME`, `PATH`, `SHELL`,
   * `TERM`, `USER`): the host's other variables (and secrets) are not passed on.
   */
  env?: Readonly<Record<string, string>>;
  /** Working directory. @default the host's */
  cwd?: string;
  /**
   * Where the server's stderr goes: the host's stderr, nowhere, or a function. The last 2,000
   * characters are always kept for the `stderr` of the `McpServerError` a failure gives.
   * @default "inherit"
   */
  stderr?: "inherit" | "ignore" | ((text: string) => void);
  url?: never;
}

/** A server spoken to over Streamable HTTP. */
export interface McpHttpServerConfig extends McpServerConfigBase {
  /** The server's MCP endpoint, e.g. `https://example.com/mcp`. */
  url: string | URL;
  /** Headers sent with every request (e.g. an API key). Never shown in errors. */
  headers?: Readonly<Record<string, string>>;
  /** Sent as `Authorization: Bearer <token>`. Never shown in errors. */
  bearerToken?: string;
  /** The `fetch` to use (a proxy, a test double). @default globalThis.fetch */
  fetch?: typeof fetch;
  command?: never;
}

/** How one server is reached: a command to run (stdio) or a URL (Streamable HTTP). */
export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

/**
 * How a server whose connection failed is connected again. Reconnecting happens on the next use
 * (a tool call or a listing), never in the background: the first attempt right away, then, after
 * each failed attempt, not before `initialDelayMs * multiplier^(failures - 1)` (at most
 * `maxDelayMs`) has passed; until then calls fail at once with `reason: "unavailable"`.
 */
export interface McpReconnectOptions {
  /** Wait after the first failed attempt. @default 1000 */
  initialDelayMs?: number;
  /** Longest wait between attempts. @default 30000 */
  maxDelayMs?: number;
  /** Factor the wait grows by per failed attempt. @default 2 */
  multiplier?: number;
  /** Failed attempts in a row after which the server is given up on (until the client is recreated). @default Infinity */
  maxAttempts?: number;
}

/** Options of `createMcpClients`. */
export interface McpClientsOptions {
  /**
   * The servers, by name. Names are 1 to 64 characters of `A-Z a-z 0-9 _ -`; they prefix the
   * servers' tool names and appear in every error.
   */
  servers: Readonly<Record<string, McpServerConfig>>;
  /** How dead servers are reconnected; `false` never reconnects. See {@link McpReconnectOptions}. */
  reconnect?: McpReconnectOptions | false;
  /**
   * How the servers' JSON Schemas become validators. Keywords the converter cannot enforce are
   * skipped with a warning (`schemaWarnings` of each tool) rather than failing the tool, since the
   * server validates its arguments too.
   * @default { onUnsupported: "warn" }
   */
  conversion?: JsonSchemaToZodOptions;
  /** Who the client says it is in the MCP handshake. @default { name: "flowmaestro", version: "0.1.0" } */
  clientInfo?: { name: string; version: string };
  /** Closes the client (and ends its child processes) when it fires. */
  signal?: AbortSignal;
  /**
   * Called when a server's tool list changed (`notifications/tools/list_changed`, or a reconnect
   * found other tools). Agents keep the tools they were created with: call `tools()` again and
   * create the agent anew to use the new list.
   */
  onToolsChanged?: (server: string) => void;
}
