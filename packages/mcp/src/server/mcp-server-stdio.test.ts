import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { expectCancellationStopsCalls } from "./__fixtures__/expect-cancellation.js";
import { PIXEL_PNG, RUNTIMES, type RuntimeName, servedToolNames } from "./__fixtures__/served.js";

// The server as an MCP host runs it: a child process speaking stdio (the fixture, run from source
// through tsx), driven by the official SDK client. Agents run on both runtimes.

const FIXTURE = fileURLToPath(new URL("./__fixtures__/stdio-server.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

function textOf(result: unknown): string {
  return ((result as { content: unknown }).content as Array<{ type: string; text?: string }>)
    .map((block) => block.text ?? "")
    .join("");
}

/** Starts the fixture on `runtime` and connects a client; the child's stderr lines go to `events`. */
async function spawnServer(runtime: RuntimeName, events: string[]) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--import", "tsx", FIXTURE, runtime],
    cwd: PACKAGE_DIR,
    stderr: "pipe",
  });
  let pending = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    events.push(...lines);
  });
  const client = new Client({ name: "test-client", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each(Object.keys(RUNTIMES) as RuntimeName[])("over stdio, agents on %s", (runtime) => {
  const events: string[] = [];
  let client: Client;

  beforeAll(async () => {
    ({ client } = await spawnServer(runtime, events));
  });
  afterAll(() => client.close());

  it("lists agents and tools with their schemas", async () => {
    expect(client.getServerVersion()).toEqual({ name: "fixture", version: "1.2.3" });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(servedToolNames(runtime));
    expect(tools[0]?.inputSchema).toMatchObject({ type: "object", required: ["message"] });
    expect(tools[0]?.outputSchema).toMatchObject({ required: ["text", "status", "runId", "usage"] });
  });

  it("runs an agent: its final text, and status and usage as structuredContent", async () => {
    const result = await client.callTool({ name: `helper_${runtime}`, arguments: { message: "Hi" } });
    expect(result.content).toEqual([{ type: "text", text: `Hello from ${runtime}` }]);
    expect(result.structuredContent).toMatchObject({
      status: "completed",
      usage: { inputTokens: 12, outputTokens: 7, totalTokens: 19 },
    });
  });

  it("answers a failed run and invalid arguments with isError", async () => {
    const failed = await client.callTool({ name: "broken", arguments: { message: "Hi" } });
    expect(failed.isError).toBe(true);
    expect(failed.structuredContent).toMatchObject({ status: "failed" });
    const invalid = await client.callTool({ name: "echo", arguments: { text: ["not", "a", "string"] } });
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid)).toMatch(/Invalid arguments for tool "echo"/);
  });

  it("serves plain tools with the connection's resource and context, images as image blocks", async () => {
    const echo = await client.callTool({ name: "echo", arguments: { text: "hi" } });
    expect(echo.structuredContent).toEqual({
      echoed: "hi",
      resourceId: "stdio-user",
      context: { via: "stdio" },
    });
    const pixel = await client.callTool({ name: "pixel", arguments: {} });
    expect(pixel.content).toContainEqual({ type: "image", data: PIXEL_PNG, mimeType: "image/png" });
  });

  it("cancelling a call aborts the agent's run and the tool", async () => {
    await expectCancellationStopsCalls(client, events);
  });

  it("an unknown tool is a protocol error", async () => {
    await expect(client.callTool({ name: "nope", arguments: {} })).rejects.toThrow(/-32602.*Unknown tool/);
  });
});

describe("a stdio server whose host goes away", () => {
  it("aborts the runs in flight when stdin ends, and exits", async () => {
    const events: string[] = [];
    const { client, transport } = await spawnServer("legacy", events);
    const pid = transport.pid as number;
    const call = client.callTool({ name: "sleeper", arguments: { message: "wait" } });
    await vi.waitFor(() => expect(events).toContain("started:sleeper"), { timeout: 15_000 });
    // Closing the client ends the child's stdin; the run's abort is logged before the child exits.
    await client.close();
    await expect(call).rejects.toThrow();
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false), { timeout: 15_000 });
    expect(events).toContain("aborted:sleeper");
  });
});
