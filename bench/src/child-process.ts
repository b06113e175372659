import { fork } from "node:child_process";

/**
 * Request/response over IPC with a bench child process (the load bench's workers, the soak's
 * cases): the parent forks a file with the same loader flags as itself plus `--expose-gc`, waits
 * for its `ready`, then sends requests one at a time or to several children at once (so their
 * batches start together). The child answers with {@link serveRequests}.
 */

/** A forked child that answers requests. */
export interface BenchChild {
  readonly pid: number;
  /** Sends `message` and resolves with the child's answer (rejects with its error, or on timeout). */
  request<T>(message: Record<string, unknown>, timeoutMs: number): Promise<T>;
  /** Asks the child to finish (`{ type: "close" }`) and waits for it to exit. */
  close(): Promise<void>;
}

interface Reply {
  id?: number;
  type?: string;
  ok?: boolean;
  result?: unknown;
  error?: string;
}

const READY_TIMEOUT_MS = 60_000;

/** Forks `file` with `config` as JSON in `argv[2]`; resolves once the child said it is ready. */
export function forkBenchChild(file: string, config: unknown): Promise<BenchChild> {
  const child = fork(file, [JSON.stringify(config)], {
    execArgv: [...process.execArgv.filter((flag) => flag !== "--expose-gc"), "--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let exited: Error | undefined;
  let onReady: ((error?: Error) => void) | undefined;
  child.on("message", (reply: Reply) => {
    if (reply.type === "ready") return onReady?.();
    const waiting = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!waiting || reply.id === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new Error(reply.error ?? "the child failed"));
  });
  const exit = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exited = new Error(`the child process exited (${signal ?? `code ${code}`}) before answering`);
      for (const waiting of pending.values()) waiting.reject(exited);
      pending.clear();
      onReady?.(exited);
      resolve();
    });
  });
  child.on("error", (error) => onReady?.(error));
  const handle: BenchChild = {
    pid: child.pid ?? -1,
    request<T>(message: Record<string, unknown>, timeoutMs: number): Promise<T> {
      if (exited) return Promise.reject(exited);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          child.kill();
          reject(new Error(`no answer to ${String(message.type)} after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ ...message, id });
      });
    },
    async close() {
      if (!exited) {
        await handle.request({ type: "close" }, 30_000).catch(() => child.kill());
        await exit;
      }
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the child was not ready after ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    onReady = (error) => {
      clearTimeout(timer);
      onReady = undefined;
      if (error) reject(error);
      else resolve(handle);
    };
  });
}

/**
 * The child's side: answers every request with `handle(message)` (in arrival order, one at a
 * time); `close` runs `onClose`, answers, and exits the process.
 */
export function serveRequests(
  handle: (message: { type: string; [key: string]: unknown }) => Promise<unknown>,
  onClose: () => Promise<void>,
): void {
  let queue: Promise<void> = Promise.resolve();
  process.on("message", (message: { id: number; type: string; [key: string]: unknown }) => {
    queue = queue.then(async () => {
      try {
        if (message.type === "close") {
          await onClose();
          // Exit once the answer is out: a driver's lingering handle must not keep the child alive.
          process.send?.({ id: message.id, ok: true }, () => process.exit(0));
          return;
        }
        process.send?.({ id: message.id, ok: true, result: await handle(message) });
      } catch (error) {
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        process.send?.({ id: message.id, ok: false, error: text });
      }
    });
  });
  // The parent is gone (it crashed or was killed): nobody will ask for `close`.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ type: "ready" });
}
