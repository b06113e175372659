import type { RunStatus } from "../run-result.js";
import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/**
 * The run of an agent used as a tool (`agent.asTool()`) ended without an answer: `failed`,
 * `max_iterations`, `budget_exceeded`, `aborted` or `suspended`. The calling model gets this as a
 * tool error; `cause` is the inner run's error.
 */
export class AgentToolFailedError extends AgentSdkError {
  readonly agentName: string;
  /** Id of the inner run. */
  readonly runId: string;
  readonly status: RunStatus;

  constructor(options: { agentName: string; runId: string; status: RunStatus; cause?: unknown }) {
    const detail =
      options.status === "suspended"
        ? "its tools wait for approval, which an agent used as a tool cannot ask for"
        : AgentSdkError.isInstance(options.cause)
          ? options.cause.message
          : "no answer";
    super({
      code: "AGENT_TOOL_FAILED",
      category: "tool",
      message: `Agent "${options.agentName}" ended with status "${options.status}" (run ${options.runId}): ${detail}`,
      cause: options.cause,
    });
    this.name = "AgentToolFailedError";
    this.agentName = options.agentName;
    this.runId = options.runId;
    this.status = options.status;
  }

  static override isInstance = hasCode<AgentToolFailedError>("AGENT_TOOL_FAILED");
}
