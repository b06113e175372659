import { AgentSdkError, StorageError } from "@flowmaestro/runtime";

/** The in-memory adapter's id. @internal */
export const ADAPTER = "in-memory";

/**
 * Runs one operation: settles asynchronously like a real backend, passes SDK errors through and
 * wraps anything else (a bug, or an exotic input) in a `StorageError`, so the adapter never
 * throws anything the contract does not allow. The body is synchronous, which is what makes
 * every write atomic here: no other call can interleave with it.
 *
 * @internal
 */
export function guard<T>(operation: string, body: () => T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (error) {
    if (AgentSdkError.isInstance(error)) return Promise.reject(error);
    return Promise.reject(new StorageError({ adapter: ADAPTER, operation, cause: error }));
  }
}
