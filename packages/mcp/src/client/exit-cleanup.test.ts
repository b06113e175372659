import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isRunning, until } from "./__fixtures__/servers.js";
import { trackChildProcess, untrackChildProcess, waitForExit } from "./exit-cleanup.js";

describe("exit cleanup", () => {
  it("installs one exit listener while processes run, which ends them; removes it when none is left", async () => {
    const before = process.listeners("exit");
    const children = [1, 2].map(() =>
      spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }),
    );
    const pids = children.map((child) => child.pid!);
    for (const pid of pids) trackChildProcess(pid);
    const added = process.listeners("exit").filter((listener) => !before.includes(listener));
    expect(added).toHaveLength(1);
    // What the host's exit would run (calling it directly: emitting `exit` would end the test runner).
    (added[0] as () => void)();
    await until(() => pids.every((pid) => !isRunning(pid)), "the children to end");
    for (const pid of pids) untrackChildProcess(pid);
    expect(process.listeners("exit")).toEqual(before);
  });

  it("waitForExit resolves once the process is gone", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 100)"], { stdio: "ignore" });
    await waitForExit(child.pid!, 15_000);
    expect(isRunning(child.pid!)).toBe(false);
  });
});
