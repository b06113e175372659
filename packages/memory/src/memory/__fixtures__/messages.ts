import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { MemoryOpenRequest, MemoryStrategySettings } from "@flowmaestro/runtime";
import type { ModelMessage } from "ai";
import type { StoredMessage } from "../../storage-adapter.js";

/** Test messages and requests, shared by the memory and strategy tests. */
export const user = (text: string): ModelMessage => ({ role: "user", content: [{ type: "text", text }] });
export const assistant = (text: string): ModelMessage => ({
  role: "assistant",
  content: [{ type: "text", text }],
});
export const toolCall = (toolCallId: string, toolName = "lookup", text?: string): ModelMessage => ({
  role: "assistant",
  content: [
    ...(text === undefined ? [] : [{ type: "text" as const, text }]),
    { type: "tool-call", toolCallId, toolName, input: { q: toolCallId } },
  ],
});
export const toolResult = (toolCallId: string, toolName = "lookup"): ModelMessage => ({
  role: "tool",
  content: [
    { type: "tool-result", toolCallId, toolName, output: { type: "json", value: { ok: toolCallId } } },
  ],
});

/** Messages as a thread would store them, positions 1, 2, 3 … */
export function storedMessages(
  messages: readonly ModelMessage[],
  threadId = "t1",
  resourceId = "r1",
): StoredMessage[] {
  return messages.map((message, index) => ({
    id: `m${index + 1}`,
    threadId,
    resourceId,
    position: index + 1,
    message,
    runId: undefined,
    step: undefined,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, index)),
  }));
}

/** A `MemoryOpenRequest` as the runtime kit builds it. */
export function openRequest(
  model: LanguageModelV4,
  input: readonly ModelMessage[],
  options: {
    threadId?: string;
    resourceId?: string;
    runId?: string;
    overrides?: MemoryStrategySettings;
    signal?: AbortSignal;
  } = {},
): MemoryOpenRequest {
  return {
    threadId: options.threadId ?? "t1",
    resourceId: options.resourceId ?? "r1",
    runId: options.runId ?? "run-1",
    agentId: "agent",
    input,
    overrides: options.overrides,
    model,
    signal: options.signal ?? new AbortController().signal,
  };
}
