// An MCP server process for the stdio tests: `node --import tsx stdio-server.ts <legacy|mastra>`.
// It serves the agents on that runtime and the plain tools, and writes what long calls do
// (`started:<name>`, `aborted:<name>`) to stderr, one per line (stdout carries the protocol).
import { createMcpServer } from "../create-mcp-server.js";
import { plainTools, RUNTIMES, type RuntimeName, servedAgents } from "./served.js";

const runtime = process.argv[2] as RuntimeName;
if (!(runtime in RUNTIMES)) throw new Error(`usage: stdio-server.ts <${Object.keys(RUNTIMES).join("|")}>`);

const probe = (event: string) => process.stderr.write(`${event}\n`);
const server = createMcpServer({
  name: "fixture",
  version: "1.2.3",
  agents: servedAgents(runtime, probe),
  tools: plainTools(probe),
});
await server.connectStdio({ resourceId: "stdio-user", context: { via: "stdio" } });
process.stderr.write("ready\n");
