import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { McpServer as SdkMcpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { checkCaller } from "./check-caller.js";
import { type McpCaller, withCaller } from "./sdk-server.js";

/** Decides who an HTTP request comes from; `undefined` rejects it with 401. */
export type McpAuthenticate = (
  request: IncomingMessage,
) => McpCaller | undefined | PromiseLike<McpCaller | undefined>;

/** What the session table needs from the server. @internal */
export interface HttpSessionsOptions {
  readonly authenticate: McpAuthenticate;
  /** A fresh SDK server for a new session (callers come with each request), and the transport class. */
  readonly createServer: () => Promise<{
    server: SdkMcpServer;
    Transport: typeof StreamableHTTPServerTransport;
  }>;
  readonly onError: (error: unknown) => void;
}

/** The Streamable HTTP sessions of one server. @internal */
export interface HttpSessions {
  handle(request: IncomingMessage, response: ServerResponse, parsedBody?: unknown): Promise<void>;
  close(): Promise<void>;
}

interface Session {
  readonly server: SdkMcpServer;
  readonly transport: StreamableHTTPServerTransport;
  /** The caller that opened the session; no other caller can use it. */
  readonly resourceId: string;
}

/**
 * Stateful Streamable HTTP: every request is authenticated first (`authenticate`; `undefined` →
 * 401), an `initialize` without a session id opens a session (its own SDK server and transport,
 * id from `randomUUID`), and later requests must name the session and come from the same
 * resource: another caller's session id is answered 404, as an unknown one is. The caller of each
 * request reaches the tool handlers through the SDK's `authInfo`.
 * @internal
 */
export function createHttpSessions(options: HttpSessionsOptions): HttpSessions {
  const sessions = new Map<string, Session>();
  let closed = false;

  const open = async (
    request: IncomingMessage & { auth?: AuthInfo },
    response: ServerResponse,
    parsedBody: unknown,
    resourceId: string,
  ) => {
    const { server, Transport } = await options.createServer();
    const transport: StreamableHTTPServerTransport = new Transport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, { server, transport, resourceId });
      },
      onsessionclosed: (sessionId) => {
        sessions.delete(sessionId);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(request, response, parsedBody);
    // Anything but a successful `initialize` opened no session: drop its server at once.
    if (transport.sessionId === undefined || !sessions.has(transport.sessionId)) await server.close();
  };

  return {
    async handle(request: IncomingMessage & { auth?: AuthInfo }, response, parsedBody) {
      if (closed) return sendError(response, 503, -32000, "The MCP server is closed.");
      let caller: McpCaller | undefined;
      try {
        caller = await options.authenticate(request);
        if (caller !== undefined) checkCaller(caller, "authenticate()");
      } catch (error) {
        // The hook's error may describe credentials: it goes to the host, never to the client.
        options.onError(error);
        return sendError(response, 500, -32603, "Internal error");
      }
      if (caller === undefined) {
        return sendError(response, 401, -32001, "Unauthorized", { "www-authenticate": "Bearer" });
      }
      request.auth = withCaller(request.auth, caller);
      const sessionId = request.headers["mcp-session-id"];
      if (sessionId === undefined) return open(request, response, parsedBody, caller.resourceId);
      const session = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
      if (session === undefined || session.resourceId !== caller.resourceId) {
        return sendError(response, 404, -32001, "Session not found");
      }
      return session.transport.handleRequest(request, response, parsedBody);
    },
    async close() {
      closed = true;
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map((session) => session.server.close()));
    },
  };
}

function sendError(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
