import type { StorageAdapter, StoredMessage } from "@flowmaestro/memory";
import { NotFoundError } from "@flowmaestro/runtime";
import type { ExpectedRun } from "./layout.js";
import { answerOf, promptOf, toolCallIdOf } from "./model.js";
import { RESOURCE_ID } from "./workload.js";

/** Messages every run stores: its input, the tool call and its result (step 0), the answer (step 1). */
export const MESSAGES_PER_RUN = 4;

/** What reading every thread back found, against what every run should have stored. */
export interface IntegrityCheck {
  threads: number;
  runs: number;
  /** `runs × 4`. */
  expected: number;
  /** Messages the threads hold. */
  stored: number;
  /** Distinct message ids among them. */
  distinctIds: number;
  /** Expected messages (by content) no thread holds where they belong. */
  lost: number;
  /** Extra copies: an expected message held more than once (by content). */
  duplicated: number;
  /** Messages whose id the thread holds more than once (`stored − distinctIds`). */
  repeatedIds: number;
  /** Messages no run of that thread should have stored (e.g. another thread's). */
  unexpected: number;
  /** Runs whose four messages are not in order (input, call, result, answer) in their thread. */
  misordered: number;
  status: "PASS" | "FAIL";
}

/** The four messages of run `runId`, as {@link signatureOf} writes them, in the order they are stored. */
export function expectedSignatures(runId: string): string[] {
  const callId = toolCallIdOf(runId);
  return [
    `user:${promptOf(runId)}`,
    `assistant:call:${callId}`,
    `tool:result:${callId}:5`,
    `assistant:text:${answerOf(runId)}`,
  ];
}

/** What identifies a stored message's content: its role and what the run put in it. */
export function signatureOf(stored: StoredMessage): string {
  const { message } = stored;
  if (typeof message.content === "string") return `${message.role}:${message.content}`;
  const parts = (message.content as ReadonlyArray<Record<string, unknown>>).map((part) => {
    switch (part.type) {
      case "text":
        return `text:${String(part.text)}`;
      case "tool-call":
        return `call:${String(part.toolCallId)}`;
      case "tool-result": {
        const output = part.output as { type?: string; value?: { sum?: unknown } } | undefined;
        const sum = output?.type === "json" ? String(output.value?.sum) : JSON.stringify(output);
        return `result:${String(part.toolCallId)}:${sum}`;
      }
      default:
        return String(part.type);
    }
  });
  if (message.role === "user" && parts.length === 1 && parts[0]?.startsWith("text:"))
    return `user:${parts[0].slice("text:".length)}`;
  return `${message.role}:${parts.join("+")}`;
}

/**
 * Reads every thread the runs wrote to back from storage (all of it, no window) and compares it,
 * message by message, with what each run should have stored: counted by content (the run id is in
 * every message) and by id. A thread that does not exist loses all its messages.
 */
export async function verifyThreads(
  storage: StorageAdapter,
  runs: readonly ExpectedRun[],
): Promise<IntegrityCheck> {
  const byThread = new Map<string, string[]>();
  for (const run of runs) {
    const list = byThread.get(run.threadId) ?? [];
    list.push(run.runId);
    byThread.set(run.threadId, list);
  }
  const check: IntegrityCheck = {
    threads: byThread.size,
    runs: runs.length,
    expected: runs.length * MESSAGES_PER_RUN,
    stored: 0,
    distinctIds: 0,
    lost: 0,
    duplicated: 0,
    repeatedIds: 0,
    unexpected: 0,
    misordered: 0,
    status: "PASS",
  };
  for (const [threadId, runIds] of byThread) {
    let stored: readonly StoredMessage[] = [];
    try {
      stored = await storage.listMessages({ threadId, resourceId: RESOURCE_ID });
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
    check.stored += stored.length;
    const ids = new Set(stored.map((message) => message.id));
    check.distinctIds += ids.size;
    check.repeatedIds += stored.length - ids.size;
    const positions = new Map<string, number[]>();
    for (const message of stored) {
      const signature = signatureOf(message);
      const list = positions.get(signature) ?? [];
      list.push(message.position);
      positions.set(signature, list);
    }
    const expected = new Set<string>();
    for (const runId of runIds) {
      const signatures = expectedSignatures(runId);
      let previous = Number.NEGATIVE_INFINITY;
      let ordered = true;
      for (const signature of signatures) {
        expected.add(signature);
        const found = positions.get(signature) ?? [];
        if (found.length === 0) {
          check.lost++;
          continue;
        }
        check.duplicated += found.length - 1;
        const position = Math.min(...found);
        if (position <= previous) ordered = false;
        previous = position;
      }
      if (!ordered) check.misordered++;
    }
    for (const [signature, found] of positions) {
      if (!expected.has(signature)) check.unexpected += found.length;
    }
  }
  const clean =
    check.lost === 0 && check.duplicated === 0 && check.repeatedIds === 0 && check.unexpected === 0;
  check.status = clean && check.misordered === 0 && check.stored === check.expected ? "PASS" : "FAIL";
  return check;
}
