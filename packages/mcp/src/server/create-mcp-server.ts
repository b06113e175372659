import type { Server as HttpServer, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Agent,
  type AgentTool,
  type AgentToolOptions,
  InvalidDefinitionError,
  type RunContext,
} from "@flowmaestro/runtime";
import type { McpServer as SdkMcpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { AGENT_OUTPUT_SCHEMA } from "./agent-output-schema.js";
import { checkCaller } from "./check-caller.js";
import { createHttpSessions, type HttpSessions, type McpAuthenticate } from "./http-sessions.js";
import {
  type ConnectionCaller,
  createSdkServer,
  loadServerSdk,
  type McpCaller,
  type ServerDefinition,
} from "./sdk-server.js";
import { type ServedTool, serveTools } from "./served-tools.js";

export type { McpAuthenticate } from "./http-sessions.js";
export type { McpCaller } from "./sdk-server.js";

/** An agent to serve with its tool options (name, description, `maxDepth`, `timeoutMs`…). */
export interface McpServedAgent extends AgentToolOptions {
  readonly agent: Agent;
}

/** Options of {@link createMcpServer}. */
export interface CreateMcpServerOptions {
  /**
   * Agents to serve, one MCP tool each (built with `agent.asTool()`): it takes
   * `{ message, threadId? }` and answers with the agent's final text, plus the run's `text`,
   * `status`, `runId`, `usage` and `costUsd` as `structuredContent`. Give `{ agent, name, ... }` to
   * set the tool's name or description. @default []
   */
  agents?: readonly (Agent | McpServedAgent)[];
  /**
   * Plain tools to serve (`defineTool`, `@flowmaestro/tools`): their JSON Schema is the MCP input
   * schema, their output the result (text, or JSON text plus `structuredContent` for an object;
   * `toModelOutput` content parts as MCP content blocks, images as image blocks). @default []
   */
  tools?: readonly AgentTool[];
  /** Server name sent to clients at `initialize`. @default "flowmaestro" */
  name?: string;
  /** Server version sent to clients at `initialize`. @default "0.0.0" */
  version?: string;
  /** What the server is for, sent to clients at `initialize` (clients may show it to their model). */
  instructions?: string;
  /**
   * Streamable HTTP only: decides who each request comes from. Return the caller (its `resourceId`
   * scopes memory: threads are looked up within it) or `undefined` to answer 401. Required by
   * {@link McpServer.handleHttp} and {@link McpServer.listen}; a throw answers 500 and goes to
   * `onError`. The resource id never comes from tool arguments.
   *
   * @example
   * ```ts
   * authenticate: (req) => {
   *   const user = sessions.get(req.headers.authorization ?? "");
   *   return user ? { resourceId: user.id, context: { tenantId: user.tenantId } } : undefined;
   * }
   * ```
   */
  authenticate?: McpAuthenticate;
  /**
   * Called with errors no client can be told about: a throwing `authenticate`, a failing HTTP
   * handler, and the SDK's protocol and transport errors (a client's malformed request among
   * them). @default logs the first two with `console.error`, ignores the SDK's
   */
  onError?: (error: unknown) => void;
}

/** Options of {@link McpServer.connectStdio}. */
export interface McpStdioOptions {
  /**
   * The resource every call over this connection is for (1 to 200 characters): stdio has one
   * caller, the host that started the process. Needed for agents with memory (`threadId`).
   */
  resourceId?: string;
  /** The run context of every call over this connection. @default {} */
  context?: RunContext;
}

/** Options of {@link McpServer.listen}. */
export interface McpListenOptions {
  /** TCP port; `0` picks a free one (read it from the result). */
  port: number;
  /** @default "127.0.0.1" (this machine only) */
  host?: string;
  /** The endpoint's path; other paths get 404. @default "/mcp" */
  path?: string;
}

/** A running HTTP listener from {@link McpServer.listen}. */
export interface McpHttpListener {
  /** The endpoint, e.g. `http://127.0.0.1:53211/mcp`. */
  readonly url: URL;
  readonly port: number;
  /** Stops listening and ends its connections. Sessions stay open until the server closes. */
  close(): Promise<void>;
}

/**
 * FlowMaestro agents and tools served over MCP. Nothing is opened when it is created: the host
 * chooses the transport (stdio, Streamable HTTP in its own `node:http`/Express server, or
 * {@link listen}).
 */
export interface McpServer {
  readonly name: string;
  readonly version: string;
  /** Names of the MCP tools served: agents first, in order, then tools. */
  readonly toolNames: readonly string[];
  /**
   * Serves over stdin/stdout (for a process an MCP host starts). Resolves once connected; the
   * connection ends when stdin ends or {@link close} is called. Write logs to stderr: stdout
   * carries the protocol.
   * @throws {InvalidDefinitionError} a bad `resourceId`/`context`, or stdio is connected already.
   */
  connectStdio(options?: McpStdioOptions): Promise<void>;
  /**
   * Handles one Streamable HTTP request (POST, GET and DELETE of the MCP endpoint), from a
   * `node:http` server or Express (pass `req.body` as `parsedBody` when a body parser ran).
   * Authenticates it with `authenticate` (401 when it returns `undefined`); sessions are stateful
   * and bound to the caller that opened them. Never rejects: a failure is answered 500 and goes to
   * `onError`.
   *
   * @example
   * ```ts
   * http.createServer((req, res) => void server.handleHttp(req, res)).listen(3000);
   * ```
   */
  handleHttp(request: IncomingMessage, response: ServerResponse, parsedBody?: unknown): Promise<void>;
  /**
   * Starts a `node:http` server for the endpoint (a convenience over {@link handleHttp}).
   * @throws {InvalidDefinitionError} when no `authenticate` is set.
   */
  listen(options: McpListenOptions): Promise<McpHttpListener>;
  /** Serves over any MCP transport of the SDK (e.g. `InMemoryTransport`), for one caller. */
  connect(transport: Transport, caller?: McpCaller): Promise<void>;
  /**
   * Closes every connection, session and listener; calls in flight are aborted (their runs end
   * `aborted`).
   */
  close(): Promise<void>;
}

/**
 * Serves agents and tools over MCP (stdio, Streamable HTTP): one MCP tool per agent, answering
 * with its final text and the run's status and usage, and one per plain tool. The MCP SDK
 * (`@modelcontextprotocol/sdk@^1.32`, a peer) is loaded when a transport is first used.
 *
 * @throws {InvalidDefinitionError} for a tool or agent that cannot be served (bad name, non-object
 *   schema, two with the same name), listing each by option path.
 *
 * @example
 * ```ts
 * const server = createMcpServer({ agents: [support], tools: [lookupOrder] });
 * await server.connectStdio({ resourceId: "local-user" });
 * ```
 */
export function createMcpServer(options: CreateMcpServerOptions): McpServer {
  if (typeof options !== "object" || options === null) {
    throw new InvalidDefinitionError({
      subject: "MCP server",
      issues: [{ field: "(root)", expected: "an object" }],
    });
  }
  const served = serveTools([
    ...(options.agents ?? []).map((entry, index) => agentEntry(entry, index)),
    ...(options.tools ?? []).map((tool, index) => ({ kind: "tool" as const, field: `tools.${index}`, tool })),
  ]);
  const definition: ServerDefinition = {
    name: options.name ?? "flowmaestro",
    version: options.version ?? "0.0.0",
    instructions: options.instructions,
    served,
  };
  const onError = options.onError ?? ((error: unknown) => console.error("[@flowmaestro/mcp]", error));
  // A client's bad request is reported by the SDK as an error too: only a host that asks hears it.
  const onProtocolError = options.onError ?? (() => {});
  const connections = new Set<SdkMcpServer>();
  const listeners = new Set<HttpServer>();
  let sessions: HttpSessions | undefined;
  let stdio: Promise<void> | undefined;

  const attach = async (transport: Transport, caller: ConnectionCaller | undefined) => {
    const server = createSdkServer(await loadServerSdk(), definition, caller);
    server.server.onerror = onProtocolError;
    connections.add(server);
    server.server.onclose = () => connections.delete(server);
    await server.connect(transport);
  };

  const httpSessions = (): HttpSessions => {
    const authenticate = options.authenticate;
    if (typeof authenticate !== "function") {
      throw new InvalidDefinitionError({
        subject: "MCP server",
        issues: [
          {
            field: "authenticate",
            expected:
              "a function of the HTTP request returning { resourceId } or undefined (needed to serve over HTTP)",
          },
        ],
      });
    }
    sessions ??= createHttpSessions({
      authenticate,
      onError,
      createServer: async () => {
        const sdk = await loadServerSdk();
        const server = createSdkServer(sdk, definition, undefined);
        server.server.onerror = onProtocolError;
        return { server, Transport: sdk.StreamableHTTPServerTransport };
      },
    });
    return sessions;
  };

  const handleHttp = async (request: IncomingMessage, response: ServerResponse, parsedBody?: unknown) => {
    try {
      await httpSessions().handle(request, response, parsedBody);
    } catch (error) {
      onError(error);
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "Internal error" }, id: null }),
      );
    }
  };

  return {
    name: definition.name,
    version: definition.version,
    toolNames: [...served.keys()],
    async connect(transport, caller) {
      if (caller !== undefined) checkCaller(caller, "connect()");
      await attach(transport, caller);
    },
    handleHttp,
    async connectStdio(stdioOptions = {}) {
      const { resourceId, context } = stdioOptions;
      // Over stdio the resource id is optional: a host whose agents have no memory needs none.
      checkCaller({ resourceId: resourceId ?? "-", context }, "connectStdio()");
      if (stdio) {
        throw new InvalidDefinitionError({
          subject: "MCP server",
          message: "connectStdio() was called already: a process has one stdin and stdout.",
          issues: [{ field: "connectStdio", expected: "called once" }],
        });
      }
      stdio = (async () => {
        const { StdioServerTransport } = await loadServerSdk();
        const transport = new StdioServerTransport();
        // The SDK's stdio transport ignores the end of stdin; the host closing it ends the
        // connection here, so runs in flight are aborted instead of running on unseen.
        process.stdin.once("end", () => void transport.close());
        await attach(transport, { resourceId, context });
      })();
      stdio.catch(() => {
        stdio = undefined;
      });
      return stdio;
    },
    async listen(listenOptions) {
      httpSessions();
      const path = listenOptions.path ?? "/mcp";
      const { createServer } = await import("node:http");
      const listener = createServer((request, response) => {
        const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
        if (pathname !== path) {
          response.writeHead(404, { "content-type": "text/plain" }).end("Not found");
          return;
        }
        void handleHttp(request, response);
      });
      await new Promise<void>((resolve, reject) => {
        listener.once("error", reject);
        listener.listen(listenOptions.port, listenOptions.host ?? "127.0.0.1", () => {
          listener.off("error", reject);
          resolve();
        });
      });
      listeners.add(listener);
      const address = listener.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return {
        url: new URL(`http://${host}:${address.port}${path}`),
        port: address.port,
        close: () => closeListener(listener, listeners),
      };
    },
    async close() {
      await Promise.allSettled([
        sessions?.close(),
        ...[...connections].map((server) => server.close()),
        ...[...listeners].map((listener) => closeListener(listener, listeners)),
      ]);
    },
  };
}

function agentEntry(
  entry: Agent | McpServedAgent,
  index: number,
): { kind: ServedTool["kind"]; field: string; tool: AgentTool; outputSchema: typeof AGENT_OUTPUT_SCHEMA } {
  const field = `agents.${index}`;
  const wrapped = typeof entry === "object" && entry !== null && "agent" in entry;
  const { agent, ...asToolOptions } = wrapped ? entry : { agent: entry };
  if (typeof agent?.asTool !== "function") {
    throw new InvalidDefinitionError({
      subject: "MCP server",
      issues: [{ field: wrapped ? `${field}.agent` : field, expected: "an Agent from createAgent()" }],
    });
  }
  return { kind: "agent", field, tool: agent.asTool(asToolOptions), outputSchema: AGENT_OUTPUT_SCHEMA };
}

function closeListener(listener: HttpServer, listeners: Set<HttpServer>): Promise<void> {
  listeners.delete(listener);
  return new Promise((resolve) => {
    listener.close(() => resolve());
    // Open SSE streams would keep `close` waiting: end every connection now.
    listener.closeAllConnections();
  });
}
