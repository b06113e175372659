import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { createOpenAI } from "@ai-sdk/openai";
import { type AgentRuntime, createAgent, type ModelError, type RunResult } from "@flowmaestro/runtime";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Provider faults through the real @ai-sdk/openai package, on both runtimes: a response body cut
// mid-way, server errors, and an error that echoes the API key. Same typed errors on both, no
// secret anywhere, and nothing written to the console (Mastra would print "Upstream LLM API error"
// with the whole request body).

const API_KEY = "sk-test-abcdefghijklmnopqrstuvwx";

type Behaviour = "cut" | "error-then-ok" | "echo-key";
let behaviour: Behaviour = "cut";
let requests = 0;

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 0,
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;

let server: Server;
let baseURL = "";

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = "";
    request.on("data", (data: Buffer) => {
      text += data.toString("utf8");
    });
    request.on("end", () => {
      requests++;
      const body = JSON.parse(text) as { stream?: boolean };
      if (behaviour === "echo-key") {
        response.writeHead(401, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            error: { message: `Incorrect API key provided: ${API_KEY}.`, type: "invalid_request_error" },
          }),
        );
        return;
      }
      if (behaviour === "error-then-ok" && requests === 1) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: "The server had an error", type: "server_error" } }));
        return;
      }
      if (behaviour === "error-then-ok") {
        if (body.stream) {
          response.writeHead(200, { "content-type": "text/event-stream" });
          response.end(
            `${chunk({ role: "assistant", content: "Recovered." })}${chunk({}, "stop")}data: [DONE]\n\n`,
          );
        } else {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(
            JSON.stringify({
              id: "chatcmpl-1",
              object: "chat.completion",
              created: 0,
              model: "gpt-4o-mini",
              choices: [
                { index: 0, message: { role: "assistant", content: "Recovered." }, finish_reason: "stop" },
              ],
              usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
            }),
          );
        }
        return;
      }
      // "cut": status 200, part of the body, then the connection drops.
      if (body.stream) {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(chunk({ role: "assistant", content: "The weather " }));
        response.write(chunk({ content: "in Par" }));
      } else {
        response.writeHead(200, { "content-type": "application/json", "content-length": "400" });
        response.write(
          '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assis',
        );
      }
      setTimeout(() => response.socket?.destroy(), 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const consoleMethods = ["log", "info", "warn", "error", "debug", "trace"] as const;
let spies: Array<ReturnType<typeof vi.spyOn>> = [];
beforeEach(() => {
  requests = 0;
  spies = consoleMethods.map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
});
afterEach(() => {
  const written = spies.flatMap((spy) =>
    spy.mock.calls.map((args: unknown[]) => args.map(String).join(" ").slice(0, 200)),
  );
  for (const spy of spies) spy.mockRestore();
  expect(written).toEqual([]);
});

const runtimes: Array<[string, () => AgentRuntime]> = [
  ["legacy", () => createLegacyRuntime()],
  ["mastra", () => createMastraRuntime()],
];

async function run(runtime: AgentRuntime, mode: "execute" | "stream"): Promise<RunResult> {
  const openai = createOpenAI({ baseURL, apiKey: API_KEY });
  const agent = createAgent({
    runtime,
    name: "faults",
    model: openai.chat("gpt-4o-mini"),
    retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 },
  });
  return mode === "execute" ? agent.execute("Weather in Paris?") : agent.stream("Weather in Paris?").result;
}

describe.each(runtimes)("provider faults on the %s runtime", (_name, createRuntime) => {
  it.each(["execute", "stream"] as const)(
    "a body cut mid-way is a retryable MODEL_ERROR, not HTTP 200 (%s)",
    async (mode) => {
      behaviour = "cut";
      const result = await run(createRuntime(), mode);
      expect(result.status).toBe("failed");
      expect(result.error?.code).toBe("MODEL_ERROR");
      expect((result.error as ModelError).retryable).toBe(true);
      expect(result.error?.message).not.toContain("HTTP 200");
      // The cut answer is not in the conversation; what arrived is readable.
      expect(result.messages).toEqual([]);
      if (mode === "stream") {
        expect(result.text).toBe("The weather in Par");
        expect(requests).toBe(1);
      } else {
        // Nothing was shown: the call is retried.
        expect(requests).toBe(2);
      }
    },
  );

  it.each(["execute", "stream"] as const)("a 500 is retried (%s)", async (mode) => {
    behaviour = "error-then-ok";
    const result = await run(createRuntime(), mode);
    expect(result.status).toBe("completed");
    expect(result.text).toBe("Recovered.");
    expect(requests).toBe(2);
  });

  it.each(["execute", "stream"] as const)(
    "an error that echoes the key leaks it nowhere (%s)",
    async (mode) => {
      behaviour = "echo-key";
      const result = await run(createRuntime(), mode);
      expect(result.status).toBe("failed");
      expect(result.error?.code).toBe("MODEL_ERROR");
      expect((result.error as ModelError).statusCode).toBe(401);
      expect(result.error?.message).toContain("Incorrect API key provided");
      for (const view of [
        JSON.stringify(result),
        inspect(result, { depth: 30 }),
        inspect(result.error, { depth: 30 }),
      ]) {
        expect(view).not.toContain(API_KEY);
      }
      expect(requests).toBe(1);
    },
  );
});
