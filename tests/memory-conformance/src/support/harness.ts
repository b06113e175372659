import {
  createHashEmbedder,
  createMemory,
  type Memory,
  type MemoryOptions,
  type StorageAdapter,
} from "@flowmaestro/memory";
import { type AgentRuntime, createAgent, defineTool, type RunResult } from "@flowmaestro/runtime";
import type { ScriptedModel } from "@flowmaestro/runtime/testing";
import { z } from "zod";
import { createMemoryModel } from "./memory-model.js";

let counter = 0;
/** Ids unique to this process and test, so shared databases need no clearing. */
export function uniqueIds(label: string) {
  counter++;
  const tag = `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
  return { threadId: `thread-${tag}`, resourceId: `user-${tag}` };
}

/** Tools of the agents under test; `crash_storage` makes the storage fail from then on. */
export function testTools(onCrash: () => void = () => {}) {
  return [
    defineTool({
      name: "note",
      description: "Write a note.",
      inputSchema: z.object({ text: z.string() }),
      execute: ({ text }) => ({ noted: text }),
    }),
    defineTool({
      name: "crash_storage",
      description: "Test only.",
      inputSchema: z.object({}),
      execute: () => {
        onCrash();
        return "ok";
      },
    }),
  ];
}

/** An agent with memory on the given runtime and storage, driven by the memory-aware scripted model. */
export function memoryAgent(
  runtime: AgentRuntime,
  storage: StorageAdapter,
  options: { memory?: Omit<MemoryOptions, "storage">; onCrash?: () => void; model?: ScriptedModel } = {},
) {
  const memory: Memory = createMemory({
    storage,
    lastMessages: 10,
    workingMemory: { scope: "resource" },
    ...options.memory,
  });
  const model = options.model ?? createMemoryModel();
  const agent = createAgent({
    runtime,
    name: "conformance-agent",
    instructions: "You are a test assistant.",
    model,
    tools: testTools(options.onCrash),
    memory,
  });
  return { agent, memory, model };
}

/** Options for semantic recall on the offline hash embedder. */
export function recallOptions(scope: "thread" | "resource" = "resource"): Omit<MemoryOptions, "storage"> {
  return {
    embedder: createHashEmbedder({ dimension: 128 }),
    semanticRecall: { topK: 2, messageRange: 0, scope },
  };
}

/** Fails the test with the run's error when it did not complete. */
export function expectCompleted(result: RunResult): RunResult {
  if (result.status !== "completed") {
    throw new Error(`run ${result.status}: ${result.error?.message ?? "(no error)"}`);
  }
  return result;
}
