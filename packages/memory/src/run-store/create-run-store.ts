import {
  AgentSdkError,
  InvalidDefinitionError,
  type RunKey,
  type RunStore,
  type SaveRunInput,
  StorageError,
  type StoredRun,
} from "@flowmaestro/runtime";
import type { JsonValue, RunSnapshot, StorageAdapter } from "../storage-adapter.js";

/**
 * A {@link RunStore} on a storage adapter: where agents keep suspended runs (tool calls waiting
 * for approval) until they are resumed or cancelled. Each run is one of the adapter's run
 * snapshots, keyed by `(resourceId, runId)`, so it lives in the same database as the threads and
 * a run suspended in one process can be resumed in another. A save with `expectedVersion` is the
 * adapter's atomic compare-and-set ({@link StorageAdapter.saveSnapshot}): of several saves with
 * the same `expectedVersion` exactly one succeeds, which is what lets exactly one of two callers
 * resuming the same run continue it. That holds across processes on a libSQL file and on
 * Postgres, and within one process for the in-memory adapter (its data is the process's own).
 *
 * `name` is the adapter's. Loads and saves are scoped by `resourceId`: another resource's run is
 * `undefined`, and a save with `expectedVersion` under another resource writes nothing. Failures
 * keep their types: the adapter's `StorageError` (`STORAGE_ERROR`) and its input errors
 * (`INVALID_DEFINITION`, naming the field, e.g. `expectedVersion`) pass through, and anything
 * else an adapter of your own throws becomes a `StorageError` with it as `cause`. So does an
 * adapter that does not keep versions (one written before `saveSnapshot` resolved with the
 * stored snapshot): without versions there is no compare-and-set, so it is refused rather than
 * trusted.
 *
 * `createMemory` builds one on its storage as `memory.runStore`, which agents use when their
 * definition sets no `runStore`.
 *
 * @param storage The storage adapter to keep runs in (any object with `saveSnapshot` and
 * `loadSnapshot`, e.g. `createLibsqlStorage()`).
 * @throws {InvalidDefinitionError} naming `storage` when it is not a storage adapter.
 *
 * @example
 * ```ts
 * import { createRunStore } from "@flowmaestro/memory";
 * import { createPostgresStorage } from "@flowmaestro/memory/postgres";
 *
 * const runStore = createRunStore(createPostgresStorage({ connectionString: process.env.DATABASE_URL }));
 * const agent = createAgent({ runtime, name: "refunds", model, tools: [refund], runStore });
 * ```
 */
export function createRunStore(storage: StorageAdapter): RunStore {
  checkStorage(storage);
  const name = typeof storage.name === "string" ? storage.name : "custom";
  const call = async <T>(operation: string, body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      if (AgentSdkError.isInstance(error)) throw error;
      throw new StorageError({ adapter: name, operation, cause: error });
    }
  };
  /** The snapshot as a run, once it is checked to carry what a run store relies on. */
  const toStoredRun = (operation: string, snapshot: RunSnapshot, expectedVersion?: number): StoredRun => {
    const { version } = snapshot;
    const wanted = expectedVersion === undefined ? undefined : expectedVersion + 1;
    if (!Number.isSafeInteger(version) || version < 1 || (wanted !== undefined && version !== wanted)) {
      throw new StorageError({
        adapter: name,
        operation,
        backendCode: "BAD_SNAPSHOT_VERSION",
        message: `the adapter's ${operation} resolved with a snapshot of version ${String(version)}${
          wanted === undefined
            ? ""
            : ` where a save with expectedVersion ${expectedVersion} must give ${wanted}`
        }. A run store needs an adapter that versions snapshots (1 on create, +1 per save) and honours \`expectedVersion\`; see StorageAdapter.saveSnapshot, and check the adapter with describeStorageAdapterContract from @flowmaestro/memory/testing.`,
      });
    }
    return {
      runId: snapshot.runId,
      resourceId: snapshot.resourceId,
      threadId: snapshot.threadId,
      state: snapshot.state,
      version,
      updatedAt: snapshot.updatedAt,
    };
  };
  return {
    specificationVersion: "v1",
    name,
    save: (input: SaveRunInput) =>
      call("saveSnapshot", async () => {
        const expectedVersion = input?.expectedVersion;
        const saved = await storage.saveSnapshot({
          runId: input?.runId,
          resourceId: input?.resourceId,
          threadId: input?.threadId,
          state: input?.state as JsonValue,
          expectedVersion,
        });
        if (saved !== undefined && saved !== null) return toStoredRun("saveSnapshot", saved, expectedVersion);
        // Only a lost compare-and-set resolves without a snapshot; a plain save that does is an
        // adapter of the older contract (`Promise<void>`), which would make every save look lost.
        if (expectedVersion === undefined) {
          throw new StorageError({
            adapter: name,
            operation: "saveSnapshot",
            backendCode: "BAD_SNAPSHOT_VERSION",
            message:
              "the adapter's saveSnapshot resolved without the stored snapshot. A run store needs an adapter whose saveSnapshot resolves with the snapshot as stored, with its version (see StorageAdapter.saveSnapshot).",
          });
        }
        return undefined;
      }),
    load: (key: RunKey) =>
      call("loadSnapshot", async () => {
        const loaded = await storage.loadSnapshot({ runId: key?.runId, resourceId: key?.resourceId });
        return loaded === undefined || loaded === null ? undefined : toStoredRun("loadSnapshot", loaded);
      }),
  };
}

/** Throws an `InvalidDefinitionError` naming `storage` unless it can hold runs. */
function checkStorage(storage: unknown): asserts storage is StorageAdapter {
  const candidate = storage as Partial<Record<"saveSnapshot" | "loadSnapshot", unknown>> | null;
  if (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.saveSnapshot === "function" &&
    typeof candidate.loadSnapshot === "function"
  ) {
    return;
  }
  throw new InvalidDefinitionError({
    subject: "createRunStore argument",
    issues: [
      {
        field: "storage",
        expected:
          "a storage adapter, an object with `saveSnapshot` and `loadSnapshot` methods (createLibsqlStorage(), createPostgresStorage(), createInMemoryStorage())",
        received: describeValue(storage),
      },
    ],
  });
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value !== "object") return typeof value;
  const missing = ["saveSnapshot", "loadSnapshot"].filter(
    (method) => typeof (value as Record<string, unknown>)[method] !== "function",
  );
  return `an object without ${missing.map((method) => `\`${method}\``).join(" or ")}`;
}
