// A separate OS process for the multi-process tests: `node --import tsx writer-process.ts <json>`.
// Prints one JSON line with what it did; the test checks the shared file afterwards.
import { createLibsqlStorage } from "../index.js";

interface Job {
  readonly url: string;
  readonly mode: "init" | "append";
  readonly writer: number;
  readonly threadId?: string;
  readonly batches?: number;
  readonly size?: number;
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;
const storage = createLibsqlStorage({ url: job.url, busyTimeoutMs: 20_000 });
const positions: number[][] = [];
try {
  await storage.init();
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
    `${JSON.stringify({ ok: true, version: await storage.schemaVersion(), positions })}\n`,
  );
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`);
} finally {
  await storage.close();
}
