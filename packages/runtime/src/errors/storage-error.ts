import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/**
 * The storage backend failed: a lost connection, a full disk, a constraint the adapter did not
 * expect. The backend's own error is the `cause` (with secrets such as connection-string passwords
 * redacted). A run whose storage write fails ends `failed` with this error; the messages of the
 * steps that finished before it are already stored.
 */
export class StorageError extends AgentSdkError {
  /** Adapter id, e.g. `libsql` or `postgres`. */
  readonly adapter: string;
  /** What the adapter was doing, e.g. `appendMessages`. */
  readonly operation: string;
  /** The backend's error code when it has one (`SQLITE_BUSY`, `23505`, `ECONNREFUSED`). */
  readonly backendCode: string | undefined;

  constructor(options: {
    adapter: string;
    operation: string;
    message?: string;
    backendCode?: string | undefined;
    cause?: unknown;
  }) {
    const detail = options.message ?? describeCause(options.cause);
    super({
      code: "STORAGE_ERROR",
      category: "storage",
      message: `Storage (${options.adapter}) failed in ${options.operation}${
        options.backendCode ? ` [${options.backendCode}]` : ""
      }: ${detail}`,
      cause: options.cause,
    });
    this.name = "StorageError";
    this.adapter = options.adapter;
    this.operation = options.operation;
    this.backendCode = options.backendCode;
  }

  static override isInstance = hasCode<StorageError>("STORAGE_ERROR");
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return cause === undefined ? "unknown error" : String(cause);
}
