import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { createMemory, createRunStore, type Memory, type StorageAdapter } from "@flowmaestro/memory";
import { type Agent, type AgentRuntime, createAgent, defineTool } from "@flowmaestro/runtime";
import { createScriptedModel, type ScriptedModel, type ScriptedToolCall } from "@flowmaestro/runtime/testing";
import type { ModelMessage } from "ai";
import { expect } from "vitest";
import { z } from "zod";
import { textOf } from "./memory-model.js";

/** Refunds above this amount need approval. */
export const APPROVAL_LIMIT = 100;

/** A prompt or message part, loosely typed for assertions. */
interface Part {
  type: string;
  toolCallId?: string;
  toolName?: string;
  output?: unknown;
}

const partsOf = (messages: ReadonlyArray<{ content: unknown }>, type: string): Part[] =>
  messages.flatMap((message) =>
    typeof message.content === "string"
      ? []
      : (message.content as Part[]).filter((part) => part.type === type),
  );

/** Tool call ids of a prompt's or conversation's `tool-call` parts, in order. */
export const toolCallIds = (messages: ReadonlyArray<{ content: unknown }>): string[] =>
  partsOf(messages, "tool-call").map((part) => part.toolCallId ?? "");

/** Tool call ids of a prompt's or conversation's `tool-result` parts, in order. */
export const toolResultIds = (messages: ReadonlyArray<{ content: unknown }>): string[] =>
  partsOf(messages, "tool-result").map((part) => part.toolCallId ?? "");

/** Every tool call appears once and has exactly one result, after it. */
export function expectEachCallOnceWithItsResult(messages: ReadonlyArray<{ content: unknown }>): void {
  const calls = toolCallIds(messages);
  expect(new Set(calls).size, `tool calls repeated: ${calls.join(", ")}`).toBe(calls.length);
  expect([...toolResultIds(messages)].sort(), "each tool call has exactly one result").toEqual(
    [...calls].sort(),
  );
  messages.forEach((message, index) => {
    for (const id of partsOf([message], "tool-result").map((part) => part.toolCallId)) {
      expect(toolCallIds(messages.slice(0, index)), `the result of ${id} follows its call`).toContain(id);
    }
  });
}

/**
 * A scripted model that decides from the prompt alone, so any runtime and process can continue
 * a run it did not start:
 * - after tool results: answers `Done: <tool>=<output JSON>; …` for the last tool message (so the
 *   test sees exactly what the model was sent, a declined call's reason included);
 * - `refund <order> <amount>` (any number of them) and `note: <text>` in the last user message:
 *   calls `refund` for each and `note`, in one step;
 * - anything else: `echo: <the last user message>`.
 */
export function createApprovalModel(): ScriptedModel {
  return createScriptedModel({
    loop: true,
    turns: [
      (call) => {
        const last = call.prompt.at(-1);
        if (last?.role === "tool") {
          const results = partsOf([last], "tool-result").map(
            (part) => `${part.toolName}=${JSON.stringify(part.output)}`,
          );
          return { text: `Done: ${results.join("; ")}` };
        }
        const asked = lastUserText(call.prompt);
        const toolCalls: ScriptedToolCall[] = [...asked.matchAll(/refund (\w+) (\d+)/g)].map((match) => ({
          toolName: "refund",
          input: { orderId: match[1], amount: Number(match[2]) },
        }));
        const note = /note: (.+)$/.exec(asked);
        if (note) toolCalls.push({ toolName: "note", input: { text: note[1] } });
        if (toolCalls.length > 0) return { toolCalls };
        return { text: `echo: ${asked}` };
      },
    ],
  });
}

function lastUserText(prompt: LanguageModelV4Prompt): string {
  const lastUser = [...prompt].reverse().find((message) => message.role === "user");
  return lastUser ? textOf(lastUser).trim() : "";
}

/** What an approval agent's tools did, in order. */
export interface ToolLog {
  readonly refunds: Array<{ orderId: string; amount: number }>;
  readonly notes: string[];
}

/**
 * An agent whose `refund` tool needs approval above {@link APPROVAL_LIMIT}, with a `note` tool
 * that needs none. `thread: true` gives it memory on the storage (the run store is the memory's);
 * otherwise it has only a run store on the storage (`createRunStore`).
 */
export function approvalAgent(
  runtime: AgentRuntime,
  storage: StorageAdapter,
  options: { thread: boolean },
): { agent: Agent; memory: Memory | undefined; model: ScriptedModel; log: ToolLog } {
  const log: ToolLog = { refunds: [], notes: [] };
  const memory = options.thread ? createMemory({ storage, lastMessages: 40 }) : undefined;
  const model = createApprovalModel();
  const agent = createAgent({
    runtime,
    name: "refund-agent",
    instructions: "You handle refunds.",
    model,
    tools: [
      defineTool({
        name: "refund",
        description: "Refunds an order.",
        inputSchema: z.object({ orderId: z.string(), amount: z.number() }),
        needsApproval: ({ amount }) => amount > APPROVAL_LIMIT,
        execute: (input) => {
          log.refunds.push(input);
          return { refunded: input.amount, orderId: input.orderId };
        },
      }),
      defineTool({
        name: "note",
        description: "Write a note.",
        inputSchema: z.object({ text: z.string() }),
        execute: ({ text }) => {
          log.notes.push(text);
          return { noted: text };
        },
      }),
    ],
    // With memory, the agent keeps suspended runs in `memory.runStore`; without, in its own store.
    ...(memory ? { memory } : { runStore: createRunStore(storage) }),
  });
  return { agent, memory, model, log };
}

/** How often `needle` occurs in the JSON of a model call's prompt. */
export function countInPrompt(
  prompt: LanguageModelV4Prompt | readonly ModelMessage[],
  needle: string,
): number {
  return JSON.stringify(prompt).split(needle).length - 1;
}
