// Helpers of the integration tests: fixture child processes, and whether Redis answers.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createClient } from "redis";
import { afterAll, beforeAll } from "vitest";

const fixture = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** Starts a fixture in its own Node process (through tsx) with `job` as JSON in argv[2]. */
export function start(name: string, job: unknown) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ["--import", "tsx", fixture(name), JSON.stringify(job)],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  const waiters: Array<() => void> = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.on("error", () => {});
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    child,
    /** Resolves once the child printed `text` as a line. */
    line: (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => stdout.split("\n").includes(text) && resolve();
        waiters.push(check);
        check();
        void closed.then((code) => reject(new Error(`${name} exited with ${code}: ${stderr || stdout}`)));
      }),
    /** The last line the child printed, once it exited. */
    output: async () => {
      const code = await closed;
      const line = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0) throw new Error(`${name} exited with ${code}: ${stderr || stdout}`);
      return line;
    },
  };
}

/** Whether a Redis server answers `PING` at `url` (within about a second). */
export async function ping(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/**
 * A Redis client for a test file's own checks, connected before its tests; afterwards it deletes
 * every key under `keyPrefix` (the file's runs) and closes.
 */
export function useAdminClient(url: string, keyPrefix: string) {
  const admin = createClient({ url });
  beforeAll(async () => {
    admin.on("error", () => {});
    await admin.connect();
  });
  afterAll(async () => {
    for await (const keys of admin.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 100 })) {
      if (keys.length > 0) await admin.del(keys);
    }
    admin.destroy();
  });
  return admin;
}
