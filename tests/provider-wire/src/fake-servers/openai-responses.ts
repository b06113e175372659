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

/** What the fake issued in one tool-call turn. */
export interface ResponsesIssuedTurn {
  readonly responseId: string;
  /** Id of the `reasoning` output item (`rs_…`). */
  readonly reasoningId: string;
  /** Set when the request had `store: false` and `include: ["reasoning.encrypted_content"]`. */
  readonly encryptedContent: string | undefined;
  /** Summary text (empty when the request did not ask for `reasoning.summary`). */
  readonly summary: string;
  /** Id of the `function_call` output item (`fc_…`). */
  readonly functionCallId: string;
  readonly callId: string;
  /** Whether the request was stored (`store` not `false`), so its items can be referenced. */
  readonly stored: boolean;
}

export interface FakeResponsesServer extends FakeServer {
  /** Tool-call turns issued so far, in order. */
  readonly issued: readonly ResponsesIssuedTurn[];
}

const MODEL_CREATED_AT = 1_767_225_600;

/**
 * A fake of the OpenAI Responses API (`POST /v1/responses`, JSON or SSE by the body's `stream`)
 * for a reasoning model, playing a two-step tool loop: a user turn is answered with a `reasoning`
 * item and a `function_call`; a turn ending in `function_call_output` is answered with a message.
 *
 * Like the real API, a `function_call` that comes back without the `reasoning` item it was issued
 * with is rejected with HTTP 400 ("Item 'fc_…' of type 'function_call' was provided without its
 * required 'reasoning' item: 'rs_…'."). The reasoning item may come back as
 * `{ type: "item_reference", id: "rs_…" }` (only when it was stored: `store` not `false`) or as a
 * `reasoning` item; with `store: false` it must carry the issued `encrypted_content`. References
 * to items that were never stored fail with 404 as in the real API, and so do function call
 * outputs without their call and calls without their output (400).
 */
export async function startFakeResponsesServer(): Promise<FakeResponsesServer> {
  const issued: ResponsesIssuedTurn[] = [];
  /** Items that can be referenced with `item_reference` (store was not false). */
  const storedItems = new Map<string, "reasoning" | "function_call" | "message">();
  let responses = 0;

  const handle = (request: RecordedRequest): FakeReply => {
    if (request.method !== "POST" || request.path !== "/v1/responses")
      return json(404, openaiError(`Invalid URL (${request.method} ${request.path})`, null));
    const body = request.body;
    const input: any[] = Array.isArray(body?.input) ? body.input : [];
    const store = body.store !== false;
    const failure = validate(input, store, issued, storedItems);
    if (failure !== undefined) return json(failure.status, openaiError(failure.message, "input"));

    responses += 1;
    const number = String(responses).padStart(4, "0");
    const responseId = `resp_fake${number}`;
    const model = String(body.model);
    const last = input[input.length - 1];
    let output: Array<Record<string, unknown>>;
    if (last?.type === "function_call_output") {
      const messageId = `msg_fake${number}`;
      if (store) storedItems.set(messageId, "message");
      output = [
        {
          id: messageId,
          type: "message",
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", annotations: [], logprobs: [], text: SCRIPT.answer }],
        },
      ];
    } else {
      const wantsEncrypted =
        !store && Array.isArray(body.include) && body.include.includes("reasoning.encrypted_content");
      const wantsSummary = body.reasoning?.summary != null;
      const turn: ResponsesIssuedTurn = {
        responseId,
        reasoningId: `rs_fake${number}`,
        encryptedContent: wantsEncrypted ? opaqueToken("gAAAAAB", `openai-encrypted-${number}`) : undefined,
        summary: wantsSummary ? SCRIPT.reasoning : "",
        functionCallId: `fc_fake${number}`,
        callId: `call_fake${number}`,
        stored: store,
      };
      issued.push(turn);
      if (store) {
        storedItems.set(turn.reasoningId, "reasoning");
        storedItems.set(turn.functionCallId, "function_call");
      }
      const toolName = String(
        body.tools?.find((tool: any) => tool?.type === "function")?.name ?? "get_weather",
      );
      output = [
        {
          id: turn.reasoningId,
          type: "reasoning",
          summary: turn.summary === "" ? [] : [{ type: "summary_text", text: turn.summary }],
          ...(turn.encryptedContent !== undefined && { encrypted_content: turn.encryptedContent }),
        },
        {
          id: turn.functionCallId,
          type: "function_call",
          status: "completed",
          arguments: JSON.stringify(SCRIPT.toolInput),
          call_id: turn.callId,
          name: toolName,
        },
      ];
    }
    const response = {
      id: responseId,
      object: "response",
      created_at: MODEL_CREATED_AT,
      status: "completed",
      error: null,
      incomplete_details: null,
      model,
      output,
      parallel_tool_calls: true,
      store,
      usage: {
        input_tokens: 96,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 48,
        output_tokens_details: { reasoning_tokens: last?.type === "function_call_output" ? 0 : 32 },
        total_tokens: 144,
      },
    };
    return body.stream === true ? sse(streamFrames(response)) : json(200, response);
  };

  const server = await startFakeHttpServer(handle);
  return { ...server, issued };
}

interface Failure {
  readonly status: number;
  readonly message: string;
}

function validate(
  input: any[],
  store: boolean,
  issued: readonly ResponsesIssuedTurn[],
  storedItems: ReadonlyMap<string, string>,
): Failure | undefined {
  const reasoningSeen = new Set<string>();
  const openCalls = new Map<string, string>();
  const notFound = (id: string): Failure => ({
    status: 404,
    message: store
      ? `Item with id '${id}' not found.`
      : `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
  });
  const functionCall = (callId: string, itemId: string | undefined): Failure | undefined => {
    const turn = issued.find((candidate) => candidate.callId === callId);
    if (turn === undefined) return undefined;
    if (!reasoningSeen.has(turn.reasoningId))
      return {
        status: 400,
        message: `Item '${itemId ?? turn.functionCallId}' of type 'function_call' was provided without its required 'reasoning' item: '${turn.reasoningId}'.`,
      };
    openCalls.set(callId, itemId ?? turn.functionCallId);
    return undefined;
  };
  for (const item of input) {
    switch (item?.type) {
      case "item_reference": {
        const kind = storedItems.get(item.id);
        if (kind === undefined) return notFound(String(item.id));
        if (kind === "reasoning") reasoningSeen.add(item.id);
        if (kind === "function_call") {
          const turn = issued.find((candidate) => candidate.functionCallId === item.id);
          const failure = turn && functionCall(turn.callId, item.id);
          if (failure) return failure;
        }
        break;
      }
      case "reasoning": {
        const turn =
          item.id != null
            ? issued.find((candidate) => candidate.reasoningId === item.id)
            : issued.find((candidate) => candidate.encryptedContent === item.encrypted_content);
        if (turn === undefined) {
          if (item.id != null) return notFound(String(item.id));
          return { status: 400, message: "The encrypted content could not be decrypted or parsed." };
        }
        if (item.encrypted_content != null) {
          if (item.encrypted_content !== turn.encryptedContent)
            return {
              status: 400,
              message: `The encrypted content for item ${turn.reasoningId} could not be verified.`,
            };
        } else if (!store || !turn.stored) return notFound(turn.reasoningId);
        reasoningSeen.add(turn.reasoningId);
        break;
      }
      case "function_call": {
        const failure = functionCall(String(item.call_id), item.id ?? undefined);
        if (failure) return failure;
        break;
      }
      case "function_call_output":
        if (!openCalls.has(String(item.call_id)))
          return {
            status: 400,
            message: `No tool call found for function call output with call_id ${item.call_id}.`,
          };
        openCalls.delete(String(item.call_id));
        break;
    }
  }
  const [unanswered] = openCalls.keys();
  if (unanswered !== undefined)
    return { status: 400, message: `No tool output found for function call ${unanswered}.` };
  return undefined;
}

/** The event sequence of the real streaming API, with `sequence_number`s. */
function streamFrames(response: { output: Array<Record<string, any>> } & Record<string, unknown>): string[] {
  const frames: string[] = [];
  let sequence = 0;
  const emit = (type: string, payload: Record<string, unknown>) =>
    frames.push(sseEvent(type, { type, sequence_number: sequence++, ...payload }));
  const inProgress = { ...response, status: "in_progress", output: [], usage: null };
  emit("response.created", { response: inProgress });
  emit("response.in_progress", { response: inProgress });
  response.output.forEach((item, outputIndex) => {
    const base = { item_id: item.id, output_index: outputIndex };
    switch (item.type) {
      case "reasoning": {
        emit("response.output_item.added", { output_index: outputIndex, item: { ...item, summary: [] } });
        item.summary.forEach((part: { text: string }, summaryIndex: number) => {
          const indexed = { ...base, summary_index: summaryIndex };
          emit("response.reasoning_summary_part.added", {
            ...indexed,
            part: { type: "summary_text", text: "" },
          });
          for (const delta of pieces(part.text))
            emit("response.reasoning_summary_text.delta", { ...indexed, delta, obfuscation: "fake" });
          emit("response.reasoning_summary_text.done", { ...indexed, text: part.text });
          emit("response.reasoning_summary_part.done", {
            ...indexed,
            part: { type: "summary_text", text: part.text },
          });
        });
        break;
      }
      case "function_call": {
        emit("response.output_item.added", {
          output_index: outputIndex,
          item: { ...item, status: "in_progress", arguments: "" },
        });
        for (const delta of pieces(item.arguments))
          emit("response.function_call_arguments.delta", { ...base, delta, obfuscation: "fake" });
        emit("response.function_call_arguments.done", { ...base, arguments: item.arguments });
        break;
      }
      case "message": {
        emit("response.output_item.added", {
          output_index: outputIndex,
          item: { ...item, status: "in_progress", content: [] },
        });
        item.content.forEach((part: { text: string }, contentIndex: number) => {
          const indexed = { ...base, content_index: contentIndex };
          emit("response.content_part.added", {
            ...indexed,
            part: { type: "output_text", annotations: [], logprobs: [], text: "" },
          });
          for (const delta of pieces(part.text))
            emit("response.output_text.delta", { ...indexed, delta, logprobs: [], obfuscation: "fake" });
          emit("response.output_text.done", { ...indexed, text: part.text, logprobs: [] });
          emit("response.content_part.done", { ...indexed, part });
        });
        break;
      }
    }
    emit("response.output_item.done", { output_index: outputIndex, item });
  });
  emit("response.completed", { response });
  return frames;
}

function openaiError(message: string, param: string | null) {
  return { error: { message, type: "invalid_request_error", param, code: null } };
}
