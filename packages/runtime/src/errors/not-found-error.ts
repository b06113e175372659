import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/**
 * A thread, run snapshot or vector index does not exist for the resource that asked. A thread
 * that exists for another resource gives the same error, so an id never reveals another tenant's
 * data.
 */
export class NotFoundError extends AgentSdkError {
  /** What was looked up: `thread`, `snapshot`, `index`. */
  readonly kind: string;
  readonly id: string;

  constructor(options: { kind: string; id: string; resourceId?: string | undefined; hint?: string }) {
    super({
      code: "NOT_FOUND",
      category: "caller",
      message: `No ${options.kind} "${options.id}"${
        options.resourceId === undefined ? "" : ` for resource "${options.resourceId}"`
      }.${options.hint ? ` ${options.hint}` : ""}`,
    });
    this.name = "NotFoundError";
    this.kind = options.kind;
    this.id = options.id;
  }

  static override isInstance = hasCode<NotFoundError>("NOT_FOUND");
}
