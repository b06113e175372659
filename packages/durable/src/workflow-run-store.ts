import type { RunKey, RunStore, SaveRunInput, StoredRun } from "@flowmaestro/runtime";

/**
 * The run store of one workflow execution, in memory. A durable run's suspensions live in DBOS
 * (the workflow waits for the decision); the kit still saves the suspended step and claims it
 * when the run goes on, and this store holds that for the execution. A recovering worker
 * replays the workflow, which saves and claims the same states again, in the same order. @internal
 */
export function createWorkflowRunStore(): RunStore {
  const runs = new Map<string, StoredRun>();
  const keyOf = (key: RunKey) => JSON.stringify([key.resourceId, key.runId]);
  return {
    specificationVersion: "v1",
    name: "durable-workflow",
    async save(input: SaveRunInput) {
      const key = keyOf(input);
      const current = runs.get(key);
      if (input.expectedVersion !== undefined && current?.version !== input.expectedVersion) return undefined;
      const saved: StoredRun = {
        runId: input.runId,
        resourceId: input.resourceId,
        threadId: input.threadId,
        state: input.state,
        version: (current?.version ?? 0) + 1,
        updatedAt: new Date(),
      };
      runs.set(key, saved);
      return saved;
    },
    async load(key: RunKey) {
      return runs.get(keyOf(key));
    },
  };
}
