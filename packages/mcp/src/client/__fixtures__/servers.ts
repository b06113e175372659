import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { McpHttpServerConfig, McpStdioServerConfig } from "../mcp-clients-options.js";
import type { McpServerClient } from "../mcp-server-client.js";

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The reference servers' entry points, run with this Node (no npx, no network). */
export const EVERYTHING_SERVER = join(packageDir("@modelcontextprotocol/server-everything"), "dist/index.js");
export const FILESYSTEM_SERVER = join(packageDir("@modelcontextprotocol/server-filesystem"), "dist/index.js");
export const FIXTURE_SERVER = join(dirname(fileURLToPath(import.meta.url)), "fixture-server.mjs");

/** `@modelcontextprotocol/server-everything` over stdio. */
export function everythingStdio(options: Partial<McpStdioServerConfig> = {}): McpStdioServerConfig {
  return { command: process.execPath, args: [EVERYTHING_SERVER, "stdio"], stderr: "ignore", ...options };
}

/** `@modelcontextprotocol/server-filesystem` allowed to use `dir`. */
export function filesystemStdio(
  dir: string,
  options: Partial<McpStdioServerConfig> = {},
): McpStdioServerConfig {
  return { command: process.execPath, args: [FILESYSTEM_SERVER, dir], stderr: "ignore", ...options };
}

/** The fixture server in one of its modes (`normal`, `noisy`, `fail-start`). */
export function fixtureStdio(
  mode = "normal",
  options: Partial<McpStdioServerConfig> = {},
): McpStdioServerConfig {
  return { command: process.execPath, args: [FIXTURE_SERVER, mode], stderr: "ignore", ...options };
}

/** A free TCP port on 127.0.0.1 (server-everything reads its port from `PORT`). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** `server-everything streamableHttp` as a child process on a free port, restartable on the same port. */
export interface EverythingHttp {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  config(options?: Partial<McpHttpServerConfig>): McpHttpServerConfig;
  /** SIGKILLs the server and waits until it exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
}

export async function startEverythingHttp(): Promise<EverythingHttp> {
  const port = await freePort();
  let child = await spawnHttp(port);
  const url = `http://127.0.0.1:${port}/mcp`;
  return {
    url,
    port,
    get process() {
      return child;
    },
    config: (options = {}) => ({ url, ...options }),
    kill: () => killAndWait(child),
    restart: async () => {
      child = await spawnHttp(port);
    },
  };
}

async function spawnHttp(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [EVERYTHING_SERVER, "streamableHttp"], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    child.stderr?.on("data", (chunk) => {
      output += String(chunk);
      if (output.includes("listening on port")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`server-everything exited (${code}): ${output}`)));
  });
  return child;
}

/** SIGKILLs a child process and waits for its exit. */
export async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

export { isRunning } from "../exit-cleanup.js";

/** Polls until `condition()` holds (no fixed sleeps in assertions; the budget is the test timeout). */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Resolves when the client has sent a `tools/call` of `toolName` (so killing the server then is
 * "mid-call", whatever the machine's speed). Wraps the live transport's `send` (the escape hatch).
 */
export function whenToolCallSent(client: McpServerClient, toolName: string): Promise<void> {
  return new Promise((resolve) => {
    const transport = client.getInstance()?.transport;
    if (!transport) throw new Error(`${client.name} is not connected`);
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      const sent = await send(message, options);
      const request = message as { method?: string; params?: { name?: string } };
      if (request.method === "tools/call" && request.params?.name === toolName) resolve();
      return sent;
    };
  });
}
