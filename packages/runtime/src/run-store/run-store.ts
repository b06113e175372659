/** JSON values, as a run store holds them. */
export type RunStoreJson =
  | string
  | number
  | boolean
  | null
  | RunStoreJson[]
  | { [key: string]: RunStoreJson };

/** Identifies a stored run: its id and the resource (tenant, user) it belongs to. */
export interface RunKey {
  readonly runId: string;
  readonly resourceId: string;
}

/** Input of {@link RunStore.save}. */
export interface SaveRunInput extends RunKey {
  /** The thread the run continues, when it has one. */
  readonly threadId?: string | undefined;
  /** What the run needs to resume (the SDK's own format; treat it as opaque). */
  readonly state: RunStoreJson;
  /**
   * Compare-and-set: save only when the stored record has this version. Unset: create or replace.
   * This is what makes "two processes resume the same run, exactly one continues it" hold.
   */
  readonly expectedVersion?: number | undefined;
}

/** A stored run. */
export interface StoredRun extends RunKey {
  readonly threadId: string | undefined;
  readonly state: RunStoreJson;
  /** 1 on creation, +1 on every save. */
  readonly version: number;
  readonly updatedAt: Date;
}

/**
 * Where suspended runs (tool calls waiting for approval) are kept until they are resumed or
 * cancelled. `@flowmaestro/memory` implements it on every storage adapter (`createRunStore`, and
 * `memory.runStore` of `createMemory`), so a run suspended in one process is resumed in another.
 * Records are scoped by `resourceId`: a run of another resource is never visible.
 */
export interface RunStore {
  readonly specificationVersion: "v1";
  /** Id of the backend, e.g. `libsql`. */
  readonly name: string;
  /**
   * Creates or replaces a run's record; with `expectedVersion`, only when the stored version
   * matches. Resolves with the new record, or `undefined` when `expectedVersion` did not match
   * (or nothing was stored). Rejects with a `STORAGE_ERROR` when the backend fails.
   */
  save(input: SaveRunInput): Promise<StoredRun | undefined>;
  /** The run's record, or `undefined` when none exists for this resource. */
  load(key: RunKey): Promise<StoredRun | undefined>;
}
