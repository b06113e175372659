/**
 * MCP: an agent that lists and reads a folder's files through the filesystem MCP server
 * (`@modelcontextprotocol/server-filesystem`, started as a child process over stdio), on the
 * legacy runtime and then on the Mastra runtime. The server's tools arrive namespaced by server
 * (`fs_list_directory`, `fs_read_text_file`, …), with their JSON Schemas converted by our
 * converter; closing the client ends the server process.
 *
 * Run: npm run example:mcp
 * Uses a real model when OPENAI_API_KEY (or another provider's key) is set, a scripted one otherwise.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createMcpClients } from "@flowmaestro/mcp";
import { type AgentRuntime, createAgent, type ModelReference } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { pickModel } from "./lib/pick-model.js";
import { run } from "./lib/run.js";

/** The filesystem server's entry script: run with this Node, so closing the client ends it. */
const FILESYSTEM_SERVER = join(
  dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/server-filesystem/package.json")),
  "dist/index.js",
);

/** A scripted stand-in for a real model: list the folder, read the notes, answer from them. */
function scripted(folder: string): ModelReference {
  return createScriptedModel({
    loop: true,
    turns: [
      (call) => {
        const last = call.prompt.at(-1);
        if (last?.role !== "tool") {
          return {
            text: "Let me look at the folder. ",
            toolCalls: [{ toolName: "fs_list_directory", input: { path: folder } }],
          };
        }
        const result = last.content.find((part) => part.type === "tool-result");
        const output = result?.output as { type: string; value?: unknown } | undefined;
        const text = String(output?.value ?? "");
        if (result?.toolName === "fs_list_directory") {
          const file = /\[FILE\] (notes\.md)/.exec(text)?.[1] ?? "notes.md";
          return { toolCalls: [{ toolName: "fs_read_text_file", input: { path: join(folder, file) } }] };
        }
        const firstTodo = /- (.+)/.exec(text)?.[1] ?? "nothing";
        return {
          text: `The folder holds notes.md and budget.csv. The first to-do in notes.md is: ${firstTodo}.`,
        };
      },
    ],
  });
}

async function askOn(runtime: AgentRuntime, folder: string) {
  const mcp = createMcpClients({
    servers: {
      fs: { command: process.execPath, args: [FILESYSTEM_SERVER, folder], stderr: "ignore" },
    },
  });
  try {
    const tools = await mcp.tools();
    const agent = createAgent({
      runtime,
      name: "file-assistant",
      instructions: `You answer questions about the files in ${folder}. Use the fs_* tools to look.`,
      model: pickModel(() => scripted(folder)),
      tools,
    });
    console.log(
      `\n[${runtime.name}] ${tools.length} MCP tools, e.g. ${tools
        .slice(0, 3)
        .map((tool) => tool.name)
        .join(", ")}`,
    );
    const stream = agent.stream("What files are in the folder, and what is the first to-do in the notes?");
    for await (const event of stream) {
      if (event.type === "text-delta") process.stdout.write(event.delta);
      if (event.type === "tool-call") console.log(`\n   → ${event.toolName}(${JSON.stringify(event.input)})`);
      if (event.type === "tool-result") console.log(`   ← ${JSON.stringify(event.output).slice(0, 120)}`);
      if (event.type === "tool-error") console.log(`   ✗ ${event.toolName}: ${event.error.message}`);
    }
    const result = await stream.result;
    console.log(`\n   status=${result.status} steps=${result.steps.length}`);
  } finally {
    // Ends the server process (and waits until it is gone).
    await mcp.close();
  }
}

run(async () => {
  const folder = mkdtempSync(join(tmpdir(), "flowmaestro-mcp-"));
  writeFileSync(join(folder, "notes.md"), "# Notes\n\n- renew the domain\n- send the invoice\n");
  writeFileSync(join(folder, "budget.csv"), "item,eur\nhosting,40\n");
  try {
    await askOn(createLegacyRuntime(), folder);
    await askOn(createMastraRuntime(), folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
