import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** The input of a run is neither a non-empty string nor a valid list of messages. */
export class InvalidInputError extends AgentSdkError {
  /** Path of the offending part of the input, e.g. `input.2.role`. */
  readonly field: string;

  constructor(options: { field: string; expected: string; cause?: unknown }) {
    super({
      code: "INVALID_INPUT",
      category: "caller",
      message: `Invalid run input: \`${options.field}\` must be ${options.expected}.`,
      cause: options.cause,
    });
    this.name = "InvalidInputError";
    this.field = options.field;
  }

  static override isInstance = hasCode<InvalidInputError>("INVALID_INPUT");
}
