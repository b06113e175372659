import type { AgentEvent, RunContext } from "@flowmaestro/runtime";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { McpServer as SdkMcpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ServerNotification } from "@modelcontextprotocol/sdk/types.js";
import { importMcpSdk } from "../internal/import-mcp-sdk.js";
import { loadOnce } from "../internal/load-once.js";
import { callServedTool } from "./call-served-tool.js";
import type { ServedTool } from "./served-tools.js";

/** Who calls, as a transport establishes it: the HTTP auth hook, or the stdio connection's options. */
export interface McpCaller {
  /**
   * The memory resource the caller's runs and threads belong to (1 to 200 characters), e.g. the
   * authenticated user or tenant id. A `threadId` argument is looked up within it only, so one
   * caller never reaches another's threads.
   */
  readonly resourceId: string;
  /** The run context every call of this caller gets (`context` of the tool execution context). @default {} */
  readonly context?: RunContext;
}

/** The caller of a whole connection (stdio: the host; its resource id is optional). @internal */
export interface ConnectionCaller {
  readonly resourceId?: string | undefined;
  readonly context?: RunContext | undefined;
}

/** What every SDK server of one FlowMaestro MCP server shares. @internal */
export interface ServerDefinition {
  readonly name: string;
  readonly version: string;
  readonly instructions: string | undefined;
  readonly served: ReadonlyMap<string, ServedTool>;
}

/** The SDK pieces the server uses, loaded on first use. @internal */
export interface ServerSdk {
  readonly McpServer: typeof import("@modelcontextprotocol/sdk/server/mcp.js").McpServer;
  readonly types: typeof import("@modelcontextprotocol/sdk/types.js");
  readonly StdioServerTransport: typeof import("@modelcontextprotocol/sdk/server/stdio.js").StdioServerTransport;
  readonly StreamableHTTPServerTransport: typeof import("@modelcontextprotocol/sdk/server/streamableHttp.js").StreamableHTTPServerTransport;
}

/** Loads the SDK's server modules once; a failed attempt is retried on the next call. @internal */
export const loadServerSdk: () => Promise<ServerSdk> = loadOnce(() =>
  importMcpSdk(async () => {
    const [mcp, types, stdio, http] = await Promise.all([
      import("@modelcontextprotocol/sdk/server/mcp.js"),
      import("@modelcontextprotocol/sdk/types.js"),
      import("@modelcontextprotocol/sdk/server/stdio.js"),
      import("@modelcontextprotocol/sdk/server/streamableHttp.js"),
    ]);
    return {
      McpServer: mcp.McpServer,
      types,
      StdioServerTransport: stdio.StdioServerTransport,
      StreamableHTTPServerTransport: http.StreamableHTTPServerTransport,
    };
  }),
);

/** Key of the caller in the SDK's `authInfo.extra` (how the HTTP layer hands it to handlers). */
const CALLER_KEY = "flowmaestro.caller";

/**
 * The SDK's `authInfo` for a request, carrying the caller. Fields a host's own auth middleware put
 * on `req.auth` are kept; only our handlers read them. @internal
 */
export function withCaller(auth: AuthInfo | undefined, caller: McpCaller): AuthInfo {
  return {
    token: "",
    clientId: "",
    scopes: [],
    ...auth,
    extra: { ...auth?.extra, [CALLER_KEY]: caller },
  };
}

/**
 * One SDK server (one per connection: stdio, each HTTP session) with our `tools/list` and
 * `tools/call` handlers. The SDK's high-level tool registry takes Zod schemas; ours are JSON
 * Schema already, so the handlers are set on the underlying protocol server.
 * @internal
 */
export function createSdkServer(
  sdk: ServerSdk,
  definition: ServerDefinition,
  connectionCaller: ConnectionCaller | undefined,
): SdkMcpServer {
  const server = new sdk.McpServer(
    { name: definition.name, version: definition.version },
    {
      capabilities: { tools: { listChanged: false } },
      ...(definition.instructions === undefined ? {} : { instructions: definition.instructions }),
    },
  );
  const listings = [...definition.served.values()].map((served) => served.listing);
  server.server.setRequestHandler(sdk.types.ListToolsRequestSchema, () => ({ tools: listings }));
  server.server.setRequestHandler(sdk.types.CallToolRequestSchema, (request, extra) => {
    const served = definition.served.get(request.params.name);
    if (!served) {
      // Unknown tools are protocol errors (JSON-RPC -32602), as the MCP spec has it.
      throw new sdk.types.McpError(
        sdk.types.ErrorCode.InvalidParams,
        `Unknown tool "${request.params.name}". Available tools: ${[...definition.served.keys()].join(", ") || "(none)"}.`,
      );
    }
    const caller = (extra.authInfo?.extra?.[CALLER_KEY] as McpCaller | undefined) ?? connectionCaller;
    const progressToken = request.params._meta?.progressToken;
    return callServedTool(served, request.params.arguments, {
      resourceId: caller?.resourceId,
      context: caller?.context ?? {},
      signal: extra.signal,
      agentId: definition.name,
      onEvent: progressToken === undefined ? undefined : reportSteps(served.name, progressToken, extra),
    });
  });
  return server;
}

/**
 * A client that asks for progress (`_meta.progressToken`) gets a `notifications/progress` per
 * finished step of the agent's run: long runs show life, and clients that reset their timeout
 * on progress keep waiting.
 */
function reportSteps(
  toolName: string,
  progressToken: string | number,
  extra: { sendNotification: (notification: ServerNotification) => Promise<void> },
): (event: AgentEvent) => void {
  let steps = 0;
  return (event) => {
    if (event.type !== "step-end") return;
    steps++;
    extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken, progress: steps, message: `${toolName}: step ${steps} done` },
      })
      // The client may be gone; the run goes on (or ends through its signal).
      .catch(() => {});
  };
}
