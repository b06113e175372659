import { randomUUID } from "node:crypto";
import {
  type AgentEvent,
  type AgentSdkError,
  AgentToolFailedError,
  type AgentToolOutput,
  type RunContext,
  type TokenUsage,
  type ToolApprovalContext,
  ToolDeclinedError,
  type ToolRunHooks,
} from "@flowmaestro/runtime";
import { executeToolCall, toToolResultOutput } from "@flowmaestro/runtime/kit";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ServedTool } from "./served-tools.js";
import { toMcpContent } from "./to-mcp-content.js";

/** Who a call is for and how it can be stopped. @internal */
export interface ServedCall {
  /** The caller's memory resource: from the HTTP auth hook, or the stdio connection's option. */
  readonly resourceId: string | undefined;
  readonly context: RunContext;
  /** Fires when the client cancels the request or the connection closes. */
  readonly signal: AbortSignal;
  /** `agentId` of the tool's execution context (no agent calls: the server's name). */
  readonly agentId: string;
  /** Hears the events of an agent's run (progress notifications). */
  readonly onEvent?: ((event: AgentEvent) => void) | undefined;
}

const NO_USAGE: TokenUsage = {
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  reasoningTokens: 0,
  cachedInputTokens: 0,
};

const APPROVAL_UNAVAILABLE =
  "it needs a person's approval, which a call over MCP cannot get (serve the tool without needsApproval, or call it from an agent run)";

/**
 * Runs one `tools/call` the way an agent run runs a tool call (the kit's `executeToolCall`:
 * validation, the tool's timeout, the request's abort signal, output checks), as a run of depth
 * 0, and shapes the outcome for MCP. A tool error is a result with `isError` and the error's
 * message (redacted, as every SDK error is) so the client's model can correct itself; an agent
 * run that did not complete also carries its `status`, `runId` and `usage`. Never throws.
 * @internal
 */
export async function callServedTool(
  served: ServedTool,
  input: unknown,
  call: ServedCall,
): Promise<CallToolResult> {
  const id = `mcp_${randomUUID()}`;
  const base = { toolCallId: id, runId: id, agentId: call.agentId, context: call.context, messages: [] };
  const declined = await refuseApproval(served, input ?? {}, base);
  if (declined) return errorResult(declined);
  let nested: { usage: TokenUsage; costUsd: number | undefined } | undefined;
  const hooks: ToolRunHooks = {
    depth: 0,
    streaming: false,
    addUsage: (usage, costUsd) => {
      nested = { usage, costUsd };
    },
    emit: (event) => call.onEvent?.(event),
  };
  const record = await executeToolCall(
    { toolCallId: id, toolName: served.name, input: input ?? {} },
    { ...base, tools: served.scope, signal: call.signal, resourceId: call.resourceId, hooks },
  );
  if (record.isError) {
    const error = record.error;
    if (served.kind === "agent" && AgentToolFailedError.isInstance(error)) {
      const { usage, costUsd } = nested ?? { usage: NO_USAGE, costUsd: undefined };
      return {
        ...errorResult(error),
        structuredContent: agentResult({
          text: "",
          status: error.status,
          runId: error.runId,
          usage,
          costUsd,
        }),
      };
    }
    return errorResult(error);
  }
  const result = toMcpContent(toToolResultOutput(record));
  if (served.kind !== "agent") return result;
  return { content: result.content, structuredContent: agentResult(record.output as AgentToolOutput) };
}

/** An agent tool's `structuredContent` (see the agent output schema): `costUsd` only when known. */
function agentResult(output: AgentToolOutput): Record<string, unknown> {
  const { text, status, runId, usage, costUsd } = output;
  return { text, status, runId, usage, ...(costUsd === undefined ? {} : { costUsd }) };
}

/**
 * An MCP call cannot wait for a person: a tool whose `needsApproval` asks for one is refused
 * (fails closed, as in a run: a requirement that throws counts as "needs approval"). Arguments that
 * fail the schema are left for `executeToolCall` to report.
 */
async function refuseApproval(
  served: ServedTool,
  input: unknown,
  context: ToolApprovalContext,
): Promise<ToolDeclinedError | undefined> {
  const requirement = served.tool.needsApproval;
  if (requirement === undefined || requirement === false) return undefined;
  let needed = true;
  if (typeof requirement === "function") {
    try {
      const parsed = served.tool.parseInput(input);
      if (!parsed.success) return undefined;
      needed = (await requirement(parsed.value, context)) !== false;
    } catch {
      needed = true;
    }
  }
  return needed ? new ToolDeclinedError({ toolName: served.name, reason: APPROVAL_UNAVAILABLE }) : undefined;
}

function errorResult(error: AgentSdkError | undefined): CallToolResult {
  return { isError: true, content: [{ type: "text", text: error?.message ?? "The tool failed." }] };
}
