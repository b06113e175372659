import type { StorageAdapter } from "@flowmaestro/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdapterSetup, adapterSetups } from "./support/adapters.js";
import { expectCompleted, memoryAgent, uniqueIds } from "./support/harness.js";
import { runtimeSetups } from "./support/runtimes.js";

const concurrentSetups = adapterSetups.filter((setup) => setup.concurrent);

/** The text of a message's first text part, or its tool call's note. */
function label(message: { role: string; content: unknown }): string {
  if (typeof message.content === "string") return message.content;
  const parts = message.content as Array<{
    type: string;
    text?: string;
    input?: { text?: string };
    output?: { value?: { noted?: string } };
  }>;
  const call = parts.find((part) => part.type === "tool-call");
  if (call) return `call ${call.input?.text}`;
  if (message.role === "tool") return `result ${parts[0]?.output?.value?.noted}`;
  return parts.map((part) => part.text ?? "").join("");
}

describe.each(concurrentSetups)("concurrent runs on $name", (setup: AdapterSetup) => {
  let storage: StorageAdapter;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await setup.create());
  });
  afterAll(async () => dispose());

  describe.each(runtimeSetups)("$name runtime", (runtimeSetup) => {
    const runtime = runtimeSetup.create();

    it("20 concurrent runs on 20 threads each store exactly their own turn", async () => {
      const { agent, memory } = memoryAgent(runtime, storage);
      const threads = Array.from({ length: 20 }, (_, index) => ({ index, ids: uniqueIds(`many-${index}`) }));
      const results = await Promise.all(
        threads.map(({ index, ids }) => agent.execute(`note: item ${index}`, ids)),
      );
      for (const result of results) expectCompleted(result);
      for (const { index, ids } of threads) {
        const messages = await memory.getMessages(ids);
        expect(messages.map(label)).toEqual([
          `note: item ${index}`,
          `call item ${index}`,
          `result item ${index}`,
          `Noted item ${index}.`,
        ]);
      }
    });

    it("5 concurrent runs on one thread lose, duplicate and reorder nothing", async () => {
      const { agent, memory } = memoryAgent(runtime, storage);
      const ids = uniqueIds("shared");
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, index) => agent.execute(`note: run ${index}`, ids)),
      );
      for (const result of results) expectCompleted(result);
      const labels = (await memory.getMessages(ids)).map(label);
      expect(labels).toHaveLength(20);
      expect(new Set(labels).size).toBe(20);
      for (let index = 0; index < 5; index++) {
        const own = [`note: run ${index}`, `call run ${index}`, `result run ${index}`, `Noted run ${index}.`];
        const positions = own.map((entry) => labels.indexOf(entry));
        expect(positions.every((position) => position >= 0)).toBe(true);
        // Each run's messages keep their order (other runs' may sit between them).
        expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      }
    });
  });
});
