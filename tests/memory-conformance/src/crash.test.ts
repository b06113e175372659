import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMemory } from "@flowmaestro/memory";
import { createLibsqlStorage } from "@flowmaestro/memory/libsql";
import { afterAll, describe, expect, it } from "vitest";
import { expectCompleted, memoryAgent, uniqueIds } from "./support/harness.js";
import { promptText } from "./support/memory-model.js";
import { runtimeSetups } from "./support/runtimes.js";

const child = fileURLToPath(new URL("./fixtures/crash-child.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "fm-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child until its tool hangs (step 0 finished), then kills it with SIGKILL. */
function runAndKill(url: string, runtime: string, ids: { threadId: string; resourceId: string }) {
  return new Promise<void>((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, url, runtime, ids.threadId, ids.resourceId], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const timer = setTimeout(() => {
      process_.kill("SIGKILL");
      reject(new Error(`the child never reached its hanging tool: ${stderr}`));
    }, 30_000);
    process_.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    process_.stdout.on("data", (chunk) => {
      if (String(chunk).includes("HANGING")) process_.kill("SIGKILL");
    });
    process_.on("exit", (_code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`the child exited by itself (${signal ?? _code}): ${stderr}`));
    });
  });
}

describe.each(runtimeSetups)("a host killed mid-run ($name runtime)", (runtimeSetup) => {
  it("leaves a readable thread with every finished step, which a new process continues", async () => {
    const url = `file:${join(dir, `${runtimeSetup.name}.db`)}`;
    const ids = uniqueIds(`crash-${runtimeSetup.name}`);
    await runAndKill(url, runtimeSetup.name, ids);

    const storage = createLibsqlStorage({ url });
    const memory = createMemory({ storage });
    const roles = (await memory.getMessages(ids)).map((message) => message.role);
    // The input and step 0 (the `note` call and its result) survived; step 1 never finished.
    expect(roles).toEqual(["user", "assistant", "tool"]);

    const { agent, model } = memoryAgent(runtimeSetup.create(), storage);
    expectCompleted(await agent.execute("Are you there?", ids));
    expect(promptText(model.calls[0]!.options)).toContain("before the crash");
    await storage.close();
  });
});
