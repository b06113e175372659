#!/usr/bin/env node
// A stdio MCP server (official SDK) for what the reference servers cannot do on demand: change
// its tool list, answer garbage, exit mid-call, fail to start. `node fixture-server.mjs [mode]`.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const mode = process.argv[2] ?? "normal";
if (mode === "fail-start") {
  process.stderr.write("fixture: cannot start: FIXTURE_CONFIG is missing\n");
  process.exit(2);
}
if (mode === "noisy") process.stdout.write("fixture server starting (a banner on stdout)\n");

const server = new McpServer(
  { name: "fixture", version: "1.0.0" },
  { capabilities: { tools: { listChanged: true } } },
);
const never = () => new Promise(() => {});
/** Answers request `id` with `result` by hand, bypassing the SDK's own checks. */
const answerRaw = (id, result) => process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", id, result })}\n`);

const added = new Map();
server.registerTool(
  "add_tool",
  { description: "Registers a tool named `name`", inputSchema: { name: z.string() } },
  async ({ name }) => {
    added.set(
      name,
      server.registerTool(name, { description: `Says hello from ${name}`, inputSchema: {} }, async () => ({
        content: [{ type: "text", text: `hello from ${name}` }],
      })),
    );
    return { content: [{ type: "text", text: `added ${name}` }] };
  },
);
server.registerTool(
  "remove_tool",
  { description: "Removes the tool named `name`", inputSchema: { name: z.string() } },
  async ({ name }) => {
    added.get(name)?.remove();
    added.delete(name);
    return { content: [{ type: "text", text: `removed ${name}` }] };
  },
);
server.registerTool(
  "garbage",
  { description: "Writes a line that is not JSON-RPC and never answers", inputSchema: {} },
  async () => {
    process.stdout.write("this line is not JSON-RPC\n");
    return never();
  },
);
server.registerTool(
  "bad_result",
  { description: "Answers with a malformed result", inputSchema: {} },
  async (_args, extra) => {
    answerRaw(extra.requestId, { content: "not an array of blocks" });
    return never();
  },
);
server.registerTool(
  "total",
  {
    description: "Returns a total as structured content (or, with valid: false, one that breaks its schema)",
    inputSchema: { valid: z.boolean() },
    outputSchema: { total: z.number() },
  },
  async ({ valid }, extra) => {
    if (valid) return { content: [{ type: "text", text: '{"total":3}' }], structuredContent: { total: 3 } };
    answerRaw(extra.requestId, {
      content: [{ type: "text", text: "three" }],
      structuredContent: { total: "three" },
    });
    return never();
  },
);
server.registerTool(
  "exit",
  { description: "Exits the process while answering", inputSchema: {} },
  async () => {
    process.exit(3);
  },
);

await server.connect(new StdioServerTransport());
