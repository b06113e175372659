export { AbortedError } from "./aborted-error.js";
export { AgentDepthExceededError } from "./agent-depth-exceeded-error.js";
export {
  AgentSdkError,
  type AgentSdkErrorCode,
  type AgentSdkErrorOptions,
  type ErrorCategory,
} from "./agent-sdk-error.js";
export { AgentToolFailedError } from "./agent-tool-failed-error.js";
export { BudgetExceededError } from "./budget-exceeded-error.js";
export { CassetteMissError } from "./cassette-miss-error.js";
export { InvalidDefinitionError, type ValidationIssue } from "./invalid-definition-error.js";
export { InvalidInputError } from "./invalid-input-error.js";
export { InvalidOutputError } from "./invalid-output-error.js";
export { InvalidToolArgumentsError } from "./invalid-tool-arguments-error.js";
export { InvalidToolOutputError } from "./invalid-tool-output-error.js";
export { MaxIterationsError } from "./max-iterations-error.js";
export { ModelError } from "./model-error.js";
export { NotFoundError } from "./not-found-error.js";
export { ProviderNotInstalledError } from "./provider-not-installed-error.js";
export { RunNotSuspendedError, type StoredRunStatus } from "./run-not-suspended-error.js";
export { ScriptMismatchError } from "./script-mismatch-error.js";
export { StorageError } from "./storage-error.js";
export { ToolDeclinedError } from "./tool-declined-error.js";
export { ToolExecutionError } from "./tool-execution-error.js";
export { ToolTimeoutError } from "./tool-timeout-error.js";
export { UnknownProviderError } from "./unknown-provider-error.js";
export { UnknownToolError } from "./unknown-tool-error.js";
export { VectorDimensionError } from "./vector-dimension-error.js";
