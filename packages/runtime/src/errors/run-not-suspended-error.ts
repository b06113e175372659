import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** What became of a run that is not (or no longer) suspended. */
export type StoredRunStatus = "resuming" | "resumed" | "cancelled";

/**
 * `agent.resume` or `agent.cancel` on a run that is not waiting for approval: it was resumed
 * already, another caller is resuming it right now, or it was cancelled.
 */
export class RunNotSuspendedError extends AgentSdkError {
  readonly runId: string;
  readonly status: StoredRunStatus;

  constructor(options: { runId: string; status: StoredRunStatus }) {
    const what =
      options.status === "resuming"
        ? "is being resumed by another caller"
        : options.status === "resumed"
          ? "was resumed already"
          : "was cancelled";
    super({
      code: "RUN_NOT_SUSPENDED",
      category: "caller",
      message: `Run "${options.runId}" ${what}; only a suspended run can be resumed or cancelled.`,
    });
    this.name = "RunNotSuspendedError";
    this.runId = options.runId;
    this.status = options.status;
  }

  static override isInstance = hasCode<RunNotSuspendedError>("RUN_NOT_SUSPENDED");
}
