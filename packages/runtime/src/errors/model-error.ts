import { AgentSdkError, hasCode } from "./agent-sdk-error.js";
import { messageOf } from "./tool-execution-error.js";

/** A model call failed: network, provider 4xx/5xx, or a malformed response. */
export class ModelError extends AgentSdkError {
  /** Provider id, e.g. `openai`. */
  readonly provider: string;
  /** Model id, e.g. `gpt-4o`. */
  readonly modelId: string;
  /** HTTP status, when the provider answered with one. */
  readonly statusCode: number | undefined;
  /** Whether retrying (or moving to a fallback model) may succeed: 408/409/429/5xx, timeouts, network. */
  readonly retryable: boolean;

  constructor(options: {
    provider: string;
    modelId: string;
    cause: unknown;
    statusCode?: number;
    retryable?: boolean;
    message?: string;
  }) {
    super({
      code: "MODEL_ERROR",
      category: "model",
      message:
        options.message ??
        `Model ${options.provider}/${options.modelId} failed${options.statusCode ? ` (HTTP ${options.statusCode})` : ""}: ${messageOf(options.cause)}`,
      cause: options.cause,
    });
    this.name = "ModelError";
    this.provider = options.provider;
    this.modelId = options.modelId;
    this.statusCode = options.statusCode;
    this.retryable = options.retryable ?? false;
  }

  static override isInstance = hasCode<ModelError>("MODEL_ERROR");
}
