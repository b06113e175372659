/** What {@link untilAborted} resolves with when the signal fired first. */
export const ABORTED: unique symbol = Symbol("flowmaestro.aborted");

/**
 * Waits for `work`, or resolves with {@link ABORTED} as soon as the signal fires, whether or not
 * `work` honours it (a tool or model that ignores the signal does not hold the run). A rejection
 * of `work` passes through.
 */
export function untilAborted<T>(
  work: PromiseLike<T>,
  signal: AbortSignal | undefined,
): Promise<T | typeof ABORTED> {
  if (!signal) return Promise.resolve(work);
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(work).then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
