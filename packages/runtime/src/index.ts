/**
 * The FlowMaestro agent runtime contract: `AgentRuntime`, agent definitions, the event protocol,
 * results, typed errors and the `createAgent` facade.
 * @packageDocumentation
 */
export {
  type AgentDefinition,
  type AgentInput,
  type AgentOverrides,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_MAX_TOOL_INPUT_DEPTH,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type MemoryOverrides,
  type ModelRetryOptions,
  type ModelTimeoutOptions,
  type ProviderOptions,
  type ResolvedAgentDefinition,
  type ToolChoice,
} from "./agent-definition.js";
export type { AgentRuntime, ResumeOptions, RunContext, RunOptions, RunStream } from "./agent-runtime.js";
export { type Agent, type AgentRunOptions, type CreateAgentOptions, createAgent } from "./create-agent.js";
export { createRuntimeRouter, type RuntimeRouterOptions } from "./create-runtime-router.js";
export {
  applyOverrides,
  type ResolveOptions,
  resolveAgentDefinition,
} from "./definition/resolve-agent-definition.js";
export { validateRunOptions } from "./definition/validate-run-options.js";
export * from "./errors/index.js";
export type * from "./events/agent-event.js";
export type {
  AgentMemory,
  MemoryOpenRequest,
  MemorySession,
  MemoryStrategySettings,
  SemanticRecallSettings,
  SummarySettings,
  WorkingMemorySettings,
} from "./memory/agent-memory.js";
export { isLanguageModelV4, type ModelInfo, type ModelReference } from "./models/model-reference.js";
export {
  BUILT_IN_PROVIDERS,
  createOpenAICompatibleProvider,
  createProviderRegistry,
  defaultProviderRegistry,
  type OpenAICompatibleProviderOptions,
  type PackageLoader,
  type ProviderFactory,
  type ProviderRegistry,
  type ProviderRegistryOptions,
} from "./models/provider-registry.js";
export { type DefineOutputOptions, defineOutput } from "./output/define-output.js";
export type { AgentOutputSchema } from "./output/output-schema.js";
export type {
  ApprovalDecision,
  FinishReason,
  ModelWarning,
  PendingApproval,
  RunResult,
  RunStatus,
  StepResult,
  TokenUsage,
  ToolCallRecord,
  ToolResultRecord,
} from "./run-result.js";
export type { RunKey, RunStore, RunStoreJson, SaveRunInput, StoredRun } from "./run-store/run-store.js";
export { redactSecrets } from "./security/redact-secrets.js";
export {
  type AgentToolInput,
  type AgentToolOptions,
  type AgentToolOutput,
  DEFAULT_AGENT_TOOL_MAX_DEPTH,
} from "./tools/agent-as-tool.js";
export type {
  AgentTool,
  ProviderToolVariant,
  ToolApprovalContext,
  ToolApprovalRequirement,
  ToolContentPart,
  ToolExecutionContext,
  ToolModelOutput,
  ToolParseResult,
  ToolRunHooks,
} from "./tools/agent-tool.js";
export { type DefineToolOptions, defineTool } from "./tools/define-tool.js";
export {
  describeZodIssue,
  type ZodIssueDescription,
  zodIssuesToValidationIssues,
} from "./tools/zod-issues.js";
export type { TracingSettings } from "./tracing/tracing-settings.js";
export { costOf, DEFAULT_PRICES, mergePrices, priceOf } from "./usage/cost.js";
export type { ModelPrice, PriceTable, RunBudget } from "./usage/pricing.js";
