import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectCancellationStopsCalls } from "./__fixtures__/expect-cancellation.js";
import {
  createInMemoryStorage,
  plainTools,
  RUNTIMES,
  type RuntimeName,
  recallingTurn,
  scriptedAgent,
  servedAgents,
  servedToolNames,
} from "./__fixtures__/served.js";
import {
  createMcpServer,
  type McpAuthenticate,
  type McpHttpListener,
  type McpServer,
} from "./create-mcp-server.js";

// The server over Streamable HTTP with the official SDK client: `listen()` on port 0, and
// `handleHttp` in the test's own node:http server. Agents run on both runtimes.

const CALLERS: Record<string, { resourceId: string; context: { tenantId: string } }> = {
  "Bearer token-a": { resourceId: "user-a", context: { tenantId: "acme" } },
  "Bearer token-b": { resourceId: "user-b", context: { tenantId: "globex" } },
};
const authenticate: McpAuthenticate = (request) => CALLERS[request.headers.authorization ?? ""];

const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function connect(url: URL, token: string | undefined) {
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "test-client", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

function textOf(result: unknown): string {
  return ((result as { content: unknown }).content as Array<{ type: string; text?: string }>)
    .map((block) => block.text ?? "")
    .join("");
}

describe.each(Object.keys(RUNTIMES) as RuntimeName[])("over Streamable HTTP, agents on %s", (runtime) => {
  const events: string[] = [];
  let server: McpServer;
  let listener: McpHttpListener;

  beforeAll(async () => {
    server = createMcpServer({
      name: "http-fixture",
      agents: servedAgents(runtime, (event) => events.push(event)),
      tools: plainTools((event) => events.push(event)),
      authenticate,
    });
    listener = await server.listen({ port: 0 });
  });
  afterAll(() => server.close());

  it("lists agents and tools with their schemas", async () => {
    const { client } = await connect(listener.url, "token-a");
    expect(client.getServerVersion()).toMatchObject({ name: "http-fixture" });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(servedToolNames(runtime));
    const helper = tools[0];
    // No memory, so no threadId to offer.
    expect(helper?.inputSchema).toEqual({
      type: "object",
      properties: { message: expect.objectContaining({ type: "string" }) },
      required: ["message"],
      additionalProperties: false,
    });
    expect(helper?.outputSchema).toMatchObject({
      type: "object",
      required: ["text", "status", "runId", "usage"],
    });
    expect(tools.find((tool) => tool.name === "echo")?.inputSchema).toMatchObject({ required: ["text"] });
  });

  it("runs an agent: its final text, and status and usage as structuredContent", async () => {
    const { client } = await connect(listener.url, "token-a");
    const result = await client.callTool({ name: `helper_${runtime}`, arguments: { message: "Hi" } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: "text", text: `Hello from ${runtime}` }]);
    expect(result.structuredContent).toMatchObject({
      text: `Hello from ${runtime}`,
      status: "completed",
      runId: expect.any(String),
      usage: { inputTokens: 12, outputTokens: 7, totalTokens: 19 },
    });
  });

  it("reports each finished step as progress when the client asks for it", async () => {
    const { client } = await connect(listener.url, "token-a");
    const progress: Array<{ progress: number; message?: string }> = [];
    await client.callTool({ name: `helper_${runtime}`, arguments: { message: "Hi" } }, undefined, {
      onprogress: (notification) => progress.push(notification),
    });
    expect(progress).toEqual([{ progress: 1, message: `helper_${runtime}: step 1 done` }]);
  });

  it("answers a failed run with isError and the run's status", async () => {
    const { client } = await connect(listener.url, "token-a");
    const result = await client.callTool({ name: "broken", arguments: { message: "Hi" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Agent "broken" ended with status "failed".*provider down/);
    expect(result.structuredContent).toMatchObject({ status: "failed", runId: expect.any(String) });
  });

  it("answers invalid arguments with isError, before anything runs", async () => {
    const { client } = await connect(listener.url, "token-a");
    const agent = await client.callTool({ name: `helper_${runtime}`, arguments: { message: 42 } });
    expect(agent.isError).toBe(true);
    expect(textOf(agent)).toMatch(/Invalid arguments.*`message`/);
    const tool = await client.callTool({ name: "echo", arguments: {} });
    expect(tool.isError).toBe(true);
    expect(textOf(tool)).toMatch(/Invalid arguments for tool "echo".*`text`/);
  });

  it("hands tools the authenticated caller's resource and context, never the arguments'", async () => {
    const { client } = await connect(listener.url, "token-b");
    const result = await client.callTool({
      name: "echo",
      arguments: { text: "x", resourceId: "user-a" },
    });
    expect(result.structuredContent).toMatchObject({ resourceId: "user-b", context: { tenantId: "globex" } });
  });

  it("cancelling a call aborts the agent's run and the tool", async () => {
    const { client } = await connect(listener.url, "token-a");
    await expectCancellationStopsCalls(client, events);
  });
});

describe("Streamable HTTP auth and sessions", () => {
  let server: McpServer;
  let http: Server;
  let url: URL;
  const storage = createInMemoryStorage();

  beforeAll(async () => {
    server = createMcpServer({
      agents: [scriptedAgent(RUNTIMES.legacy(), [recallingTurn], { name: "recall", storage, loop: true })],
      tools: plainTools(),
      authenticate,
    });
    // The host's own server, with the handler on one path.
    http = createServer((request, response) => {
      if (request.url?.startsWith("/api/mcp")) void server.handleHttp(request, response);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/api/mcp`);
  });
  afterAll(async () => {
    await server.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  it("answers 401 when authenticate returns undefined", async () => {
    await expect(connect(url, undefined)).rejects.toThrow(/401|Unauthorized/);
    await expect(connect(url, "token-z")).rejects.toThrow(/401|Unauthorized/);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("answers 500 without details when authenticate throws, and tells the host", async () => {
    const errors: unknown[] = [];
    const failing = createMcpServer({
      tools: plainTools(),
      authenticate: () => {
        throw new Error("token store down: Bearer abcdefghijklmnop");
      },
      onError: (error) => errors.push(error),
    });
    const listener = await failing.listen({ port: 0 });
    try {
      const response = await fetch(listener.url, { method: "POST", body: "{}" });
      expect(response.status).toBe(500);
      expect(await response.text()).not.toMatch(/token store|abcdefghijklmnop/);
      expect(errors).toHaveLength(1);
    } finally {
      await failing.close();
    }
  });

  it("scopes a threadId to the authenticated caller: another caller's thread is not reachable", async () => {
    const a = await connect(url, "token-a");
    const b = await connect(url, "token-b");
    const [recall] = (await a.client.listTools()).tools;
    expect(recall?.inputSchema.properties).toHaveProperty("threadId");
    const first = await a.client.callTool({
      name: "recall",
      arguments: { message: "my code is 4711", threadId: "shared-id" },
    });
    expect(textOf(first)).toBe("seen: my code is 4711");
    const again = await a.client.callTool({
      name: "recall",
      arguments: { message: "what is my code?", threadId: "shared-id" },
    });
    expect(textOf(again)).toBe("seen: my code is 4711 | what is my code?");
    const other = await b.client.callTool({
      name: "recall",
      arguments: { message: "what is the code?", threadId: "shared-id" },
    });
    // B's "shared-id" is B's own thread: it starts empty, and A's thread does not get B's message.
    expect(textOf(other)).toBe("seen: what is the code?");
    expect(JSON.stringify(other)).not.toContain("4711");
    const last = await a.client.callTool({
      name: "recall",
      arguments: { message: "bye", threadId: "shared-id" },
    });
    expect(textOf(last)).toBe("seen: my code is 4711 | what is my code? | bye");
  });

  it("binds a session to the caller that opened it", async () => {
    const a = await connect(url, "token-a");
    const sessionId = a.transport.sessionId;
    expect(sessionId).toEqual(expect.any(String));
    const request = (token: string) =>
      fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-session-id": sessionId as string,
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 99, method: "tools/list" }),
      });
    const hijack = await request("token-b");
    expect(hijack.status).toBe(404);
    await hijack.body?.cancel();
    const owner = await request("token-a");
    expect(owner.status).toBe(200);
    await owner.body?.cancel();
  });

  it("ends a session the client deletes", async () => {
    const a = await connect(url, "token-a");
    const sessionId = a.transport.sessionId as string;
    await a.transport.terminateSession();
    const response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: "Bearer token-a",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": sessionId,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(404);
  });

  it("closing the listener and server stops answering", async () => {
    const local = createMcpServer({ tools: plainTools(), authenticate });
    const listener = await local.listen({ port: 0, path: "/mcp" });
    const { client } = await connect(listener.url, "token-a");
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    const wrongPath = await fetch(new URL("/other", listener.url));
    expect(wrongPath.status).toBe(404);
    await local.close();
    await expect(fetch(listener.url, { method: "POST", body: "{}" })).rejects.toThrow();
  });
});
