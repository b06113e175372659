import { vi } from "vitest";
import { createFunctionRegistry } from "../../tool-kinds/function-registry.js";
import type { KnowledgeBase } from "../../tool-kinds/knowledge-base.js";
import type { McpClient } from "../../tool-kinds/mcp-client.js";
import type { WorkflowExecutor } from "../../tool-kinds/workflow-executor.js";
import type { StoredAgentRecord } from "../stored-agent-record.js";

/** A stored agent row as Postgres (through `pg`) returns it, with one tool of each kind. */
export function supportAgentRow(): StoredAgentRecord {
  return {
    id: "4b1c2f4e-8a53-4a4e-9d44-6c2f0f6a7e10",
    user_id: "user_1",
    created_at: new Date("2024-05-01T00:00:00Z"),
    name: "Support agent",
    description: "Answers support questions",
    provider: "openai",
    model: "gpt-4o",
    system_prompt: "You are a helpful support agent.",
    temperature: "0.7",
    max_tokens: "1024",
    max_iterations: 6,
    available_tools: [
      {
        id: "tool_1",
        name: "lookup_order",
        description: "Finds an order by id",
        type: "function",
        schema: {
          type: "object",
          properties: { orderId: { type: "string", pattern: "^ord_[0-9]+$" } },
          required: ["orderId"],
          additionalProperties: false,
        },
        config: { functionName: "lookupOrder", timeoutMs: 5_000, needsApproval: false, code: "ignored()" },
      },
      {
        id: "tool_2",
        name: "open_ticket",
        description: "Opens a support ticket",
        type: "workflow",
        schema: {
          type: "object",
          properties: { subject: { type: "string", minLength: 3 } },
          required: ["subject"],
        },
        config: { workflowId: "wf_tickets", outputSchema: { type: "object", required: ["ticketId"] } },
      },
      {
        id: "tool_3",
        name: "search_policies",
        description: "Searches the support policies",
        type: "knowledge_base",
        schema: null,
        config: { knowledgeBaseId: "kb_policies", topK: 3 },
      },
      {
        id: "tool_4",
        name: "create_issue",
        description: "Files a GitHub issue",
        type: "mcp",
        schema: {
          type: "object",
          properties: { title: { type: "string" } },
          required: ["title"],
        },
        config: { serverId: "github", toolName: "issues.create", needsApproval: true },
      },
    ],
    memory_config: { type: "buffer", maxMessages: 20 },
  };
}

/** Host resolvers for {@link supportAgentRow}, with spies to assert on. */
export function supportAgentContext() {
  const lookupOrder = vi.fn(async (input: { orderId: string }) => ({
    orderId: input.orderId,
    status: "shipped",
  }));
  const workflows = vi.fn<WorkflowExecutor>(async (workflowId, input) => ({
    ticketId: "T-100",
    workflowId,
    input,
  }));
  const knowledgeBases = {
    search: vi.fn<KnowledgeBase["search"]>(async () => [
      { id: "policy#refunds", text: "Refunds within 30 days.", score: 0.93 },
    ]),
  };
  const github = {
    callTool: vi.fn<McpClient["callTool"]>(async (params) => ({
      content: [{ type: "text" as const, text: `Created issue "${String(params.arguments?.title)}" as #7` }],
    })),
  };
  return {
    spies: { lookupOrder, workflows, search: knowledgeBases.search, callTool: github.callTool },
    context: {
      functions: createFunctionRegistry({ lookupOrder }),
      workflows,
      knowledgeBases,
      mcpClients: { github },
    },
  };
}
