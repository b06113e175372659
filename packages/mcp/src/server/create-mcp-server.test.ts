import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  createInMemoryStorage,
  PIXEL_PNG,
  PLAIN_TOOL_NAMES,
  plainTools,
  RUNTIMES,
  recallingTurn,
  scriptedAgent,
} from "./__fixtures__/served.js";
import { createMcpServer, type McpServer } from "./create-mcp-server.js";

// Served tools through the official SDK client over an in-memory pair: the mapping of outcomes
// to MCP results, independent of the transport (the stdio and HTTP files cover the transports).

let server: McpServer | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

async function connected(options: Parameters<typeof createMcpServer>[0], caller?: { resourceId: string }) {
  server = createMcpServer(options);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide, caller);
  client = new Client({ name: "test-client", version: "1.0.0" });
  await client.connect(clientSide);
  return client;
}

function handles(): string[] {
  return process.getActiveResourcesInfo().filter((name) => name !== "Timeout" && name !== "Immediate");
}

describe("createMcpServer", () => {
  it("opens nothing until a transport is asked for", () => {
    const before = handles();
    const created = createMcpServer({ tools: plainTools(), authenticate: () => undefined });
    expect(created.toolNames).toEqual(PLAIN_TOOL_NAMES);
    expect(handles()).toEqual(before);
  });

  it("reports every tool it cannot serve, by option path", () => {
    const [echo, shout] = plainTools();
    const bad = { ...shout!, name: "bad name!" };
    const notObject = { ...shout!, name: "list", jsonSchema: { type: "array" as const } };
    expect(() => createMcpServer({ tools: [echo!, bad, notObject, echo!] })).toThrow(
      expect.objectContaining({
        code: "INVALID_DEFINITION",
        issues: ["tools.1.name", "tools.2.jsonSchema", "tools.3.name"].map((field) =>
          expect.objectContaining({ field }),
        ),
      }),
    );
  });

  it("rejects an agent that is not an Agent", () => {
    expect(() => createMcpServer({ agents: [{} as never] })).toThrow(/agents\.0.*createAgent/);
  });

  it("needs authenticate to serve over HTTP", async () => {
    const created = createMcpServer({ tools: plainTools() });
    await expect(created.listen({ port: 0 })).rejects.toThrow(/authenticate/);
  });
});

describe("served tools (in-memory transport)", () => {
  it("lists tools with their JSON Schema as the input schema", async () => {
    const mcp = await connected({ tools: plainTools() });
    const { tools } = await mcp.listTools();
    const echo = tools.find((tool) => tool.name === "echo");
    expect(echo?.description).toBe("Echoes a text.");
    expect(echo?.inputSchema).toMatchObject({
      type: "object",
      properties: { text: { type: "string" }, times: { type: "integer" } },
      required: ["text"],
    });
    expect(echo?.outputSchema).toBeUndefined();
  });

  it("answers an object as JSON text and structuredContent, with the caller's resource and context", async () => {
    const mcp = await connected({ tools: plainTools() }, {
      resourceId: "user-1",
      context: { tenantId: "acme" },
    } as never);
    const result = await mcp.callTool({ name: "echo", arguments: { text: "ab", times: 2 } });
    const expected = { echoed: "abab", resourceId: "user-1", context: { tenantId: "acme" } };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(expected);
    expect(result.content).toEqual([{ type: "text", text: JSON.stringify(expected) }]);
  });

  it("answers a string as text", async () => {
    const mcp = await connected({ tools: plainTools() });
    const result = await mcp.callTool({ name: "shout", arguments: { text: "hi" } });
    expect(result).toEqual({ content: [{ type: "text", text: "HI" }] });
  });

  it("maps toModelOutput content parts to content blocks, images as image blocks", async () => {
    const mcp = await connected({ tools: plainTools() });
    const result = await mcp.callTool({ name: "pixel", arguments: {} });
    expect(result.content).toEqual([
      { type: "text", text: "A pixel:" },
      { type: "image", data: PIXEL_PNG, mimeType: "image/png" },
    ]);
  });

  it("answers invalid arguments with isError and what is wrong", async () => {
    const mcp = await connected({ tools: plainTools() });
    const result = await mcp.callTool({ name: "echo", arguments: { text: 3, times: 9 } });
    expect(result.isError).toBe(true);
    const text = (result.content as Array<{ text: string }>)[0]?.text;
    expect(text).toMatch(/Invalid arguments for tool "echo"/);
    expect(text).toMatch(/`text`/);
    expect(text).toMatch(/`times`/);
  });

  it("answers a failing tool with isError, its secret redacted", async () => {
    const mcp = await connected({ tools: plainTools() });
    const result = await mcp.callTool({ name: "leaky", arguments: {} });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: "text", text: 'Tool "leaky" failed: upstream refused key [redacted]' },
    ]);
    expect(JSON.stringify(result)).not.toContain("sk-live");
  });

  it("refuses a call that needs approval, and runs one that does not", async () => {
    const mcp = await connected({ tools: plainTools() });
    const refused = await mcp.callTool({ name: "guarded", arguments: { amount: 500 } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/declined.*approval/);
    const allowed = await mcp.callTool({ name: "guarded", arguments: { amount: 5 } });
    expect(allowed.structuredContent).toEqual({ paid: 5 });
  });

  it("answers an unknown tool with a protocol error listing the tools", async () => {
    const mcp = await connected({ tools: plainTools() });
    await expect(mcp.callTool({ name: "nope", arguments: {} })).rejects.toThrow(
      /-32602.*Unknown tool "nope"\. Available tools: echo, shout/,
    );
  });
});

describe("served agents (in-memory transport)", () => {
  it("takes asTool options per agent: the name and description it is listed under", async () => {
    const agent = scriptedAgent(RUNTIMES.legacy(), [{ text: "ok" }]);
    const mcp = await connected({ agents: [{ agent, name: "ask_helper", description: "Asks the helper." }] });
    const { tools } = await mcp.listTools();
    expect(tools.map((tool) => [tool.name, tool.description])).toEqual([["ask_helper", "Asks the helper."]]);
  });

  it("reports a failed run's usage in structuredContent", async () => {
    const agent = scriptedAgent(RUNTIMES.legacy(), [
      { toolCalls: [{ toolName: "missing", input: {} }], usage: { inputTokens: 3, outputTokens: 2 } },
      { error: new Error("provider down") },
    ]);
    const mcp = await connected({ agents: [agent] });
    const result = await mcp.callTool({ name: "helper", arguments: { message: "Hi" } });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({
      text: "",
      status: "failed",
      usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
    });
  });

  it("refuses a threadId when the connection has no resource to scope it by", async () => {
    const agent = scriptedAgent(RUNTIMES.legacy(), [recallingTurn], { storage: createInMemoryStorage() });
    const mcp = await connected({ agents: [agent] });
    const result = await mcp.callTool({ name: "helper", arguments: { message: "Hi", threadId: "t-1" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/threadId.*no resourceId/);
  });
});
