import {
  type FakeReply,
  type FakeServer,
  json,
  opaqueToken,
  pieces,
  type RecordedRequest,
  SCRIPT,
  sse,
  sseEvent,
  startFakeHttpServer,
} from "./fake-http-server.js";

/** A thinking block as the Messages API returns it and wants it back. */
export type AnthropicThinkingBlock =
  | { readonly type: "thinking"; readonly thinking: string; readonly signature: string }
  | { readonly type: "redacted_thinking"; readonly data: string };

/** What the fake issued in one tool-call turn. */
export interface AnthropicIssuedTurn {
  readonly toolUseId: string;
  /** The thinking blocks before the `tool_use` (empty when the request had thinking off). */
  readonly thinkingBlocks: readonly AnthropicThinkingBlock[];
}

export interface FakeAnthropicServer extends FakeServer {
  /** Tool-call turns issued so far, in order. */
  readonly issued: readonly AnthropicIssuedTurn[];
}

export interface FakeAnthropicOptions {
  /** Also answer a `redacted_thinking` block after the `thinking` block. @default true */
  readonly redactedThinking?: boolean;
}

const EXTENDED_THINKING_DOCS = "https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

/**
 * A fake of the Anthropic Messages API (`POST /v1/messages`, JSON or SSE by the body's `stream`)
 * that plays a two-step tool loop: a user turn is answered with a signed `thinking` block (plus a
 * `redacted_thinking` block) and a `tool_use`; a `tool_result` turn is answered with text.
 *
 * Like the real API with `thinking` enabled, a request that continues a tool loop is rejected
 * with HTTP 400 unless the final assistant message starts with the thinking blocks this server
 * issued for its `tool_use`, unmodified (same `thinking` text and `signature`, same `data`);
 * a thinking block it never issued anywhere in the history is rejected as an invalid signature.
 */
export async function startFakeAnthropicServer(
  options: FakeAnthropicOptions = {},
): Promise<FakeAnthropicServer> {
  const redactedThinking = options.redactedThinking ?? true;
  const issued: AnthropicIssuedTurn[] = [];

  const handle = (request: RecordedRequest): FakeReply => {
    if (request.method !== "POST" || request.path !== "/v1/messages")
      return json(404, anthropicError("not_found_error", `Not found: ${request.method} ${request.path}`));
    const body = request.body;
    const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
    if (messages.length === 0) return json(400, invalidRequest("messages: at least one message is required"));
    const thinkingOn = body.thinking?.type === "enabled" || body.thinking?.type === "adaptive";
    const rejection = validate(messages, thinkingOn, issued);
    if (rejection !== undefined) return json(400, invalidRequest(rejection));

    const last = messages[messages.length - 1];
    const answersToolResult =
      last.role === "user" && Array.isArray(last.content) && last.content.some(isToolResult);
    const turnNumber = issued.length + 1;
    const model = String(body.model);
    const messageId = `msg_fake${String(turnNumber).padStart(4, "0")}_${answersToolResult ? "text" : "tool"}`;
    if (answersToolResult) return reply(body.stream === true, textMessage(messageId, model));

    const thinkingBlocks: AnthropicThinkingBlock[] = [];
    if (thinkingOn) {
      thinkingBlocks.push({
        type: "thinking",
        thinking: SCRIPT.reasoning,
        signature: opaqueToken("EqQBCkgIAhAB", `anthropic-signature-${turnNumber}`),
      });
      if (redactedThinking)
        thinkingBlocks.push({
          type: "redacted_thinking",
          data: opaqueToken("EmwKAhgB", `anthropic-redacted-${turnNumber}`),
        });
    }
    const toolName = String(body.tools?.[0]?.name ?? "get_weather");
    const turn: AnthropicIssuedTurn = {
      toolUseId: `toolu_fake${String(turnNumber).padStart(4, "0")}`,
      thinkingBlocks,
    };
    issued.push(turn);
    return reply(body.stream === true, toolUseMessage(messageId, model, turn, toolName));
  };

  const server = await startFakeHttpServer(handle);
  return { ...server, issued };
}

type MessageContent = Array<Record<string, unknown>>;
interface Message {
  id: string;
  model: string;
  content: MessageContent;
  stopReason: "tool_use" | "end_turn";
}

function toolUseMessage(id: string, model: string, turn: AnthropicIssuedTurn, toolName: string): Message {
  return {
    id,
    model,
    stopReason: "tool_use",
    content: [
      ...turn.thinkingBlocks.map((block) => ({ ...block })),
      { type: "tool_use", id: turn.toolUseId, name: toolName, input: { ...SCRIPT.toolInput } },
    ],
  };
}

function textMessage(id: string, model: string): Message {
  return { id, model, stopReason: "end_turn", content: [{ type: "text", text: SCRIPT.answer }] };
}

const USAGE = { input_tokens: 120, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

function reply(stream: boolean, message: Message): FakeReply {
  if (!stream)
    return json(200, {
      id: message.id,
      type: "message",
      role: "assistant",
      model: message.model,
      content: message.content,
      stop_reason: message.stopReason,
      stop_sequence: null,
      usage: { ...USAGE, output_tokens: 42, service_tier: "standard" },
    });
  return sse(streamFrames(message));
}

/** The event sequence of the real streaming API (message_start, ping, blocks, message_delta, message_stop). */
function streamFrames(message: Message): string[] {
  const frames: string[] = [
    sseEvent("message_start", {
      type: "message_start",
      message: {
        id: message.id,
        type: "message",
        role: "assistant",
        model: message.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...USAGE, output_tokens: 1, service_tier: "standard" },
      },
    }),
    sseEvent("ping", { type: "ping" }),
  ];
  message.content.forEach((block, index) => {
    const delta = (payload: unknown) =>
      sseEvent("content_block_delta", { type: "content_block_delta", index, delta: payload });
    switch (block.type) {
      case "thinking":
        frames.push(
          sseEvent("content_block_start", {
            type: "content_block_start",
            index,
            content_block: { type: "thinking", thinking: "", signature: "" },
          }),
        );
        for (const piece of pieces(String(block.thinking)))
          frames.push(delta({ type: "thinking_delta", thinking: piece }));
        frames.push(delta({ type: "signature_delta", signature: block.signature }));
        break;
      case "redacted_thinking":
        frames.push(
          sseEvent("content_block_start", {
            type: "content_block_start",
            index,
            content_block: { type: "redacted_thinking", data: block.data },
          }),
        );
        break;
      case "tool_use": {
        frames.push(
          sseEvent("content_block_start", {
            type: "content_block_start",
            index,
            content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
          }),
        );
        frames.push(delta({ type: "input_json_delta", partial_json: "" }));
        for (const piece of pieces(JSON.stringify(block.input)))
          frames.push(delta({ type: "input_json_delta", partial_json: piece }));
        break;
      }
      case "text":
        frames.push(
          sseEvent("content_block_start", {
            type: "content_block_start",
            index,
            content_block: { type: "text", text: "" },
          }),
        );
        for (const piece of pieces(String(block.text)))
          frames.push(delta({ type: "text_delta", text: piece }));
        break;
    }
    frames.push(sseEvent("content_block_stop", { type: "content_block_stop", index }));
  });
  frames.push(
    sseEvent("message_delta", {
      type: "message_delta",
      delta: { stop_reason: message.stopReason, stop_sequence: null },
      usage: { output_tokens: 42 },
    }),
    sseEvent("message_stop", { type: "message_stop" }),
  );
  return frames;
}

/** The checks of the real API that matter for replaying a tool loop; returns the error message. */
function validate(
  messages: any[],
  thinkingOn: boolean,
  issued: readonly AnthropicIssuedTurn[],
): string | undefined {
  for (const [index, message] of messages.entries()) {
    if (message.role !== "assistant" || !Array.isArray(message.content)) continue;
    const toolUseIds: string[] = message.content.filter(isToolUse).map((block: any) => String(block.id));
    if (toolUseIds.length > 0) {
      const next = messages[index + 1];
      const resultIds = new Set<string>(
        Array.isArray(next?.content)
          ? next.content.filter(isToolResult).map((block: any) => String(block.tool_use_id))
          : [],
      );
      const missing = toolUseIds.filter((id) => !resultIds.has(id));
      if (missing.length > 0)
        return `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
    if (!thinkingOn) continue;
    for (const [blockIndex, block] of message.content.entries()) {
      if (block.type === "thinking" && !wasIssued(issued, block))
        return `messages.${index}.content.${blockIndex}: Invalid \`signature\` in \`thinking\` block`;
      if (block.type === "redacted_thinking" && !wasIssued(issued, block))
        return `messages.${index}.content.${blockIndex}: Invalid \`data\` in \`redacted_thinking\` block`;
    }
  }
  if (!thinkingOn) return undefined;

  const lastIndex = messages.length - 1;
  const last = messages[lastIndex];
  const continuesToolLoop =
    last.role === "user" && Array.isArray(last.content) && last.content.some(isToolResult);
  const finalIndex = lastIndex - 1;
  const final = messages[finalIndex];
  if (!continuesToolLoop || final?.role !== "assistant") return undefined;
  const content: any[] = Array.isArray(final.content)
    ? final.content
    : [{ type: "text", text: final.content }];
  const first = content[0];
  if (first?.type !== "thinking" && first?.type !== "redacted_thinking")
    return `messages.${finalIndex}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type ?? "nothing"}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at ${EXTENDED_THINKING_DOCS}`;
  const toolUseId = content.find(isToolUse)?.id;
  const turn = issued.find((candidate) => candidate.toolUseId === toolUseId);
  if (turn === undefined) return undefined;
  for (const [blockIndex, expected] of turn.thinkingBlocks.entries()) {
    if (!sameBlock(content[blockIndex], expected))
      return `messages.${finalIndex}.content.${blockIndex}: \`thinking\` or \`redacted_thinking\` blocks in the latest assistant message cannot be modified. These blocks must remain as they were in the original response.`;
  }
  return undefined;
}

function wasIssued(issued: readonly AnthropicIssuedTurn[], block: any): boolean {
  return issued.some((turn) => turn.thinkingBlocks.some((expected) => sameBlock(block, expected)));
}

function sameBlock(actual: any, expected: AnthropicThinkingBlock): boolean {
  if (actual?.type !== expected.type) return false;
  return expected.type === "thinking"
    ? actual.thinking === expected.thinking && actual.signature === expected.signature
    : actual.data === expected.data;
}

function isToolUse(block: any): boolean {
  return block?.type === "tool_use";
}

function isToolResult(block: any): boolean {
  return block?.type === "tool_result";
}

function anthropicError(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: "req_fake" };
}

function invalidRequest(message: string) {
  return anthropicError("invalid_request_error", message);
}
