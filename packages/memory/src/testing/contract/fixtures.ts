import { AgentSdkError, type AgentSdkErrorCode } from "@flowmaestro/runtime";
import type { ModelMessage } from "ai";
import { expect } from "vitest";
import type { NewMessage, StoredMessage } from "../../storage-adapter.js";

/**
 * Awaits a call that must fail and checks it failed with an SDK error of `code` (the contract:
 * adapters never throw anything else). Returns the error for further checks.
 * @internal
 */
export async function expectSdkError<T extends AgentSdkError = AgentSdkError>(
  call: Promise<unknown> | (() => Promise<unknown>),
  code: AgentSdkErrorCode,
): Promise<T> {
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await (typeof call === "function" ? call() : call) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) {
    expect.fail(`expected a ${code} error, but the call succeeded with ${safeJson(outcome.value)}`);
  }
  const { error } = outcome;
  expect(
    AgentSdkError.isInstance(error),
    `expected an AgentSdkError (${code}), got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  ).toBe(true);
  expect((error as AgentSdkError).code, (error as Error).message).toBe(code);
  return error as T;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A small seeded PRNG (mulberry32): same seed, same numbers, on every machine. @internal */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cosine similarity, computed by the suite from its own fixtures. @internal */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(normA * normB);
}

/**
 * Waits until the wall clock has moved on by a few milliseconds, so two writes get different
 * timestamps (ordering by `updatedAt` is then well defined). Not a timing assertion.
 * @internal
 */
export async function clockTick(): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < 3) await new Promise((resolve) => setTimeout(resolve, 1));
}

/**
 * A structural view for deep comparison that keeps the types JSON cannot hold visible:
 * `URL`, `Uint8Array` and `Date` become tagged plain values, so a file's bytes coming back as a
 * base64 string (or a URL as a string) is a difference, not a match.
 * @internal
 */
export function comparable(value: unknown): unknown {
  if (value instanceof URL) return { "<URL>": value.href };
  if (value instanceof Uint8Array) return { "<Uint8Array>": Array.from(value) };
  if (value instanceof ArrayBuffer) return { "<ArrayBuffer>": Array.from(new Uint8Array(value)) };
  if (value instanceof Date) return { "<Date>": value.toISOString() };
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, entry]) => entry !== undefined)
        .map(([key, entry]) => [key, comparable(entry)]),
    );
  }
  return value;
}

/** A plain text message. @internal */
export function textMessage(text: string, role: "user" | "assistant" = "user"): ModelMessage {
  return role === "user" ? { role, content: text } : { role, content: [{ type: "text", text }] };
}

/** The text of a {@link textMessage}. @internal */
export function textOf(stored: StoredMessage): string {
  const { content } = stored.message;
  if (typeof content === "string") return content;
  const first = content[0];
  return first && "text" in first ? String(first.text) : "";
}

/** Checks positions strictly increase in list order. @internal */
export function expectIncreasingPositions(messages: readonly StoredMessage[]): void {
  for (let i = 1; i < messages.length; i++) {
    expect(
      messages[i]!.position,
      `position of message ${i} (${messages[i]!.id}) must exceed the one before it`,
    ).toBeGreaterThan(messages[i - 1]!.position);
  }
}

const BYTES = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * One message of every shape the AI SDK has, with the awkward values adapters get wrong:
 * bytes, URLs, `providerOptions` on messages, parts and tool outputs, reasoning signatures,
 * unicode, escapes, `$fm`-like keys, 0, negative and large numbers, nulls, empty strings.
 * Fresh objects on every call (callers may mutate them).
 * @internal
 */
export function everyMessageShape(): ModelMessage[] {
  return [
    {
      role: "system",
      content: 'You are terse. Ünïcødé ✓ 🙂 "quotes" \\ backslash\nnewline\ttab',
      providerOptions: { anthropic: { cacheControl: { type: "ephemeral" } } },
    },
    { role: "user", content: "plain string content" },
    {
      role: "user",
      content: [
        { type: "text", text: "Look at these", providerOptions: { openai: { imageDetail: "high" } } },
        {
          type: "image",
          image: new URL("https://example.com/cat.png?size=large&x=1#frag"),
          mediaType: "image/png",
        },
        { type: "image", image: PNG, mediaType: "image/png" },
        {
          type: "file",
          data: BYTES,
          mediaType: "application/pdf",
          filename: "report.pdf",
          providerOptions: { anthropic: { citations: { enabled: true } } },
        },
        { type: "file", data: "aGVsbG8gd29ybGQ=", mediaType: "text/plain" },
        { type: "file", data: new URL("https://example.com/doc.pdf"), mediaType: "application/pdf" },
        { type: "text", text: "" },
      ],
      providerOptions: { custom: { trace: "abc", nested: { deep: [1, 2, { x: null }] } } },
    },
    {
      role: "assistant",
      content: [
        {
          type: "reasoning",
          text: "Let me think… step 1, step 2.",
          providerOptions: { anthropic: { signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3h==" } },
        },
        { type: "reasoning", text: "", providerOptions: { anthropic: { redactedData: "ZGF0YQ==" } } },
        { type: "text", text: "I'll check the weather." },
        {
          type: "tool-call",
          toolCallId: "call-1",
          toolName: "get_weather",
          input: {
            city: "Zürich",
            units: ["c", "f"],
            nested: { $fm: "not a tag", n: 0.1, zero: 0, big: 12345678901234, neg: -0.5, t: true, nil: null },
            empty: {},
            list: [],
          },
          providerOptions: { google: { thoughtSignature: "ts-1" } },
        },
        {
          type: "tool-call",
          toolCallId: "call-2",
          toolName: "search",
          input: { q: "x" },
          providerExecuted: true,
        },
      ],
      providerOptions: { openai: { itemId: "msg_123" } },
    },
    {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "call-1",
          toolName: "get_weather",
          output: { type: "text", value: "21 °C" },
        },
        {
          type: "tool-result",
          toolCallId: "call-1",
          toolName: "get_weather",
          output: { type: "json", value: { celsius: 21, tags: ["a", "b"], none: null, ok: false } },
          providerOptions: { anthropic: { cacheControl: { type: "ephemeral" } } },
        },
        {
          type: "tool-result",
          toolCallId: "call-2",
          toolName: "search",
          output: { type: "error-text", value: "boom" },
        },
        {
          type: "tool-result",
          toolCallId: "call-2",
          toolName: "search",
          output: { type: "error-json", value: { error: "bad request", code: 42, detail: [null] } },
        },
        {
          type: "tool-result",
          toolCallId: "call-2",
          toolName: "search",
          output: {
            type: "content",
            value: [
              { type: "text", text: "see the image" },
              { type: "image-data", data: "iVBORw0KGgo=", mediaType: "image/png" },
              { type: "file-data", data: "JVBERi0xLjQ=", mediaType: "application/pdf", filename: "a.pdf" },
              { type: "image-url", url: "https://example.com/result.png" },
            ],
          },
        },
        {
          type: "tool-result",
          toolCallId: "call-2",
          toolName: "search",
          output: { type: "execution-denied", reason: "The user declined." },
        },
      ],
    },
    { role: "assistant", content: "plain assistant string" },
  ];
}

/** `count` text messages `"<prefix> 0"`, `"<prefix> 1"`, … with ids `<idPrefix>-<n>`. @internal */
export function textMessages(count: number, prefix: string, idPrefix?: string): NewMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    ...(idPrefix === undefined ? {} : { id: `${idPrefix}-${index}` }),
    message: textMessage(`${prefix} ${index}`, index % 2 === 0 ? "user" : "assistant"),
  }));
}
