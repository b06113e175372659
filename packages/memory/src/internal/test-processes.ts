import { spawn } from "node:child_process";

// Helpers of this package's multi-process tests only (never imported by the package itself):
// separate OS processes that set up, wait at a start line, then race.

/** The line a child prints once it is set up and waiting for the start. @internal */
const READY = "ready";

/**
 * Runs `script` (TypeScript, through tsx, a root dev dependency) once per job, each in its own
 * Node process with its job as JSON in `argv[2]`, and resolves with the JSON of each child's last
 * line of output, in job order. Every child calls {@link waitForStart} once it is set up; when all
 * have (or exited), the start is given to all of them at once, so their racing parts overlap
 * however slowly each one started. Nothing depends on timing: a child that fails before the start
 * line counts as arrived.
 * @internal
 */
export function runProcessesTogether<T>(script: string, jobs: readonly unknown[]): Promise<T[]> {
  let waiting = jobs.length;
  const children: Array<ReturnType<typeof spawn>> = [];
  const arrived = () => {
    waiting -= 1;
    if (waiting > 0) return;
    for (const child of children) child.stdin?.end("go\n");
  };
  const results = jobs.map(
    (job) =>
      new Promise<T>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(job)], {
          stdio: ["pipe", "pipe", "pipe"],
        });
        children.push(child);
        let counted = false;
        const arrive = () => {
          if (counted) return;
          counted = true;
          arrived();
        };
        let stdout = "";
        let stderr = "";
        // A child that already exited cannot take the start line; that is not an error here.
        child.stdin.on("error", () => {});
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.split("\n").includes(READY)) arrive();
        });
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.on("error", (error) => {
          arrive();
          reject(error);
        });
        child.on("close", (code) => {
          arrive();
          const line = stdout.trim().split("\n").at(-1) ?? "";
          try {
            resolve(JSON.parse(line) as T);
          } catch {
            reject(new Error(`child process exited with ${code}: ${stderr || stdout}`));
          }
        });
      }),
  );
  return Promise.all(results);
}

/** In a child of {@link runProcessesTogether}: reports it is set up, then waits for the start. @internal */
export function waitForStart(): Promise<void> {
  process.stdout.write(`${READY}\n`);
  return new Promise((resolve) => {
    let input = "";
    const onData = (chunk: Buffer) => {
      input += chunk.toString();
      if (!input.includes("\n")) return;
      process.stdin.off("data", onData);
      process.stdin.pause();
      resolve();
    };
    process.stdin.on("data", onData);
    // The parent ending stdin without a line (it gave up) starts the child too, so it exits.
    process.stdin.once("end", () => resolve());
  });
}
