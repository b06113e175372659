/**
 * Chat in a browser: one agent served over `node:http` (no framework) to the React page in
 * `chat-ui/`, which uses the AI SDK's `useChat`. The page shows the streamed answer, the tool
 * calls and their results, and Approve / Decline buttons for `send_email`, which needs approval.
 * Approvals survive a restart: a suspended run is stored in a libSQL file, so you can stop the
 * server while it waits, start it again and approve from the same page.
 *
 * Run: npm run example:chat            (builds the packages and the page, serves http://127.0.0.1:3000/)
 * Options (after `--`): --port=<n> (0 picks a free port), --runtime=mastra, --db=<file>
 * (default ./.flowmaestro/chat.db), --host=<address> (default 127.0.0.1), --scripted.
 * Uses a real model when OPENAI_API_KEY (or another provider's key) is set, a scripted one otherwise
 * or with --scripted (the browser test uses it: its answers are known in advance).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createMemory } from "@flowmaestro/memory";
import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
import {
  type AgentRuntime,
  AgentSdkError,
  createAgent,
  defineTool,
  type ModelReference,
} from "@flowmaestro/runtime";
import { createScriptedModel, type ScriptedTurn } from "@flowmaestro/runtime/testing";
import {
  approvalDecisionsFrom,
  fromUIMessages,
  pipeUIMessageStreamToResponse,
} from "@flowmaestro/runtime/ui";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { z } from "zod";
import { pickModel } from "./lib/pick-model.js";
import { run } from "./lib/run.js";

// A real app takes the user from its session (auth cookie, token), never from the request body:
// runs are stored per resource, so one user can never resume another user's run.
const DEMO_USER = "demo-user";
/** Largest request body accepted (the whole conversation is posted on every turn). */
const MAX_BODY_BYTES = 1_000_000;
const DIST = fileURLToPath(new URL("./chat-ui/dist/", import.meta.url));

const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city, temperature in Celsius.",
  inputSchema: z.object({ city: z.string().describe("City name, e.g. Paris") }),
  execute: async ({ city }) => {
    const known: Record<string, { celsius: number; sky: string }> = {
      paris: { celsius: 21, sky: "clear" },
      london: { celsius: 14, sky: "cloudy" },
      lisbon: { celsius: 24, sky: "sunny" },
    };
    return { city, ...(known[city.toLowerCase()] ?? { celsius: 18, sky: "partly cloudy" }) };
  },
});

const sendEmail = defineTool({
  name: "send_email",
  description: "Sends an email. A person approves every email before it is sent.",
  inputSchema: z.object({
    to: z.string().describe("Recipient address"),
    subject: z.string(),
    body: z.string(),
  }),
  needsApproval: true,
  execute: async ({ to, subject }) => {
    // A demo: nothing leaves the machine.
    console.log(`[send_email] "${subject}" to ${to}`);
    return { status: "sent", to, subject };
  },
});

/**
 * The scripted stand-in for a real model, stateless so that it serves any number of chats and a
 * restarted server: it answers from the conversation it is sent. A question → a few words and a
 * `get_weather` call; the weather → a `send_email` call (which waits for approval); the email's
 * outcome → the final answer (sent, or declined with the reason).
 */
function scriptedModel(): ModelReference {
  const turn: ScriptedTurn = (call) => {
    const last = call.prompt.at(-1);
    if (last?.role === "tool") {
      const result = last.content.filter((part) => part.type === "tool-result").at(-1);
      const output = JSON.stringify(result?.output ?? {});
      if (result?.toolName === "get_weather") {
        const weather = /"celsius":(-?[\d.]+).*?"sky":"([^"]*)"/.exec(output);
        const celsius = weather?.[1] ?? "?";
        const sky = weather?.[2] ?? "unknown";
        const city = /"city":"([^"]*)"/.exec(output)?.[1] ?? "your city";
        return {
          text: [`It is ${celsius} °C `, `and ${sky} in ${city}. `, "I'll email that now."],
          toolCalls: [
            {
              toolName: "send_email",
              input: {
                to: recipientOf(call.prompt),
                subject: `Weather in ${city}`,
                body: `It is ${celsius} °C and ${sky} in ${city}.`,
              },
            },
          ],
          chunkDelayMs: 30,
        };
      }
      if (result?.toolName === "send_email") {
        if (result.output.type === "execution-denied" || /declined|denied/i.test(output)) {
          const reason = result.output.type === "execution-denied" ? result.output.reason : undefined;
          const why = reason ?? /declined:?\s*([^"]*)/i.exec(output)?.[1]?.trim();
          return {
            text: [
              "Okay, I did not send the email",
              why ? ` (you declined: ${why.replace(/\.$/, "")}).` : " (you declined it).",
              " Anything else?",
            ],
            chunkDelayMs: 30,
          };
        }
        return {
          text: ["Done: ", "the email ", `to ${recipientOf(call.prompt)} `, "was sent."],
          chunkDelayMs: 30,
        };
      }
    }
    const asked = JSON.stringify(
      [...call.prompt].reverse().find((message) => message.role === "user")?.content ?? "",
    );
    const city = /\b(?:in|for|at)\s+([A-Z][a-zA-Z-]+)/.exec(asked)?.[1] ?? "Paris";
    return {
      text: ["Let me ", "check the ", "weather in ", `${city} `, "first."],
      toolCalls: [{ toolName: "get_weather", input: { city } }],
      chunkDelayMs: 30,
    };
  };
  return createScriptedModel({ loop: true, turns: [turn] });
}

/** The email address in the conversation's user messages, or a demo address. */
function recipientOf(prompt: readonly { role: string; content: unknown }[]): string {
  const said = JSON.stringify(prompt.filter((message) => message.role === "user"));
  return /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(said)?.[0] ?? "ada@example.com";
}

/** Builds the page when `chat-ui/dist` is missing (Vite is a dev dependency of the examples). */
async function ensurePage(): Promise<void> {
  if (existsSync(join(DIST, "index.html"))) return;
  console.log("chat-ui/dist is missing: building the page (npm run build:chat-ui -w @flowmaestro/examples)…");
  try {
    const { build } = await import("vite");
    await build({
      configFile: fileURLToPath(new URL("./chat-ui/vite.config.ts", import.meta.url)),
      logLevel: "warn",
    });
  } catch (error) {
    throw new Error(
      "Could not build the chat page. Build it with `npm run build:chat-ui -w @flowmaestro/examples`.",
      { cause: error },
    );
  }
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

/** Serves a file of `chat-ui/dist`; paths outside it are 404. */
async function serveStatic(pathname: string, response: ServerResponse): Promise<void> {
  const relative = pathname === "/" ? "index.html" : decodeURIComponent(pathname).replace(/^\/+/, "");
  const file = resolve(DIST, normalize(relative));
  if (!file.startsWith(DIST.endsWith(sep) ? DIST : DIST + sep)) return sendJson(response, 404, notFound());
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return sendJson(response, 404, notFound());
  }
  response.writeHead(200, {
    "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    // Vite puts a content hash in asset names; the page itself must always be fresh.
    "cache-control": relative.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache",
  });
  response.end(body);
}

function notFound() {
  return { error: { code: "NOT_FOUND", message: "Not found." } };
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, `The request body is over ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BodyError(400, "The request body is not JSON.");
  }
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status of a typed SDK error thrown before a stream starts (bad body, unknown or finished run). */
function statusOf(error: AgentSdkError): number {
  if (error.code === "NOT_FOUND") return 404;
  if (error.code === "RUN_NOT_SUSPENDED") return 409;
  return error.category === "caller" ? 400 : 500;
}

run(async () => {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "3000" },
      host: { type: "string", default: "127.0.0.1" },
      runtime: { type: "string", default: "legacy" },
      db: { type: "string", default: "./.flowmaestro/chat.db" },
      scripted: { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, not ${values.port}`);
  if (values.runtime !== "legacy" && values.runtime !== "mastra") {
    throw new Error(`--runtime must be legacy or mastra, not ${values.runtime}`);
  }
  await ensurePage();

  // The run store lives in the memory's storage: a suspended run waits there for its approval,
  // in this process or the next one.
  const memory = createMemory({ storage: createLibsqlStorage({ url: `file:${values.db}` }) });
  const runtime: AgentRuntime = values.runtime === "mastra" ? createMastraRuntime() : createLegacyRuntime();
  const agent = createAgent({
    runtime,
    name: "chat-assistant",
    instructions:
      "You are a concise assistant. Look up the weather with get_weather. When the user asks for an email, " +
      "send it with send_email. If a call is declined, say so briefly and do not try again.",
    model: values.scripted ? scriptedModel() : pickModel(scriptedModel),
    tools: [getWeather, sendEmail],
    memory,
  });

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    try {
      if (url.pathname === "/api/chat") {
        if (request.method !== "POST") return sendJson(response, 405, { error: { message: "Use POST." } });
        const body = (await readJson(request)) as { messages?: unknown } | null;
        const messages = body?.messages;
        const resourceId = DEMO_USER;
        // Approvals answered in the page (`addToolApprovalResponse`) → continue the suspended run;
        // anything else is a new turn.
        const approvals = approvalDecisionsFrom(messages);
        const stream = approvals
          ? await agent.resumeStream(approvals.runId, approvals.decisions, { resourceId })
          : agent.stream((await fromUIMessages(messages)).input, { resourceId });
        await pipeUIMessageStreamToResponse(
          stream,
          response,
          approvals ? { messageId: approvals.messageId } : {},
        );
        return;
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        return sendJson(response, 405, { error: { message: "Use GET." } });
      }
      await serveStatic(url.pathname, response);
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof BodyError)
        return sendJson(response, error.status, { error: { message: error.message } });
      if (AgentSdkError.isInstance(error)) {
        return sendJson(response, statusOf(error), { error: { code: error.code, message: error.message } });
      }
      console.error(error);
      sendJson(response, 500, { error: { message: "Internal error." } });
    }
  });

  await new Promise<void>((ready, fail) => {
    server.once("error", fail);
    server.listen(port, values.host, () => ready());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  if (values.scripted) console.log("Model: scripted (--scripted)");
  console.log(`Runtime: ${runtime.name}; runs stored in ${values.db}`);
  console.log(`Chat UI: http://${host}:${address.port}/`);

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    void memory.storage.close().finally(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
});
