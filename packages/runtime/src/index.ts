/**
 * The FlowMaestro agent runtime contract: `AgentRuntime`, agent definitions, the event protocol,
 * typed errors and the `createAgent` facade.
 * @packageDocumentation
 */
export {
  type AgentDefinition,
  type AgentInput,
  type AgentOverrides,
  applyOverrides,
  DEFAULT_MAX_ITERATIONS,
  type ResolvedAgentDefinition,
  resolveAgentDefinition,
} from "./agent-definition.js";
export type { AgentRuntime, RunOptions, RunStream } from "./agent-runtime.js";
export { type Agent, type CreateAgentOptions, createAgent } from "./create-agent.js";
export { createRuntimeRouter, type RuntimeRouterOptions } from "./create-runtime-router.js";
export * from "./errors/index.js";
export type * from "./events/agent-event.js";
export type { ModelRetryOptions } from "./kit/fallback-model.js";
export type { ModelInfo, ModelReference } from "./models/model-reference.js";
export {
  BUILT_IN_PROVIDERS,
  createOpenAICompatibleProvider,
  createProviderRegistry,
  defaultProviderRegistry,
  type OpenAICompatibleProviderOptions,
  type ProviderFactory,
  type ProviderRegistry,
} from "./models/provider-registry.js";
export type {
  FinishReason,
  RunResult,
  RunStatus,
  StepResult,
  TokenUsage,
  ToolCallRecord,
  ToolResultRecord,
} from "./run-result.js";
export type {
  AgentTool,
  ProviderToolVariant,
  ToolExecutionContext,
  ToolParseResult,
} from "./tools/agent-tool.js";
export { type DefineToolOptions, defineTool } from "./tools/define-tool.js";
