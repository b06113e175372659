// A separate OS process for the cross-process test of postgres-storage.integration.test.ts:
// `node --import tsx snapshot-racer-process.ts <json>`, started by `runProcessesTogether`.
// Connects, waits for the start, then tries every round r with `expectedVersion: r`; prints one
// JSON line with the rounds it won.
import { waitForStart } from "../../../internal/test-processes.js";
import { createRunStore } from "../../../run-store/create-run-store.js";
import { createPostgresStorage } from "../index.js";

interface Job {
  readonly url: string;
  readonly schema: string;
  readonly writer: number;
  readonly resourceId: string;
  readonly runId: string;
  readonly rounds: number;
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;
const storage = createPostgresStorage({ connectionString: job.url, schema: job.schema });
try {
  // Connected and migrated before the start, so the saves are what overlaps.
  await storage.init();
  // Even writers call the adapter, odd ones the run store over it: the same compare-and-set.
  const runStore = createRunStore(storage);
  await waitForStart();
  const won: number[] = [];
  for (let round = 1; round <= job.rounds; round++) {
    const input = {
      resourceId: job.resourceId,
      runId: job.runId,
      state: { writer: job.writer, round },
      expectedVersion: round,
    };
    const saved = await (job.writer % 2 === 0 ? storage.saveSnapshot(input) : runStore.save(input));
    if (saved !== undefined) won.push(round);
  }
  process.stdout.write(`${JSON.stringify({ ok: true, won })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`);
} finally {
  await storage.close();
}
