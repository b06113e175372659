/**
 * A durable worker for the crash-and-recover tests, run as a child process (tsx). Environment:
 * POSTGRES_URL, DBOS_SCHEMA, MEMORY_SCHEMA, RUN_ID, CALLS_FILE (every model and tool call appends
 * a line), ROLE (`first` starts the run and blocks inside `BLOCK_TOOL`, or, when `BLOCK_TOOL` is
 * `refund` (a tool that needs approval), prints the suspended result and waits; `second` only
 * launches, which recovers the run, and prints its result; `decide` launches as another executor
 * (it recovers nothing), waits `DECIDE_AFTER_MS`, resumes the run with `DECISIONS` and tries
 * again, and checks what other tenants get). Prints `MARKER <name>` lines the test waits for.
 */
import { appendFileSync } from "node:fs";
import type { LanguageModelV4, LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { DBOS } from "@dbos-inc/dbos-sdk";
import { createMemory } from "@flowmaestro/memory";
import { createPostgresStorage } from "@flowmaestro/memory/postgres";
import { AgentSdkError, createAgent, defineTool } from "@flowmaestro/runtime";
import { z } from "zod";
import { createDurableRuntime } from "../index.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`worker: missing ${name}`);
  return value;
};
const role = env("ROLE");
const callsFile = env("CALLS_FILE");
const blockTool = process.env.BLOCK_TOOL ?? "step_b";
const log = (line: string) => appendFileSync(callsFile, `${line}\n`);
const marker = (name: string) => process.stdout.write(`MARKER ${name}\n`);

/** Answers by how many tool results the prompt holds: call step_a, then `blockTool`, then answer. */
const model: LanguageModelV4 = {
  specificationVersion: "v4",
  provider: "scripted",
  modelId: "durable-test",
  supportedUrls: {},
  async doGenerate(options): Promise<LanguageModelV4GenerateResult> {
    const results = options.prompt.filter((message) => message.role === "tool").length;
    // The prompt length shows a recovered run sends what the first worker sent (no history doubled).
    log(`model ${results} prompt ${options.prompt.length}`);
    const usage = {
      inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 5, text: 5, reasoning: undefined },
    };
    if (results < 2) {
      const toolName = results === 0 ? "step_a" : blockTool;
      return {
        content: [{ type: "tool-call", toolCallId: `call_${results}`, toolName, input: '{"n":1}' }],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage,
        warnings: [],
      };
    }
    const last = options.prompt.at(-1);
    const seen = JSON.stringify(last?.content ?? "");
    return {
      content: [
        { type: "text", text: `done; last tool said ${seen.includes("interrupted") ? "interrupted" : "ok"}` },
      ],
      finishReason: { unified: "stop", raw: "stop" },
      usage,
      warnings: [],
    };
  },
  async doStream() {
    throw new Error("not scripted");
  },
};

const tool = (name: string) =>
  defineTool({
    name,
    description: `test tool ${name}`,
    inputSchema: z.object({ n: z.number() }),
    ...(name === "refund" ? { needsApproval: true } : {}),
    execute: async ({ n }) => {
      log(`tool ${name}`);
      if (name === blockTool && role === "first" && name !== "refund") {
        marker(`in-${name}`);
        await new Promise(() => {}); // killed here
      }
      return { name, n };
    },
  });

const storage = createPostgresStorage({
  connectionString: env("POSTGRES_URL"),
  schema: env("MEMORY_SCHEMA"),
});
const runtime = createDurableRuntime({
  dbos: DBOS,
  ...(process.env.DECISION_POLL_SECONDS
    ? { decisionPollSeconds: Number(process.env.DECISION_POLL_SECONDS) }
    : {}),
});
const agent = createAgent({
  runtime,
  id: "durable-test-agent",
  name: "durable test agent",
  model,
  instructions: "Use the tools.",
  tools: [tool("step_a"), tool("step_b"), tool("charge"), tool("refund")],
  memory: createMemory({ storage }),
});
runtime.register(agent, { nonIdempotentTools: ["charge"] });

DBOS.setConfig({
  name: "flowmaestro-durable-test",
  systemDatabaseUrl: env("POSTGRES_URL"),
  systemDatabaseSchemaName: env("DBOS_SCHEMA"),
  logLevel: "error",
  applicationVersion: "durable-test",
  // A worker that replaces a dead one takes its executor id (so it recovers its runs); others
  // have their own and recover nothing at launch.
  ...(role === "decide" ? { executorID: "decider" } : {}),
});
await DBOS.launch();
marker("launched");
const runId = env("RUN_ID");
const codeOf = (error: unknown) => (AgentSdkError.isInstance(error) ? error.code : String(error));
if (role === "decide") {
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.DECIDE_AFTER_MS ?? 0)));
  const decisions = JSON.parse(env("DECISIONS"));
  // Another tenant, and bad decisions, are refused before anything is sent.
  const otherTenant = await agent
    .resume(runId, decisions, { resourceId: "user-2" })
    .then(() => "resumed", codeOf);
  const badDecisions = await agent.resume(runId, [], { resourceId: "user-1" }).then(() => "resumed", codeOf);
  const stream = await agent.resumeStream(runId, decisions, { resourceId: "user-1" });
  const again = await agent.resume(runId, decisions, { resourceId: "user-1" }).then(() => "resumed", codeOf);
  const resumed = await stream.result;
  process.stdout.write(
    `DECIDED ${JSON.stringify({ otherTenant, badDecisions, again, status: resumed.status, text: resumed.text })}\n`,
  );
  await DBOS.shutdown();
  await storage.close();
  process.exit(0);
}
const result =
  role === "first"
    ? await agent.execute("Please work.", { runId, threadId: "thread-1", resourceId: "user-1" })
    : await runtime.result(runId, { resourceId: "user-1", timeoutSeconds: 60 });
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
if (result?.status === "suspended") {
  marker("suspended");
  await new Promise(() => {}); // killed here, while the run waits for its decision
}
await DBOS.shutdown();
await storage.close();
process.exit(0);
