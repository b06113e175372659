import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** The run reached `maxIterations` model calls while the model still wanted to call tools. */
export class MaxIterationsError extends AgentSdkError {
  readonly maxIterations: number;

  constructor(options: { maxIterations: number }) {
    super({
      code: "MAX_ITERATIONS",
      category: "runtime",
      message: `The run stopped after reaching maxIterations (${options.maxIterations}) while the model still requested tool calls. Raise \`maxIterations\` or make the task smaller.`,
    });
    this.name = "MaxIterationsError";
    this.maxIterations = options.maxIterations;
  }

  static override isInstance = hasCode<MaxIterationsError>("MAX_ITERATIONS");
}
