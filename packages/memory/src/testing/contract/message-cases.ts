import type { ModelMessage } from "ai";
import { expect } from "vitest";
import type { NewMessage, StoredMessage } from "../../storage-adapter.js";
import type { GroupContext } from "./contract-context.js";
import {
  clockTick,
  comparable,
  everyMessageShape,
  expectIncreasingPositions,
  expectSdkError,
  textMessage,
  textMessages,
  textOf,
} from "./fixtures.js";

/** Messages: round trip, order, windows, upserts, counts, deletes, copies. @internal */
export function describeMessageCases(context: GroupContext): void {
  const { test, adapter, newResource, newThread, uniqueId } = context;

  /** A thread holding `count` text messages `"m 0"`… with ids `<prefix>-<n>`. */
  const threadWith = async (count: number) => {
    const thread = await newThread();
    const prefix = uniqueId("msg");
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    const stored = await adapter().appendMessages({ ...key, messages: textMessages(count, "m", prefix) });
    return { thread, key, prefix, stored };
  };

  test("lossless round trip of every message shape", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    const shapes = everyMessageShape();
    const prefix = uniqueId("msg");
    const input: NewMessage[] = shapes.map((message, index) => ({ id: `${prefix}-${index}`, message }));
    const appended = await adapter().appendMessages({ ...key, messages: input });
    const listed = await adapter().listMessages(key);
    const expected = everyMessageShape().map(comparable);
    expect(appended.map((m) => comparable(m.message))).toEqual(expected);
    expect(listed.map((m) => comparable(m.message))).toEqual(expected);
    // Binary data comes back as bytes and URLs as URLs, not as strings.
    const user = listed[2]!.message as Extract<ModelMessage, { role: "user" }>;
    const parts = user.content as unknown as Array<Record<string, unknown>>;
    expect(parts[1]!.image).toBeInstanceOf(URL);
    expect(parts[2]!.image).toBeInstanceOf(Uint8Array);
    expect(parts[3]!.data).toBeInstanceOf(Uint8Array);
    expect(parts[5]!.data).toBeInstanceOf(URL);
  });

  test("text with a NUL character round-trips", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    const message: ModelMessage = { role: "user", content: [{ type: "text", text: "before\u0000after" }] };
    await adapter().appendMessages({ ...key, messages: [{ message }] });
    expect((await adapter().listMessages(key))[0]!.message).toEqual(message);
  });

  test("ids, runId, step and createdAt are kept", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    const id = uniqueId("msg");
    const runId = uniqueId("run");
    const createdAt = new Date("2024-01-02T03:04:05.678Z");
    const before = Date.now();
    const appended = await adapter().appendMessages({
      ...key,
      messages: [
        { id, message: textMessage("input"), runId, createdAt },
        { message: textMessage("step 0", "assistant"), runId, step: 0 },
        { message: textMessage("step 3", "assistant"), runId, step: 3 },
      ],
    });
    const listed = await adapter().listMessages(key);
    expect(listed).toEqual(appended);
    const [first, second, third] = listed;
    expect(first).toEqual({
      id,
      threadId: thread.id,
      resourceId: thread.resourceId,
      position: expect.any(Number),
      message: textMessage("input"),
      runId,
      step: undefined,
      createdAt,
    });
    expect(second).toMatchObject({ runId, step: 0 });
    expect(second!.step).toBe(0);
    expect(third).toMatchObject({ runId, step: 3 });
    // Generated ids: unique, 1 to 200 characters. Default createdAt: about now.
    expect(second!.id).not.toBe(third!.id);
    for (const message of [second!, third!]) {
      expect(message.id.length).toBeGreaterThan(0);
      expect(message.id.length).toBeLessThanOrEqual(200);
      expect(message.createdAt).toBeInstanceOf(Date);
      expect(message.createdAt.getTime()).toBeGreaterThan(before - 60_000);
    }
    const plain = await adapter().appendMessages({ ...key, messages: [{ message: textMessage("no run") }] });
    expect(plain[0]).toMatchObject({ runId: undefined, step: undefined });
  });

  test("order and strictly increasing positions across appends", async () => {
    const { key, stored } = await threadWith(3);
    const more = await adapter().appendMessages({ ...key, messages: textMessages(4, "n") });
    expect(more.map(textOf)).toEqual(["n 0", "n 1", "n 2", "n 3"]);
    const listed = await adapter().listMessages(key);
    expect(listed.map(textOf)).toEqual(["m 0", "m 1", "m 2", "n 0", "n 1", "n 2", "n 3"]);
    expectIncreasingPositions(listed);
    expect(listed.map((m) => m.position)).toEqual([...stored, ...more].map((m) => m.position));
    expect(new Set(listed.map((m) => m.id)).size).toBe(7);
  });

  test("append bumps the thread's updatedAt", async () => {
    const thread = await newThread();
    await clockTick();
    await adapter().appendMessages({
      threadId: thread.id,
      resourceId: thread.resourceId,
      messages: textMessages(1, "x"),
    });
    const after = await adapter().getThread({ threadId: thread.id, resourceId: thread.resourceId });
    expect(after!.updatedAt.getTime()).toBeGreaterThan(thread.updatedAt.getTime());
    expect(after!.createdAt).toEqual(thread.createdAt);
  });

  test("windows: last, before, after, ids and combinations", async () => {
    const { key, prefix, stored } = await threadWith(10);
    const p = stored.map((m) => m.position);
    const texts = async (window: Record<string, unknown>) =>
      (await adapter().listMessages({ ...key, ...window })).map(textOf);
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m ${from + i}`);
    expect(await texts({})).toEqual(range(0, 10));
    expect(await texts({ last: 3 })).toEqual(range(7, 10));
    expect(await texts({ last: 10 })).toEqual(range(0, 10));
    expect(await texts({ last: 25 })).toEqual(range(0, 10));
    expect(await texts({ beforePosition: p[5] })).toEqual(range(0, 5));
    expect(await texts({ afterPosition: p[5] })).toEqual(range(6, 10));
    expect(await texts({ afterPosition: p[2], beforePosition: p[8] })).toEqual(range(3, 8));
    expect(await texts({ beforePosition: p[8], last: 2 })).toEqual(range(6, 8));
    expect(await texts({ afterPosition: p[2], last: 2 })).toEqual(range(8, 10));
    expect(await texts({ afterPosition: p[9] })).toEqual([]);
    expect(await texts({ beforePosition: p[0] })).toEqual([]);
    expect(await texts({ ids: [`${prefix}-5`, `${prefix}-1`, "unknown-id"] })).toEqual(["m 1", "m 5"]);
    expect(await texts({ ids: [`${prefix}-1`, `${prefix}-3`, `${prefix}-5`], last: 2 })).toEqual([
      "m 3",
      "m 5",
    ]);
    expect(await texts({ ids: [`${prefix}-1`, `${prefix}-6`, `${prefix}-8`], afterPosition: p[4] })).toEqual([
      "m 6",
      "m 8",
    ]);
    expect(await texts({ ids: [`${prefix}-1`, `${prefix}-6`], beforePosition: p[4] })).toEqual(["m 1"]);
    expect(await texts({ ids: [] })).toEqual([]);
  });

  test("last larger than the thread", async () => {
    const { key } = await threadWith(2);
    expect((await adapter().listMessages({ ...key, last: 50 })).map(textOf)).toEqual(["m 0", "m 1"]);
    const empty = await newThread();
    expect(
      await adapter().listMessages({ threadId: empty.id, resourceId: empty.resourceId, last: 5 }),
    ).toEqual([]);
  });

  test("upsert by an existing id keeps the position and replaces the content", async () => {
    const { key, prefix, stored } = await threadWith(3);
    const replacement = textMessage("m 1 (edited)", "assistant");
    const result = await adapter().appendMessages({
      ...key,
      messages: [
        { id: `${prefix}-1`, message: replacement, runId: "run-edit", step: 2 },
        ...textMessages(1, "new"),
      ],
    });
    expect(result[0]).toMatchObject({
      id: `${prefix}-1`,
      position: stored[1]!.position,
      message: replacement,
    });
    expect(result[1]!.position).toBeGreaterThan(stored[2]!.position);
    const listed = await adapter().listMessages(key);
    expect(listed.map(textOf)).toEqual(["m 0", "m 1 (edited)", "m 2", "new 0"]);
    expect(listed[1]).toMatchObject({ position: stored[1]!.position, message: replacement });
    expectIncreasingPositions(listed);
    expect(await adapter().countMessages(key)).toBe(4);
  });

  test("retrying a whole batch never duplicates", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    const batch = textMessages(3, "retry", uniqueId("msg"));
    const first = await adapter().appendMessages({ ...key, messages: batch });
    const second = await adapter().appendMessages({ ...key, messages: batch });
    expect(second.map((m) => m.position)).toEqual(first.map((m) => m.position));
    expect(await adapter().countMessages(key)).toBe(3);
    expect((await adapter().listMessages(key)).map(textOf)).toEqual(["retry 0", "retry 1", "retry 2"]);
  });

  test("append to a missing thread is NOT_FOUND", async () => {
    await expectSdkError(
      adapter().appendMessages({
        threadId: uniqueId("missing"),
        resourceId: newResource(),
        messages: textMessages(1, "x"),
      }),
      "NOT_FOUND",
    );
  });

  test("list and count on a missing thread are NOT_FOUND", async () => {
    const missing = { threadId: uniqueId("missing"), resourceId: newResource() };
    await expectSdkError(adapter().listMessages(missing), "NOT_FOUND");
    await expectSdkError(adapter().listMessages({ ...missing, last: 3 }), "NOT_FOUND");
    await expectSdkError(adapter().countMessages(missing), "NOT_FOUND");
    await expectSdkError(adapter().deleteMessages({ ...missing, ids: ["x"] }), "NOT_FOUND");
  });

  test("countMessages", async () => {
    const { key } = await threadWith(4);
    expect(await adapter().countMessages(key)).toBe(4);
    await adapter().appendMessages({ ...key, messages: textMessages(2, "more") });
    expect(await adapter().countMessages(key)).toBe(6);
    const empty = await newThread();
    expect(await adapter().countMessages({ threadId: empty.id, resourceId: empty.resourceId })).toBe(0);
  });

  test("deleteMessages removes by id and ignores unknown ids", async () => {
    const { key, prefix, stored } = await threadWith(5);
    await adapter().deleteMessages({ ...key, ids: [`${prefix}-1`, `${prefix}-3`, "unknown-id"] });
    const listed = await adapter().listMessages(key);
    expect(listed.map(textOf)).toEqual(["m 0", "m 2", "m 4"]);
    expect(listed.map((m) => m.position)).toEqual(
      [stored[0]!, stored[2]!, stored[4]!].map((m) => m.position),
    );
    expect(await adapter().countMessages(key)).toBe(3);
    await adapter().deleteMessages({ ...key, ids: [] });
    expect(await adapter().countMessages(key)).toBe(3);
    const after = await adapter().appendMessages({ ...key, messages: textMessages(1, "after") });
    expect(after[0]!.position).toBeGreaterThan(stored[4]!.position);
  });

  test("returned messages are copies", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    const input: ModelMessage = {
      role: "assistant",
      content: [
        { type: "text", text: "original" },
        { type: "tool-call", toolCallId: "c1", toolName: "t", input: { list: [1] } },
      ],
    };
    const appended = await adapter().appendMessages({ ...key, messages: [{ message: input }] });
    // Mutate the input, the returned copy and a listed copy: the store must not change.
    (input.content as any[])[0].text = "mutated input";
    (input.content as any[]).push({ type: "text", text: "pushed" });
    mutate(appended[0]!);
    mutate((await adapter().listMessages(key))[0]!);
    const again = await adapter().listMessages(key);
    expect(again[0]!.message).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "original" },
        { type: "tool-call", toolCallId: "c1", toolName: "t", input: { list: [1] } },
      ],
    });
  });

  test("bytes are copied in and out", async () => {
    const thread = await newThread();
    const key = { threadId: thread.id, resourceId: thread.resourceId };
    const data = new Uint8Array([1, 2, 3]);
    await adapter().appendMessages({
      ...key,
      messages: [
        {
          message: { role: "user", content: [{ type: "file", data, mediaType: "application/octet-stream" }] },
        },
      ],
    });
    data[0] = 99;
    const first = await adapter().listMessages(key);
    ((first[0]!.message.content as any[])[0].data as Uint8Array)[1] = 98;
    const second = await adapter().listMessages(key);
    expect(Array.from((second[0]!.message.content as any[])[0].data as Uint8Array)).toEqual([1, 2, 3]);
  });
}

function mutate(stored: StoredMessage): void {
  const content = stored.message.content as any[];
  content[0].text = "mutated";
  content[1].input.list.push(2);
  content.push({ type: "text", text: "pushed" });
  (stored as any).position = -1;
}
