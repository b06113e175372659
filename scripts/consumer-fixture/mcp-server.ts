// An MCP server a new user writes with the packed packages: a JSON-Schema tool served over stdio
// by `createMcpServer`. consumer.ts starts it as a child process and gives its tool to agents.
import { createMcpServer } from "@flowmaestro/mcp";
import { jsonSchemaTool } from "@flowmaestro/tools";

const multiply = jsonSchemaTool<{ a: number; b: number }, { product: number }>({
  name: "multiply",
  description: "Multiplies two numbers.",
  inputSchema: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
  },
  execute: ({ a, b }) => ({ product: a * b }),
});

createMcpServer({ name: "calc", tools: [multiply] })
  .connectStdio({ resourceId: "consumer" })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
