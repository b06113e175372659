import { describe, expect, it } from "vitest";
import { createInMemoryStorage } from "../adapters/in-memory/in-memory-storage.js";
import { assistant, storedMessages, toolCall, toolResult, user } from "../memory/__fixtures__/messages.js";
import { loadBuffer, selectHistory, wellFormed } from "./buffer.js";

const roles = (entries: readonly { message: { role: string } }[]) =>
  entries.map((entry) => entry.message.role);
const ids = (entries: readonly { id: string }[]) => entries.map((entry) => entry.id);

describe("selectHistory", () => {
  it("keeps the last `lastMessages` messages, oldest first", () => {
    const messages = storedMessages([user("1"), assistant("2"), user("3"), assistant("4"), user("5")]);
    expect(ids(selectHistory(messages, { lastMessages: 3 }))).toEqual(["m3", "m4", "m5"]);
  });

  it("sends nothing for `false` or 0", () => {
    const messages = storedMessages([user("1"), assistant("2")]);
    expect(selectHistory(messages, { lastMessages: false })).toEqual([]);
    expect(selectHistory(messages, { lastMessages: 0 })).toEqual([]);
  });

  it("trims to the token budget, keeping the most recent", () => {
    // 40 characters = 10 tokens each.
    const messages = storedMessages([user("a".repeat(40)), assistant("b".repeat(40)), user("c".repeat(40))]);
    expect(ids(selectHistory(messages, { lastMessages: 10, maxHistoryTokens: 20 }))).toEqual(["m2", "m3"]);
    expect(ids(selectHistory(messages, { lastMessages: 10, maxHistoryTokens: 19 }))).toEqual(["m3"]);
    expect(selectHistory(messages, { lastMessages: 10, maxHistoryTokens: 9 })).toEqual([]);
  });

  it("never starts with a tool result whose call is outside the window", () => {
    const messages = storedMessages([user("q"), toolCall("c1"), toolResult("c1"), assistant("done")]);
    const window = selectHistory(messages, { lastMessages: 2 });
    expect(roles(window)).toEqual(["assistant"]);
    expect(ids(window)).toEqual(["m4"]);
  });

  it("keeps a tool call with its result", () => {
    const messages = storedMessages([user("q"), toolCall("c1"), toolResult("c1"), assistant("done")]);
    expect(ids(selectHistory(messages, { lastMessages: 3 }))).toEqual(["m2", "m3", "m4"]);
  });

  it("drops a tool call whose result is outside the window, keeping the message's text", () => {
    // A thread that ends after the call: the run stopped before the tool answered.
    const messages = storedMessages([user("q"), toolCall("c1", "lookup", "Let me check.")]);
    const window = selectHistory(messages, { lastMessages: 5 });
    expect(ids(window)).toEqual(["m1", "m2"]);
    expect(window[1]?.message).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "Let me check." }],
    });
  });

  it("drops a message left empty and the leading tool message that follows", () => {
    const messages = storedMessages([toolCall("c0"), toolResult("c0"), user("q"), toolCall("c1")]);
    expect(ids(selectHistory(messages, { lastMessages: 10 }))).toEqual(["m1", "m2", "m3"]);
    // Without c0's call in the window, its result is dropped and c1 (no result) is dropped.
    expect(ids(selectHistory(messages, { lastMessages: 3 }))).toEqual(["m3"]);
  });

  it("keeps provider-executed tool calls (their result is in the same message)", () => {
    const messages = storedMessages([
      user("search"),
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "p1", toolName: "web_search", input: {}, providerExecuted: true },
          {
            type: "tool-result",
            toolCallId: "p1",
            toolName: "web_search",
            output: { type: "text", value: "hits" },
          },
          { type: "text", text: "Found it." },
        ],
      },
    ]);
    expect(selectHistory(messages, { lastMessages: 5 })[1]?.message).toEqual(messages[1]?.message);
  });

  it("drops system messages", () => {
    const messages = storedMessages([{ role: "system", content: "be nice" }, user("hi")]);
    expect(ids(wellFormed(messages))).toEqual(["m2"]);
  });

  it("drops approval requests and responses of dropped calls", () => {
    const messages = storedMessages([
      user("delete it"),
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "c1", toolName: "delete", input: {} },
          { type: "tool-approval-request", approvalId: "a1", toolCallId: "c1" },
        ],
      },
      { role: "tool", content: [{ type: "tool-approval-response", approvalId: "a1", approved: true }] },
    ]);
    expect(ids(wellFormed(messages))).toEqual(["m1"]);
  });
});

describe("loadBuffer", () => {
  it("reads the last messages with one windowed query", async () => {
    const storage = createInMemoryStorage();
    const key = { threadId: "t1", resourceId: "r1" };
    await storage.createThread({ id: key.threadId, resourceId: key.resourceId });
    await storage.appendMessages({
      ...key,
      messages: [user("1"), assistant("2"), user("3"), assistant("4")].map((message) => ({ message })),
    });
    const { window, fetched } = await loadBuffer(storage, key, { lastMessages: 2 });
    expect(window.map((entry) => entry.message)).toEqual([user("3"), assistant("4")]);
    expect(fetched).toHaveLength(2);

    const after = await loadBuffer(
      storage,
      key,
      { lastMessages: 10 },
      { afterPosition: window[0]?.position },
    );
    expect(after.window.map((entry) => entry.message)).toEqual([assistant("4")]);

    const more = await loadBuffer(storage, key, { lastMessages: 1 }, { fetch: 3 });
    expect(more.window).toHaveLength(1);
    expect(more.fetched).toHaveLength(3);
    expect(await loadBuffer(storage, key, { lastMessages: false })).toEqual({ window: [], fetched: [] });
  });
});
