// A new user's code against the packed packages (see scripts/check-consumer.mjs). It is
// typechecked strictly (`skipLibCheck: false`) as ESM and as CommonJS and under `bundler`
// resolution, then compiled and run on Node: it builds agents on a scripted model from
// `@flowmaestro/runtime/testing` (with no vitest installed) and runs them on both runtimes, with
// memory, a JSON-Schema tool and an MCP tool served by mcp-server.ts in a child process.
// The `@ts-expect-error` lines fail the typecheck if our types degrade to `any`.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createMcpClients } from "@flowmaestro/mcp";
import { createMemory, type Memory, type StorageAdapter } from "@flowmaestro/memory";
import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
import {
  AgentSdkError,
  type AgentTool,
  createAgent,
  createRuntimeRouter,
  defineTool,
  InvalidDefinitionError,
  type RunResult,
  type RunStatus,
} from "@flowmaestro/runtime";
import { createAgentRuntime, RunRecorder } from "@flowmaestro/runtime/kit";
import {
  createInMemoryRunStore,
  createScriptedModel,
  hashRequest,
  type ScriptedModel,
} from "@flowmaestro/runtime/testing";
import { toUIMessageStreamResponse } from "@flowmaestro/runtime/ui";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime, type MastraRuntime } from "@flowmaestro/runtime-mastra";
import {
  type FlowMaestroTool,
  JsonSchemaConversionError,
  jsonSchemaTool,
  zodToJsonSchema,
} from "@flowmaestro/tools";
import { generateToolModule } from "@flowmaestro/tools/codegen";
import { z } from "zod";
import { entryPoints } from "./entries.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof?: T): void {}

const add = defineTool({
  name: "add",
  description: "Adds two numbers.",
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  outputSchema: z.object({ sum: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});
assertType<Equal<typeof add, AgentTool<{ a: number; b: number }, { sum: number }>>>();

interface Greeting {
  name: string;
}
const greet: FlowMaestroTool<Greeting, string> = jsonSchemaTool<Greeting, string>({
  name: "greet",
  inputSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
  execute: (input) => `Hello, ${input.name}!`,
});
assertType<
  Equal<RunStatus, "completed" | "max_iterations" | "aborted" | "failed" | "suspended" | "budget_exceeded">
>();

/** Never called: mistakes the types must reject. */
export function typeErrors(): void {
  jsonSchemaTool<Greeting, string>({
    name: "bad",
    inputSchema: { type: "object" },
    // @ts-expect-error the input is typed, so a misspelt property is an error
    execute: (input) => input.nam,
  });
  // @ts-expect-error an agent needs a runtime
  createAgent({ name: "no-runtime", model: "openai/gpt-4o-mini" });
}

function scripted(): ScriptedModel {
  return createScriptedModel({
    turns: [
      { toolCalls: [{ toolName: "add", input: { a: 2, b: 40 } }] },
      (call) => ({ text: `The sum is ${/"sum":(\d+)/.exec(JSON.stringify(call.prompt))?.[1] ?? "?"}.` }),
    ],
  });
}

/** The error code of a thrown SDK error, checked with `isInstance` (never `instanceof`). */
function codeOf(run: () => unknown): string {
  try {
    run();
    return "no error";
  } catch (error) {
    if (InvalidDefinitionError.isInstance(error)) {
      const fields: readonly string[] = error.issues.map((issue) => issue.field);
      return fields.length > 0 ? error.code : "no issues";
    }
    return AgentSdkError.isInstance(error) ? error.code : "not an SDK error";
  }
}

async function main(): Promise<void> {
  const missing = Object.entries(entryPoints).filter(([, module]) => Object.keys(module).length === 0);
  if (missing.length > 0) throw new Error(`entry points without exports: ${missing.map(([name]) => name)}`);

  const legacy = createLegacyRuntime();
  const mastra: MastraRuntime = createMastraRuntime();
  const statuses: string[] = [];
  for (const runtime of [legacy, mastra]) {
    const model = scripted();
    const agent = createAgent({ runtime, name: "calc", model, tools: [add, greet] });
    const result: RunResult = await agent.execute("What is 2 + 40?");
    model.assertAllTurnsUsed();
    if (result.status !== "completed" || result.text !== "The sum is 42.") {
      throw new Error(
        `${runtime.name}: ${result.status} ${JSON.stringify(result.text)} ${result.error?.message}`,
      );
    }
    statuses.push(`${runtime.name} ${result.status}`);

    // A call that needs approval suspends the run; resume continues it.
    const gated = createAgent({
      runtime,
      name: "gated",
      model: scripted(),
      tools: [{ ...add, needsApproval: true }],
      runStore: createInMemoryRunStore(),
    });
    const suspended = await gated.execute("What is 2 + 40?");
    const pending = suspended.pendingApprovals[0];
    if (suspended.status !== "suspended" || !pending) throw new Error(`${runtime.name}: ${suspended.status}`);
    const resumed = await gated.resume(suspended.runId, [{ approvalId: pending.approvalId, approved: true }]);
    statuses.push(`${runtime.name} ${suspended.status}→${resumed.status}`);
  }

  const response: Response = toUIMessageStreamResponse(
    createAgent({ runtime: legacy, name: "ui", model: scripted(), tools: [add] }).stream("What is 2 + 40?"),
  );
  const body = await response.text();
  if (!body.includes("The sum is 42.")) throw new Error(`UI stream: ${body.slice(0, 200)}`);

  // A constant `select` is fine: the runtime names come from `runtimes`, not from what `select` returns.
  const router = createRuntimeRouter({ runtimes: { legacy, mastra }, select: () => "legacy" });
  const routed = await createAgent({
    runtime: router,
    name: "routed",
    model: scripted(),
    tools: [add],
  }).execute("What is 2 + 40?");
  statuses.push(`router ${routed.status}`);

  const badTool = codeOf(() =>
    createAgent({ runtime: legacy, name: "bad", model: scripted(), tools: [add, add] }),
  );
  const badSchema = codeOf(() =>
    jsonSchemaTool({ name: "x", inputSchema: { type: "string" }, execute: () => 1 }),
  );
  if (badTool !== "INVALID_DEFINITION") throw new Error(`duplicate tools gave ${badTool}`);
  if (!["INVALID_JSON_SCHEMA", "INVALID_DEFINITION"].includes(badSchema)) {
    throw new Error(`a non-object input schema gave ${badSchema}`);
  }
  if (typeof JsonSchemaConversionError.isInstance !== "function") throw new Error("isInstance missing");

  const hash: string = hashRequest({ prompt: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
  const schema = zodToJsonSchema(z.object({ city: z.string() }));
  const module = generateToolModule([{ name: "get_weather", inputSchema: schema }]);
  if (hash.length !== 64 || !module.code.includes("getWeatherTool"))
    throw new Error("tools or hashing broke");
  if (typeof createAgentRuntime !== "function" || typeof RunRecorder !== "function")
    throw new Error("kit broke");

  // Memory on the embedded libSQL default (a temp file): a thread started on one runtime goes on
  // on the other, read back as plain messages. The agent also has a JSON-Schema tool and an MCP
  // tool, served by mcp-server.js (this project's own createMcpServer) as a child process.
  const dir = mkdtempSync(join(tmpdir(), "fm-consumer-"));
  const mcp = createMcpClients({
    servers: {
      calc: { command: process.execPath, args: [join(dirname(process.argv[1] ?? "."), "mcp-server.js")] },
    },
  });
  try {
    const mcpTools = await mcp.tools();
    const storage: StorageAdapter = createLibsqlStorage({ url: `file:${join(dir, "agent.db")}` });
    const memory: Memory = createMemory({ storage, lastMessages: 10 });
    const ids = { threadId: "t-1", resourceId: "user-1" };
    for (const runtime of [legacy, mastra]) {
      // One turn with the MCP tool and the JSON-Schema tool, then one with a Zod tool.
      const model = createScriptedModel({
        turns: [
          {
            toolCalls: [
              { toolName: "calc_multiply", input: { a: 6, b: 7 } },
              { toolName: "greet", input: { name: "Ada" } },
            ],
          },
          (call) => ({ text: `${/product\D*(\d+)/.exec(JSON.stringify(call.prompt.at(-1)))?.[1] ?? "?"}` }),
          { toolCalls: [{ toolName: "add", input: { a: 2, b: 40 } }] },
          { text: "The sum is 42." },
        ],
      });
      const agent = createAgent({ runtime, name: "mixed", model, tools: [add, greet, ...mcpTools], memory });
      const mixed = await agent.execute("6 × 7, and greet Ada", ids);
      const sum = await agent.execute("What is 2 + 40?", ids);
      model.assertAllTurnsUsed();
      if (mixed.status !== "completed" || mixed.text !== "42" || sum.status !== "completed")
        throw new Error(
          `${runtime.name} with memory, an MCP and a JSON-Schema tool: ${mixed.status} ${mixed.text} ${mixed.error?.message ?? sum.error?.message}`,
        );
      statuses.push(`${runtime.name} mcp+json-schema ${mixed.text}`);
    }
    const stored = await memory.getMessages(ids);
    const users = stored.filter((message) => message.role === "user").length;
    if (users !== 4) throw new Error(`memory stored ${users} user messages, expected 4`);
    statuses.push(`memory ${stored.length} messages`);
    await storage.close();
  } finally {
    await mcp.close();
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`${statuses.join(", ")}; errors ${badTool}/${badSchema}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
