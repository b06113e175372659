import {
  type FakeReply,
  type FakeServer,
  json,
  opaqueToken,
  pieces,
  type RecordedRequest,
  SCRIPT,
  sse,
  sseData,
  startFakeHttpServer,
} from "./fake-http-server.js";

/**
 * The placeholder `@ai-sdk/google` sends for a Gemini 3 `functionCall` part replayed without its
 * `thoughtSignature` (see `SKIP_THOUGHT_SIGNATURE_VALIDATOR` in its dist).
 */
export const SKIP_THOUGHT_SIGNATURE_VALIDATOR = "skip_thought_signature_validator";

/** What the fake issued in one tool-call turn. */
export interface GeminiIssuedTurn {
  /** The signature on the turn's `functionCall` part. */
  readonly thoughtSignature: string;
  /** Thought summary text (empty when the request did not ask for `includeThoughts`). */
  readonly thought: string;
}

export interface FakeGeminiServer extends FakeServer {
  /** Tool-call turns issued so far, in order. */
  readonly issued: readonly GeminiIssuedTurn[];
  /** Signatures put on the last text part of each text answer, in order. */
  readonly textSignatures: readonly string[];
}

const PATH = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)(\?alt=sse)?$/;
const SIGNATURES_DOCS = "https://ai.google.dev/gemini-api/docs/thought-signatures";

/**
 * A fake of the Gemini API for a Gemini 3 model (`POST /v1beta/models/{model}:generateContent`
 * for JSON, `:streamGenerateContent?alt=sse` for SSE) playing a two-step tool loop: a user turn
 * is answered with a thought summary (when `thinkingConfig.includeThoughts`) and a `functionCall`
 * part carrying a `thoughtSignature`; a `functionResponse` turn is answered with text whose last
 * part carries a signature too (as Gemini 3 does).
 *
 * Every `functionCall` part in a `model` turn of the history must come back with exactly the
 * signature this server issued, or the request fails with HTTP 400 as the real API does for the
 * current turn ("Function call is missing a thought_signature in functionCall parts…"). Stricter
 * than the real API: the `skip_thought_signature_validator` placeholder, which the real API
 * accepts at the cost of the model's reasoning context, is rejected too, because a replay that
 * needs it has lost the issued signature.
 */
export async function startFakeGeminiServer(): Promise<FakeGeminiServer> {
  const issued: GeminiIssuedTurn[] = [];
  const textSignatures: string[] = [];
  let turns = 0;

  const handle = (request: RecordedRequest): FakeReply => {
    const match = PATH.exec(request.path);
    if (request.method !== "POST" || match === null)
      return json(404, googleError(404, `Not found: ${request.method} ${request.path}`, "NOT_FOUND"));
    const streaming = match[2] === "streamGenerateContent";
    if (streaming && match[3] === undefined)
      return json(400, googleError(400, "This fake only streams with ?alt=sse.", "INVALID_ARGUMENT"));
    const body = request.body;
    const contents: any[] = Array.isArray(body?.contents) ? body.contents : [];
    const failure = validate(contents, issued);
    if (failure !== undefined) return json(400, googleError(400, failure, "INVALID_ARGUMENT"));

    const modelVersion = String(match[1]);
    const last = contents[contents.length - 1];
    const answersFunction =
      last?.role === "user" &&
      Array.isArray(last.parts) &&
      last.parts.some((part: any) => part.functionResponse);
    turns += 1;
    const thoughtSignature = opaqueToken("CiQB0e2Kb", `gemini-signature-${turns}`);
    const thought = body.generationConfig?.thinkingConfig?.includeThoughts === true ? SCRIPT.reasoning : "";
    if (answersFunction) textSignatures.push(thoughtSignature);
    else issued.push({ thoughtSignature, thought });
    const toolName = String(body.tools?.[0]?.functionDeclarations?.[0]?.name ?? "get_weather");
    const responseId = `fake-response-${turns}`;
    const usageMetadata = {
      promptTokenCount: 64,
      candidatesTokenCount: 16,
      totalTokenCount: 112,
      thoughtsTokenCount: 32,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 64 }],
    };
    const thoughtParts = answersFunction || thought === "" ? [] : [{ text: thought, thought: true }];
    const answerParts = answersFunction
      ? [{ text: SCRIPT.answer, thoughtSignature }]
      : [{ functionCall: { name: toolName, args: { ...SCRIPT.toolInput } }, thoughtSignature }];
    const candidate = (parts: unknown[], finished: boolean) => ({
      content: { role: "model", parts },
      ...(finished && { finishReason: "STOP" }),
      index: 0,
    });
    if (!streaming)
      return json(200, {
        candidates: [candidate([...thoughtParts, ...answerParts], true)],
        usageMetadata,
        modelVersion,
        responseId,
      });
    const chunks: unknown[][] = [];
    if (thoughtParts.length > 0) for (const text of pieces(thought)) chunks.push([{ text, thought: true }]);
    if (!answersFunction) chunks.push(answerParts);
    else {
      const texts = pieces(SCRIPT.answer);
      for (const [index, text] of texts.entries())
        chunks.push([index === texts.length - 1 ? { text, thoughtSignature } : { text }]);
    }
    return sse(
      chunks.map((parts, index) =>
        sseData(
          {
            candidates: [candidate(parts, index === chunks.length - 1)],
            usageMetadata,
            modelVersion,
            responseId,
          },
          "\r\n",
        ),
      ),
    );
  };

  const server = await startFakeHttpServer(handle);
  return { ...server, issued, textSignatures };
}

function validate(contents: any[], issued: readonly GeminiIssuedTurn[]): string | undefined {
  if (contents.length === 0) return "* GenerateContentRequest.contents: contents is not specified";
  const issuedSignatures = new Set(issued.map((turn) => turn.thoughtSignature));
  for (const [index, content] of contents.entries()) {
    if (content.role !== "model" || !Array.isArray(content.parts)) continue;
    let calls = 0;
    for (const [position, part] of content.parts.entries()) {
      if (part.functionCall == null) continue;
      calls += 1;
      const signature = part.thoughtSignature;
      const where = `function call \`default_api:${part.functionCall.name}\` , position ${position + 1}`;
      if (signature == null)
        return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, ${where}. Please refer to ${SIGNATURES_DOCS} for more details.`;
      if (signature === SKIP_THOUGHT_SIGNATURE_VALIDATOR)
        return `Function call is missing a thought_signature in functionCall parts (contents[${index}] carries the \`${SKIP_THOUGHT_SIGNATURE_VALIDATOR}\` placeholder instead of the signature this server issued). Additional data, ${where}. Please refer to ${SIGNATURES_DOCS} for more details.`;
      if (!issuedSignatures.has(signature)) return "Corrupted thought signature.";
    }
    const next = contents[index + 1];
    const responses = Array.isArray(next?.parts)
      ? next.parts.filter((part: any) => part.functionResponse).length
      : 0;
    if (calls > 0 && responses !== calls)
      return "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";
  }
  return undefined;
}

function googleError(code: number, message: string, status: string) {
  return { error: { code, message, status } };
}
