import { describe, expect, it, vi } from "vitest";
import { McpToolError } from "../errors/mcp-tool-error.js";
import { MissingToolResolverError } from "../errors/missing-tool-resolver-error.js";
import { callTool, sleep } from "./__fixtures__/call-tool.js";
import type { McpCallToolResult, McpClient } from "./mcp-client.js";
import { mcpTool } from "./mcp-tool.js";

const issueSchema = {
  type: "object",
  properties: { repo: { type: "string" }, title: { type: "string", minLength: 1 } },
  required: ["repo", "title"],
};

function fakeClient(answer: (name: string, args: Record<string, unknown> | undefined) => McpCallToolResult) {
  return {
    callTool: vi.fn<McpClient["callTool"]>(async (params) => answer(params.name, params.arguments)),
  };
}

describe("mcpTool", () => {
  it("calls the server's tool with validated arguments and returns its result", async () => {
    const client = fakeClient((name, args) => ({
      content: [{ type: "text", text: `created ${String(args?.title)} via ${name}` }],
    }));
    const tool = mcpTool(
      { name: "github_create_issue", serverId: "github", toolName: "create_issue", inputSchema: issueSchema },
      { mcpClients: { github: client } },
    );
    expect(tool.kind).toBe("mcp");
    const result = await callTool(tool, { repo: "acme/app", title: "Bug" });
    expect(result).toMatchObject({
      isError: false,
      output: { content: [{ type: "text", text: "created Bug via create_issue" }] },
    });
    expect(client.callTool).toHaveBeenCalledWith(
      { name: "create_issue", arguments: { repo: "acme/app", title: "Bug" } },
      { signal: expect.any(AbortSignal) },
    );
  });

  it("calls the tool by its own name by default and keeps structured content", async () => {
    const client = fakeClient(() => ({
      content: [
        { type: "text", text: '{"n":1}' },
        { type: "image", data: "AAAA", mimeType: "image/png" },
      ],
      structuredContent: { n: 1 },
    }));
    const tool = mcpTool(
      { name: "count", serverId: "s", inputSchema: { type: "object" } },
      { mcpClients: { s: client } },
    );
    expect(await callTool(tool, {})).toMatchObject({ output: { structuredContent: { n: 1 } } });
    expect(client.callTool.mock.calls[0]?.[0].name).toBe("count");
  });

  it("shows the model every content block: text, images, resources", async () => {
    const client = fakeClient(() => ({
      content: [
        { type: "text", text: "Here:" },
        { type: "image", data: "AAAA", mimeType: "image/png" },
        { type: "resource_link", uri: "file:///a.txt", name: "a" },
        { type: "resource", resource: { uri: "file:///b.txt", text: "inline b" } },
      ],
    }));
    const tool = mcpTool(
      { name: "fetch", serverId: "s", inputSchema: { type: "object" } },
      { mcpClients: { s: client } },
    );
    const output = (await callTool(tool, {})).output;
    expect(tool.toModelOutput?.(output as never)).toEqual({
      type: "content",
      value: [
        { type: "text", text: "Here:" },
        { type: "image-data", data: "AAAA", mediaType: "image/png" },
        { type: "text", text: "[Resource link a <file:///a.txt>]" },
        { type: "text", text: "[Resource file:///b.txt]\ninline b" },
      ],
    });
  });

  it("turns isError results into tool errors carrying the server's text", async () => {
    const client = fakeClient(() => ({
      content: [{ type: "text", text: "Repository acme/nope not found" }],
      isError: true,
    }));
    const tool = mcpTool(
      { name: "create_issue", serverId: "github", inputSchema: issueSchema },
      { mcpClients: { github: client } },
    );
    const result = await callTool(tool, { repo: "acme/nope", title: "Bug" });
    expect(result.isError).toBe(true);
    expect(result.error?.code).toBe("TOOL_EXECUTION_FAILED");
    expect(result.error?.category).toBe("tool");
    expect(result.error?.message).toBe('Tool "create_issue" failed: Repository acme/nope not found');
    expect(McpToolError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({
      serverId: "github",
      mcpToolName: "create_issue",
      toolCallId: "call_1",
    });
  });

  it("rejects invalid arguments without calling the server", async () => {
    const client = fakeClient(() => ({ content: [] }));
    const tool = mcpTool(
      { name: "create_issue", serverId: "github", inputSchema: issueSchema },
      { mcpClients: { github: client } },
    );
    const result = await callTool(tool, { repo: "acme/app", title: "" });
    expect(result.error?.code).toBe("INVALID_TOOL_ARGUMENTS");
    expect(result.error?.message).toContain("`title` must be at least 1 characters long");
    expect(client.callTool).not.toHaveBeenCalled();
  });

  it("validates the result against an output schema", async () => {
    const client = fakeClient(() => ({ content: [], structuredContent: { count: "three" } }));
    const tool = mcpTool(
      {
        name: "count",
        serverId: "s",
        inputSchema: { type: "object" },
        outputSchema: { type: "object", properties: { count: { type: "integer" } } },
      },
      { mcpClients: { s: client } },
    );
    const result = await callTool(tool, {});
    expect(result.error?.code).toBe("INVALID_TOOL_OUTPUT");
    expect(result.error?.message).toContain("`structuredContent.count` must be of type");
  });

  it("times out and aborts the MCP request", async () => {
    let signal: AbortSignal | undefined;
    const client: McpClient = {
      callTool: async (_params, options) => {
        signal = options?.signal;
        await sleep(1_000, options?.signal);
        return { content: [] };
      },
    };
    const tool = mcpTool(
      { name: "slow", serverId: "s", inputSchema: { type: "object" }, timeoutMs: 15 },
      { mcpClients: { s: client } },
    );
    expect((await callTool(tool, {})).error?.code).toBe("TOOL_TIMEOUT");
    expect(signal?.aborted).toBe(true);
  });

  it("reports a failed request as a tool error", async () => {
    const client: McpClient = {
      callTool: async () => {
        throw new Error("MCP error -32000: Connection closed");
      },
    };
    const tool = mcpTool(
      { name: "ping", serverId: "s", inputSchema: { type: "object" } },
      { mcpClients: { s: client } },
    );
    const result = await callTool(tool, {});
    expect(result.error?.code).toBe("TOOL_EXECUTION_FAILED");
    expect(result.error?.message).toBe('Tool "ping" failed: MCP error -32000: Connection closed');
  });

  it("fails at build time without MCP clients", () => {
    let error: unknown;
    try {
      mcpTool({ name: "ping", serverId: "s", inputSchema: { type: "object" } }, {});
    } catch (caught) {
      error = caught;
    }
    expect(MissingToolResolverError.isInstance(error)).toBe(true);
    expect((error as MissingToolResolverError).option).toBe("mcpClients");
  });

  it("fails at build time for a server with no client, listing the servers passed", () => {
    let error: unknown;
    try {
      mcpTool(
        { name: "ping", serverId: "jira", inputSchema: { type: "object" } },
        { mcpClients: { github: fakeClient(() => ({})), slack: fakeClient(() => ({})) } },
      );
    } catch (caught) {
      error = caught;
    }
    expect(MissingToolResolverError.isInstance(error)).toBe(true);
    const missing = error as MissingToolResolverError;
    expect(missing.option).toBe('mcpClients["jira"]');
    expect(missing.field).toBe("tools.ping.serverId");
    expect(missing.message).toContain('Servers passed: "github", "slack".');
  });

  it("does not resolve server ids through the object prototype", () => {
    expect(() =>
      mcpTool({ name: "ping", serverId: "toString", inputSchema: { type: "object" } }, { mcpClients: {} }),
    ).toThrow(/mcpClients\["toString"\]/);
  });
});
