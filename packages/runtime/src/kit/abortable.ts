import { AbortedError } from "../errors/aborted-error.js";

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

/**
 * Waits for `work`, or rejects as soon as the signal fires (with {@link AbortedError} for the
 * run's signal, or the signal's reason when it is an error the caller made, e.g. a timeout).
 */
export async function raceSignal<T>(
  work: PromiseLike<T>,
  signal: AbortSignal | undefined,
  reasonOf: (signal: AbortSignal) => unknown = (aborted) => new AbortedError({ reason: aborted.reason }),
): Promise<T> {
  const outcome = await untilAborted(work, signal);
  if (outcome === ABORTED) throw reasonOf(signal as AbortSignal);
  return outcome;
}
