import {
  type FakeReply,
  type FakeServer,
  json,
  pieces,
  type RecordedRequest,
  SCRIPT,
  sse,
  sseData,
  startFakeHttpServer,
} from "./fake-http-server.js";

/** What the fake issued in one tool-call turn. */
export interface ChatIssuedTurn {
  readonly toolCallId: string;
}

export interface FakeChatCompletionsServer extends FakeServer {
  /** Tool-call turns issued so far, in order. */
  readonly issued: readonly ChatIssuedTurn[];
}

const CREATED = 1_767_225_600;

/**
 * A fake of the OpenAI Chat Completions API (`POST /v1/chat/completions`, JSON or SSE by the
 * body's `stream`) playing a plain two-step tool loop: `tool_calls` for a user turn, text once the
 * last message is a `tool` message. The baseline without reasoning: like the real API it rejects
 * (HTTP 400) an assistant `tool_calls` message not followed by a `tool` message for each call id,
 * and a `tool` message that answers no preceding call.
 */
export async function startFakeChatCompletionsServer(): Promise<FakeChatCompletionsServer> {
  const issued: ChatIssuedTurn[] = [];
  let completions = 0;

  const handle = (request: RecordedRequest): FakeReply => {
    if (request.method !== "POST" || request.path !== "/v1/chat/completions")
      return json(404, chatError(`Invalid URL (${request.method} ${request.path})`, null));
    const body = request.body;
    const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
    const failure = validate(messages);
    if (failure !== undefined) return json(400, chatError(failure, "messages"));

    completions += 1;
    const number = String(completions).padStart(4, "0");
    const id = `chatcmpl-fake${number}`;
    const model = String(body.model);
    const answersTool = messages[messages.length - 1]?.role === "tool";
    const toolName = String(body.tools?.[0]?.function?.name ?? "get_weather");
    let turn: ChatIssuedTurn | undefined;
    if (!answersTool) {
      turn = { toolCallId: `call_fake${number}` };
      issued.push(turn);
    }
    const usage = {
      prompt_tokens: 80,
      completion_tokens: 20,
      total_tokens: 100,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    };
    const argumentsText = JSON.stringify(SCRIPT.toolInput);
    if (body.stream !== true) {
      const message =
        turn === undefined
          ? { role: "assistant", content: SCRIPT.answer, refusal: null, annotations: [] }
          : {
              role: "assistant",
              content: null,
              refusal: null,
              annotations: [],
              tool_calls: [
                {
                  id: turn.toolCallId,
                  type: "function",
                  function: { name: toolName, arguments: argumentsText },
                },
              ],
            };
      return json(200, {
        id,
        object: "chat.completion",
        created: CREATED,
        model,
        choices: [
          { index: 0, message, logprobs: null, finish_reason: turn === undefined ? "stop" : "tool_calls" },
        ],
        usage,
        service_tier: "default",
        system_fingerprint: "fp_fake",
      });
    }
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
      sseData({
        id,
        object: "chat.completion.chunk",
        created: CREATED,
        model,
        service_tier: "default",
        system_fingerprint: "fp_fake",
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        usage: null,
      });
    const frames: string[] = [];
    if (turn === undefined) {
      frames.push(chunk({ role: "assistant", content: "", refusal: null }));
      for (const piece of pieces(SCRIPT.answer)) frames.push(chunk({ content: piece }));
      frames.push(chunk({}, "stop"));
    } else {
      frames.push(
        chunk({
          role: "assistant",
          content: null,
          tool_calls: [
            { index: 0, id: turn.toolCallId, type: "function", function: { name: toolName, arguments: "" } },
          ],
          refusal: null,
        }),
      );
      for (const piece of pieces(argumentsText))
        frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
      frames.push(chunk({}, "tool_calls"));
    }
    if (body.stream_options?.include_usage === true)
      frames.push(
        sseData({
          id,
          object: "chat.completion.chunk",
          created: CREATED,
          model,
          service_tier: "default",
          system_fingerprint: "fp_fake",
          choices: [],
          usage,
        }),
      );
    frames.push(sseData("[DONE]"));
    return sse(frames);
  };

  const server = await startFakeHttpServer(handle);
  return { ...server, issued };
}

function validate(messages: any[]): string | undefined {
  if (messages.length === 0) return "[] is too short - 'messages'";
  let pending: string[] = [];
  for (const message of messages) {
    if (message.role === "tool") {
      if (!pending.includes(message.tool_call_id))
        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
      pending = pending.filter((id) => id !== message.tool_call_id);
      continue;
    }
    if (pending.length > 0)
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${pending.join(", ")}`;
    if (message.role === "assistant" && Array.isArray(message.tool_calls))
      pending = message.tool_calls.map((call: any) => String(call.id));
  }
  if (pending.length > 0)
    return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${pending.join(", ")}`;
  return undefined;
}

function chatError(message: string, param: string | null) {
  return { error: { message, type: "invalid_request_error", param, code: null } };
}
