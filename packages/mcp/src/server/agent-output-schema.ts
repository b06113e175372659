import type { Tool } from "@modelcontextprotocol/sdk/types.js";

const COUNT = { type: "integer", minimum: 0 } as const;

/**
 * The `outputSchema` of an agent's MCP tool: its `structuredContent` is the agent tool's output,
 * `{ text, status, runId, usage, costUsd? }` (`costUsd` absent when a model used has no price).
 * MCP clients validate results against it.
 * @internal
 */
export const AGENT_OUTPUT_SCHEMA = {
  type: "object",
  properties: {
    text: {
      type: "string",
      description: "The agent's final answer (partial when the run did not complete).",
    },
    status: {
      type: "string",
      enum: ["completed", "max_iterations", "aborted", "failed", "suspended", "budget_exceeded"],
      description: "How the run ended.",
    },
    runId: { type: "string", description: "Id of the agent's run." },
    usage: {
      type: "object",
      description: "Tokens the run used, nested agent runs included.",
      properties: {
        inputTokens: COUNT,
        outputTokens: COUNT,
        totalTokens: COUNT,
        reasoningTokens: COUNT,
        cachedInputTokens: COUNT,
      },
      required: ["inputTokens", "outputTokens", "totalTokens"],
    },
    costUsd: {
      type: "number",
      minimum: 0,
      description: "Cost in US dollars, when every model used has a price.",
    },
  },
  required: ["text", "status", "runId", "usage"],
} as const satisfies NonNullable<Tool["outputSchema"]>;
