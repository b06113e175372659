/**
 * The chat example in a real browser: `examples/chat-server.ts` serving the React page of
 * `examples/chat-ui` (AI SDK `useChat`), driven in Debian's headless Chromium through
 * playwright-core. Per runtime: a question streams an answer and a tool call, the email waits for
 * approval, Approve finishes the run (screenshot in `artifacts/`), Decline reaches the model with
 * its reason, and an approval still works after the server was killed and started again on the
 * same libSQL file.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`) or at `FLOWMAESTRO_CHROMIUM_PATH`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = process.env.FLOWMAESTRO_CHROMIUM_PATH ?? "/usr/bin/chromium";
const EXAMPLES = fileURLToPath(new URL("../../../examples/", import.meta.url));
const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
/** How long one step of the page may take: the machine is slow and shared; never asserted on. */
const WAIT_MS = 90_000;
const QUESTION = "What's the weather in Paris? Email it to ada@example.com.";

interface Server {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
}

const children = new Set<ChildProcess>();
let context: BrowserContext | undefined;
let workDir = "";
let userDataDir = "";

/** Starts `examples/chat-server.ts` and resolves with the URL it prints. */
async function startServer(options: { runtime: string; db: string; port?: number }): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "chat-server.ts",
      `--port=${options.port ?? 0}`,
      `--runtime=${options.runtime}`,
      `--db=${options.db}`,
      // The scripted model, whatever keys the machine has: the test checks its exact answers.
      "--scripted",
    ],
    { cwd: EXAMPLES, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.add(child);
  child.once("exit", () => children.delete(child));
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`chat-server printed no URL within ${WAIT_MS} ms. Output:\n${output}`));
    }, WAIT_MS);
    const onData = () => {
      const match = /Chat UI: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(
        new Error(`chat-server exited (code ${code}, signal ${signal}) before listening. Output:\n${output}`),
      );
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
  return { url, port: Number(new URL(url).port), child, output: () => output };
}

/**
 * Builds the page fresh, as `npm run build:chat-ui -w @flowmaestro/examples` does: the Vite CLI in
 * its own process, so that vitest's `NODE_ENV=test` does not give a development build of React.
 */
async function buildPage(): Promise<void> {
  const vite = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin/vite.js");
  const child = spawn(
    process.execPath,
    [vite, "build", "--config", "chat-ui/vite.config.ts", "--logLevel", "warn"],
    {
      cwd: EXAMPLES,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve) =>
    child.once("exit", (exitCode) => resolve(exitCode)),
  );
  children.delete(child);
  if (code !== 0) throw new Error(`Building the chat page failed (exit code ${code}):\n${output}`);
}

/** Stops a server (SIGKILL: as abrupt as a crash) and waits until it is gone. */
async function killServer(server: Server, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  await exited;
}

/**
 * Runs `steps` on a fresh page of `server`, then checks that the page threw no uncaught error.
 * On failure it keeps a screenshot (`artifacts/failed-<name>.png`) and adds the server's output
 * to the error.
 */
async function withPage(server: () => Server, name: string, steps: (page: Page) => Promise<void>) {
  if (!context) throw new Error("The browser did not start.");
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  try {
    await page.goto(server().url);
    await page.getByTestId("chat-input").waitFor({ timeout: WAIT_MS });
    await steps(page);
    expect(errors, "uncaught errors in the page").toEqual([]);
  } catch (error) {
    await page.screenshot({ path: join(ARTIFACTS, `failed-${name}.png`), fullPage: true }).catch(() => {});
    const output = server().output().split("\n").slice(-40).join("\n");
    throw new Error(`${(error as Error).message}\n\nchat-server output (last lines):\n${output}`, {
      cause: error,
    });
  } finally {
    await page.close().catch(() => {});
  }
}

/** The tool card of `toolName`, once it is in `state`. */
function toolPart(page: Page, toolName: string, state: string): Locator {
  return page.locator(`[data-testid="tool-part"][data-tool-name="${toolName}"][data-state="${state}"]`);
}

async function waitForRunStatus(page: Page, status: string): Promise<void> {
  await page.locator(`[data-testid="run-status"][data-status="${status}"]`).waitFor({ timeout: WAIT_MS });
}

async function waitForAssistantText(page: Page, text: RegExp): Promise<void> {
  await page.getByTestId("assistant-text").filter({ hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

/**
 * Asks the question and waits until the email waits for approval: the streamed text, the
 * weather call and its result, and the email call are on the page. Returns the `/api/chat`
 * response headers.
 */
async function askUntilApprovalRequested(page: Page): Promise<Record<string, string>> {
  await page.getByTestId("chat-input").fill(QUESTION);
  const response = page.waitForResponse((candidate) => candidate.url().endsWith("/api/chat"), {
    timeout: WAIT_MS,
  });
  await page.getByTestId("send").click();
  const headers = (await response).headers();
  await page.getByTestId("user-text").filter({ hasText: QUESTION }).waitFor({ timeout: WAIT_MS });
  await waitForAssistantText(page, /Let me check the weather in Paris first\./);
  const weather = toolPart(page, "get_weather", "output-available");
  await weather.waitFor({ timeout: WAIT_MS });
  expect(JSON.parse((await weather.getByTestId("tool-input").textContent()) ?? "")).toEqual({
    city: "Paris",
  });
  expect(JSON.parse((await weather.getByTestId("tool-output").textContent()) ?? "")).toEqual({
    city: "Paris",
    celsius: 21,
    sky: "clear",
  });
  await waitForAssistantText(page, /It is 21 °C and clear in Paris\. I'll email that now\./);
  const email = toolPart(page, "send_email", "approval-requested");
  await email.waitFor({ timeout: WAIT_MS });
  expect(JSON.parse((await email.getByTestId("tool-input").textContent()) ?? "")).toMatchObject({
    to: "ada@example.com",
    subject: "Weather in Paris",
  });
  // The run is stored as suspended before the stream says so; only then is a restart safe.
  await waitForRunStatus(page, "suspended");
  return headers;
}

/** Approves the pending email and waits for the run to finish. */
async function approveAndFinish(page: Page): Promise<void> {
  await toolPart(page, "send_email", "approval-requested").getByTestId("approve").click();
  const sent = toolPart(page, "send_email", "output-available");
  await sent.waitFor({ timeout: WAIT_MS });
  expect(JSON.parse((await sent.getByTestId("tool-output").textContent()) ?? "")).toEqual({
    status: "sent",
    to: "ada@example.com",
    subject: "Weather in Paris",
  });
  await waitForAssistantText(page, /Done: the email to ada@example\.com was sent\./);
  await waitForRunStatus(page, "completed");
  await expect(page.getByTestId("approve").count()).resolves.toBe(0);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}. Install Debian's package (apt-get install -y chromium; ` +
        ".ci/run does this when it is missing) or set FLOWMAESTRO_CHROMIUM_PATH to a Chromium binary.",
    );
  }
  workDir = await mkdtemp(join(tmpdir(), "fm-chat-e2e-"));
  userDataDir = join(workDir, "chromium-profile");
  await mkdir(ARTIFACTS, { recursive: true });

  await buildPage();

  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 900, height: 1000 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await context?.close().catch(() => {});
  for (const child of [...children]) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGKILL");
      await exited;
    }
  }
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.each(["legacy", "mastra"])("chat example in Chromium, %s runtime", (runtime) => {
  let server: Server | undefined;
  const current = (): Server => {
    if (!server) throw new Error("The chat server did not start.");
    return server;
  };
  const db = () => join(workDir, `${runtime}.db`);

  beforeAll(async () => {
    server = await startServer({ runtime, db: db() });
  });

  afterAll(async () => {
    if (server) await killServer(server, "SIGTERM");
  });

  it("streams the answer and the tool calls, waits for approval, and finishes once approved", async () => {
    await withPage(current, `${runtime}-approve`, async (page) => {
      const headers = await askUntilApprovalRequested(page);
      expect(headers["content-type"]).toMatch(/^text\/event-stream/);
      expect(headers["x-vercel-ai-ui-message-stream"]).toBe("v1");
      await expect(page.getByTestId("decline").count()).resolves.toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, `chat-${runtime}-approval.png`), fullPage: true });

      await approveAndFinish(page);
      await expect(page.getByTestId("run-usage").textContent()).resolves.toMatch(/\d+ tokens/);
      await page.screenshot({
        path: join(ARTIFACTS, runtime === "legacy" ? "chat.png" : `chat-${runtime}.png`),
        fullPage: true,
      });
    });
  });

  it("sends a declined call to the model as declined, with the reason", async () => {
    await withPage(current, `${runtime}-decline`, async (page) => {
      await askUntilApprovalRequested(page);
      const email = toolPart(page, "send_email", "approval-requested");
      await email.getByTestId("approval-reason").fill("Not today");
      await email.getByTestId("decline").click();

      const declined = toolPart(page, "send_email", "output-denied");
      await declined.waitFor({ timeout: WAIT_MS });
      await expect(declined.getByTestId("tool-declined").textContent()).resolves.toBe("Declined: Not today");
      await waitForAssistantText(page, /Okay, I did not send the email \(you declined: Not today\)\./);
      await waitForRunStatus(page, "completed");
      await expect(page.getByTestId("tool-output").count()).resolves.toBe(1); // the weather only
      await page.screenshot({ path: join(ARTIFACTS, `chat-${runtime}-declined.png`), fullPage: true });
    });
  });

  it("approves after the server was killed and started again on the same libSQL file", async () => {
    await withPage(current, `${runtime}-restart`, async (page) => {
      await askUntilApprovalRequested(page);

      // The page stays open; the process that suspended the run is gone.
      const { port } = current();
      await killServer(current(), "SIGKILL");
      server = await startServer({ runtime, db: db(), port });

      await approveAndFinish(page);
      await page.screenshot({ path: join(ARTIFACTS, `chat-${runtime}-restarted.png`), fullPage: true });
    });
  });
});
