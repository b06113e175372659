import type { StorageAdapter, StoredThread } from "../../storage-adapter.js";

/** Optional parts of the storage contract an adapter may lack. */
export interface StorageAdapterCapabilities {
  /**
   * The adapter has `vectors`. When `false`, every vector case is skipped with that reason.
   * @default true
   */
  readonly vectors?: boolean | undefined;
}

/** What {@link StorageAdapterContractOptions.extraTests} gets to write adapter-specific cases. */
export interface StorageContractContext {
  /** The adapter of the enclosing group (created in `beforeAll`); call it inside tests only. */
  readonly adapter: () => StorageAdapter;
  /** A new id unique to this run (and this process), e.g. `sc1a2b3c4d_thread_7`. */
  readonly uniqueId: (kind: string) => string;
  /** The random tag this run prefixes every id with. */
  readonly tag: string;
  /**
   * Registers a best-effort clean-up (errors ignored) run in `afterAll`, before the adapter is
   * disposed, so runs against a shared database leave little behind.
   */
  readonly cleanup: (fn: () => unknown) => void;
}

/** Options of `describeStorageAdapterContract`. */
export interface StorageAdapterContractOptions {
  /**
   * Returns an adapter. Called once per group of cases (in `beforeAll`) and once more by each
   * lifecycle case that needs an adapter nobody has used yet (init idempotence, lazy init), so
   * around 12 times per run. The suite never assumes the store is empty: every case uses fresh
   * random resource, thread, run and index ids, so a shared real database works.
   */
  readonly createAdapter: () => StorageAdapter | Promise<StorageAdapter>;
  /**
   * Disposes an adapter the suite created (after its group's clean-ups).
   * @default (adapter) => adapter.close()
   */
  readonly disposeAdapter?: ((adapter: StorageAdapter) => void | Promise<void>) | undefined;
  /** Optional parts this adapter lacks; each gap skips its cases with the reason. */
  readonly capabilities?: StorageAdapterCapabilities | undefined;
  /**
   * Known gaps: full case name (`"<group> > <case>"`, as vitest prints it) → why. Each becomes a
   * skipped test that names the reason; a name that matches no case fails the suite. Document
   * every gap in the adapter's README.
   */
  readonly skip?: Readonly<Record<string, string>> | undefined;
  /** Adapter-specific cases, run in their own group (with its own adapter) inside the suite. */
  readonly extraTests?: ((context: StorageContractContext) => void) | undefined;
  /**
   * Per-case timeout in milliseconds: generous, for busy CI machines and remote databases.
   * @default 30000
   */
  readonly timeoutMs?: number | undefined;
}

/** A capability a case needs. @internal */
export type Requirement = keyof StorageAdapterCapabilities;

/** What every group of cases gets. @internal */
export interface GroupContext extends StorageContractContext {
  readonly options: StorageAdapterContractOptions;
  /** Declares one case; skipped with its reason when listed in `skip` or a capability is off. */
  readonly test: (name: string, body: () => Promise<void>, requires?: Requirement) => void;
  /** Whether a capability is on. */
  readonly has: (capability: Requirement) => boolean;
  /** A new resource id for this run. */
  readonly newResource: () => string;
  /** Creates a thread (fresh resource and id unless given), cleaned up in `afterAll`. */
  readonly newThread: (input?: {
    resourceId?: string;
    id?: string;
    title?: string;
    metadata?: Record<string, any>;
  }) => Promise<StoredThread>;
  /** Creates a fresh adapter for one case and disposes it in `afterAll`. */
  readonly freshAdapter: () => Promise<StorageAdapter>;
}
