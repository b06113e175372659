import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import {
  createHashEmbedder,
  createInMemoryStorage,
  createMemory,
  isMemory,
  type MemoryOptions,
  type StorageAdapter,
} from "@flowmaestro/memory";
import { createFaultyStorage } from "@flowmaestro/memory/testing";
import {
  type Agent,
  type AgentEvent,
  type AgentMemory,
  type AgentRuntime,
  createAgent,
  defineTool,
  type RunResult,
} from "@flowmaestro/runtime";
import { createScriptedModel, type ScriptedModel, type ScriptedTurn } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createMastraRuntime } from "./create-mastra-runtime.js";
import { isFlowMaestroMemory } from "./mastra-memory/flowmaestro-memory.js";
import { recallVectorId } from "./mastra-memory/recall-compat.js";

// Memory on the Mastra runtime is @mastra/memory on FlowMaestro storage. What a host observes must
// be what the legacy runtime gives: the stored thread, working memory, recalled facts, results and
// events, and the same persistence guarantees. Each case runs the same script on both runtimes
// where it can, and compares.

const add = defineTool({
  name: "add",
  description: "Adds two numbers",
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});
const broken = defineTool({
  name: "broken",
  inputSchema: z.object({}),
  execute: () => {
    throw new Error("database is down");
  },
});

/** A 1×1 PNG, base64. */
const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
/** A tool whose result the model sees as text and an image. */
const snapshot = defineTool({
  name: "snapshot",
  inputSchema: z.object({}),
  execute: () => ({ png: PIXEL }),
  toModelOutput: () => ({
    type: "content",
    value: [
      { type: "text", text: "A pixel." },
      { type: "image-data", data: PIXEL, mediaType: "image/png" },
    ],
  }),
});

const runtimes: Record<"legacy" | "mastra", () => AgentRuntime> = {
  legacy: () => createLegacyRuntime(),
  mastra: () => createMastraRuntime(),
};
type RuntimeName = keyof typeof runtimes;

const ids = { threadId: "thread-1", resourceId: "user-1" };

function agentOn(
  runtime: RuntimeName,
  model: ScriptedModel,
  memory: AgentMemory,
  extra: { instructions?: string } = {},
): Agent {
  return createAgent({
    runtime: runtimes[runtime](),
    name: "assistant",
    instructions: extra.instructions ?? "Be brief.",
    model,
    tools: [add, broken],
    memory,
  });
}

async function run(
  agent: Agent,
  input: string,
  options: Record<string, unknown>,
  mode: "execute" | "stream",
): Promise<RunResult> {
  if (mode === "execute") return agent.execute(input, options);
  const stream = agent.stream(input, options);
  for await (const _event of stream) {
    // drain
  }
  return stream.result;
}

async function thread(storage: StorageAdapter, key = ids) {
  return (await storage.listMessages(key)).map((stored) => ({
    message: stored.message,
    step: stored.step,
    runId: stored.runId,
  }));
}

/** The conversation part of a prompt (system messages are each runtime's own). */
function conversation(prompt: LanguageModelV4Prompt) {
  return prompt.filter((message) => message.role !== "system");
}

function systemText(prompt: LanguageModelV4Prompt): string {
  return prompt
    .filter((message) => message.role === "system")
    .map((message) => message.content)
    .join("\n");
}

/** A two-step run: reasoning and text with provider metadata, a tool call and a failing one; then text. */
const toolTurns = (): ScriptedTurn[] => [
  {
    reasoning: "Adding.",
    reasoningMetadata: { anthropic: { signature: "sig-1" } },
    text: "Let me add.",
    textMetadata: { openai: { itemId: "msg_1" } },
    toolCalls: [
      { toolName: "add", input: { a: 1, b: 2 }, providerMetadata: { google: { thoughtSignature: "ts" } } },
      { toolName: "broken", input: {} },
    ],
  },
  { text: "It is 3; the other tool failed." },
];

const newMemory = (storage: StorageAdapter = createInMemoryStorage(), options: MemoryOptions = {}) =>
  createMemory({ storage, ...options });

for (const mode of ["execute", "stream"] as const) {
  describe(`memory on the Mastra runtime (${mode})`, () => {
    it("stores the same thread as the legacy runtime: plain ModelMessages, provider metadata, runs and steps", async () => {
      const stored: Record<string, Awaited<ReturnType<typeof thread>>> = {};
      const results: Record<string, RunResult> = {};
      for (const runtime of ["legacy", "mastra"] as const) {
        const storage = createInMemoryStorage();
        const agent = agentOn(runtime, createScriptedModel({ turns: toolTurns() }), newMemory(storage));
        results[runtime] = await run(agent, "What is 1 + 2?", { ...ids, runId: "run-1" }, mode);
        stored[runtime] = await thread(storage);
      }
      expect(results.mastra?.status).toBe("completed");
      expect(results.mastra?.messages).toEqual(results.legacy?.messages);
      expect(stored.mastra).toEqual(stored.legacy);
      expect(stored.mastra?.map((entry) => [entry.message.role, entry.step])).toEqual([
        ["user", undefined],
        ["assistant", 0],
        ["tool", 0],
        ["assistant", 1],
      ]);
    });

    it("continues a thread the legacy runtime wrote, sending the history the legacy runtime sends", async () => {
      const prompts: Record<string, LanguageModelV4Prompt> = {};
      for (const second of ["legacy", "mastra"] as const) {
        const storage = createInMemoryStorage();
        const memory = newMemory(storage);
        await run(
          agentOn("legacy", createScriptedModel({ turns: toolTurns() }), memory),
          "What is 1 + 2?",
          ids,
          mode,
        );
        const model = createScriptedModel({ turns: [{ text: "Yes." }] });
        const result = await run(agentOn(second, model, memory), "Are you sure?", ids, mode);
        expect(result.status).toBe("completed");
        prompts[second] = model.calls[0]?.options.prompt as LanguageModelV4Prompt;
      }
      expect(conversation(prompts.mastra as LanguageModelV4Prompt)).toEqual(
        conversation(prompts.legacy as LanguageModelV4Prompt),
      );
      // Mastra's own prompt: the instructions it was given, then the history.
      expect(prompts.mastra?.[0]).toEqual({ role: "system", content: "Be brief." });
    });

    it("hands the legacy runtime a thread Mastra wrote, valid to send again", async () => {
      const storage = createInMemoryStorage();
      const memory = newMemory(storage);
      const first = await run(
        agentOn("mastra", createScriptedModel({ turns: toolTurns() }), memory),
        "What is 1 + 2?",
        ids,
        mode,
      );
      const model = createScriptedModel({ turns: [{ text: "Yes." }] });
      const second = await run(agentOn("legacy", model, memory), "Are you sure?", ids, mode);
      expect(second.status).toBe("completed");
      const sent = conversation(model.calls[0]?.options.prompt as LanguageModelV4Prompt);
      expect(sent.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant", "user"]);
      expect(sent[2]).toEqual({
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call_0_0",
            toolName: "add",
            output: { type: "json", value: { sum: 3 } },
            providerOptions: { google: { thoughtSignature: "ts" } },
          },
          {
            type: "tool-result",
            toolCallId: "call_0_1",
            toolName: "broken",
            output: (first.messages[1] as unknown as { content: Array<{ output: unknown }> }).content[1]
              ?.output,
          },
        ],
      });
    });

    it("counts lastMessages in Mastra messages: a whole response is one (a documented difference)", async () => {
      const memory = newMemory(createInMemoryStorage(), { lastMessages: 2 });
      await run(
        agentOn("mastra", createScriptedModel({ turns: toolTurns() }), memory),
        "What is 1 + 2?",
        ids,
        mode,
      );
      const model = createScriptedModel({ turns: [{ text: "Yes." }] });
      await run(agentOn("mastra", model, memory), "Sure?", ids, mode);
      const history = conversation(model.calls[0]?.options.prompt as LanguageModelV4Prompt).slice(0, -1);
      // The user turn and the whole two-step response: four stored messages.
      expect(history.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    });

    it("stores each finished step before the next model call, as the legacy runtime does", async () => {
      const seen: Record<string, number[]> = {};
      for (const runtime of ["legacy", "mastra"] as const) {
        const storage = createInMemoryStorage();
        const counts: number[] = [];
        const count = async () => counts.push((await storage.listMessages(ids).catch(() => [])).length);
        const turns: ScriptedTurn[] = [
          async () => {
            await count();
            return { toolCalls: [{ toolName: "add", input: { a: 1, b: 1 } }] };
          },
          async () => {
            await count();
            return { toolCalls: [{ toolName: "add", input: { a: 2, b: 2 } }] };
          },
          async () => {
            await count();
            return { text: "Done." };
          },
        ];
        await run(
          agentOn(runtime, createScriptedModel({ turns }), newMemory(storage)),
          "Add twice.",
          ids,
          mode,
        );
        seen[runtime] = counts;
      }
      // The input before the first call, then each step's assistant and tool messages.
      expect(seen.mastra).toEqual([1, 3, 5]);
      expect(seen.mastra).toEqual(seen.legacy);
    });

    for (const [failing, stored, calls] of [
      [1, 0, 0],
      [2, 1, 1],
      [3, 3, 2],
    ] as const) {
      it(`fails the run with STORAGE_ERROR when write ${failing} fails, keeping what was stored before it`, async () => {
        const outcomes: Record<string, unknown> = {};
        for (const runtime of ["legacy", "mastra"] as const) {
          const base = createInMemoryStorage();
          const storage = createFaultyStorage(base, {
            fail: (operation, callNumber) => operation === "appendMessages" && callNumber === failing,
          });
          const model = createScriptedModel({
            turns: [{ toolCalls: [{ toolName: "add", input: { a: 1, b: 1 } }] }, { text: "Two." }],
          });
          const events: AgentEvent[] = [];
          const result = await run(
            agentOn(runtime, model, newMemory(storage)),
            "One plus one?",
            { ...ids, onEvent: (event: AgentEvent) => void events.push(event) },
            mode,
          );
          // Writes Mastra might still attempt after the run are dropped.
          await new Promise((resolve) => setTimeout(resolve, 30));
          outcomes[runtime] = {
            status: result.status,
            code: result.error?.code,
            steps: result.steps.length,
            calls: model.calls.length,
            stored: (await base.listMessages(ids).catch(() => [])).length,
            events: events.map((event) => event.type).filter((type) => type !== "text-delta"),
          };
        }
        expect(outcomes.mastra).toMatchObject({ status: "failed", code: "STORAGE_ERROR", calls, stored });
        expect(outcomes.mastra).toEqual(outcomes.legacy);
      });
    }

    it("fails the run with STORAGE_ERROR when the thread cannot be read", async () => {
      const storage = createFaultyStorage(createInMemoryStorage(), {
        fail: (operation) => operation === "getThread",
      });
      const model = createScriptedModel({ turns: [{ text: "never" }] });
      const result = await run(agentOn("mastra", model, newMemory(storage)), "Hi", ids, mode);
      expect(result).toMatchObject({ status: "failed", error: { code: "STORAGE_ERROR" } });
      expect(model.calls).toHaveLength(0);
    });

    it("stores nothing of a step the run was aborted in", async () => {
      const storage = createInMemoryStorage();
      const controller = new AbortController();
      const model = createScriptedModel({
        turns: [
          { toolCalls: [{ toolName: "add", input: { a: 1, b: 1 } }] },
          () => {
            // The step can never finish: the call (or, streaming, its stream after one part) hangs.
            setTimeout(() => controller.abort(new Error("user left")), 10);
            return mode === "stream" ? { text: ["Partial ", "answer"], hang: 2 } : { hang: "call" };
          },
        ],
      });
      const result = await run(
        agentOn("mastra", model, newMemory(storage)),
        "One plus one?",
        { ...ids, signal: controller.signal },
        mode,
      );
      expect(result.status).toBe("aborted");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await thread(storage)).map((entry) => entry.message.role)).toEqual([
        "user",
        "assistant",
        "tool",
      ]);
    });

    it("updates working memory through Mastra's tool, into FlowMaestro storage", async () => {
      const storage = createInMemoryStorage();
      const memory = newMemory(storage, { workingMemory: { scope: "resource" } });
      const model = createScriptedModel({
        turns: [
          {
            toolCalls: [
              { toolName: "updateWorkingMemory", input: { memory: "# About the user\n- Name: Ada\n" } },
            ],
          },
          { text: "Nice to meet you, Ada." },
          { text: "You are Ada." },
        ],
      });
      const events: AgentEvent[] = [];
      const agent = agentOn("mastra", model, memory);
      const first = await run(
        agent,
        "I am Ada.",
        { ...ids, onEvent: (event: AgentEvent) => void events.push(event) },
        mode,
      );
      expect(first.status).toBe("completed");
      expect(model.calls[0]?.options.tools?.map((tool) => tool.name)).toEqual([
        "add",
        "broken",
        "updateWorkingMemory",
      ]);
      expect(
        events.filter((event) => event.type === "tool-call" || event.type === "tool-result"),
      ).toMatchObject([
        { type: "tool-call", toolName: "updateWorkingMemory" },
        { type: "tool-result", toolName: "updateWorkingMemory", output: { success: true } },
      ]);
      expect((await storage.getWorkingMemory({ resourceId: ids.resourceId }))?.content).toBe(
        "# About the user\n- Name: Ada\n",
      );
      // Mastra keeps working-memory calls out of the thread.
      expect((await thread(storage)).map((entry) => entry.message.role)).toEqual(["user", "assistant"]);
      // The next run (another thread of the same resource) sees it, in Mastra's system message…
      await run(agent, "Who am I?", { ...ids, threadId: "thread-2" }, mode);
      expect(systemText(model.calls[2]?.options.prompt as LanguageModelV4Prompt)).toContain("- Name: Ada");
      // …and so does the legacy runtime, from the same storage.
      const legacyModel = createScriptedModel({ turns: [{ text: "Ada." }] });
      await run(agentOn("legacy", legacyModel, memory), "Who am I?", { ...ids, threadId: "thread-3" }, mode);
      expect(systemText(legacyModel.calls[0]?.options.prompt as LanguageModelV4Prompt)).toContain(
        "- Name: Ada",
      );
    });

    it("keeps thread-scoped working memory per thread, and merges schema working memory", async () => {
      const storage = createInMemoryStorage();
      const memory = newMemory(storage, {
        workingMemory: {
          scope: "thread",
          schema: { type: "object", properties: { name: { type: "string" }, city: { type: "string" } } },
        },
      });
      const model = createScriptedModel({
        turns: [
          { toolCalls: [{ toolName: "updateWorkingMemory", input: { memory: { name: "Ada" } } }] },
          { toolCalls: [{ toolName: "updateWorkingMemory", input: { memory: { city: "Lisbon" } } }] },
          { text: "Noted." },
        ],
      });
      const result = await run(agentOn("mastra", model, memory), "I am Ada from Lisbon.", ids, mode);
      expect(result.status).toBe("completed");
      const stored = await storage.getWorkingMemory(ids);
      expect(JSON.parse(stored?.content ?? "null")).toEqual({ name: "Ada", city: "Lisbon" });
      expect(await storage.getWorkingMemory({ resourceId: ids.resourceId })).toBeUndefined();
      expect(await memory.getWorkingMemory(ids)).toMatchObject({ content: stored?.content });
    });

    it("recalls across threads and runtimes, on FlowMaestro vectors", async () => {
      const storage = createInMemoryStorage();
      const memory = newMemory(storage, {
        lastMessages: 2,
        semanticRecall: { topK: 1, messageRange: 0, scope: "resource" },
        embedder: createHashEmbedder(),
      });
      const say = async (runtime: RuntimeName, threadId: string, text: string) => {
        const model = createScriptedModel({ turns: [{ text: "Noted." }] });
        const result = await run(agentOn(runtime, model, memory), text, { ...ids, threadId }, mode);
        expect(result.status).toBe("completed");
        return model.calls[0]?.options.prompt as LanguageModelV4Prompt;
      };
      await say("legacy", "cats", "My cat is called Miso and she loves tuna.");
      const onMastra = await say("mastra", "later", "What is my cat called?");
      expect(systemText(onMastra)).toContain("My cat is called Miso");
      await say("mastra", "dogs", "My dog is called Rex and he chases bikes.");
      const onLegacy = await say("legacy", "later-2", "What is my dog called?");
      expect(systemText(onLegacy)).toContain("My dog is called Rex");
      // The vectors Mastra wrote have FlowMaestro's ids and metadata.
      const dogs = await storage.listMessages({ threadId: "dogs", resourceId: ids.resourceId });
      const vectors = storage.vectors;
      const [match] = await (vectors?.query({
        indexName: memory.recallIndexName(256),
        vector: (
          await createHashEmbedder().doEmbed({ values: ["My dog is called Rex and he chases bikes."] })
        ).embeddings[0] as number[],
        topK: 1,
        filter: { threadId: "dogs" },
      }) ?? []);
      expect(match).toMatchObject({
        id: recallVectorId({ resourceId: ids.resourceId, threadId: "dogs" }, dogs[0]?.id as string),
        metadata: {
          resourceId: ids.resourceId,
          threadId: "dogs",
          messageId: dogs[0]?.id,
          position: dogs[0]?.position,
        },
      });
      // Deleting the thread (FlowMaestro's API) deletes the vectors Mastra wrote.
      await memory.deleteThread({ threadId: "dogs", resourceId: ids.resourceId });
      const left = await vectors?.query({
        indexName: memory.recallIndexName(256),
        vector: new Array(256).fill(1),
        topK: 10,
        filter: { threadId: "dogs" },
      });
      expect(left).toEqual([]);
    });

    for (const [operation, status] of [
      ["vectors.query", "failed"],
      ["vectors.upsert", "completed"],
    ] as const) {
      it(`ends the run ${status} when ${operation} fails, as the legacy runtime does`, async () => {
        const outcomes: Record<string, unknown> = {};
        for (const runtime of ["legacy", "mastra"] as const) {
          const storage = createFaultyStorage(createInMemoryStorage(), {
            fail: (name) => name === operation,
          });
          const memory = newMemory(storage, {
            semanticRecall: { topK: 1, messageRange: 0 },
            embedder: createHashEmbedder(),
          });
          // A first run to have something to recall (its indexing may fail).
          await run(
            agentOn(runtime, createScriptedModel({ turns: [{ text: "Noted." }] }), memory),
            "I like tea.",
            ids,
            mode,
          );
          const result = await run(
            agentOn(runtime, createScriptedModel({ turns: [{ text: "Tea." }] }), memory),
            "What do I like?",
            { ...ids, threadId: "thread-2" },
            mode,
          );
          outcomes[runtime] = { status: result.status, code: result.error?.code };
        }
        expect(outcomes.mastra).toEqual({ status, code: status === "failed" ? "STORAGE_ERROR" : undefined });
        expect(outcomes.mastra).toEqual(outcomes.legacy);
      });
    }

    it("keeps two resources' threads with the same id apart", async () => {
      const storage = createInMemoryStorage();
      const memory = newMemory(storage);
      const model = createScriptedModel({ turns: [{ text: "A." }, { text: "B." }] });
      const agent = agentOn("mastra", model, memory);
      await Promise.all([
        run(agent, "I am user one.", { threadId: "shared", resourceId: "one" }, mode),
        run(agent, "I am user two.", { threadId: "shared", resourceId: "two" }, mode),
      ]);
      const one = await thread(storage, { threadId: "shared", resourceId: "one" });
      const two = await thread(storage, { threadId: "shared", resourceId: "two" });
      expect(one.map((entry) => entry.message)).toEqual([
        { role: "user", content: "I am user one." },
        { role: "assistant", content: [{ type: "text", text: expect.any(String) }] },
      ]);
      expect(two[0]?.message).toEqual({ role: "user", content: "I am user two." });
      for (const call of model.calls) {
        const users = conversation(call.options.prompt).filter((message) => message.role === "user");
        expect(users).toHaveLength(1);
      }
    });

    it("runs without memory when the run names no thread", async () => {
      const storage = createInMemoryStorage();
      const model = createScriptedModel({ turns: [{ text: "Hi." }] });
      const result = await run(agentOn("mastra", model, newMemory(storage)), "Hello", {}, mode);
      expect(result.status).toBe("completed");
      expect(await storage.listThreads({ resourceId: ids.resourceId })).toEqual([]);
      expect(model.calls[0]?.options.prompt).toEqual([
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Hello" }] },
      ]);
    });

    it("fails a run whose memory is not a FlowMaestro memory, naming what to use", async () => {
      const other: AgentMemory = {
        specificationVersion: "v1",
        name: "custom",
        settings: {},
        open: () => Promise.reject(new Error("not used")),
      };
      const model = createScriptedModel({ turns: [{ text: "never" }] });
      const result = await run(agentOn("mastra", model, other), "Hello", ids, mode);
      expect(result.status).toBe("failed");
      expect(result.error?.code).toBe("INVALID_DEFINITION");
      expect(result.error?.message).toMatch(/createMemory\(\).*legacy runtime/);
      expect(model.calls).toHaveLength(0);
    });

    it("fails a run with invalid memory overrides, as the legacy runtime does", async () => {
      for (const runtime of ["legacy", "mastra"] as const) {
        const model = createScriptedModel({ turns: [{ text: "never" }] });
        const result = await run(
          agentOn(runtime, model, newMemory()),
          "Hello",
          { ...ids, memory: { lastMessages: -1 } },
          mode,
        );
        expect(result).toMatchObject({ status: "failed", error: { code: "INVALID_DEFINITION" } });
      }
    });

    it("keeps a tool's image content for the model: in the run, in the thread, in the next run", async () => {
      const content = {
        type: "content",
        value: [
          { type: "text", text: "A pixel." },
          { type: "file", data: { type: "data", data: PIXEL }, mediaType: "image/png" },
        ],
      };
      const toolResult = (prompt: LanguageModelV4Prompt | undefined) =>
        (prompt ?? [])
          .flatMap((message) => (message.role === "tool" ? message.content : []))
          .find((part) => part.type === "tool-result");
      for (const first of ["legacy", "mastra"] as const) {
        const storage = createInMemoryStorage();
        const memory = newMemory(storage);
        const model = createScriptedModel({
          turns: [{ toolCalls: [{ toolName: "snapshot", input: {} }] }, { text: "I see it." }],
        });
        const agent = createAgent({
          runtime: runtimes[first](),
          name: "assistant",
          model,
          tools: [snapshot],
          memory,
        });
        const result = await run(agent, "Look", ids, mode);
        expect(result.status, first).toBe("completed");
        expect(toolResult(model.calls[1]?.options.prompt)?.output, first).toEqual(content);
        const stored = (await thread(storage)).find((entry) => entry.message.role === "tool");
        expect(
          (stored?.message.content as Array<{ output?: unknown }> | undefined)?.[0]?.output,
          first,
        ).toEqual(content);
        for (const second of ["legacy", "mastra"] as const) {
          const next = createScriptedModel({ turns: [{ text: "Still there." }] });
          await run(agentOn(second, next, memory), "Again?", ids, mode);
          expect(toolResult(next.calls[0]?.options.prompt)?.output, `${first} then ${second}`).toEqual(
            content,
          );
        }
      }
    });
  });
}

describe("FlowMaestro memory detection", () => {
  it("agrees with @flowmaestro/memory's isMemory", () => {
    const memory = createMemory({ storage: createInMemoryStorage() });
    expect(isFlowMaestroMemory(memory)).toBe(true);
    expect(isMemory(memory)).toBe(true);
    expect(isFlowMaestroMemory({ name: "flowmaestro", specificationVersion: "v1" })).toBe(false);
  });
});
