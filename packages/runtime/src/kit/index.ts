/**
 * The API for runtime authors: the pieces that keep every runtime's events, results, tool
 * outcomes, messages, retries and timeouts identical. A runtime is `createAgentRuntime({ name,
 * run })`; its `run` drives the model through `prepared.model`, records what the model produced
 * with `recordStreamPart`/`recordGenerateResult`, and lets `prepared.recorder` run the tools and
 * order the outcomes. Hosts do not need this entry point. It follows the package's semver; see
 * docs/writing-a-runtime.md.
 * @packageDocumentation
 */

export { ABORTED, untilAborted } from "./abortable.js";
export { checkRuntimeOptions } from "./check-runtime-options.js";
export {
  type CreateAgentRuntimeOptions,
  createAgentRuntime,
  type PreparedRun,
  type RunMemory,
} from "./create-agent-runtime.js";
export {
  executeToolCall,
  type IncomingToolCall,
  type ParsedToolArguments,
  type ToolCallScope,
} from "./execute-tool-call.js";
export {
  createPromptBuilder,
  type RecordOptions,
  recordGenerateResult,
  recordStreamPart,
  toCallOptions,
} from "./model-turn.js";
export { runReActLoop } from "./react-loop.js";
export type { ModelAttempt, RunModel, StreamObserver } from "./run-model.js";
export {
  fromStoredResult,
  type ModelToolCall,
  type ModelTurnEnd,
  RunRecorder,
  type RunRecorderOptions,
  type StoredToolResult,
  type ToolExecutionWrapper,
  toStoredResult,
} from "./run-recorder.js";
export { createRunStream, type EventSink } from "./run-stream.js";
export { checkApprovalDecisions, decodeJson, encodeJson } from "./suspended-run.js";
export { toFunctionTools } from "./to-function-tools.js";
export {
  type ToolResultContentPart,
  type ToolResultOutput,
  toToolResultOutput,
} from "./tool-result-output.js";
