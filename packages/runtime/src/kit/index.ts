/**
 * Building blocks for runtime implementers: the pieces that keep every runtime's events, results,
 * tool errors and messages identical. Hosts do not need this entry point.
 * @packageDocumentation
 */

export { modelInfoOf } from "../models/model-reference.js";
export {
  describeZodIssue,
  type ZodIssueDescription,
  zodIssuesToValidationIssues,
} from "../tools/zod-issues.js";
export { createAgentRuntime, type PreparedRun } from "./create-agent-runtime.js";
export {
  executeToolCall,
  type IncomingToolCall,
  parseToolArguments,
  type ToolCallScope,
  toToolResultOutput,
} from "./execute-tool-call.js";
export {
  createFallbackModel,
  type FallbackModel,
  type ModelAttempt,
  type ModelRetryOptions,
  type Sleeper,
} from "./fallback-model.js";
export { normalizeInput } from "./normalize-input.js";
export { redactSecrets } from "./redact-secrets.js";
export {
  createDefinitionModel,
  createRunModel,
  type DefinitionModelOptions,
  resolveModel,
} from "./resolve-model.js";
export { createRunId, RunRecorder } from "./run-recorder.js";
export { createRunStream, type EventSink, notify } from "./run-stream.js";
export { toFunctionTools } from "./to-function-tools.js";
export { isAbort, toModelError } from "./to-model-error.js";
export { toModelMessage, toModelPrompt } from "./to-model-prompt.js";
export { addUsage, EMPTY_USAGE, fromModelUsage } from "./usage.js";
