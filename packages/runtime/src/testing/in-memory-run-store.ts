import type { RunKey, RunStore, RunStoreJson, SaveRunInput, StoredRun } from "../run-store/run-store.js";

/** A {@link RunStore} kept in this process's memory, with what tests want to look at. */
export interface InMemoryRunStore extends RunStore {
  /** How many saves were accepted (a compare-and-set that lost does not count). */
  readonly saves: number;
  /** Every stored record, in creation order (copies: changing them changes nothing). */
  records(): StoredRun[];
}

/**
 * Creates a run store that keeps suspended runs in memory, for tests and examples that need no
 * database (`@flowmaestro/memory`'s `createRunStore` is the real one, on every storage adapter).
 * It behaves like a database would: records are scoped by `resourceId`, `state` is copied
 * through JSON on the way in and out (so a runtime cannot rely on keeping object identity or
 * non-JSON values across a suspension), versions start at 1 and grow by 1 per save, and a save
 * with `expectedVersion` is a compare-and-set.
 *
 * @example
 * ```ts
 * const agent = createAgent({ runtime, name: "refunds", model, tools: [refund], runStore: createInMemoryRunStore() });
 * ```
 */
export function createInMemoryRunStore(): InMemoryRunStore {
  const runs = new Map<string, StoredRun>();
  let saves = 0;
  // A run id may repeat across resources; the key keeps them apart.
  const keyOf = (key: RunKey) => JSON.stringify([key.resourceId, key.runId]);
  const copy = (run: StoredRun): StoredRun => ({
    ...run,
    state: JSON.parse(JSON.stringify(run.state)) as RunStoreJson,
    updatedAt: new Date(run.updatedAt.getTime()),
  });
  return {
    specificationVersion: "v1",
    name: "in-memory",
    get saves() {
      return saves;
    },
    records: () => [...runs.values()].map(copy),
    async save(input: SaveRunInput) {
      const key = keyOf(input);
      const current = runs.get(key);
      if (input.expectedVersion !== undefined && current?.version !== input.expectedVersion) return undefined;
      const json = JSON.stringify(input.state);
      if (json === undefined) throw new TypeError("RunStore.save: `state` must be a JSON value.");
      const stored: StoredRun = {
        runId: input.runId,
        resourceId: input.resourceId,
        threadId: input.threadId,
        state: JSON.parse(json) as RunStoreJson,
        version: (current?.version ?? 0) + 1,
        updatedAt: new Date(),
      };
      runs.set(key, stored);
      saves++;
      return copy(stored);
    },
    async load(key: RunKey) {
      const stored = runs.get(keyOf(key));
      return stored === undefined ? undefined : copy(stored);
    },
  };
}
