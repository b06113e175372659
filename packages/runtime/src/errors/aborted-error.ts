import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/**
 * The run was aborted: the caller's `AbortSignal` fired. Runs report this as status `aborted`,
 * not as a rejection. Also the outcome of a tool call the run ended before it finished.
 */
export class AbortedError extends AgentSdkError {
  constructor(options: { reason?: unknown; message?: string } = {}) {
    super({
      code: "ABORTED",
      category: "runtime",
      message: options.message ?? "The run was aborted by the caller's AbortSignal.",
      cause: options.reason,
    });
    this.name = "AbortedError";
  }

  static override isInstance = hasCode<AbortedError>("ABORTED");
}
