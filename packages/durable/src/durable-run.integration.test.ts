import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPostgresStorage } from "@flowmaestro/memory/postgres";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const POSTGRES_URL = process.env.POSTGRES_URL;
if (!POSTGRES_URL) {
  console.warn("durable: POSTGRES_URL is unset, skipping the crash-and-recover tests (.ci/run sets it).");
}

const worker = fileURLToPath(new URL("./__fixtures__/worker.ts", import.meta.url));
const tsx = createRequire(import.meta.url).resolve("tsx");
const directory = mkdtempSync(join(tmpdir(), "durable-"));
const schemas: string[] = [];

/** A worker child process; `line(prefix)` resolves with the first stdout line that starts so. */
function startWorker(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ["--import", tsx, worker], {
    env: { ...process.env, NODE_NO_WARNINGS: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiting: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  const check = () => {
    for (const wait of [...waiting]) {
      const line = stdout.split("\n").find((candidate) => candidate.startsWith(wait.prefix));
      if (line !== undefined) {
        waiting.splice(waiting.indexOf(wait), 1);
        wait.resolve(line);
      }
    }
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    line(prefix: string): Promise<string> {
      return new Promise((resolve, reject) => {
        waiting.push({ prefix, resolve });
        check();
        void exited.then((code) =>
          reject(new Error(`worker exited (${code}) before printing "${prefix}".\n${stdout}\n${stderr}`)),
        );
      });
    },
  };
}

/** A worker's environment for one test: fresh DBOS and memory schemas (dropped after the tests). */
function workerEnv(blockTool: string) {
  const suffix = randomUUID().replaceAll("-", "").slice(0, 12);
  const env = {
    POSTGRES_URL: POSTGRES_URL as string,
    DBOS_SCHEMA: `dbos_${suffix}`,
    MEMORY_SCHEMA: `mem_${suffix}`,
    RUN_ID: `run_${suffix}`,
    CALLS_FILE: join(directory, `${suffix}.calls`),
    BLOCK_TOOL: blockTool,
  };
  schemas.push(env.DBOS_SCHEMA, env.MEMORY_SCHEMA);
  return env;
}

/** Starts a run in a first worker, kills it (SIGKILL) inside `blockTool`, recovers it in a second. */
async function crashAndRecover(blockTool: string) {
  const env = workerEnv(blockTool);
  const first = startWorker({ ...env, ROLE: "first" });
  await first.line(`MARKER in-${blockTool}`);
  first.child.kill("SIGKILL");
  await first.exited;
  const callsAtCrash = readFileSync(env.CALLS_FILE, "utf8").trim().split("\n");
  const second = startWorker({ ...env, ROLE: "second" });
  const result = JSON.parse((await second.line("RESULT ")).slice("RESULT ".length));
  expect(await second.exited).toBe(0);
  const calls = readFileSync(env.CALLS_FILE, "utf8").trim().split("\n");
  const storage = createPostgresStorage({
    connectionString: POSTGRES_URL as string,
    schema: env.MEMORY_SCHEMA,
  });
  const thread = await storage.listMessages({ threadId: "thread-1", resourceId: "user-1" });
  await storage.close();
  return { callsAtCrash, calls, result, thread };
}

/** The thread of a run of two tool steps and an answer: six messages, each stored once. */
function expectEachMessageOnce(thread: ReadonlyArray<{ id: string; message: { role: string } }>) {
  expect(thread.map((entry) => entry.message.role)).toEqual([
    "user",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
  ]);
  expect(new Set(thread.map((entry) => entry.id)).size).toBe(6);
}

const count = (lines: readonly string[], line: string) => lines.filter((entry) => entry === line).length;

describe.skipIf(!POSTGRES_URL)("durable runs on DBOS (Postgres server)", () => {
  afterAll(async () => {
    rmSync(directory, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it("a worker killed inside a tool call: another finishes the run, repeating no finished call", async () => {
    const { callsAtCrash, calls, result, thread } = await crashAndRecover("step_b");
    expect(callsAtCrash).toEqual(["model 0 prompt 2", "tool step_a", "model 1 prompt 4", "tool step_b"]);
    // Each model call once; step_a (finished before the crash) once; step_b (unfinished,
    // idempotent) runs again.
    expect(calls).toEqual([...callsAtCrash, "tool step_b", "model 2 prompt 6"]);
    expect(result).toMatchObject({ status: "completed", text: "done; last tool said ok" });
    expect(result.steps).toHaveLength(3);
    expectEachMessageOnce(thread);
    expect(thread.at(-1)?.message.content).toEqual([{ type: "text", text: "done; last tool said ok" }]);
  }, 120_000);

  it("a non-idempotent tool interrupted by the crash is reported to the model, not run again", async () => {
    const { callsAtCrash, calls, result, thread } = await crashAndRecover("charge");
    expect(callsAtCrash).toEqual(["model 0 prompt 2", "tool step_a", "model 1 prompt 4", "tool charge"]);
    expect(calls).toEqual([...callsAtCrash, "model 2 prompt 6"]);
    expect(count(calls, "tool charge")).toBe(1);
    expect(result).toMatchObject({ status: "completed", text: "done; last tool said interrupted" });
    expect(result.steps[1].toolResults[0]).toMatchObject({
      toolName: "charge",
      isError: true,
      error: { code: "TOOL_EXECUTION_FAILED" },
    });
    expect(result.steps[1].toolResults[0].error.message).toContain("interrupted");
    expectEachMessageOnce(thread);
  }, 120_000);

  it("a run suspended for approval waits durably: its worker dies, another worker's decision finishes it", async () => {
    const env = {
      ...workerEnv("refund"),
      // Each durable wait lasts 1 s here (a day by default): the decision below comes after several.
      DECISION_POLL_SECONDS: "1",
    };
    const first = startWorker({ ...env, ROLE: "first" });
    const suspended = JSON.parse((await first.line("RESULT ")).slice("RESULT ".length));
    expect(suspended).toMatchObject({ status: "suspended", pendingApprovals: [{ toolName: "refund" }] });
    await first.line("MARKER suspended");
    first.child.kill("SIGKILL");
    await first.exited;
    expect(readFileSync(env.CALLS_FILE, "utf8").trim().split("\n")).toEqual([
      "model 0 prompt 2",
      "tool step_a",
      "model 1 prompt 4",
    ]);

    // The replacement worker recovers the run: it replays to the wait and waits again.
    const second = startWorker({ ...env, ROLE: "second" });
    await second.line("MARKER launched");
    // A third worker decides, seconds later (the decision may come days later; the wait is a
    // durable `recv` with a recorded deadline, renewed until it comes).
    const decisions = suspended.pendingApprovals.map((approval: { approvalId: string }) => ({
      approvalId: approval.approvalId,
      approved: true,
    }));
    const decider = startWorker({
      ...env,
      ROLE: "decide",
      DECIDE_AFTER_MS: "2500",
      DECISIONS: JSON.stringify(decisions),
    });
    const decided = JSON.parse((await decider.line("DECIDED ")).slice("DECIDED ".length));
    expect(decided).toEqual({
      otherTenant: "NOT_FOUND",
      badDecisions: "INVALID_INPUT",
      again: "RUN_NOT_SUSPENDED",
      status: "completed",
      text: "done; last tool said ok",
    });
    const result = JSON.parse((await second.line("RESULT ")).slice("RESULT ".length));
    expect(await second.exited).toBe(0);
    expect(await decider.exited).toBe(0);
    expect(result).toMatchObject({ status: "completed", text: "done; last tool said ok" });
    // No model call repeated by the recovery; the approved call ran once, on the recovering worker.
    const calls = readFileSync(env.CALLS_FILE, "utf8").trim().split("\n");
    expect(calls).toEqual([
      "model 0 prompt 2",
      "tool step_a",
      "model 1 prompt 4",
      "tool refund",
      "model 2 prompt 6",
    ]);
    const storage = createPostgresStorage({
      connectionString: POSTGRES_URL as string,
      schema: env.MEMORY_SCHEMA,
    });
    const thread = await storage.listMessages({ threadId: "thread-1", resourceId: "user-1" });
    await storage.close();
    expectEachMessageOnce(thread);
  }, 120_000);
});
