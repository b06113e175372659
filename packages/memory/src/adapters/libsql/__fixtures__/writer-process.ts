// A separate OS process for the multi-process tests: `node --import tsx writer-process.ts <json>`.
// Prints one JSON line with what it did; the test checks the shared file afterwards.
import { waitForStart } from "../../../internal/test-processes.js";
import { createRunStore } from "../../../run-store/create-run-store.js";
import { createLibsqlStorage } from "../index.js";

interface Job {
  readonly url: string;
  /** `race`: started by `runProcessesTogether`, compare-and-set saves of one run snapshot. */
  readonly mode: "init" | "append" | "race";
  readonly writer: number;
  readonly threadId?: string;
  readonly batches?: number;
  readonly size?: number;
  /** `race`: the run every process saves, and how many rounds (expected versions 1, 2, …). */
  readonly runId?: string;
  readonly rounds?: number;
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;
const storage = createLibsqlStorage({ url: job.url, busyTimeoutMs: 20_000 });
const positions: number[][] = [];
try {
  await storage.init();
  const won: number[] = [];
  if (job.mode === "race") {
    // Even writers call the adapter, odd ones the run store over it: the same compare-and-set.
    const runStore = createRunStore(storage);
    await waitForStart();
    for (let round = 1; round <= (job.rounds ?? 1); round++) {
      const input = {
        resourceId: "r",
        runId: job.runId ?? "",
        state: { writer: job.writer, round },
        expectedVersion: round,
      };
      const saved = await (job.writer % 2 === 0 ? storage.saveSnapshot(input) : runStore.save(input));
      if (saved !== undefined) won.push(round);
    }
  }
  if (job.mode === "append") {
    for (let batch = 0; batch < (job.batches ?? 0); batch++) {
      const stored = await storage.appendMessages({
        resourceId: "r",
        threadId: job.threadId ?? "",
        messages: Array.from({ length: job.size ?? 1 }, (_, index) => ({
          message: { role: "user" as const, content: `p${job.writer} b${batch} m${index}` },
        })),
      });
      positions.push(stored.map((message) => message.position));
    }
  }
  process.stdout.write(
    `${JSON.stringify({ ok: true, version: await storage.schemaVersion(), positions, won })}\n`,
  );
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`);
} finally {
  await storage.close();
}
