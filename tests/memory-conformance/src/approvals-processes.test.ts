import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createMemory } from "@flowmaestro/memory";
import { describe, expect, it } from "vitest";
import { expectEachCallOnceWithItsResult } from "./support/approval-agent.js";
import { type ChildDatabase, type Database, type DatabaseSetup, processSetups } from "./support/databases.js";
import { uniqueIds } from "./support/harness.js";
import { runtimeSetups } from "./support/runtimes.js";

const child = fileURLToPath(new URL("./fixtures/approval-child.mjs", import.meta.url));
/** Two processes start (module loading, storage set-up) on a busy 2-core machine. */
const PROCESS_TIMEOUT_MS = 60_000;

/** What a child reported. */
interface ChildOutcome {
  ok: boolean;
  status?: string;
  runId?: string;
  text?: string;
  pendingApprovals?: Array<{ approvalId: string; toolCallId: string; toolName: string; input: any }>;
  error?: { code?: string; status?: string; message: string };
  /** Orders its refund tool ran for. */
  executed: string[];
}

interface ChildTask {
  phase: "suspend" | "resume";
  db: ChildDatabase;
  runtime: string;
  runId: string;
  ids: { threadId: string; resourceId: string };
  input?: string;
  decisions?: Array<{ approvalId: string; approved: boolean; reason?: string }>;
  waitForGo?: boolean;
}

/** Starts a child; `ready` resolves once it printed READY (with `waitForGo`), `done` with its outcome. */
function startChild(task: ChildTask): {
  process: ChildProcess;
  ready: Promise<void>;
  done: Promise<ChildOutcome>;
} {
  const process_ = spawn(process.execPath, [child, JSON.stringify(task)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  process_.stdout!.on("data", (chunk) => {
    stdout += String(chunk);
    if (stdout.includes("READY\n")) markReady();
  });
  process_.stderr!.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const done = new Promise<ChildOutcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      process_.kill("SIGKILL");
      reject(new Error(`the ${task.phase} child did not finish: ${stdout}\n${stderr}`));
    }, PROCESS_TIMEOUT_MS);
    process_.on("exit", (code) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((entry) => entry.startsWith("RESULT "));
      if (code !== 0 || !line) {
        reject(new Error(`the ${task.phase} child exited with ${code}: ${stdout}\n${stderr}`));
        return;
      }
      const executed = stdout
        .split("\n")
        .filter((entry) => entry.startsWith("EXECUTED "))
        .map((entry) => entry.slice("EXECUTED ".length));
      resolve({ ...(JSON.parse(line.slice("RESULT ".length)) as Omit<ChildOutcome, "executed">), executed });
    });
  });
  return { process: process_, ready, done };
}

const runChild = (task: ChildTask) => startChild(task).done;

/** Suspends a run with refunds A1 (500, approval) in a child process on the given runtime. */
async function suspendInChild(db: ChildDatabase, runtime: string, label: string) {
  const ids = uniqueIds(label);
  const runId = `run-${ids.threadId}`;
  const suspended = await runChild({ phase: "suspend", db, runtime, runId, ids, input: "refund A1 500" });
  expect(suspended, JSON.stringify(suspended)).toMatchObject({ ok: true, status: "suspended", runId });
  expect(suspended.pendingApprovals).toHaveLength(1);
  expect(suspended.executed).toEqual([]);
  return { ids, runId, approvalId: suspended.pendingApprovals![0]!.approvalId };
}

/** The thread as stored, read in this process. */
async function storedThread(database: Database, ids: { threadId: string; resourceId: string }) {
  const opened = database.open();
  try {
    return await createMemory({ storage: opened.storage }).getMessages(ids);
  } finally {
    await opened.close();
  }
}

describe.each(processSetups)("approvals across processes on $name", (setup: DatabaseSetup) => {
  for (const first of runtimeSetups) {
    for (const second of runtimeSetups) {
      it(
        `suspended in one process (${first.name}), resumed in another (${second.name})`,
        async () => {
          const database = await setup.create();
          try {
            const db = database.forChild!;
            const { ids, runId, approvalId } = await suspendInChild(db, first.name, `proc-${first.name}`);
            const resumed = await runChild({
              phase: "resume",
              db,
              runtime: second.name,
              runId,
              ids,
              decisions: [{ approvalId, approved: true }],
            });
            expect(resumed, JSON.stringify(resumed)).toMatchObject({ ok: true, status: "completed", runId });
            expect(resumed.executed).toEqual(["A1"]);
            expect(resumed.text).toContain('"refunded":500');
            const thread = await storedThread(database, ids);
            expect(thread.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
            expectEachCallOnceWithItsResult(thread);
          } finally {
            await database.dispose();
          }
        },
        PROCESS_TIMEOUT_MS * 2,
      );
    }
  }

  it.skipIf(!setup.concurrent)(
    "two processes resume the same run at once: exactly one continues it",
    async () => {
      const database = await setup.create();
      try {
        const db = database.forChild!;
        for (const [round, starter] of runtimeSetups.entries()) {
          const { ids, runId, approvalId } = await suspendInChild(db, starter.name, `race-${round}`);
          const decisions = [{ approvalId, approved: true }];
          // One contender per runtime, released together once both are set up.
          const contenders = runtimeSetups.map((runtime) =>
            startChild({
              phase: "resume",
              db,
              runtime: runtime.name,
              runId,
              ids,
              decisions,
              waitForGo: true,
            }),
          );
          await Promise.all(contenders.map((contender) => contender.ready));
          for (const contender of contenders) contender.process.stdin!.end("GO\n");
          const outcomes = await Promise.all(contenders.map((contender) => contender.done));

          const winners = outcomes.filter((outcome) => outcome.ok);
          const losers = outcomes.filter((outcome) => !outcome.ok);
          expect(winners, JSON.stringify(outcomes)).toHaveLength(1);
          expect(winners[0]!.status).toBe("completed");
          expect(losers).toHaveLength(1);
          expect(losers[0]!.error?.code, JSON.stringify(losers[0])).toBe("RUN_NOT_SUSPENDED");
          expect(["resuming", "resumed"]).toContain(losers[0]!.error?.status);
          // The tool ran once, in the winner.
          expect(outcomes.flatMap((outcome) => outcome.executed)).toEqual(["A1"]);
          expect(winners[0]!.executed).toEqual(["A1"]);
          const thread = await storedThread(database, ids);
          expect(thread.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
          expectEachCallOnceWithItsResult(thread);
        }
      } finally {
        await database.dispose();
      }
    },
    PROCESS_TIMEOUT_MS * 3,
  );
});
