import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runProcessesTogether } from "../../internal/test-processes.js";
import { createLibsqlStorage } from "./index.js";
import { LATEST_SCHEMA_VERSION } from "./migrator.js";
import { fileUrl, tempDir } from "./test-utils.js";

const WORKER = fileURLToPath(new URL("./__fixtures__/writer-process.ts", import.meta.url));

interface WorkerResult {
  readonly ok: boolean;
  readonly version?: number;
  readonly positions?: number[][];
  /** `race`: the rounds (expected versions) this process's save won. */
  readonly won?: number[];
  readonly error?: string;
}

/** Runs the writer fixture in its own Node process (TypeScript through tsx, a root dev dependency). */
function runWorker(job: Record<string, unknown>): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(job)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(line) as WorkerResult);
      } catch {
        reject(new Error(`worker exited with ${code}: ${stderr || stdout}`));
      }
    });
  });
}

describe("libSQL with several processes on one file", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it("processes that start together migrate a new file exactly once", { timeout: 60_000 }, async () => {
    const url = fileUrl(dir.path);
    const results = await Promise.all([0, 1, 2].map((writer) => runWorker({ url, mode: "init", writer })));
    for (const result of results) expect(result).toMatchObject({ ok: true, version: LATEST_SCHEMA_VERSION });
    const storage = createLibsqlStorage({ url });
    const client = await storage.getClient();
    const rows = await client.execute("SELECT version FROM fm_schema_migrations ORDER BY version");
    expect(rows.rows.map((row) => Number(row.version))).toEqual(
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, index) => index + 1),
    );
    await storage.close();
  });

  it("3 processes appending to one thread lose, duplicate and reorder nothing", {
    timeout: 60_000,
  }, async () => {
    const url = fileUrl(dir.path);
    const storage = createLibsqlStorage({ url });
    await storage.createThread({ resourceId: "r", id: "shared" });
    const batches = 15;
    const size = 3;
    const results = await Promise.all(
      [0, 1, 2].map((writer) =>
        runWorker({ url, mode: "append", writer, threadId: "shared", batches, size }),
      ),
    );
    for (const result of results) expect(result.ok, result.error).toBe(true);
    const stored = await storage.listMessages({ resourceId: "r", threadId: "shared" });
    expect(stored).toHaveLength(3 * batches * size);
    expect(new Set(stored.map((message) => String(message.message.content))).size).toBe(stored.length);
    for (let i = 1; i < stored.length; i++)
      expect(stored[i]!.position).toBeGreaterThan(stored[i - 1]!.position);
    const contentAt = new Map(stored.map((message) => [message.position, String(message.message.content)]));
    results.forEach((result, writer) => {
      result.positions?.forEach((positions, batch) => {
        // Consecutive positions per batch, holding exactly that batch's messages in order.
        positions.forEach((position, index) => {
          expect(position).toBe(positions[0]! + index);
          expect(contentAt.get(position)).toBe(`p${writer} b${batch} m${index}`);
        });
      });
    });
    await storage.close();
  });

  it("processes racing compare-and-set saves of one run: exactly one wins each version", {
    timeout: 90_000,
  }, async () => {
    const url = fileUrl(dir.path);
    const storage = createLibsqlStorage({ url });
    const runId = "shared-run";
    expect((await storage.saveSnapshot({ resourceId: "r", runId, state: { round: 0 } }))?.version).toBe(1);
    const processes = 4;
    const rounds = 15;
    // Each process tries every round r with expectedVersion r. Versions only grow, one per won
    // save, so whatever the interleaving each round has exactly one winner (not a timing claim).
    const results = await runProcessesTogether<WorkerResult>(
      WORKER,
      Array.from({ length: processes }, (_, writer) => ({ url, mode: "race", writer, runId, rounds })),
    );
    for (const result of results) expect(result.ok, result.error).toBe(true);
    const winners = Array.from({ length: rounds }, (_, index) =>
      results.flatMap((result, writer) => (result.won?.includes(index + 1) ? [writer] : [])),
    );
    winners.forEach((writers, index) => {
      expect(writers, `processes whose save with expectedVersion ${index + 1} succeeded`).toHaveLength(1);
    });
    expect(await storage.loadSnapshot({ resourceId: "r", runId })).toMatchObject({
      version: rounds + 1,
      state: { writer: winners[rounds - 1]![0], round: rounds },
    });
    await storage.close();
  });
});
