import type { ModelMessage } from "ai";
import type { ResolvedAgentDefinition } from "../agent-definition.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { NotFoundError } from "../errors/not-found-error.js";
import { RunNotSuspendedError, type StoredRunStatus } from "../errors/run-not-suspended-error.js";
import { StorageError } from "../errors/storage-error.js";
import type { ApprovalDecision, TokenUsage } from "../run-result.js";
import type { RunStore, RunStoreJson, StoredRun } from "../run-store/run-store.js";
import type { SuspendedStep } from "./run-recorder.js";

/**
 * The resource a run without a `resourceId` is stored under. Hosts with tenants pass their own
 * resource ids; runs started without one are resumed without one.
 */
export const NO_RESOURCE = "flowmaestro:no-resource";

const FORMAT = "flowmaestro.suspended-run";

/** The state of a suspended run, as stored (after {@link encodeJson}). @internal */
export interface SuspendedRunState {
  readonly format: typeof FORMAT;
  readonly version: 1;
  readonly status: "suspended" | StoredRunStatus;
  readonly agentId: string;
  /** Runtime that suspended the run (for diagnostics; any runtime may resume it). */
  readonly runtime: string;
  readonly threadId: string | undefined;
  /**
   * The conversation before the suspended step that is not in the thread: everything for a run
   * without a thread, nothing for one with (its input and finished steps are stored there).
   */
  readonly prefix: readonly ModelMessage[];
  readonly step: SuspendedStep;
  /** Model steps used so far, over the run's suspensions (for `maxIterations`). */
  readonly stepsUsed: number;
  /** Usage and cost so far, over the run's suspensions (for budgets). */
  readonly usage: TokenUsage;
  readonly costUsd: number | null;
  readonly suspendedAt: string;
}

/** The store of a definition, or the typed error explaining how to get one. */
export function runStoreOf(definition: ResolvedAgentDefinition, field = "runStore"): RunStore {
  const store = definition.runStore;
  if (store) return store;
  throw new InvalidDefinitionError({
    issues: [
      {
        field,
        expected:
          "a RunStore to keep suspended runs in: `runStore: createRunStore(storage)` or `memory: createMemory(...)` (@flowmaestro/memory)",
      },
    ],
  });
}

/** Saves a run that suspended; with `expectedVersion`, only over the record this run claimed. */
export async function saveSuspendedRun(
  store: RunStore,
  key: { runId: string; resourceId: string },
  state: SuspendedRunState,
  expectedVersion: number | undefined,
): Promise<StoredRun> {
  const saved = await storeCall(store, "save", () =>
    store.save({
      ...key,
      threadId: state.threadId,
      state: encodeJson(state) as RunStoreJson,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    }),
  );
  if (!saved) {
    throw new StorageError({
      adapter: store.name,
      operation: "save suspended run",
      cause: new Error(`run "${key.runId}" changed while it was running`),
    });
  }
  return saved;
}

/** A stored run claimed for resuming: exactly one caller gets it. @internal */
export interface ClaimedRun {
  readonly record: StoredRun;
  readonly state: SuspendedRunState;
  readonly decisions: ReadonlyMap<string, ApprovalDecision>;
}

/**
 * Loads a suspended run, checks the decisions, and claims it (status `resuming`, compare-and-set
 * on its version), so two callers, in any processes, never both continue it.
 */
export async function claimSuspendedRun(
  store: RunStore,
  definition: ResolvedAgentDefinition,
  runId: string,
  resourceId: string,
  decisions: unknown,
): Promise<ClaimedRun> {
  const { record, state } = await loadSuspended(store, definition, runId, resourceId);
  const checked = checkApprovalDecisions(
    state.step.pending.map((approval) => approval.approvalId),
    decisions,
  );
  const claimed = await storeCall(store, "claim", () =>
    store.save({
      runId,
      resourceId,
      threadId: record.threadId,
      state: encodeJson({ ...state, status: "resuming" }) as RunStoreJson,
      expectedVersion: record.version,
    }),
  );
  if (!claimed) {
    // Someone else changed it first: say what it is now.
    const now = await storeCall(store, "load", () => store.load({ runId, resourceId }));
    const status = now ? (decodeJson(now.state) as SuspendedRunState).status : "resumed";
    throw new RunNotSuspendedError({ runId, status: status === "suspended" ? "resuming" : status });
  }
  return { record: claimed, state, decisions: checked };
}

/** Marks a claimed run as done (`resumed`) or cancelled; `false` when it changed meanwhile. */
export async function markRun(
  store: RunStore,
  record: StoredRun,
  state: SuspendedRunState,
  status: SuspendedRunState["status"],
): Promise<boolean> {
  const saved = await storeCall(store, "save", () =>
    store.save({
      runId: record.runId,
      resourceId: record.resourceId,
      threadId: record.threadId,
      state: encodeJson({ ...state, status }) as RunStoreJson,
      expectedVersion: record.version,
    }),
  );
  return saved !== undefined;
}

/** Cancels a suspended run: it can no longer be resumed. */
export async function cancelSuspendedRun(
  definition: ResolvedAgentDefinition,
  runId: string,
  resourceId: string | undefined,
): Promise<void> {
  const store = runStoreOf(definition);
  const resource = resourceId ?? NO_RESOURCE;
  const { record, state } = await loadSuspended(store, definition, runId, resource);
  if (!(await markRun(store, record, state, "cancelled"))) {
    const now = await storeCall(store, "load", () => store.load({ runId, resourceId: resource }));
    const status = now ? (decodeJson(now.state) as SuspendedRunState).status : "resumed";
    throw new RunNotSuspendedError({ runId, status: status === "suspended" ? "resuming" : status });
  }
}

async function loadSuspended(
  store: RunStore,
  definition: ResolvedAgentDefinition,
  runId: string,
  resourceId: string,
): Promise<{ record: StoredRun; state: SuspendedRunState }> {
  if (typeof runId !== "string" || runId.length === 0 || runId.length > 200) {
    throw new InvalidInputError({
      field: "runId",
      expected: "the id of a suspended run (1 to 200 characters)",
    });
  }
  const record = await storeCall(store, "load", () => store.load({ runId, resourceId }));
  const state = record ? (decodeJson(record.state) as SuspendedRunState) : undefined;
  if (!record || !state || state.format !== FORMAT) {
    throw new NotFoundError({
      kind: "run",
      id: runId,
      ...(resourceId === NO_RESOURCE ? {} : { resourceId }),
      hint: "Pass the resourceId the run was started with.",
    });
  }
  if (state.status !== "suspended") throw new RunNotSuspendedError({ runId, status: state.status });
  if (state.agentId !== definition.id) {
    throw new InvalidInputError({
      field: "runId",
      expected: `a run of agent "${definition.id}" (run "${runId}" belongs to agent "${state.agentId}")`,
    });
  }
  return { record, state };
}

/**
 * Checks the decisions on a suspended run's pending approvals (by id): an array of `{ approvalId,
 * approved, reason? }` with exactly one decision per pending approval and none other. Throws
 * `INVALID_INPUT` naming the field (`decisions.2.approvalId`); returns them by approval id.
 */
export function checkApprovalDecisions(
  pendingApprovalIds: readonly string[],
  decisions: unknown,
): ReadonlyMap<string, ApprovalDecision> {
  if (!Array.isArray(decisions)) {
    throw new InvalidInputError({
      field: "decisions",
      expected: "an array of { approvalId, approved, reason? }, one per pending approval",
    });
  }
  const pending = new Set(pendingApprovalIds);
  const byId = new Map<string, ApprovalDecision>();
  decisions.forEach((decision: unknown, index) => {
    const value = decision as Partial<ApprovalDecision> | null;
    if (
      typeof value !== "object" ||
      value === null ||
      typeof value.approvalId !== "string" ||
      typeof value.approved !== "boolean" ||
      (value.reason !== undefined && typeof value.reason !== "string")
    ) {
      throw new InvalidInputError({
        field: `decisions.${index}`,
        expected: "{ approvalId: string, approved: boolean, reason?: string }",
      });
    }
    if (!pending.has(value.approvalId)) {
      throw new InvalidInputError({
        field: `decisions.${index}.approvalId`,
        expected: `the id of a pending approval of this run (${[...pending].join(", ")})`,
      });
    }
    if (byId.has(value.approvalId)) {
      throw new InvalidInputError({
        field: `decisions.${index}.approvalId`,
        expected: "one decision per approval (this one is decided twice)",
      });
    }
    byId.set(value.approvalId, {
      approvalId: value.approvalId,
      approved: value.approved,
      ...(value.reason === undefined ? {} : { reason: value.reason }),
    });
  });
  const missing = [...pending].filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new InvalidInputError({
      field: "decisions",
      expected: `a decision for every pending approval (missing: ${missing.join(", ")})`,
    });
  }
  return byId;
}

async function storeCall<T>(store: RunStore, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (AgentSdkError.isInstance(error)) throw error;
    throw new StorageError({ adapter: store.name, operation, cause: error });
  }
}

const BYTES = "$fm.bytes";
const URL_KEY = "$fm.url";
const DATE = "$fm.date";

/** JSON-safe copy: bytes become base64, URLs and Dates their text, each tagged. */
export function encodeJson(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value === undefined ? null : value;
  if (value instanceof Uint8Array) return { [BYTES]: Buffer.from(value).toString("base64") };
  if (value instanceof ArrayBuffer) return { [BYTES]: Buffer.from(value).toString("base64") };
  if (value instanceof URL) return { [URL_KEY]: value.href };
  if (value instanceof Date) return { [DATE]: value.toISOString() };
  if (Array.isArray(value)) return value.map(encodeJson);
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined) out[key] = encodeJson(entry);
  }
  return out;
}

/** Reverses {@link encodeJson}. */
export function decodeJson(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(decodeJson);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const [key] = keys;
    const tagged = record[key as string];
    if (typeof tagged === "string") {
      if (key === BYTES) return new Uint8Array(Buffer.from(tagged, "base64"));
      if (key === URL_KEY) return new URL(tagged);
      if (key === DATE) return new Date(tagged);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(record)) out[key] = decodeJson(entry);
  return out;
}
