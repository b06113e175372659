import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a fake server received: parsed JSON body, path and headers without credentials. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/messages` or `/v1beta/models/gemini-3-pro-preview:generateContent`. */
  readonly path: string;
  /** Request headers, lower-cased, without `authorization`, `x-api-key` and `x-goog-api-key`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body; `any` because tests index into arbitrary provider JSON. */
  readonly body: any;
}

/** What every fake provider server returns. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Stops the server (open connections are closed). */
  close(): Promise<void>;
}

/** How a handler answers: a JSON body (any status) or a server-sent event stream. */
export type FakeReply =
  | { readonly kind: "json"; readonly status: number; readonly body: unknown }
  | { readonly kind: "sse"; readonly frames: readonly string[] };

/** Handles one parsed request; `requestIndex` counts from 0 over this server's requests. */
export type FakeHandler = (request: RecordedRequest, requestIndex: number) => FakeReply;

const CREDENTIAL_HEADERS = new Set(["authorization", "x-api-key", "x-goog-api-key", "api-key"]);

/** A JSON reply. */
export function json(status: number, body: unknown): FakeReply {
  return { kind: "json", status, body };
}

/** An SSE reply made of pre-formatted frames (each ends with a blank line). */
export function sse(frames: readonly string[]): FakeReply {
  return { kind: "sse", frames };
}

/**
 * Starts an HTTP server on 127.0.0.1 with an OS-chosen port that parses each JSON request,
 * records it and answers with `handler`. Only loopback: nothing here reaches a network.
 */
export async function startFakeHttpServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch(() => outgoing.destroy());
  });

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      writeJson(outgoing, 400, {
        error: { type: "invalid_request_error", message: "The request body is not valid JSON." },
      });
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (CREDENTIAL_HEADERS.has(name) || value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const request: RecordedRequest = {
      method: incoming.method ?? "GET",
      path: incoming.url ?? "/",
      headers,
      body,
    };
    const index = requests.push(request) - 1;
    let reply: FakeReply;
    try {
      reply = handler(request, index);
    } catch (error) {
      reply = json(500, { error: { type: "fake_server_error", message: String(error) } });
    }
    if (reply.kind === "json") {
      writeJson(outgoing, reply.status, reply.body);
      return;
    }
    outgoing.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    for (const frame of reply.frames) outgoing.write(frame);
    outgoing.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function writeJson(outgoing: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  outgoing.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  outgoing.end(text);
}

/** A deterministic opaque token, like the base64 blobs providers sign reasoning with. */
export function opaqueToken(prefix: string, seed: string): string {
  return prefix + Buffer.from(`fake:${seed}:${"x".repeat(24)}`).toString("base64");
}

/** One SSE frame with an `event:` line, as Anthropic and OpenAI Responses send them. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One SSE frame with only a `data:` line, as Chat Completions and Gemini send them. */
export function sseData(data: unknown, lineEnd = "\n"): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}${lineEnd}${lineEnd}`;
}

/** Splits `text` into `count` roughly equal pieces (stream deltas). */
export function pieces(text: string, count = 3): string[] {
  const size = Math.ceil(text.length / count);
  const result: string[] = [];
  for (let start = 0; start < text.length; start += size) result.push(text.slice(start, start + size));
  return result;
}

/** The scripted tool loop every fake plays: the tool call of turn 1 and the answer of turn 2. */
export const SCRIPT = Object.freeze({
  toolInput: Object.freeze({ city: "Paris" }),
  reasoning: "The user asks for the weather in Paris. I will call the weather tool.",
  answer: "It is 21 degrees and sunny in Paris.",
});
