import type { ServerResponse } from "node:http";
import { UI_MESSAGE_STREAM_HEADERS } from "ai";
import type { RunStream } from "../agent-runtime.js";
import { toUIMessageStream } from "./to-ui-message-stream.js";
import type { ToUIMessageStreamResponseOptions } from "./to-ui-message-stream-response.js";

/**
 * Writes a run to a Node `http.ServerResponse` in the AI SDK 7 UI message stream protocol (SSE,
 * header `x-vercel-ai-ui-message-stream: v1`), for `node:http`, Express, Fastify (`reply.raw`)…
 * See {@link toUIMessageStream} for the chunks.
 *
 * Backpressure: when `response.write()` returns `false` it waits for `drain` before it reads the
 * next run event, so a slow client never makes this writer buffer more than one chunk. When the
 * client disconnects it stops reading the run and resolves; the run goes on (and is stored as
 * usual) unless `abortOnDisconnect` is set.
 *
 * @returns Resolves when the response has ended or the client has gone.
 * @example
 * ```ts
 * createServer(async (request, response) => {
 *   const { messages } = JSON.parse(await readBody(request));
 *   const run = agent.stream((await fromUIMessages(messages)).input);
 *   await pipeUIMessageStreamToResponse(run, response);
 * });
 * ```
 */
export async function pipeUIMessageStreamToResponse(
  run: RunStream,
  response: ServerResponse,
  options: ToUIMessageStreamResponseOptions = {},
): Promise<void> {
  const { status = 200, statusText, headers, keepAliveMs, ...streamOptions } = options;
  const reader = toUIMessageStream(run, streamOptions).getReader();

  const responseHeaders = new Headers(headers);
  for (const [name, value] of Object.entries(UI_MESSAGE_STREAM_HEADERS)) {
    if (!responseHeaders.has(name)) responseHeaders.set(name, value);
  }
  const head = Object.fromEntries(responseHeaders);
  if (statusText === undefined) response.writeHead(status, head);
  else response.writeHead(status, statusText, head);
  response.flushHeaders();

  let disconnected = false;
  let wake: (() => void) | undefined;
  const onClose = () => {
    if (response.writableFinished || disconnected) return;
    disconnected = true;
    wake?.();
    // Cancels at once, even while waiting for the next event: stops reading, aborts if asked.
    reader.cancel().catch(() => {});
  };
  response.on("close", onClose);
  if (response.destroyed) onClose();

  const write = (text: string): boolean => {
    const ok = response.write(text);
    // Compression middleware buffers until flushed.
    (response as { flush?: () => void }).flush?.();
    return ok;
  };
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  if (keepAliveMs !== undefined && !disconnected) {
    write(": stream-open\n\n");
    keepAlive = setInterval(() => {
      if (!disconnected && !response.writableNeedDrain) write(": keep-alive\n\n");
    }, keepAliveMs);
    keepAlive.unref?.();
  }

  let finished = false;
  try {
    while (!disconnected) {
      const { done, value } = await reader.read();
      if (done || disconnected) break;
      if (!write(`data: ${JSON.stringify(value)}\n\n`)) {
        await new Promise<void>((resolve) => {
          const resume = () => {
            response.off("drain", resume);
            wake = undefined;
            resolve();
          };
          wake = resume;
          response.once("drain", resume);
        });
      }
    }
    if (!disconnected) response.end("data: [DONE]\n\n");
    finished = true;
  } finally {
    if (keepAlive !== undefined) clearInterval(keepAlive);
    response.off("close", onClose);
    // A write that threw (a value JSON cannot encode): stop reading the run.
    if (!finished && !disconnected) reader.cancel().catch(() => {});
  }
}
