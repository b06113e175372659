import { once } from "node:events";
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseJsonEventStream, type UIMessageChunk, uiMessageChunkSchema } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import type { RunStream } from "../agent-runtime.js";
import { createRunStream } from "../kit/run-stream.js";
import { arrayRun, countingRun, ev, RUN_ID, runResult } from "./__fixtures__/run-events.js";
import { pipeUIMessageStreamToResponse } from "./pipe-ui-message-stream-to-response.js";
import type { ToUIMessageStreamResponseOptions } from "./to-ui-message-stream-response.js";

let server: Server | undefined;

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Serves one run per request on port 0; `handle` sees the server response first. */
async function serve(
  makeRun: () => RunStream,
  options: ToUIMessageStreamResponseOptions = {},
  handle?: (response: ServerResponse) => void,
): Promise<{ url: string; piped: Array<Promise<void>> }> {
  const piped: Array<Promise<void>> = [];
  server = createServer((_request, response) => {
    handle?.(response);
    piped.push(pipeUIMessageStreamToResponse(makeRun(), response, options));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, piped };
}

function request(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, resolve).on("error", reject));
}

async function bodyOf(response: IncomingMessage): Promise<string> {
  response.setEncoding("utf8");
  let text = "";
  for await (const piece of response) text += piece;
  return text;
}

async function parse(text: string): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  const stream = new Response(text).body as ReadableStream<Uint8Array>;
  for await (const result of parseJsonEventStream({ stream, schema: uiMessageChunkSchema })) {
    if (!result.success) throw result.error;
    chunks.push(result.value);
  }
  return chunks;
}

const smallRun = [
  ev.runStart(),
  ev.stepStart(0),
  ev.text(0, "Hello"),
  ev.text(0, " there"),
  ev.stepEnd(0),
  ev.runEnd({ text: "Hello there" }),
];

describe("pipeUIMessageStreamToResponse", () => {
  it("writes the run as SSE with the UI message stream headers", async () => {
    const { url, piped } = await serve(() => arrayRun(smallRun), {
      messageId: "msg_1",
      headers: { "x-request-id": "req_1" },
      status: 202,
    });
    const response = await request(url);
    expect(response.statusCode).toBe(202);
    expect(response.headers["content-type"]).toBe("text/event-stream");
    expect(response.headers["x-vercel-ai-ui-message-stream"]).toBe("v1");
    expect(response.headers["x-request-id"]).toBe("req_1");
    const text = await bodyOf(response);
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const chunks = await parse(text);
    expect(chunks.map((chunk) => chunk.type)).toEqual([
      "start",
      "data-run",
      "start-step",
      "text-start",
      "text-delta",
      "text-delta",
      "text-end",
      "finish-step",
      "data-run",
      "finish",
    ]);
    expect(chunks[0]).toMatchObject({ type: "start", messageId: "msg_1" });
    await Promise.all(piped);
  });

  it("sends keep-alive comments when asked", async () => {
    const { url } = await serve(() => arrayRun(smallRun), { keepAliveMs: 60_000 });
    const text = await bodyOf(await request(url));
    expect(text.startsWith(": stream-open\n\n")).toBe(true);
    expect((await parse(text)).at(-1)).toMatchObject({ type: "finish" });
  });

  it("waits for drain before reading the next event from a slow client", async () => {
    const deltas = 400;
    const piece = "x".repeat(64 * 1024); // 400 × 64 KiB ≫ what the sockets buffer
    let waitingForDrain = false;
    let falseWrites = 0;
    let dataWrites = 0;
    let readsWhileWaiting = 0;
    let maxLead = 0;
    let stalled: () => void = () => {};
    const firstStall = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    const events = [
      ev.runStart(),
      ev.stepStart(0),
      ...Array.from({ length: deltas }, () => ev.text(0, piece)),
      ev.stepEnd(0),
      ev.runEnd(),
    ];
    let stats = { reads: 0, returns: 0 };
    const { url, piped } = await serve(
      () => {
        const counted = countingRun(arrayRun(events), (current) => {
          if (waitingForDrain) readsWhileWaiting++;
          maxLead = Math.max(maxLead, current.reads - dataWrites);
        });
        stats = counted.stats;
        return counted.run;
      },
      {},
      (response) => {
        const write = response.write.bind(response) as (chunk: string) => boolean;
        response.write = ((chunk: string) => {
          const ok = write(chunk);
          if (chunk.startsWith("data: ")) dataWrites++;
          if (!ok) {
            waitingForDrain = true;
            falseWrites++;
            stalled();
          }
          return ok;
        }) as typeof response.write;
        // Registered before the pipe's own listener, so it runs first.
        response.on("drain", () => {
          waitingForDrain = false;
        });
      },
    );
    // The client does not read: the socket buffers fill and write() returns false.
    const response = await request(url);
    await firstStall;
    const readsAtStall = stats.reads;
    expect(readsAtStall).toBeLessThan(deltas);

    const chunks = await parse(await bodyOf(response));
    await Promise.all(piped);
    expect(falseWrites).toBeGreaterThan(0);
    // Never read an event while a write waited for drain, and never more than one event ahead.
    expect(readsWhileWaiting).toBe(0);
    expect(maxLead).toBeLessThanOrEqual(1);
    const text = chunks.filter((chunk) => chunk.type === "text-delta");
    expect(text).toHaveLength(deltas);
    expect(text.every((chunk) => chunk.type === "text-delta" && chunk.delta === piece)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ type: "finish" });
  });

  it("stops reading when the client disconnects and lets the run go on", async () => {
    for (const abort of [false, true]) {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const controller = new AbortController();
      const run = createRunStream(RUN_ID, async (emit) => {
        emit(ev.runStart());
        emit(ev.stepStart(0));
        emit(ev.text(0, "first"));
        await gate;
        emit(ev.text(0, " second"));
        emit(ev.stepEnd(0));
        emit(ev.runEnd());
        return runResult();
      });
      const counted = countingRun(run);
      const { url, piped } = await serve(() => counted.run, abort ? { abortOnDisconnect: controller } : {});
      const response = await request(url);
      response.setEncoding("utf8");
      // Wait for the first text, then hang up while the run waits at the gate.
      let received = "";
      for await (const piece of response) {
        received += piece;
        if (received.includes('"delta":"first"')) break; // `break` destroys the response
      }
      await Promise.all(piped); // resolves once the server sees the close
      expect(counted.stats.returns).toBe(1);
      expect(controller.signal.aborted).toBe(abort);
      const readsAtClose = counted.stats.reads;
      release();
      const result = await run.result;
      expect(result.status).toBe("completed");
      expect(counted.stats.reads).toBe(readsAtClose);
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    }
  });
});
