import type { PendingApproval } from "@flowmaestro/runtime";
import type { Dbos } from "./dbos.js";
import type { PortableRejection, PortableRunResult } from "./portable.js";

/** What a run's caller waits for: a suspension's or the end's result, or the run's refusal. @internal */
export type PortableOutcome = PortableRunResult | PortableRejection;

/**
 * What a run's workflow publishes (DBOS events, readable from any worker) and receives (DBOS
 * messages). Round `n` is the run's `n`-th suspension, from 0. @internal
 */
export const RUN_STATE_EVENT = "flowmaestro.run";

/** The event holding the result of suspension `round`. @internal */
export const suspendedEvent = (round: number): string => `flowmaestro.suspended.${round}`;

/** The message topic carrying the decision on suspension `round`. @internal */
export const decisionTopic = (round: number): string => `flowmaestro.decision.${round}`;

/** The id of the workflow that claims suspension `round` of a run: one per round, so one winner. @internal */
export const claimWorkflowId = (runId: string, round: number): string => `${runId}#decide-${round}`;

/** The run's state event: set at each suspension, and when a suspended run ends. @internal */
export interface RunStateEvent {
  readonly agentId: string;
  readonly resourceId: string | null;
  readonly round: number;
  readonly status: "suspended" | "resumed" | "cancelled";
  /** Pending approvals of the suspension, as the run's caller got them. */
  readonly pending: ReadonlyArray<Pick<PendingApproval, "approvalId" | "toolCallId">>;
}

/**
 * The decision on one suspension, as the workflow receives it. Decisions are keyed by tool call
 * id: approval ids are made afresh when a recovering worker replays the run, tool call ids come
 * from the recorded model answer. @internal
 */
export interface DecisionMessage {
  /** Tells the caller whose claim won. */
  readonly nonce: string;
  /** The resumed run's context (portable), when `resume` was given one. */
  readonly context?: unknown;
  readonly kind: "approve" | "cancel";
  readonly decisions: ReadonlyArray<{ toolCallId: string; approved: boolean; reason?: string }>;
}

const FINISHED = new Set(["SUCCESS", "ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"]);

/**
 * Outcomes announced by workflows executing in this process, so a caller here learns at once;
 * callers whose run executes on another worker poll the system database.
 * @internal
 */
export class OutcomeBoard {
  readonly #waiters = new Map<string, Set<{ round: number; resolve: (value: PortableOutcome) => void }>>();
  /** Runs whose workflow executes in this process now: their outcomes are announced here. */
  readonly #executing = new Map<string, number>();

  /** Called by the workflow when it starts executing here; the returned function when it stops. */
  executing(runId: string): () => void {
    this.#executing.set(runId, (this.#executing.get(runId) ?? 0) + 1);
    return () => {
      const count = (this.#executing.get(runId) ?? 1) - 1;
      if (count > 0) this.#executing.set(runId, count);
      else this.#executing.delete(runId);
    };
  }

  /** Called by the workflow: suspension `round` happened, or (`Infinity`) the run ended. */
  announce(runId: string, round: number, result: PortableOutcome): void {
    for (const waiter of this.#waiters.get(runId) ?? []) if (waiter.round <= round) waiter.resolve(result);
  }

  /**
   * Resolves with the result of suspension `round` or of the run's end, whichever comes first.
   * Rejects as the workflow did when it failed (an agent not registered on the worker). A run
   * executing in this process costs no database query: it announces its outcome here. Only while
   * it executes elsewhere (resumed from another worker, recovered by another) is the system
   * database asked, with growing pauses.
   */
  async wait(dbos: Dbos, runId: string, round: number): Promise<PortableOutcome> {
    let waiter: { round: number; resolve: (value: PortableOutcome) => void } | undefined;
    const local = new Promise<PortableOutcome>((resolve) => {
      waiter = { round, resolve };
      const set = this.#waiters.get(runId) ?? new Set();
      set.add(waiter);
      this.#waiters.set(runId, set);
    });
    const stop = new AbortController();
    const pause = (ms: number) =>
      new Promise<boolean>((resolve) => {
        if (stop.signal.aborted) return resolve(false);
        const timer = setTimeout(() => resolve(true), ms);
        stop.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
    const remote = async (): Promise<PortableOutcome> => {
      // The first pause lets a workflow started here begin (and say so) before anything is asked.
      for (let ms = 100; await pause(ms); ms = Math.min(ms * 2, 2_000)) {
        if (this.#executing.has(runId)) continue;
        const suspended = await dbos.getEvent<PortableRunResult>(runId, suspendedEvent(round), {
          timeoutSeconds: ms / 1000,
        });
        if (suspended) return suspended;
        const status = await dbos.getWorkflowStatus(runId);
        if (status && FINISHED.has(status.status)) {
          return (await dbos.getResult<PortableOutcome>(runId)) as PortableOutcome;
        }
      }
      return new Promise<never>(() => {});
    };
    try {
      return await Promise.race([local, remote()]);
    } finally {
      stop.abort();
      const set = this.#waiters.get(runId);
      if (set && waiter) {
        set.delete(waiter);
        if (set.size === 0) this.#waiters.delete(runId);
      }
    }
  }
}
