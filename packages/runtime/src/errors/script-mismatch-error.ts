import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** A scripted test model was called more often than scripted, or finished with turns left over. */
export class ScriptMismatchError extends AgentSdkError {
  constructor(options: { message: string }) {
    super({ code: "SCRIPT_MISMATCH", category: "caller", message: options.message });
    this.name = "ScriptMismatchError";
  }

  static override isInstance = hasCode<ScriptMismatchError>("SCRIPT_MISMATCH");
}
