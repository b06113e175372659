import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** A replaying model received a request that its cassette does not hold. */
export class CassetteMissError extends AgentSdkError {
  /** Stable hash of the request that missed. */
  readonly requestHash: string;

  constructor(options: { requestHash: string; message: string }) {
    super({ code: "CASSETTE_MISS", category: "caller", message: options.message });
    this.name = "CassetteMissError";
    this.requestHash = options.requestHash;
  }

  static override isInstance = hasCode<CassetteMissError>("CASSETTE_MISS");
}
