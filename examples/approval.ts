/**
 * Approvals that survive a restart: a refund agent whose `refund` tool needs a person's approval
 * above 100 EUR. One process runs the agent until it waits for approval, stores the run and
 * exits; a second process, started afterwards, approves the refund and finishes the run.
 *
 * Run: npm run example:approval
 *   The script plays both parts by starting itself twice:
 *   1. `--phase=suspend`: the customer asks for two refunds; 40 EUR is refunded at once, 250 EUR
 *      waits. The run is stored in a libSQL file (./.flowmaestro/approval.db) and the process exits.
 *   2. `--phase=resume --run-id=<id> --approval-id=<id> --approve`: a new process (on the other
 *      runtime, to show that either one can continue a run) approves and the agent answers.
 *   `-- --decline` declines instead; the model is told why.
 * Uses a real model when OPENAI_API_KEY (or another provider's key) is set, a scripted one otherwise.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createMemory } from "@flowmaestro/memory";
import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
import { type AgentRuntime, createAgent, defineTool, type ModelReference } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { z } from "zod";
import { pickModel } from "./lib/pick-model.js";
import { run } from "./lib/run.js";

const DATABASE_URL = "file:.flowmaestro/approval.db";
/** Refunds above this need a person's approval. */
const APPROVAL_LIMIT_EUR = 100;
const QUESTION = "Order A-1001 (250 EUR) arrived broken and A-1002 (40 EUR) never came. Please refund both.";
/** The line the suspend phase hands its pending approvals to the parent with. */
const HANDOVER = "HANDOVER ";

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, "").split("=", 2);
    return [key as string, value ?? "true"];
  }),
);

const refund = defineTool({
  name: "refund",
  description: "Refunds an order to the customer's card. Amount in EUR.",
  inputSchema: z.object({ orderId: z.string(), amountEur: z.number().positive() }),
  // A function of the arguments (it also gets the run's context): small refunds go through.
  needsApproval: ({ amountEur }) => amountEur > APPROVAL_LIMIT_EUR,
  execute: ({ orderId, amountEur }) => ({ orderId, refundedEur: amountEur, reference: `RF-${orderId}` }),
});

/** A scripted stand-in for a real model that reacts to the conversation like one would. */
function scripted(): ModelReference {
  return createScriptedModel({
    loop: true,
    turns: [
      (call) => {
        const last = call.prompt.at(-1);
        if (last?.role !== "tool") {
          return {
            text: "I'll refund both orders. ",
            toolCalls: [
              { toolName: "refund", input: { orderId: "A-1001", amountEur: 250 } },
              { toolName: "refund", input: { orderId: "A-1002", amountEur: 40 } },
            ],
          };
        }
        // The answer reflects what the tools returned: refunded, or declined with a reason.
        const outcomes = last.content.flatMap((part) => {
          if (part.type !== "tool-result") return [];
          const output = part.output as { type: string; value?: any; reason?: string };
          if (output.type === "json")
            return [`refunded ${output.value.refundedEur} EUR for ${output.value.orderId}`];
          const why = output.type === "execution-denied" ? output.reason : String(output.value ?? "");
          return [`could not refund one order (${why ?? "declined"})`];
        });
        return { text: `Done: I ${outcomes.join(", and I ")}.` };
      },
    ],
  });
}

function makeAgent(runtime: AgentRuntime) {
  const storage = createLibsqlStorage({ url: DATABASE_URL });
  // The memory keeps the conversation; its run store keeps suspended runs on the same database.
  const memory = createMemory({ storage, lastMessages: 20 });
  const agent = createAgent({
    runtime,
    name: "refund-desk",
    instructions: `You are a refund desk. Use the refund tool for each order. Refunds above ${APPROVAL_LIMIT_EUR} EUR need a manager's approval, which the system asks for.`,
    model: pickModel(scripted),
    tools: [refund],
    memory,
  });
  return { agent, close: () => storage.close() };
}

/** Phase 1, in its own process: run until the agent waits for approval, then exit. */
async function suspend() {
  console.log(`   (process ${process.pid})`);
  const ids = { threadId: `refund-${Date.now()}`, resourceId: "customer-7" };
  const { agent, close } = makeAgent(createLegacyRuntime());
  console.log(`   customer > ${QUESTION}`);
  const stream = agent.stream(QUESTION, ids);
  for await (const event of stream) {
    if (event.type === "text-delta") process.stdout.write(event.delta);
    if (event.type === "tool-call") console.log(`\n   → ${event.toolName}(${JSON.stringify(event.input)})`);
    if (event.type === "tool-result")
      console.log(`   ✓ ${event.toolName} ran: ${JSON.stringify(event.output)}`);
    if (event.type === "tool-approval-request")
      console.log(`   ⏸  ${event.toolName}(${JSON.stringify(event.input)}) waits for approval`);
  }
  const result = await stream.result;
  await close();
  if (result.status !== "suspended") {
    throw (
      result.error ?? new Error(`Expected the run to wait for approval, but it ended "${result.status}".`)
    );
  }
  console.log(`   status: ${result.status} — run ${result.runId} is stored in ${DATABASE_URL}`);
  process.stdout.write(
    `${HANDOVER}${JSON.stringify({ runId: result.runId, resourceId: ids.resourceId, pending: result.pendingApprovals })}\n`,
  );
}

/** Phase 2, in a new process: decide and continue the stored run. */
async function resume() {
  const runId = args.get("run-id");
  const approvalIds = (args.get("approval-id") ?? "").split(",").filter(Boolean);
  if (!runId || approvalIds.length === 0)
    throw new Error("--phase=resume needs --run-id=… and --approval-id=…");
  const approved = !args.has("decline");
  console.log(`   (process ${process.pid})`);
  // The other runtime continues the run: the stored state is runtime-neutral.
  const { agent, close } = makeAgent(createMastraRuntime());
  const result = await agent.resume(
    runId,
    approvalIds.map((approvalId) => ({
      approvalId,
      approved,
      ...(approved ? {} : { reason: "the manager asked for photos of the damage first" }),
    })),
    {
      resourceId: args.get("resource-id") ?? "customer-7",
      onEvent: (event) => {
        if (event.type === "tool-result")
          console.log(`   ✓ ${event.toolName} ran: ${JSON.stringify(event.output)}`);
        if (event.type === "tool-error") console.log(`   ✗ ${event.toolName}: ${event.error.message}`);
      },
    },
  );
  await close();
  if (result.status !== "completed") throw result.error ?? new Error(`The run ended "${result.status}".`);
  console.log(`   agent    > ${result.text}`);
  console.log(
    `   status: ${result.status}, ${result.steps.length} steps on the ${agent.runtime.name} runtime`,
  );
}

/** Runs this file again in a new process with the given arguments; resolves with its output. */
function phase(label: string, phaseArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(import.meta.url);
    // process.execArgv carries tsx's loader, so the child runs this TypeScript file too.
    const child = spawn(process.execPath, [...process.execArgv, script, ...phaseArgs], {
      stdio: ["ignore", "pipe", "inherit"],
      env: process.env,
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      const text = String(chunk);
      output += text;
      for (const line of text.split("\n")) {
        if (line && !line.startsWith(HANDOVER)) console.log(line);
      }
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${label} exited with code ${code}`)),
    );
  });
}

run(async () => {
  if (args.get("phase") === "suspend") return suspend();
  if (args.get("phase") === "resume") return resume();

  console.log("1) Process A: the agent runs until a refund needs approval");
  const output = await phase("process A", ["--phase=suspend"]);
  const line = output.split("\n").find((entry) => entry.startsWith(HANDOVER));
  if (!line) throw new Error("Process A did not hand over a suspended run.");
  const handover = JSON.parse(line.slice(HANDOVER.length)) as {
    runId: string;
    resourceId: string;
    pending: Array<{ approvalId: string; toolName: string; input: unknown }>;
  };

  console.log("\n2) Process A has exited. Waiting for a decision on:");
  for (const pending of handover.pending) {
    console.log(
      `   - ${pending.toolName}(${JSON.stringify(pending.input)})  approval id ${pending.approvalId}`,
    );
  }
  const decline = args.has("decline");
  console.log(`   The manager ${decline ? "declines" : "approves"}.`);

  console.log(`\n3) Process B: a new process resumes run ${handover.runId}`);
  await phase("process B", [
    "--phase=resume",
    `--run-id=${handover.runId}`,
    `--resource-id=${handover.resourceId}`,
    `--approval-id=${handover.pending.map((pending) => pending.approvalId).join(",")}`,
    decline ? "--decline" : "--approve",
  ]);
  console.log("\nThe run was suspended in one process and finished in another.");
});
