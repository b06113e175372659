import { createUIMessageStreamResponse } from "ai";
import type { RunStream } from "../agent-runtime.js";
import { type ToUIMessageStreamOptions, toUIMessageStream } from "./to-ui-message-stream.js";

/** Options of {@link toUIMessageStreamResponse} and {@link pipeUIMessageStreamToResponse}. */
export interface ToUIMessageStreamResponseOptions extends ToUIMessageStreamOptions {
  /** HTTP status. @default 200 */
  status?: number;
  /** HTTP status text. */
  statusText?: string;
  /**
   * Extra response headers. The UI message stream headers (`content-type: text/event-stream`,
   * `x-vercel-ai-ui-message-stream: v1`, `cache-control: no-cache`, …) are added unless set here.
   */
  headers?: Record<string, string> | Headers;
  /**
   * Send an SSE comment at this interval (ms) so proxies keep an idle connection open (a run
   * waiting for a slow model or tool).
   */
  keepAliveMs?: number;
}

/**
 * A run as a streaming `Response` in the AI SDK 7 UI message stream protocol (Server-Sent Events,
 * header `x-vercel-ai-ui-message-stream: v1`), for route handlers (Next.js, Hono, Remix, Bun,
 * Deno…) that `useChat` posts to. Built with the AI SDK's `createUIMessageStreamResponse`; see
 * {@link toUIMessageStream} for the chunks.
 *
 * The body is read at the client's pace. When the client goes away (the body is cancelled) the
 * response stops reading the run; the run itself goes on unless `abortOnDisconnect` is set.
 *
 * @example
 * ```ts
 * export async function POST(request: Request) {
 *   const { messages } = await request.json();
 *   const run = agent.stream((await fromUIMessages(messages)).input);
 *   return toUIMessageStreamResponse(run);
 * }
 * ```
 */
export function toUIMessageStreamResponse(
  run: RunStream,
  options: ToUIMessageStreamResponseOptions = {},
): Response {
  const { status, statusText, headers, keepAliveMs, ...streamOptions } = options;
  return createUIMessageStreamResponse({
    stream: toUIMessageStream(run, streamOptions),
    ...(status === undefined ? {} : { status }),
    ...(statusText === undefined ? {} : { statusText }),
    ...(headers === undefined ? {} : { headers }),
    ...(keepAliveMs === undefined ? {} : { keepAliveMs }),
  });
}
