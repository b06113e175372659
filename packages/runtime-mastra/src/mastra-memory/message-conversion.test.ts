import type { MastraDBMessage } from "@mastra/core/agent";
import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { groupRows, type StoredRow, toMastraMessage, toStoredRows } from "./message-conversion.js";

const at = new Date("2026-01-02T03:04:05.000Z");
const key = { threadId: "t1", resourceId: "r1" };

/** A response as Mastra stores it: two steps (tool call, then text), a working-memory step between. */
function mastraResponse(): MastraDBMessage {
  return {
    id: "m1",
    role: "assistant",
    createdAt: at,
    ...key,
    content: {
      format: 2,
      metadata: { modelId: "gpt", provider: "openai" },
      parts: [
        {
          type: "reasoning",
          reasoning: "think",
          details: [{ type: "text", text: "think" }],
          providerMetadata: { anthropic: { signature: "sig" } },
        },
        {
          type: "text",
          text: "Let me add.",
          providerMetadata: { openai: { itemId: "it1" }, mastra: { createdAt: 1 } },
        },
        {
          type: "tool-invocation",
          toolInvocation: {
            state: "result",
            toolCallId: "c1",
            toolName: "add",
            args: { a: 1 },
            result: { sum: 1 },
          },
          providerMetadata: {
            google: { thoughtSignature: "ts" },
            mastra: { modelOutput: { type: "json", value: { sum: 1 } } },
          },
        },
        {
          type: "tool-invocation",
          toolInvocation: { state: "result", toolCallId: "c2", toolName: "bad", args: {}, result: "boom" },
          providerMetadata: { mastra: { modelOutput: { type: "error-text", value: "boom" } } },
        },
        { type: "step-start" },
        {
          type: "tool-invocation",
          toolInvocation: {
            state: "result",
            toolCallId: "c3",
            toolName: "updateWorkingMemory",
            args: { memory: "x" },
            result: {},
          },
        },
        { type: "step-start" },
        { type: "text", text: "Done." },
        {
          type: "tool-invocation",
          toolInvocation: { state: "call", toolCallId: "c4", toolName: "add", args: { a: 2 } },
        },
      ],
    } as never,
  };
}

describe("Mastra message → stored ModelMessages", () => {
  it("splits a response into an assistant and a tool message per step, with deterministic ids", () => {
    const rows = toStoredRows(mastraResponse());
    expect(rows.map((row) => [row.id, row.message.role, row.step])).toEqual([
      ["m1", "assistant", 0],
      ["m1~0~tool", "tool", 0],
      ["m1~1", "assistant", 2],
    ]);
    expect(rows[0]?.message).toEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "think", providerOptions: { anthropic: { signature: "sig" } } },
        { type: "text", text: "Let me add.", providerOptions: { openai: { itemId: "it1" } } },
        {
          type: "tool-call",
          toolCallId: "c1",
          toolName: "add",
          input: { a: 1 },
          providerOptions: { google: { thoughtSignature: "ts" } },
        },
        { type: "tool-call", toolCallId: "c2", toolName: "bad", input: {} },
      ],
    });
    // The exact model output (error-text included), and the call's metadata on its result, as the
    // legacy runtime stores them.
    expect(rows[1]?.message).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "c1",
          toolName: "add",
          output: { type: "json", value: { sum: 1 } },
          providerOptions: { google: { thoughtSignature: "ts" } },
        },
        {
          type: "tool-result",
          toolCallId: "c2",
          toolName: "bad",
          output: { type: "error-text", value: "boom" },
        },
      ],
    });
    // The working-memory step is not stored; a call without its result neither.
    expect(rows[2]?.message).toEqual({ role: "assistant", content: [{ type: "text", text: "Done." }] });
  });

  it("maps outputs without Mastra's modelOutput from the invocation's state", () => {
    const message = mastraResponse();
    message.content.parts = [
      {
        type: "tool-invocation",
        toolInvocation: { state: "result", toolCallId: "a", toolName: "t", args: {}, result: "hi" },
      },
      {
        type: "tool-invocation",
        toolInvocation: { state: "result", toolCallId: "b", toolName: "t", args: {}, result: [1] },
      },
      {
        type: "tool-invocation",
        toolInvocation: {
          state: "output-error",
          toolCallId: "c",
          toolName: "t",
          args: {},
          errorText: "nope",
        } as never,
      },
    ] as never;
    const tool = toStoredRows(message)[1]?.message as Extract<ModelMessage, { role: "tool" }>;
    expect(tool.content.map((part) => (part.type === "tool-result" ? part.output : undefined))).toEqual([
      { type: "text", value: "hi" },
      { type: "json", value: [1] },
      { type: "error-text", value: "nope" },
    ]);
  });

  it("stores a user message of one plain text part as a string, others as parts", () => {
    const user = (parts: unknown[]): MastraDBMessage => ({
      id: "u1",
      role: "user",
      createdAt: at,
      ...key,
      content: { format: 2, parts } as never,
    });
    expect(toStoredRows(user([{ type: "text", text: "hi" }]))[0]?.message).toEqual({
      role: "user",
      content: "hi",
    });
    expect(
      toStoredRows(
        user([
          { type: "text", text: "see", providerMetadata: { x: { y: 1 } } },
          { type: "file", data: "data:image/png;base64,AAEC", mimeType: "image/png" },
          { type: "file", data: "https://example.com/a.pdf", mimeType: "application/pdf", filename: "a.pdf" },
        ]),
      )[0]?.message,
    ).toEqual({
      role: "user",
      content: [
        { type: "text", text: "see", providerOptions: { x: { y: 1 } } },
        { type: "image", image: "AAEC", mediaType: "image/png" },
        { type: "file", data: "https://example.com/a.pdf", mediaType: "application/pdf", filename: "a.pdf" },
      ],
    });
  });

  it("keeps what a ModelMessage cannot hold in providerOptions.mastra, and Mastra's signals out", () => {
    const message = mastraResponse();
    message.content.metadata = { modelId: "gpt", custom: "kept" };
    message.content.parts = [
      { type: "text", text: "See" },
      { type: "source", source: { sourceType: "url", id: "s", url: "https://a.b" } },
    ] as never;
    const [row] = toStoredRows(message);
    expect(row?.message).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "See" }],
      providerOptions: {
        mastra: {
          metadata: { custom: "kept" },
          parts: [{ type: "source", source: { sourceType: "url", id: "s", url: "https://a.b" } }],
        },
      },
    });
    expect(toStoredRows({ ...message, role: "signal" })).toEqual([]);
  });
});

function rows(messages: Array<[string, ModelMessage]>): StoredRow[] {
  return messages.map(([id, message], index) => ({
    id,
    message,
    createdAt: new Date(at.getTime() + index),
    ...key,
  }));
}

describe("stored ModelMessages → Mastra messages", () => {
  it("reads a response Mastra wrote back as the same Mastra message, and writes it to the same rows", () => {
    const written = toStoredRows(mastraResponse());
    const groups = groupRows(rows(written.map((row) => [row.id, row.message])));
    expect(groups.map((group) => group.id)).toEqual(["m1"]);
    const read = toMastraMessage(groups[0] as never);
    expect(read.content.metadata).toBeUndefined();
    expect(read.content.parts.map((part) => part.type)).toEqual([
      "reasoning",
      "text",
      "tool-invocation",
      "tool-invocation",
      "step-start",
      "text",
    ]);
    const invocation = read.content.parts[2] as never as {
      toolInvocation: Record<string, unknown>;
      providerMetadata: Record<string, unknown>;
    };
    expect(invocation.toolInvocation).toMatchObject({
      state: "result",
      toolCallId: "c1",
      result: { sum: 1 },
    });
    expect(invocation.providerMetadata).toEqual({
      google: { thoughtSignature: "ts" },
      mastra: { modelOutput: { type: "json", value: { sum: 1 } } },
    });
    expect(toStoredRows(read).map((row) => [row.id, row.message])).toEqual(
      written.map((row) => [row.id, row.message]),
    );
  });

  it("reads a conversation the legacy runtime wrote as one Mastra message per step, and writes it back to its rows", () => {
    const legacy = rows([
      ["run:input:0", { role: "user", content: "add 1" }],
      [
        "run:step0:0",
        {
          role: "assistant",
          content: [{ type: "tool-call", toolCallId: "c1", toolName: "add", input: { a: 1 } }],
        },
      ],
      [
        "run:step0:1",
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "c1",
              toolName: "add",
              output: { type: "error-text", value: "Tool failed" },
            },
          ],
        },
      ],
      ["run:step1:0", { role: "assistant", content: [{ type: "text", text: "Sorry." }] }],
    ]);
    const groups = groupRows(legacy);
    expect(groups.map((group) => group.rows.map((row) => row.id))).toEqual([
      ["run:input:0"],
      ["run:step0:0", "run:step0:1"],
      ["run:step1:0"],
    ]);
    const messages = groups.map(toMastraMessage);
    expect(messages.map((message) => [message.id, message.role])).toEqual([
      ["run:input:0", "user"],
      ["run:step0:0", "assistant"],
      ["run:step1:0", "assistant"],
    ]);
    const step = messages[1] as MastraDBMessage;
    expect(step.content.metadata).toEqual({ flowmaestro: { storedIds: ["run:step0:0", "run:step0:1"] } });
    expect(step.content.parts[0]).toMatchObject({
      type: "tool-invocation",
      toolInvocation: { state: "result", isError: true, errorText: "Tool failed" },
      providerMetadata: { mastra: { modelOutput: { type: "error-text", value: "Tool failed" } } },
    });
    // Re-saved by Mastra, the rows keep their ids (no duplicate tool message).
    expect(messages.flatMap(toStoredRows).map((row) => [row.id, row.message])).toEqual(
      legacy.map((row) => [row.id, row.message]),
    );
  });

  it("turns user files into Mastra file parts (data URLs) and back", () => {
    const bytes = new Uint8Array([0, 1, 2]);
    const [group] = groupRows(
      rows([
        [
          "u",
          {
            role: "user",
            content: [
              { type: "text", text: "look" },
              { type: "image", image: bytes, mediaType: "image/png" },
            ],
          },
        ],
      ]),
    );
    const message = toMastraMessage(group as never);
    expect(message.content.parts).toEqual([
      { type: "text", text: "look" },
      { type: "file", data: "data:image/png;base64,AAEC", mimeType: "image/png" },
    ]);
    expect(message.content.content).toBe("look");
    expect(toStoredRows(message)[0]?.message).toEqual({
      role: "user",
      content: [
        { type: "text", text: "look" },
        { type: "image", image: "AAEC", mediaType: "image/png" },
      ],
    });
  });

  it("keeps a provider-executed tool call and its result in the assistant message", () => {
    const [group] = groupRows(
      rows([
        [
          "a",
          {
            role: "assistant",
            content: [
              {
                type: "tool-call",
                toolCallId: "w",
                toolName: "web_search",
                input: {},
                providerExecuted: true,
              },
              {
                type: "tool-result",
                toolCallId: "w",
                toolName: "web_search",
                output: { type: "json", value: [1] },
              },
              { type: "text", text: "Found it." },
            ],
          },
        ],
      ]),
    );
    const written = toStoredRows(toMastraMessage(group as never));
    expect(written.map((row) => row.message)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "w", toolName: "web_search", input: {}, providerExecuted: true },
          {
            type: "tool-result",
            toolCallId: "w",
            toolName: "web_search",
            output: { type: "json", value: [1] },
          },
          { type: "text", text: "Found it." },
        ],
      },
    ]);
  });
});
