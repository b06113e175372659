/**
 * Loads a stored agent record (a database row, here a JSON file) whose tools are JSON Schemas of
 * every kind — a host function, a workflow, a knowledge base and an MCP tool — and runs it.
 *
 * Run: npm run example:tools   (real model when OPENAI_API_KEY is set, scripted otherwise)
 */
import { readFileSync } from "node:fs";
import { createAgent } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import {
  createFunctionRegistry,
  fromStoredAgent,
  type KnowledgeBase,
  type McpClient,
  type StoredAgentRecord,
  type WorkflowExecutor,
} from "@flowmaestro/tools";
import { run } from "./lib/run.js";

// What the host app supplies: code lives in the app, the row only names it.
const functions = createFunctionRegistry({
  lookupOrder: async ({ orderId }: { orderId: string }) => ({
    orderId,
    status: "delivered",
    total: 42.5,
    daysAgo: 12,
  }),
});
const workflows: WorkflowExecutor = async (workflowId, input) => ({ ticketId: "T-1042", workflowId, input });
const policies = [
  { id: "refunds", text: "Refunds are granted within 30 days of delivery." },
  { id: "shipping", text: "Standard shipping takes 3 to 5 business days." },
];
const knowledgeBases: KnowledgeBase = {
  // A tiny keyword search; the memory package will provide real ones.
  search: async ({ query, topK }) =>
    policies
      .map((policy) => ({
        ...policy,
        score: query.split(/\s+/).filter((word) => policy.text.toLowerCase().includes(word.toLowerCase()))
          .length,
      }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, topK),
};
// Any MCP SDK client fits this shape; here an in-process stand-in for a tracker server.
const tracker: McpClient = {
  callTool: async ({ name, arguments: args }) => ({
    content: [{ type: "text", text: `${name}: created "${String(args?.title)}" as #7` }],
  }),
};

function scriptedSupportModel() {
  return createScriptedModel({
    turns: [
      {
        text: "Let me look that up. ",
        toolCalls: [
          { toolName: "lookup_order", input: { orderId: "12345" } },
          { toolName: "search_policies", input: { query: "refunds delivery" } },
        ],
      },
      { toolCalls: [{ toolName: "lookup_order", input: { orderId: "ord_12345" } }] },
      {
        toolCalls: [
          { toolName: "open_ticket", input: { subject: "Refund for ord_12345", orderId: "ord_12345" } },
          { toolName: "create_issue", input: { title: "Refund ord_12345 (42.50)", labels: ["refund"] } },
        ],
      },
      {
        text: [
          "Your order ord_12345 was delivered 12 days ago, ",
          "so it qualifies for a refund. ",
          "Ticket T-1042 is open.",
        ],
      },
    ],
  });
}

run(async () => {
  const row = JSON.parse(
    readFileSync(new URL("./data/support-agent.json", import.meta.url), "utf8"),
  ) as StoredAgentRecord;
  const { definition, memory } = fromStoredAgent(row, {
    functions,
    workflows,
    knowledgeBases,
    mcpClients: { tracker },
  });
  console.log(
    `Imported "${definition.name}": ${definition.tools?.map((tool) => tool.name).join(", ")}; memory ${memory?.type ?? "none"}`,
  );

  const useRealModel = Boolean(process.env.OPENAI_API_KEY);
  console.log(
    useRealModel
      ? `Model: ${String(definition.model)}`
      : "Model: scripted (set OPENAI_API_KEY to use the stored model)",
  );
  const agent = createAgent({
    ...definition,
    ...(useRealModel ? {} : { model: scriptedSupportModel() }),
    runtime: createLegacyRuntime(),
  });

  const stream = agent.stream("Order 12345 arrived broken. Can I get a refund?");
  for await (const event of stream) {
    if (event.type === "text-delta") process.stdout.write(event.delta);
    if (event.type === "tool-call") console.log(`\n  → ${event.toolName} ${JSON.stringify(event.input)}`);
    if (event.type === "tool-result") console.log(`  ← ${event.toolName} ${JSON.stringify(event.output)}`);
    if (event.type === "tool-error") console.log(`  ✗ ${event.toolName}: ${event.error.message}`);
  }
  const result = await stream.result;
  console.log(`\nstatus=${result.status} steps=${result.steps.length}`);
  if (result.status !== "completed") throw result.error;
});
