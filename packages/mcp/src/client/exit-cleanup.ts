/**
 * Child processes that must not outlive the host: when the host exits without closing its MCP
 * clients (`process.exit`, an uncaught exception), each still-running stdio server gets SIGTERM.
 * One `exit` listener for the whole process, installed while any server runs.
 * @internal
 */
const running = new Set<number>();

function terminateAll(): void {
  for (const pid of running) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
}

/** Registers a started server process. @internal */
export function trackChildProcess(pid: number): void {
  if (running.size === 0) process.on("exit", terminateAll);
  running.add(pid);
}

/** Unregisters a server process that ended or was ended. @internal */
export function untrackChildProcess(pid: number): void {
  if (!running.delete(pid)) return;
  if (running.size === 0) process.off("exit", terminateAll);
}

/**
 * Resolves once no process has id `pid` any more (Node has reaped it), or after `timeoutMs`.
 * The SDK's transport stops waiting after SIGKILL; this makes `close()` mean "the process is gone".
 * @internal
 */
export async function waitForExit(pid: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** @internal */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: the id now belongs to another user's process, so ours is gone too.
    return false;
  }
}
