import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { type AgentRuntime, createAgent } from "@flowmaestro/runtime";
import { createInMemoryRunStore, createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpServerError } from "../errors/mcp-server-error.js";
import {
  everythingStdio,
  filesystemStdio,
  fixtureStdio,
  isRunning,
  whenToolCallSent,
} from "./__fixtures__/servers.js";
import { createMcpClients } from "./create-mcp-clients.js";

const runtimes: Record<string, () => AgentRuntime> = {
  legacy: () => createLegacyRuntime(),
  mastra: () => createMastraRuntime(),
};

/** The tool results the model was sent in a call's prompt, by tool name. */
function toolOutputs(call: { options: LanguageModelV4CallOptions } | undefined): Record<string, any> {
  const outputs: Record<string, any> = {};
  for (const message of call?.options.prompt ?? []) {
    if (message.role !== "tool") continue;
    for (const part of message.content) if (part.type === "tool-result") outputs[part.toolName] = part.output;
  }
  return outputs;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fm-mcp-agent-"));
  await writeFile(join(dir, "todo.txt"), "buy milk\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

for (const [runtimeName, createRuntime] of Object.entries(runtimes)) {
  describe(`MCP tools on the ${runtimeName} runtime`, () => {
    it("lists and reads a folder through server-filesystem; an image reaches the next prompt as a file part", async () => {
      const mcp = createMcpClients({
        servers: { fs: filesystemStdio(dir), everything: everythingStdio({ include: ["get-tiny-image"] }) },
      });
      try {
        const model = createScriptedModel({
          turns: [
            {
              toolCalls: [
                { toolName: "fs_list_directory", input: { path: dir } },
                { toolName: "everything_get-tiny-image", input: {} },
              ],
            },
            { toolCalls: [{ toolName: "fs_read_text_file", input: { path: join(dir, "todo.txt") } }] },
            { text: "You need to buy milk." },
          ],
        });
        const agent = createAgent({
          runtime: createRuntime(),
          name: "files",
          model,
          tools: await mcp.tools(),
        });
        const result = await agent.execute("What is on my list?");
        expect(result.status).toBe("completed");
        expect(result.text).toBe("You need to buy milk.");
        model.assertAllTurnsUsed();

        const second = toolOutputs(model.calls[1]);
        expect(second.fs_list_directory).toEqual({ type: "text", value: "[FILE] todo.txt" });
        const image = second["everything_get-tiny-image"];
        expect(image.type).toBe("content");
        expect(image.value.map((part: { type: string }) => part.type)).toEqual(["text", "file", "text"]);
        expect(image.value[1]).toMatchObject({
          type: "file",
          mediaType: "image/png",
          data: { type: "data" },
        });
        expect(toolOutputs(model.calls[2]).fs_read_text_file).toEqual({ type: "text", value: "buy milk\n" });
        // The tool's own output (events, toolResults) is the server's result, unchanged.
        const raw = result.steps[0]!.toolResults[1]!.output as { content: { type: string }[] };
        expect(raw.content.map((block) => block.type)).toEqual(["text", "image", "text"]);
      } finally {
        await mcp.close();
      }
    });

    it("isError and a structured result that breaks its output schema reach the model as tool errors", async () => {
      const mcp = createMcpClients({ servers: { fs: filesystemStdio(dir), fixture: fixtureStdio() } });
      try {
        const model = createScriptedModel({
          turns: [
            {
              toolCalls: [
                { toolName: "fs_read_text_file", input: { path: "/etc/hostname" } },
                { toolName: "fixture_total", input: { valid: false } },
              ],
            },
            { toolCalls: [{ toolName: "fixture_total", input: { valid: true } }] },
            { text: "Done." },
          ],
        });
        const agent = createAgent({
          runtime: createRuntime(),
          name: "errors",
          model,
          tools: await mcp.tools(),
        });
        const result = await agent.execute("Read it");
        expect(result.status).toBe("completed");
        const [denied, invalid] = result.steps[0]!.toolResults;
        expect(denied!.error).toMatchObject({ code: "TOOL_EXECUTION_FAILED", name: "McpToolError" });
        expect(invalid!.error).toMatchObject({ code: "INVALID_TOOL_OUTPUT" });
        const sent = toolOutputs(model.calls[1]);
        expect(sent.fs_read_text_file).toEqual({
          type: "error-text",
          value: expect.stringMatching(/^Tool "fs_read_text_file" failed: .*(Access denied|outside allowed)/),
        });
        expect(sent.fixture_total.type).toBe("error-text");
        expect(sent.fixture_total.value).toMatch(/structuredContent\.total/);
        expect(toolOutputs(model.calls[2]).fixture_total).toEqual({ type: "text", value: '{"total":3}' });
      } finally {
        await mcp.close();
      }
    });

    it("a server killed mid-run: a typed error to the model, the other server's tools work, the next call reconnects", async () => {
      const mcp = createMcpClients({
        servers: { fs: filesystemStdio(dir), everything: everythingStdio() },
        reconnect: { initialDelayMs: 0 },
      });
      try {
        const tools = await mcp.tools();
        const everything = mcp.clients.everything!;
        const firstPid = everything.pid!;
        const model = createScriptedModel({
          turns: [
            {
              toolCalls: [
                { toolName: "everything_trigger-long-running-operation", input: { duration: 60, steps: 1 } },
              ],
            },
            { toolCalls: [{ toolName: "fs_list_directory", input: { path: dir } }] },
            { toolCalls: [{ toolName: "everything_echo", input: { message: "back" } }] },
            { text: "Recovered." },
          ],
        });
        const agent = createAgent({ runtime: createRuntime(), name: "resilient", model, tools });
        const sent = whenToolCallSent(everything, "trigger-long-running-operation");
        const running = agent.execute("Go");
        await sent;
        process.kill(firstPid, "SIGKILL");
        const result = await running;

        expect(result.status).toBe("completed");
        const killed = result.steps[0]!.toolResults[0]!.error;
        expect(McpServerError.isInstance(killed)).toBe(true);
        expect(killed).toMatchObject({ server: "everything", reason: "closed" });
        expect(toolOutputs(model.calls[1])["everything_trigger-long-running-operation"]).toEqual({
          type: "error-text",
          value: expect.stringMatching(
            /^MCP server "everything" failed \(tool "trigger-long-running-operation"\)/,
          ),
        });
        expect(result.steps[1]!.toolResults[0]!.isError).toBe(false);
        expect(result.steps[2]!.toolResults[0]!.output).toEqual({
          content: [{ type: "text", text: "Echo: back" }],
        });
        expect(everything.pid).not.toBe(firstPid);
        expect(isRunning(firstPid)).toBe(false);
      } finally {
        await mcp.close();
      }
    });

    it("aborting the run mid-call cancels the MCP call; closing the client then ends the process", async () => {
      const mcp = createMcpClients({ servers: { everything: everythingStdio() } });
      const everything = mcp.clients.everything!;
      try {
        const model = createScriptedModel({
          turns: [
            {
              toolCalls: [
                { toolName: "everything_trigger-long-running-operation", input: { duration: 60, steps: 1 } },
              ],
            },
          ],
        });
        const agent = createAgent({
          runtime: createRuntime(),
          name: "aborted",
          model,
          tools: await mcp.tools(),
        });
        const controller = new AbortController();
        const sent = whenToolCallSent(everything, "trigger-long-running-operation");
        const running = agent.execute("Go", { signal: controller.signal });
        await sent;
        controller.abort();
        expect((await running).status).toBe("aborted");
        expect(everything.status).toBe("connected");
      } finally {
        const pid = everything.pid!;
        await mcp.close();
        expect(isRunning(pid)).toBe(false);
      }
    });

    it("needsApproval suspends the run before the MCP call; approving runs it", async () => {
      const calls: string[] = [];
      const mcp = createMcpClients({
        servers: {
          everything: everythingStdio({
            include: ["echo", "get-sum"],
            needsApproval: (toolName) => {
              calls.push(toolName);
              return toolName === "echo";
            },
          }),
        },
      });
      try {
        const model = createScriptedModel({
          turns: [
            {
              toolCalls: [
                { toolName: "everything_get-sum", input: { a: 1, b: 2 } },
                { toolName: "everything_echo", input: { message: "approved" } },
              ],
            },
            { text: "Both ran." },
          ],
        });
        const agent = createAgent({
          runtime: createRuntime(),
          name: "careful",
          model,
          tools: await mcp.tools(),
          runStore: createInMemoryRunStore(),
        });
        const suspended = await agent.execute("Sum and echo");
        expect(suspended.status).toBe("suspended");
        expect(suspended.pendingApprovals).toEqual([
          expect.objectContaining({ toolName: "everything_echo", input: { message: "approved" } }),
        ]);
        expect(calls.sort()).toEqual(["echo", "get-sum"]);
        const approval = suspended.pendingApprovals[0]!;
        const result = await agent.resume(suspended.runId, [
          { approvalId: approval.approvalId, approved: true },
        ]);
        expect(result.status).toBe("completed");
        const sent = toolOutputs(model.calls[1]);
        expect(sent.everything_echo).toEqual({ type: "text", value: "Echo: approved" });
        expect(sent["everything_get-sum"]).toEqual({ type: "text", value: "The sum of 1 and 2 is 3." });
      } finally {
        await mcp.close();
      }
    });
  });
}
