import type { AgentTool, ToolResultRecord } from "@flowmaestro/runtime";
import { executeToolCall } from "@flowmaestro/runtime/kit";

/**
 * Runs one call of `tool` the way every runtime does (the kit's `executeToolCall`): input
 * validation, timeout, error mapping and output validation included.
 */
export function callTool(
  tool: AgentTool,
  input: unknown,
  options: { signal?: AbortSignal; toolCallId?: string } = {},
): Promise<ToolResultRecord> {
  return executeToolCall(
    { toolCallId: options.toolCallId ?? "call_1", toolName: tool.name, input },
    {
      tools: new Map([[tool.name, tool]]),
      runId: "run_1",
      agentId: "agent_1",
      signal: options.signal,
      messages: [],
      context: {},
    },
  );
}

/** Resolves after `ms`, or rejects with the signal's reason when it fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
