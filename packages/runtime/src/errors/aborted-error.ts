import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** The caller's `AbortSignal` fired. Runs report this as status `aborted`, not as a rejection. */
export class AbortedError extends AgentSdkError {
  constructor(options: { reason?: unknown } = {}) {
    super({
      code: "ABORTED",
      category: "runtime",
      message: "The run was aborted by the caller's AbortSignal.",
      cause: options.reason,
    });
    this.name = "AbortedError";
  }

  static override isInstance = hasCode<AbortedError>("ABORTED");
}
