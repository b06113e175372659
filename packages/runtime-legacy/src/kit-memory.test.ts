import {
  type AgentEvent,
  type AgentMemory,
  createAgent,
  defineTool,
  type MemoryOpenRequest,
  type MemorySession,
  StorageError,
} from "@flowmaestro/runtime";
import { createInMemoryRunStore, createScriptedModel } from "@flowmaestro/runtime/testing";
import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createLegacyRuntime } from "./create-legacy-runtime.js";

/** A memory double that records what the kit does with it, in order. */
function fakeMemory(options: {
  history?: ModelMessage[];
  context?: string;
  failSaveAt?: number;
  failOpen?: boolean;
  failClose?: boolean;
  saveDelayMs?: number;
}) {
  const log: string[] = [];
  const saved: Array<{ step: number | undefined; messages: readonly ModelMessage[] }> = [];
  const requests: MemoryOpenRequest[] = [];
  let saves = 0;
  const remember = defineTool({
    name: "remember",
    inputSchema: z.object({ fact: z.string() }),
    execute: ({ fact }) => {
      log.push(`tool:${fact}`);
      return "noted";
    },
  });
  const memory: AgentMemory = {
    specificationVersion: "v1",
    name: "fake",
    settings: {},
    async open(request): Promise<MemorySession> {
      requests.push(request);
      log.push("open");
      if (options.failOpen) {
        throw new StorageError({ adapter: "fake", operation: "listMessages", message: "disk gone" });
      }
      return {
        history: options.history ?? [],
        context: options.context,
        tools: [remember],
        async save(messages, info) {
          const index = saves++;
          log.push(`save-start:${info.step ?? "input"}`);
          if (options.saveDelayMs) await new Promise((done) => setTimeout(done, options.saveDelayMs));
          if (options.failSaveAt === index) {
            log.push(`save-failed:${info.step ?? "input"}`);
            throw new StorageError({ adapter: "fake", operation: "appendMessages", message: "disk full" });
          }
          saved.push({ step: info.step, messages });
          log.push(`save-end:${info.step ?? "input"}`);
        },
        async close(info) {
          log.push(`close:${info.status}`);
          if (options.failClose) throw new Error("summary model down");
        },
      };
    },
  };
  return { memory, log, saved, requests };
}

const ids = { threadId: "thread-1", resourceId: "user-1" };

for (const mode of ["execute", "stream"] as const) {
  describe(`kit memory on the legacy runtime (${mode})`, () => {
    const run = async (agent: ReturnType<typeof createAgent>, input: string, options: object) => {
      if (mode === "execute") return agent.execute(input, options);
      const stream = agent.stream(input, options);
      for await (const _event of stream) {
        // drain
      }
      return stream.result;
    };

    it("sends history before the input, context after the instructions, and adds memory tools", async () => {
      const fake = fakeMemory({
        history: [
          { role: "user", content: "My name is Ada." },
          { role: "assistant", content: [{ type: "text", text: "Hi Ada." }] },
        ],
        context: "<working_memory>name: Ada</working_memory>",
      });
      const model = createScriptedModel({
        turns: [{ toolCalls: [{ toolName: "remember", input: { fact: "likes tea" } }] }, { text: "Done." }],
      });
      const agent = createAgent({
        runtime: createLegacyRuntime(),
        name: "a",
        instructions: "Be brief.",
        model,
        memory: fake.memory,
      });
      const result = await run(agent, "Remember I like tea.", ids);
      expect(result.status).toBe("completed");
      const prompt = model.calls[0]!.options.prompt;
      expect(prompt[0]).toEqual({
        role: "system",
        content: "Be brief.\n\n<working_memory>name: Ada</working_memory>",
      });
      expect(prompt.slice(1).map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(model.calls[0]!.options.tools?.map((tool) => tool.name)).toEqual(["remember"]);
      expect(fake.requests[0]).toMatchObject({
        ...ids,
        agentId: "a",
        runId: result.runId,
        overrides: undefined,
      });
      expect(fake.requests[0]!.input).toEqual([{ role: "user", content: "Remember I like tea." }]);
      // The input, then each finished step, each stored before the next model call.
      expect(fake.saved.map((entry) => entry.step)).toEqual([undefined, 0, 1]);
      expect(fake.saved[1]!.messages.map((message) => message.role)).toEqual(["assistant", "tool"]);
      expect(fake.log).toEqual([
        "open",
        "save-start:input",
        "save-end:input",
        "tool:likes tea",
        "save-start:0",
        "save-end:0",
        "save-start:1",
        "save-end:1",
        "close:completed",
      ]);
      // The result's messages are the run's own, not the history.
      expect(result.messages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
    });

    it("waits for a slow write before the next model call", async () => {
      const fake = fakeMemory({ saveDelayMs: 30 });
      const order: string[] = [];
      const model = createScriptedModel({
        turns: [
          () => {
            order.push(
              `call-0 after ${fake.log.filter((entry) => entry.startsWith("save-end")).length} saves`,
            );
            return { toolCalls: [{ toolName: "remember", input: { fact: "x" } }] };
          },
          () => {
            order.push(
              `call-1 after ${fake.log.filter((entry) => entry.startsWith("save-end")).length} saves`,
            );
            return { text: "ok" };
          },
        ],
      });
      const agent = createAgent({ runtime: createLegacyRuntime(), name: "a", model, memory: fake.memory });
      const result = await run(agent, "hi", ids);
      expect(result.status).toBe("completed");
      expect(order).toEqual(["call-0 after 1 saves", "call-1 after 2 saves"]);
    });

    it("fails the run with the storage error when a write fails mid-run, keeping earlier steps", async () => {
      const fake = fakeMemory({ failSaveAt: 2 });
      const model = createScriptedModel({
        turns: [
          { toolCalls: [{ toolName: "remember", input: { fact: "a" } }] },
          { toolCalls: [{ toolName: "remember", input: { fact: "b" } }] },
          { text: "never" },
        ],
      });
      const events: AgentEvent[] = [];
      const agent = createAgent({ runtime: createLegacyRuntime(), name: "a", model, memory: fake.memory });
      const result = await run(agent, "hi", {
        ...ids,
        onEvent: (event: AgentEvent) => void events.push(event),
      });
      expect(result.status).toBe("failed");
      expect(result.error).toMatchObject({ code: "STORAGE_ERROR", category: "storage" });
      expect(fake.saved.map((entry) => entry.step)).toEqual([undefined, 0]);
      // The model was not called after the failed write.
      expect(model.calls).toHaveLength(2);
      expect(events.at(-1)).toMatchObject({ type: "run-end", result: { status: "failed" } });
      expect(events.filter((event) => event.type === "error")).toHaveLength(1);
      expect(fake.log).not.toContain("close:failed");
    });

    it("fails the run when the last step's write fails", async () => {
      const fake = fakeMemory({ failSaveAt: 1 });
      const model = createScriptedModel({ turns: [{ text: "answer" }] });
      const agent = createAgent({ runtime: createLegacyRuntime(), name: "a", model, memory: fake.memory });
      const result = await run(agent, "hi", ids);
      expect(result).toMatchObject({ status: "failed", error: { code: "STORAGE_ERROR" }, text: "answer" });
    });

    it("fails the run with the memory's error when it cannot open, without calling the model", async () => {
      const fake = fakeMemory({ failOpen: true });
      const model = createScriptedModel({ turns: [] });
      const events: AgentEvent[] = [];
      const agent = createAgent({ runtime: createLegacyRuntime(), name: "a", model, memory: fake.memory });
      const result = await run(agent, "hi", {
        ...ids,
        onEvent: (event: AgentEvent) => void events.push(event),
      });
      expect(result).toMatchObject({ status: "failed", error: { code: "STORAGE_ERROR" } });
      expect(events.map((event) => event.type)).toEqual(["run-start", "error", "run-end"]);
      expect(model.calls).toHaveLength(0);
    });

    it("reports a failed after-run step as a warning, not a failed run", async () => {
      const fake = fakeMemory({ failClose: true });
      const agent = createAgent({
        runtime: createLegacyRuntime(),
        name: "a",
        model: createScriptedModel({ turns: [{ text: "ok" }] }),
        memory: fake.memory,
      });
      const result = await run(agent, "hi", ids);
      expect(result.status).toBe("completed");
      expect(result.warnings).toContainEqual({
        type: "other",
        message: "Memory after-run work failed: summary model down",
      });
    });

    it("passes per-run overrides to the memory", async () => {
      const fake = fakeMemory({});
      const agent = createAgent({
        runtime: createLegacyRuntime(),
        name: "a",
        model: createScriptedModel({ turns: [{ text: "ok" }] }),
        memory: fake.memory,
      });
      await run(agent, "hi", { ...ids, memory: { lastMessages: 3 } });
      expect(fake.requests[0]!.overrides).toEqual({ lastMessages: 3 });
    });
  });
}

describe("kit memory: run options", () => {
  const model = () => createScriptedModel({ turns: [{ text: "ok" }] });

  it("rejects a threadId on an agent without memory, naming the field", async () => {
    const agent = createAgent({ runtime: createLegacyRuntime(), name: "a", model: model() });
    await expect(agent.execute("hi", ids)).rejects.toMatchObject({
      code: "INVALID_DEFINITION",
      field: "options.threadId",
    });
    expect(() => agent.stream("hi", ids)).toThrow(/options\.threadId/);
  });

  it("rejects a threadId without a resourceId, and bad ids", async () => {
    const agent = createAgent({
      runtime: createLegacyRuntime(),
      name: "a",
      model: model(),
      memory: fakeMemory({}).memory,
    });
    await expect(agent.execute("hi", { threadId: "t" })).rejects.toMatchObject({
      field: "options.resourceId",
    });
    await expect(agent.execute("hi", { threadId: "", resourceId: "u" })).rejects.toMatchObject({
      field: "options.threadId",
    });
    await expect(agent.execute("hi", { threadId: "t", resourceId: 7 as never })).rejects.toMatchObject({
      field: "options.resourceId",
    });
    await expect(agent.execute("hi", { memory: { lastMessages: 1 } })).rejects.toMatchObject({
      field: "options.memory",
    });
  });

  it("rejects a memory that is not an AgentMemory in the definition", () => {
    expect(() =>
      createAgent({ runtime: createLegacyRuntime(), name: "a", model: model(), memory: {} as never }),
    ).toThrow(/`memory`/);
  });

  it("runs statelessly without a threadId, even with memory", async () => {
    const fake = fakeMemory({});
    const agent = createAgent({
      runtime: createLegacyRuntime(),
      name: "a",
      model: model(),
      memory: fake.memory,
    });
    expect((await agent.execute("hi")).status).toBe("completed");
    expect(fake.log).toEqual([]);
  });

  it("ends as aborted when the caller aborts while memory opens", async () => {
    const controller = new AbortController();
    const memory: AgentMemory = {
      specificationVersion: "v1",
      name: "slow",
      settings: {},
      open: () => new Promise<never>(() => {}),
    };
    const agent = createAgent({ runtime: createLegacyRuntime(), name: "a", model: model(), memory });
    const running = agent.execute("hi", { ...ids, signal: controller.signal });
    controller.abort();
    expect(await running).toMatchObject({ status: "aborted", error: { code: "ABORTED" } });
  });
});

describe("kit memory: resuming a suspended run", () => {
  it("gives the claim back when the memory cannot be opened, so a later resume continues the run", async () => {
    const options: { failOpen?: boolean } = {};
    const { memory } = fakeMemory(options);
    const refund = defineTool({
      name: "refund",
      inputSchema: z.object({ orderId: z.string() }),
      needsApproval: true,
      execute: ({ orderId }) => ({ refunded: orderId }),
    });
    const agent = createAgent({
      runtime: createLegacyRuntime(),
      name: "refunds",
      model: createScriptedModel({
        turns: [{ toolCalls: [{ toolName: "refund", input: { orderId: "A1" } }] }, { text: "Refunded." }],
      }),
      tools: [refund],
      memory,
      runStore: createInMemoryRunStore(),
    });
    const suspended = await agent.execute("Refund A1", ids);
    expect(suspended.status).toBe("suspended");
    const decisions = suspended.pendingApprovals.map((pending) => ({
      approvalId: pending.approvalId,
      approved: true,
    }));

    options.failOpen = true;
    const failed = await agent.resume(suspended.runId, decisions, { resourceId: ids.resourceId });
    expect(failed).toMatchObject({ status: "failed", error: { code: "STORAGE_ERROR" } });

    options.failOpen = false;
    const resumed = await agent.resume(suspended.runId, decisions, { resourceId: ids.resourceId });
    expect(resumed.status).toBe("completed");
    expect(resumed.text).toBe("Refunded.");
    await expect(
      agent.resume(suspended.runId, decisions, { resourceId: ids.resourceId }),
    ).rejects.toMatchObject({ code: "RUN_NOT_SUSPENDED", status: "resumed" });
  });
});
