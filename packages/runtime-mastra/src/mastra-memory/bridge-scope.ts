import { AsyncLocalStorage } from "node:async_hooks";
import type { AgentSdkError } from "@flowmaestro/runtime";

/**
 * The run a storage call is made for. Mastra's memory storage API names the thread only
 * (`getThreadById({ threadId })`, `updateThread({ id })`, `listMessagesById`…), while a FlowMaestro
 * store finds a thread only together with its resource. Every call Mastra makes during one of our
 * runs happens inside that run's scope, so the bridge resolves a missing resource id to the run's:
 * a run can never read or write another resource's thread, whatever id Mastra passes.
 *
 * @internal
 */
export interface BridgeScope {
  readonly runId: string;
  readonly threadId: string;
  readonly resourceId: string;
  /**
   * Called with every storage failure, typed. Mastra logs and swallows the failures of the saves it
   * makes after each step (`SaveQueueManager`), so the run learns about them here.
   */
  readonly onFailure: (error: AgentSdkError) => void;
  /**
   * Whether the run is over (ended or aborted). Writes Mastra still makes for it afterwards (the
   * partial step of an aborted run) are dropped: a run stores its input and finished steps only.
   */
  readonly isClosed: () => boolean;
  /**
   * With the summary strategy: the last position the thread's summary covers. The history Mastra
   * loads for the run starts after it (the summary is sent instead); recall still sees every message.
   */
  readonly historyAfterPosition?: number | undefined;
  /**
   * When the run started (ms since the epoch), taken before Mastra stamps the run's input. Mastra
   * orders the prompt by `createdAt`; messages other runs stored in the run's thread meanwhile
   * (other processes, concurrent runs) read as older than this, so the run's input stays last and
   * Mastra never merges its answer into another run's message.
   */
  readonly startedAt?: number | undefined;
}

const scopes = new AsyncLocalStorage<BridgeScope>();

/** Runs `fn` (and everything it starts) inside a run's scope. @internal */
export function withBridgeScope<T>(scope: BridgeScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** The scope of the run the current call belongs to, if any. @internal */
export function currentBridgeScope(): BridgeScope | undefined {
  return scopes.getStore();
}

/**
 * Which resources a thread id was seen under, for calls made outside any run (a host using the
 * Mastra agent or memory directly). A bounded map: the oldest thread ids are forgotten first.
 *
 * @internal
 */
export class ThreadDirectory {
  private readonly entries = new Map<string, Set<string>>();

  constructor(private readonly capacity = 10_000) {}

  remember(threadId: string, resourceId: string): void {
    let resources = this.entries.get(threadId);
    if (resources) {
      this.entries.delete(threadId);
    } else {
      resources = new Set();
    }
    resources.add(resourceId);
    this.entries.set(threadId, resources);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  forget(threadId: string, resourceId: string): void {
    const resources = this.entries.get(threadId);
    resources?.delete(resourceId);
    if (resources?.size === 0) this.entries.delete(threadId);
  }

  /** The resources a thread id is known under (more than one: the id is ambiguous). */
  resourcesOf(threadId: string): readonly string[] {
    return [...(this.entries.get(threadId) ?? [])];
  }
}
