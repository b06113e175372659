import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import type { ModelReference } from "@flowmaestro/runtime";
import type { CallWarning, JSONValue, ModelMessage } from "ai";
import { expect } from "vitest";
import {
  type AnthropicIssuedTurn,
  type ChatIssuedTurn,
  type FakeServer,
  type GeminiIssuedTurn,
  type ResponsesIssuedTurn,
  SCRIPT,
  SKIP_THOUGHT_SIGNATURE_VALIDATOR,
  startFakeAnthropicServer,
  startFakeChatCompletionsServer,
  startFakeGeminiServer,
  startFakeResponsesServer,
} from "./fake-servers/index.js";

/** A real provider model instance (the AI SDK language-model spec v4). */
export type WireModel = Exclude<ModelReference, string>;

/** Provider options by provider id, as the AI SDK's `providerOptions` takes them. */
export type WireProviderOptions = Record<string, Record<string, JSONValue>>;

/** A warning by its `type` and its `feature` (`unsupported`) or part of its `message` (`other`). */
export interface ExpectedWarning {
  readonly type: CallWarning["type"];
  readonly feature?: string;
  readonly messageIncludes?: string;
}

/** A fake server and the tool-call turns it issued. */
export interface WireFake<TURN> extends FakeServer {
  readonly issued: readonly TURN[];
}

/**
 * One provider wire format: how to start its fake, point the real provider package at it, and
 * check that a request continuing the tool loop carries what the provider issued.
 */
export interface WireScenario<TURN = unknown> {
  readonly name: string;
  start(): Promise<WireFake<TURN>>;
  model(url: string): WireModel;
  readonly providerOptions: WireProviderOptions;
  /** Sent so that the provider package reports a warning on every call. */
  readonly temperature?: number;
  /** The warning the provider package reports for every call of this scenario. */
  readonly warning: ExpectedWarning;
  /** Whether the model shows reasoning (reasoning parts, `reasoning-delta` events). */
  readonly reasoning: boolean;
  /** The reasoning text the fake issues in a tool-call turn. */
  readonly reasoningText: string;
  /** Asserts that a request body carries the scenario's `providerOptions` in the provider's terms. */
  expectProviderOptions(body: any): void;
  /** Asserts that a request body replays `turn`: its reasoning/signature before its tool call. */
  expectReplay(body: any, turn: TURN): void;
  /** Asserts that an assistant message holds `turn`'s reasoning parts before its tool call. */
  expectReasoningParts(message: ModelMessage | undefined, turn: TURN): void;
  /** A copy of a continuing request body with the issued reasoning/signatures removed. */
  stripReplay(body: any): any;
  /** The error message the fake answers `stripReplay`'s body with (HTTP 400). */
  readonly rejection: RegExp;
}

/**
 * The parts of an assistant message, without `custom` parts: the AI SDK's `streamText` keeps
 * Anthropic's `anthropic.message_start` metadata as one, which no provider package sends back.
 */
const contentOf = (message: ModelMessage | undefined): any[] =>
  Array.isArray(message?.content) ? (message.content as any[]).filter((part) => part.type !== "custom") : [];

const toolCallIndex = (message: ModelMessage | undefined): number =>
  contentOf(message).findIndex((part) => part.type === "tool-call");

export const anthropicThinking: WireScenario<AnthropicIssuedTurn> = {
  name: "anthropic messages, thinking on",
  start: () => startFakeAnthropicServer(),
  model: (url) => createAnthropic({ baseURL: `${url}/v1`, apiKey: "test-key" })("claude-sonnet-4-5"),
  providerOptions: { anthropic: { thinking: { type: "enabled", budgetTokens: 1024 } } },
  temperature: 0.5,
  warning: { type: "unsupported", feature: "temperature" },
  reasoning: true,
  reasoningText: SCRIPT.reasoning,
  expectProviderOptions(body) {
    expect(body?.thinking, "thinking in the request").toEqual({ type: "enabled", budget_tokens: 1024 });
  },
  expectReplay(body, turn) {
    expect(turn.thinkingBlocks, "the fake issued thinking blocks (thinking was on)").toHaveLength(2);
    const messages: any[] = body?.messages ?? [];
    const assistant = messages.find(
      (message) =>
        message.role === "assistant" &&
        Array.isArray(message.content) &&
        message.content.some((block: any) => block.type === "tool_use" && block.id === turn.toolUseId),
    );
    expect(assistant, `an assistant message with tool_use ${turn.toolUseId}`).toBeDefined();
    const blocks = assistant.content.slice(0, turn.thinkingBlocks.length + 1);
    expect(blocks).toMatchObject([...turn.thinkingBlocks, { type: "tool_use", id: turn.toolUseId }]);
  },
  expectReasoningParts(message, turn) {
    const content = contentOf(message);
    const [thinking, redacted] = turn.thinkingBlocks;
    expect(thinking?.type).toBe("thinking");
    expect(redacted?.type).toBe("redacted_thinking");
    if (thinking?.type !== "thinking" || redacted?.type !== "redacted_thinking") return;
    expect(content.slice(0, 2)).toMatchObject([
      {
        type: "reasoning",
        text: thinking.thinking,
        providerOptions: { anthropic: { signature: thinking.signature } },
      },
      { type: "reasoning", text: "", providerOptions: { anthropic: { redactedData: redacted.data } } },
    ]);
    expect(toolCallIndex(message)).toBe(2);
  },
  stripReplay(body) {
    return {
      ...body,
      messages: body.messages.map((message: any) =>
        message.role === "assistant" && Array.isArray(message.content)
          ? {
              ...message,
              content: message.content.filter(
                (block: any) => block.type !== "thinking" && block.type !== "redacted_thinking",
              ),
            }
          : message,
      ),
    };
  },
  rejection:
    /messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`/,
};

const responsesModel = (url: string) =>
  createOpenAI({ baseURL: `${url}/v1`, apiKey: "test-key" }).responses("o4-mini");

const responsesReasoningParts = (message: ModelMessage | undefined, turn: ResponsesIssuedTurn) => {
  const content = contentOf(message);
  expect(content.slice(0, 2)).toMatchObject([
    {
      type: "reasoning",
      text: turn.summary,
      providerOptions: {
        openai: { itemId: turn.reasoningId, reasoningEncryptedContent: turn.encryptedContent ?? null },
      },
    },
    {
      type: "tool-call",
      toolCallId: turn.callId,
      providerOptions: { openai: { itemId: turn.functionCallId } },
    },
  ]);
};

const stripResponsesReasoning = (body: any) => ({
  ...body,
  input: body.input.filter(
    (item: any) =>
      item.type !== "reasoning" && !(item.type === "item_reference" && String(item.id).startsWith("rs_")),
  ),
});

const functionCallIndex = (input: any[], turn: ResponsesIssuedTurn) =>
  input.findIndex((item) => item.type === "function_call" && item.call_id === turn.callId);

export const openaiResponsesStored: WireScenario<ResponsesIssuedTurn> = {
  name: "openai responses, store (item_reference)",
  start: () => startFakeResponsesServer(),
  model: responsesModel,
  providerOptions: { openai: { reasoningSummary: "auto" } },
  temperature: 0.5,
  warning: { type: "unsupported", feature: "temperature" },
  reasoning: true,
  reasoningText: SCRIPT.reasoning,
  expectProviderOptions(body) {
    expect(body?.reasoning, "reasoning options in the request").toEqual({ summary: "auto" });
    expect(body?.store, "store left to its default (true)").toBeUndefined();
  },
  expectReplay(body, turn) {
    expect(turn.stored, "the fake stored the turn (store was not false)").toBe(true);
    const input: any[] = body?.input ?? [];
    const call = functionCallIndex(input, turn);
    expect(call, `a function_call with call_id ${turn.callId}`).toBeGreaterThan(0);
    const reference = input.findIndex(
      (item) => item.type === "item_reference" && item.id === turn.reasoningId,
    );
    expect(reference, `an item_reference to ${turn.reasoningId}`).toBeGreaterThanOrEqual(0);
    expect(reference).toBeLessThan(call);
  },
  expectReasoningParts: responsesReasoningParts,
  stripReplay: stripResponsesReasoning,
  rejection:
    /Item 'fc_fake0001' of type 'function_call' was provided without its required 'reasoning' item: 'rs_fake0001'\./,
};

export const openaiResponsesStateless: WireScenario<ResponsesIssuedTurn> = {
  name: "openai responses, store false (encrypted_content)",
  start: () => startFakeResponsesServer(),
  model: responsesModel,
  providerOptions: { openai: { store: false, reasoningSummary: "auto" } },
  temperature: 0.5,
  warning: { type: "unsupported", feature: "temperature" },
  reasoning: true,
  reasoningText: SCRIPT.reasoning,
  expectProviderOptions(body) {
    expect(body?.reasoning, "reasoning options in the request").toEqual({ summary: "auto" });
    expect(body?.store, "store: false in the request").toBe(false);
    expect(body?.include, "include in the request").toEqual(["reasoning.encrypted_content"]);
  },
  expectReplay(body, turn) {
    expect(body?.store).toBe(false);
    expect(turn.encryptedContent, "the fake issued encrypted_content").toEqual(expect.any(String));
    const input: any[] = body?.input ?? [];
    const call = functionCallIndex(input, turn);
    expect(call, `a function_call with call_id ${turn.callId}`).toBeGreaterThan(0);
    const reasoning = input.findIndex(
      (item) => item.type === "reasoning" && item.encrypted_content === turn.encryptedContent,
    );
    expect(
      reasoning,
      `a reasoning item with the encrypted_content of ${turn.reasoningId}`,
    ).toBeGreaterThanOrEqual(0);
    expect(reasoning).toBeLessThan(call);
  },
  expectReasoningParts: responsesReasoningParts,
  stripReplay: stripResponsesReasoning,
  rejection:
    /Item 'fc_fake0001' of type 'function_call' was provided without its required 'reasoning' item: 'rs_fake0001'\./,
};

export const openaiChat: WireScenario<ChatIssuedTurn> = {
  name: "openai chat completions (baseline, no reasoning)",
  start: () => startFakeChatCompletionsServer(),
  model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey: "test-key" }).chat("gpt-4o-mini"),
  providerOptions: { openai: { reasoningSummary: "auto" } },
  warning: { type: "unsupported", feature: "reasoningSummary" },
  reasoning: false,
  reasoningText: "",
  expectProviderOptions() {
    // `reasoningSummary` has no Chat Completions field: the package only warns (checked with the warnings).
  },
  expectReplay(body, turn) {
    const messages: any[] = body?.messages ?? [];
    const call = messages.findIndex(
      (message) =>
        message.role === "assistant" &&
        message.tool_calls?.some((toolCall: any) => toolCall.id === turn.toolCallId),
    );
    expect(call, `an assistant message calling ${turn.toolCallId}`).toBeGreaterThan(0);
    expect(messages[call + 1]).toMatchObject({ role: "tool", tool_call_id: turn.toolCallId });
    expect(JSON.parse(messages[call + 1].content)).toMatchObject({ city: "Paris" });
  },
  expectReasoningParts(message, turn) {
    expect(contentOf(message)).toMatchObject([
      { type: "tool-call", toolCallId: turn.toolCallId, toolName: "get_weather", input: SCRIPT.toolInput },
    ]);
  },
  stripReplay(body) {
    return { ...body, messages: body.messages.filter((message: any) => message.role !== "tool") };
  },
  rejection: /The following tool_call_ids did not have response messages: call_fake0001/,
};

export const googleGemini3: WireScenario<GeminiIssuedTurn> = {
  name: "google gemini 3, thought signatures",
  start: () => startFakeGeminiServer(),
  model: (url) =>
    createGoogleGenerativeAI({ baseURL: `${url}/v1beta`, apiKey: "test-key" })("gemini-3-pro-preview"),
  providerOptions: {
    google: { thinkingConfig: { includeThoughts: true }, streamFunctionCallArguments: true },
  },
  warning: { type: "other", messageIncludes: "'streamFunctionCallArguments' is only supported" },
  reasoning: true,
  reasoningText: SCRIPT.reasoning,
  expectProviderOptions(body) {
    expect(body?.generationConfig?.thinkingConfig, "thinkingConfig in the request").toEqual({
      includeThoughts: true,
    });
  },
  expectReplay(body, turn) {
    const parts: any[] = (body?.contents ?? [])
      .filter((content: any) => content.role === "model")
      .flatMap((content: any) => content.parts ?? []);
    const call = parts.find(
      (part) => part.functionCall != null && part.thoughtSignature === turn.thoughtSignature,
    );
    expect(call, `a functionCall part signed ${turn.thoughtSignature}`).toBeDefined();
    expect(parts.map((part) => part.thoughtSignature)).not.toContain(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
  },
  expectReasoningParts(message, turn) {
    const content = contentOf(message);
    expect(content.slice(0, 2)).toMatchObject([
      { type: "reasoning", text: turn.thought },
      { type: "tool-call", providerOptions: { google: { thoughtSignature: turn.thoughtSignature } } },
    ]);
  },
  stripReplay(body) {
    return {
      ...body,
      contents: body.contents.map((content: any) =>
        content.role === "model"
          ? {
              ...content,
              parts: content.parts.map((part: any) =>
                part.functionCall != null
                  ? { ...part, thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR }
                  : part,
              ),
            }
          : content,
      ),
    };
  },
  rejection: /Function call is missing a thought_signature in functionCall parts/,
};

/** Every scenario, in a stable order. */
export const SCENARIOS: readonly WireScenario<any>[] = [
  anthropicThinking,
  openaiResponsesStored,
  openaiResponsesStateless,
  openaiChat,
  googleGemini3,
];

/** Whether `warning` is the one `scenario` provokes. */
export function isScenarioWarning(scenario: WireScenario<any>, warning: unknown): boolean {
  const actual = warning as { type?: unknown; feature?: unknown; message?: unknown } | undefined;
  const expected = scenario.warning;
  if (actual === undefined || actual.type !== expected.type) return false;
  if (expected.feature !== undefined && actual.feature !== expected.feature) return false;
  if (expected.messageIncludes !== undefined)
    return typeof actual.message === "string" && actual.message.includes(expected.messageIncludes);
  return true;
}

/**
 * Messages reduced to what must round-trip: `custom` parts dropped (the AI SDK's `streamText`
 * keeps Anthropic's `anthropic.message_start` metadata as one, which no provider sends back),
 * tool call ids renamed in order of appearance (Gemini issues none, so the AI SDK makes them up),
 * and `undefined` fields removed.
 */
export function comparableMessages(messages: readonly unknown[]): unknown[] {
  const ids = new Map<string, string>();
  const rename = (id: unknown) => {
    const key = String(id);
    if (!ids.has(key)) ids.set(key, `tool-call-${ids.size + 1}`);
    return ids.get(key);
  };
  return (JSON.parse(JSON.stringify(messages)) as any[]).map((message) => ({
    ...message,
    content: Array.isArray(message.content)
      ? message.content
          .filter((part: any) => part.type !== "custom")
          .map((part: any) =>
            part.toolCallId === undefined ? part : { ...part, toolCallId: rename(part.toolCallId) },
          )
      : message.content,
  }));
}
