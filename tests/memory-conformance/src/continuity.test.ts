import type { StorageAdapter } from "@flowmaestro/memory";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import type { ModelMessage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdapterSetup, adapterSetups } from "./support/adapters.js";
import { expectCompleted, memoryAgent, recallOptions, uniqueIds } from "./support/harness.js";
import { promptText, systemText } from "./support/memory-model.js";

/** An assistant message holding only working-memory tool calls, or the tool message of their results. */
function isWorkingMemoryCall(message: ModelMessage): boolean {
  if (typeof message.content === "string" || (message.role !== "assistant" && message.role !== "tool")) {
    return false;
  }
  const parts = message.content as Array<{ type: string; toolName?: string }>;
  const calls = parts.filter((part) => part.type === "tool-call" || part.type === "tool-result");
  return (
    calls.length > 0 &&
    calls.length === parts.length &&
    calls.every((part) => /working.?memory/i.test(part.toolName ?? ""))
  );
}

describe.each(adapterSetups)("continuity across runtimes on $name", (setup: AdapterSetup) => {
  let storage: StorageAdapter;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await setup.create());
  });
  afterAll(async () => dispose());

  const legacy = createLegacyRuntime();
  const mastra = createMastraRuntime();

  for (const [first, second] of [
    [legacy, mastra],
    [mastra, legacy],
  ] as const) {
    it(`a thread started on ${first.name} continues on ${second.name} and back, with history and working memory`, async () => {
      const ids = uniqueIds(`continuity-${first.name}`);
      const options = setup.vectors ? { memory: recallOptions("thread") } : {};
      const a = memoryAgent(first, storage, options);
      expectCompleted(await a.agent.execute("remember: I live in Lisbon", ids));
      expectCompleted(await a.agent.execute("note: call the bank", ids));

      const b = memoryAgent(second, storage, options);
      const answer = expectCompleted(await b.agent.execute("What did I ask you to note?", ids));
      expect(answer.text).toBe("echo: What did I ask you to note?");
      const secondPrompt = promptText(b.model.calls[0]!.options);
      expect(secondPrompt).toContain("note: call the bank");
      expect(secondPrompt).toContain("Noted call the bank.");
      expect(systemText(b.model.calls[0]!.options)).toContain("I live in Lisbon");

      // Back on the first runtime: it sees what the second one wrote.
      const c = memoryAgent(first, storage, options);
      expectCompleted(await c.agent.execute("Thanks!", ids));
      const thirdPrompt = promptText(c.model.calls[0]!.options);
      expect(thirdPrompt).toContain("echo: What did I ask you to note?");
      expect(thirdPrompt).toContain("note: call the bank");

      // Mastra does not store its working-memory tool calls in the thread (the legacy runtime
      // does; see the Mastra runtime's README): compare the thread without them.
      const conversation = (await a.memory.getMessages(ids)).filter(
        (message) => !isWorkingMemoryCall(message),
      );
      expect(conversation.map((message) => message.role)).toEqual([
        "user",
        "assistant",
        "user",
        "assistant",
        "tool",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
      ]);
    });
  }
});
