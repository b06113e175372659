import { randomUUID } from "node:crypto";
import { createInMemoryStorage, type StorageAdapter } from "@flowmaestro/memory";
import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
import { type AgentSdkError, StorageError } from "@flowmaestro/runtime";
import type { MastraDBMessage } from "@mastra/core/agent";
import type { StorageThreadType } from "@mastra/core/memory";
import type { MastraCompositeStore, MemoryStorage } from "@mastra/core/storage";
import { LibSQLStore } from "@mastra/libsql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withBridgeScope } from "./bridge-scope.js";
import { FlowMaestroMastraStore, type FlowMaestroMemoryStorage } from "./flowmaestro-memory-storage.js";

// One suite, three stores: Mastra's own LibSQLStore is the reference (the expectations follow
// Mastra's memory-storage tests, stores/_test-utils/src/domains/memory in mastra-ai/mastra), the
// bridge must behave the same over our in-memory and libSQL adapters. A case a FlowMaestro store
// cannot pass is skipped for the bridge, with its reason.

interface Target {
  readonly name: string;
  readonly bridge: boolean;
  create(): Promise<{ store: MastraCompositeStore; adapter?: StorageAdapter; close(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: "reference: @mastra/libsql LibSQLStore :memory:",
    bridge: false,
    async create() {
      const store = new LibSQLStore({ id: `ref-${randomUUID()}`, url: ":memory:" });
      await store.init();
      return { store, close: () => store.close() };
    },
  },
  {
    name: "bridge over createInMemoryStorage()",
    bridge: true,
    async create() {
      const adapter = createInMemoryStorage();
      return { store: new FlowMaestroMastraStore(adapter), adapter, close: () => adapter.close() };
    },
  },
  {
    name: "bridge over createLibsqlStorage({ url: ':memory:' })",
    bridge: true,
    async create() {
      const adapter = createLibsqlStorage({ url: ":memory:" });
      return { store: new FlowMaestroMastraStore(adapter), adapter, close: () => adapter.close() };
    },
  },
];

function thread(overrides: Partial<StorageThreadType> = {}): StorageThreadType {
  const now = new Date();
  return {
    id: `thread-${randomUUID()}`,
    resourceId: `resource-${randomUUID()}`,
    title: "Test thread",
    createdAt: now,
    updatedAt: now,
    metadata: { key: "value" },
    ...overrides,
  };
}

let clock = Date.now();
function message(
  threadId: string,
  resourceId: string,
  overrides: Partial<MastraDBMessage> = {},
): MastraDBMessage {
  clock += 10;
  const text = overrides.content?.content ?? `message ${randomUUID()}`;
  return {
    id: `msg-${randomUUID()}`,
    role: "user",
    threadId,
    resourceId,
    createdAt: new Date(clock),
    content: { format: 2, parts: [{ type: "text", text: String(text) }], content: String(text) },
    ...overrides,
  };
}

function textOf(message: MastraDBMessage): string {
  return message.content.parts.map((part) => ("text" in part ? part.text : "")).join("");
}

for (const target of targets) {
  describe(`Mastra memory storage: ${target.name}`, () => {
    let memory: MemoryStorage;
    let adapter: StorageAdapter | undefined;
    let close: () => Promise<void>;

    beforeEach(async () => {
      const created = await target.create();
      memory = (await created.store.getStore("memory")) as MemoryStorage;
      adapter = created.adapter;
      close = created.close;
    });
    afterEach(async () => {
      await close();
    });

    describe("threads", () => {
      it("saves a thread and reads it back, with or without its resource id", async () => {
        const saved = thread();
        expect(await memory.saveThread({ thread: saved })).toEqual(saved);
        const byId = await memory.getThreadById({ threadId: saved.id });
        expect(byId).toMatchObject({
          id: saved.id,
          resourceId: saved.resourceId,
          title: saved.title,
          metadata: { key: "value" },
        });
        expect(
          await memory.getThreadById({ threadId: saved.id, resourceId: saved.resourceId }),
        ).not.toBeNull();
      });

      it("hides a thread from another resource, and reads an unknown one as null", async () => {
        const saved = thread();
        await memory.saveThread({ thread: saved });
        expect(await memory.getThreadById({ threadId: saved.id, resourceId: "someone-else" })).toBeNull();
        expect(await memory.getThreadById({ threadId: "no-such-thread" })).toBeNull();
      });

      it("lists a resource's threads with pagination", async () => {
        const resourceId = `resource-${randomUUID()}`;
        for (let index = 0; index < 7; index++) await memory.saveThread({ thread: thread({ resourceId }) });
        await memory.saveThread({ thread: thread() });
        const first = await memory.listThreads({ filter: { resourceId }, page: 0, perPage: 3 });
        expect(first).toMatchObject({ total: 7, page: 0, perPage: 3, hasMore: true });
        expect(first.threads).toHaveLength(3);
        const last = await memory.listThreads({ filter: { resourceId }, page: 2, perPage: 3 });
        expect(last.threads).toHaveLength(1);
        expect(last.hasMore).toBe(false);
        const all = await memory.listThreads({ filter: { resourceId }, perPage: false });
        expect(all.threads).toHaveLength(7);
      });

      it("updates the title and merges the metadata", async () => {
        const saved = thread();
        await memory.saveThread({ thread: saved });
        const updated = await memory.updateThread({ id: saved.id, title: "Renamed", metadata: { other: 1 } });
        expect(updated).toMatchObject({ title: "Renamed", metadata: { key: "value", other: 1 } });
        expect(await memory.getThreadById({ threadId: saved.id })).toMatchObject({
          title: "Renamed",
          metadata: { key: "value", other: 1 },
        });
      });

      it("replaces the metadata when a thread is saved again", async () => {
        const saved = thread({ metadata: { a: 1, b: 2 } });
        await memory.saveThread({ thread: saved });
        await memory.saveThread({ thread: { ...saved, title: "Again", metadata: { b: 3 } } });
        const read = await memory.getThreadById({ threadId: saved.id });
        expect(read?.title).toBe("Again");
        expect(read?.metadata).toEqual({ b: 3 });
      });

      it("deletes a thread with its messages", async () => {
        const saved = thread();
        await memory.saveThread({ thread: saved });
        await memory.saveMessages({ messages: [message(saved.id, saved.resourceId)] });
        await memory.deleteThread({ threadId: saved.id });
        expect(await memory.getThreadById({ threadId: saved.id })).toBeNull();
        expect((await memory.listMessages({ threadId: saved.id })).messages).toHaveLength(0);
      });

      it("bumps the thread's updatedAt when a message is saved", async () => {
        const saved = thread();
        await memory.saveThread({ thread: saved });
        const before = (await memory.getThreadById({ threadId: saved.id }))?.updatedAt.getTime() ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 15));
        await memory.saveMessages({ messages: [message(saved.id, saved.resourceId)] });
        const after = (await memory.getThreadById({ threadId: saved.id }))?.updatedAt.getTime() ?? 0;
        expect(after).toBeGreaterThan(before);
      });
    });

    describe("messages", () => {
      let saved: StorageThreadType;
      beforeEach(async () => {
        saved = thread();
        await memory.saveThread({ thread: saved });
      });

      it("saves messages and lists them oldest first", async () => {
        const messages = [1, 2, 3].map(() => message(saved.id, saved.resourceId));
        await memory.saveMessages({ messages });
        const listed = await memory.listMessages({ threadId: saved.id });
        expect(listed.messages.map((entry) => entry.id)).toEqual(messages.map((entry) => entry.id));
        expect(listed.messages.map(textOf)).toEqual(messages.map(textOf));
        expect(listed.messages[0]).toMatchObject({
          threadId: saved.id,
          resourceId: saved.resourceId,
          role: "user",
        });
      });

      it("gives the newest page first when ordered DESC", async () => {
        const messages = [1, 2, 3, 4, 5].map(() => message(saved.id, saved.resourceId));
        await memory.saveMessages({ messages });
        const page = await memory.listMessages({
          threadId: saved.id,
          perPage: 2,
          page: 0,
          orderBy: { field: "createdAt", direction: "DESC" },
        });
        expect(page.messages.map((entry) => entry.id)).toEqual([messages[4]?.id, messages[3]?.id]);
        expect(page).toMatchObject({ total: 5, hasMore: true });
        const all = await memory.listMessages({ threadId: saved.id, perPage: false });
        expect(all.messages).toHaveLength(5);
        expect(all.hasMore).toBe(false);
      });

      it("includes messages around a target, even with perPage 0", async () => {
        const messages = [1, 2, 3, 4, 5].map(() => message(saved.id, saved.resourceId));
        await memory.saveMessages({ messages });
        const listed = await memory.listMessages({
          threadId: saved.id,
          perPage: 0,
          include: [{ id: messages[2]?.id as string, withPreviousMessages: 1, withNextMessages: 1 }],
        });
        expect(listed.messages.map((entry) => entry.id)).toEqual([
          messages[1]?.id,
          messages[2]?.id,
          messages[3]?.id,
        ]);
      });

      it("filters by date range", async () => {
        const messages = [1, 2, 3].map(() => message(saved.id, saved.resourceId));
        await memory.saveMessages({ messages });
        const listed = await memory.listMessages({
          threadId: saved.id,
          filter: { dateRange: { start: messages[1]?.createdAt } },
        });
        expect(listed.messages.map((entry) => entry.id)).toEqual([messages[1]?.id, messages[2]?.id]);
      });

      it("replaces a message saved again under its id", async () => {
        const first = message(saved.id, saved.resourceId);
        await memory.saveMessages({ messages: [first] });
        await memory.saveMessages({
          messages: [
            {
              ...first,
              content: { format: 2, parts: [{ type: "text", text: "edited" }], content: "edited" },
            },
          ],
        });
        const listed = await memory.listMessages({ threadId: saved.id });
        expect(listed.messages).toHaveLength(1);
        expect(textOf(listed.messages[0] as MastraDBMessage)).toBe("edited");
      });

      it("finds messages by id", async () => {
        const messages = [1, 2].map(() => message(saved.id, saved.resourceId));
        await memory.saveMessages({ messages });
        const found = await memory.listMessagesById({ messageIds: [messages[1]?.id as string, "unknown"] });
        expect(found.messages.map((entry) => entry.id)).toEqual([messages[1]?.id]);
      });

      it("updates a message's content", async () => {
        const first = message(saved.id, saved.resourceId);
        await memory.saveMessages({ messages: [first] });
        await memory.updateMessages({
          messages: [{ id: first.id, content: { parts: [{ type: "text", text: "changed" }] } as never }],
        });
        const listed = await memory.listMessages({ threadId: saved.id });
        expect(textOf(listed.messages[0] as MastraDBMessage)).toBe("changed");
      });

      it("deletes messages by id", async () => {
        const messages = [1, 2, 3].map(() => message(saved.id, saved.resourceId));
        await memory.saveMessages({ messages });
        await memory.deleteMessages([messages[0]?.id as string, messages[2]?.id as string]);
        const listed = await memory.listMessages({ threadId: saved.id });
        expect(listed.messages.map((entry) => entry.id)).toEqual([messages[1]?.id]);
      });

      it("keeps a multi-step response with its tool results", async () => {
        const user = message(saved.id, saved.resourceId);
        const response: MastraDBMessage = {
          ...message(saved.id, saved.resourceId),
          role: "assistant",
          content: {
            format: 2,
            parts: [
              {
                type: "tool-invocation",
                toolInvocation: {
                  state: "result",
                  toolCallId: "c1",
                  toolName: "add",
                  args: { a: 1 },
                  result: 1,
                },
              },
              { type: "step-start" },
              { type: "text", text: "One." },
            ],
          },
        };
        await memory.saveMessages({ messages: [user, response] });
        const listed = await memory.listMessages({ threadId: saved.id });
        expect(listed.messages.map((entry) => entry.id)).toEqual([user.id, response.id]);
        const read = listed.messages[1] as MastraDBMessage;
        expect(read.id).toBe(response.id);
        expect(read.content.parts.map((part) => part.type)).toEqual([
          "tool-invocation",
          "step-start",
          "text",
        ]);
        expect(read.content.parts[0]).toMatchObject({
          toolInvocation: { state: "result", toolCallId: "c1", toolName: "add", args: { a: 1 }, result: 1 },
        });
      });
    });

    describe("working memory", () => {
      it("stores a resource's working memory", async () => {
        const resourceId = `resource-${randomUUID()}`;
        expect(await memory.getResourceById({ resourceId })).toBeNull();
        await memory.updateResource({ resourceId, workingMemory: "# Ada" });
        expect((await memory.getResourceById({ resourceId }))?.workingMemory).toBe("# Ada");
        await memory.updateResource({ resourceId, workingMemory: "# Ada, Lisbon" });
        expect((await memory.getResourceById({ resourceId }))?.workingMemory).toBe("# Ada, Lisbon");
      });

      it("stores a thread's working memory (Mastra's thread metadata)", async () => {
        const saved = thread();
        await memory.saveThread({ thread: saved });
        await memory.updateThread({ id: saved.id, metadata: { workingMemory: "# thread facts" } });
        expect((await memory.getThreadById({ threadId: saved.id }))?.metadata).toEqual({
          key: "value",
          workingMemory: "# thread facts",
        });
        if (adapter) {
          // In FlowMaestro storage it is the thread's working memory, not a metadata key.
          const key = { resourceId: saved.resourceId, threadId: saved.id };
          expect((await adapter.getWorkingMemory(key))?.content).toBe("# thread facts");
          expect((await adapter.getThread(key))?.metadata).toEqual({ key: "value" });
        }
      });
    });

    describe.skipIf(!target.bridge)("FlowMaestro storage underneath", () => {
      it("stores what Mastra saves as plain ModelMessages, one row per message and step", async () => {
        const saved = thread();
        await memory.saveThread({ thread: saved });
        const user = message(saved.id, saved.resourceId, {
          content: { format: 2, parts: [{ type: "text", text: "add 1" }], content: "add 1" },
        });
        const response: MastraDBMessage = {
          ...message(saved.id, saved.resourceId),
          id: "resp",
          role: "assistant",
          content: {
            format: 2,
            parts: [
              {
                type: "tool-invocation",
                toolInvocation: {
                  state: "result",
                  toolCallId: "c1",
                  toolName: "add",
                  args: { a: 1 },
                  result: 1,
                },
                providerMetadata: { mastra: { modelOutput: { type: "json", value: 1 } } },
              },
              { type: "step-start" },
              { type: "text", text: "One." },
            ],
          },
        };
        await memory.saveMessages({ messages: [user, response] });
        const stored = await (adapter as StorageAdapter).listMessages({
          threadId: saved.id,
          resourceId: saved.resourceId,
        });
        expect(stored.map((row) => [row.id, row.message])).toEqual([
          [user.id, { role: "user", content: "add 1" }],
          [
            "resp",
            {
              role: "assistant",
              content: [{ type: "tool-call", toolCallId: "c1", toolName: "add", input: { a: 1 } }],
            },
          ],
          [
            "resp~0~tool",
            {
              role: "tool",
              content: [
                {
                  type: "tool-result",
                  toolCallId: "c1",
                  toolName: "add",
                  output: { type: "json", value: 1 },
                },
              ],
            },
          ],
          ["resp~1", { role: "assistant", content: [{ type: "text", text: "One." }] }],
        ]);
        // Mastra saves a growing response again after each step: replaced in place, never duplicated.
        await memory.saveMessages({ messages: [user, response] });
        expect(
          await (adapter as StorageAdapter).countMessages({
            threadId: saved.id,
            resourceId: saved.resourceId,
          }),
        ).toBe(4);
      });

      it("inside a run, resolves every thread to the run's resource", async () => {
        const threadId = "shared-id";
        const mine = thread({ id: threadId, resourceId: "mine" });
        const theirs = thread({ id: threadId, resourceId: "theirs", title: "Not yours" });
        await memory.saveThread({ thread: theirs });
        await memory.saveThread({ thread: mine });
        const scope = {
          runId: "r",
          threadId,
          resourceId: "mine",
          onFailure: () => {},
          isClosed: () => false,
        };
        await withBridgeScope(scope, async () => {
          expect((await memory.getThreadById({ threadId }))?.resourceId).toBe("mine");
          await memory.saveMessages({ messages: [message(threadId, "mine")] });
          await memory.updateThread({ id: threadId, title: "Mine" });
        });
        const other = await memory.getThreadById({ threadId, resourceId: "theirs" });
        expect(other?.title).toBe("Not yours");
        expect((await memory.listMessages({ threadId, resourceId: "theirs" })).messages).toHaveLength(0);
        // Outside a run, an id known under two resources is ambiguous: it reads as absent.
        expect(await memory.getThreadById({ threadId })).toBeNull();
      });

      it("reports a storage failure to the run, typed, answers as if nothing were stored, and drops writes once the run is over", async () => {
        const saved = thread();
        await memory.saveThread({ thread: saved });
        const failures: AgentSdkError[] = [];
        let closed = false;
        const broken = adapter as StorageAdapter;
        const original = broken.appendMessages.bind(broken);
        broken.appendMessages = async () => {
          throw new Error("disk full");
        };
        const scope = {
          runId: "r",
          threadId: saved.id,
          resourceId: saved.resourceId,
          onFailure: (error: AgentSdkError) => failures.push(error),
          isClosed: () => closed,
        };
        const lost = message(saved.id, saved.resourceId);
        // Outside a run, the failure is the caller's to handle.
        await expect(memory.saveMessages({ messages: [lost] })).rejects.toSatisfy(StorageError.isInstance);
        // Inside one, the run learns about it; Mastra gets an answer and carries on to the next
        // model call, which the run fails.
        await withBridgeScope(scope, async () => {
          await expect(memory.saveMessages({ messages: [lost] })).resolves.toEqual({ messages: [lost] });
        });
        expect(failures.map((error) => error.code)).toEqual(["STORAGE_ERROR"]);
        broken.appendMessages = original;
        closed = true;
        await withBridgeScope(scope, () =>
          memory.saveMessages({ messages: [message(saved.id, saved.resourceId)] }),
        );
        expect((await memory.listMessages({ threadId: saved.id })).messages).toHaveLength(0);
      });

      it("reads the newest messages from the end of the thread, whole", async () => {
        const saved = thread();
        await memory.saveThread({ thread: saved });
        const messages: MastraDBMessage[] = [];
        for (let index = 0; index < 12; index++) {
          messages.push(message(saved.id, saved.resourceId));
          // A response of three steps: six rows, so windows of rows start inside responses.
          messages.push({
            ...message(saved.id, saved.resourceId),
            role: "assistant",
            content: {
              format: 2,
              parts: [0, 1, 2].flatMap((step) => [
                ...(step > 0 ? [{ type: "step-start" as const }] : []),
                {
                  type: "tool-invocation" as const,
                  toolInvocation: {
                    state: "result" as const,
                    toolCallId: `c${index}-${step}`,
                    toolName: "add",
                    args: { step },
                    result: step,
                  },
                },
              ]),
            },
          });
        }
        await memory.saveMessages({ messages });
        for (const perPage of [1, 2, 3, 9]) {
          const query = {
            threadId: saved.id,
            perPage,
            orderBy: { field: "createdAt" as const, direction: "DESC" as const },
          };
          const fast = await memory.listMessages({ ...query, includeTotal: false });
          const full = await memory.listMessages(query);
          expect(fast.messages).toEqual(full.messages);
          expect(fast.messages.map((entry) => entry.id)).toEqual(
            messages
              .slice(-perPage)
              .reverse()
              .map((entry) => entry.id),
          );
          expect(fast.hasMore).toBe(true);
        }
      });

      it("lists no threads without a resource (a FlowMaestro store lists per resource)", async () => {
        await memory.saveThread({ thread: thread() });
        expect((await memory.listThreads({})).threads).toEqual([]);
      });

      it("rejects moving a thread to another resource", async () => {
        const saved = thread();
        await memory.saveThread({ thread: saved });
        await expect(
          memory.updateThreadResourceId({ threadId: saved.id, resourceId: "other" }),
        ).rejects.toThrow(/cannot move to another resource/);
      });

      it("exposes the adapter", async () => {
        expect((memory as FlowMaestroMemoryStorage).adapter).toBe(adapter);
      });
    });
  });
}
