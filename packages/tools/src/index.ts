/**
 * Tools for FlowMaestro agents: JSON Schema → Zod at run time (no `eval`), JSON-Schema tools,
 * tool kinds from stored configs (function, workflow, knowledge base, MCP), stored agent import,
 * provider schema compatibility, and Zod → JSON Schema.
 * @packageDocumentation
 */
export { McpToolError } from "./errors/mcp-tool-error.js";
export { MissingToolResolverError } from "./errors/missing-tool-resolver-error.js";
export { UnknownFunctionError } from "./errors/unknown-function-error.js";
export {
  type JsonSchemaOutput,
  type JsonSchemaOutputOptions,
  jsonSchemaOutput,
} from "./json-schema-output/json-schema-output.js";
export {
  type ConversionResult,
  type ConversionWarning,
  getOriginalJsonSchema,
  JsonSchemaConversionError,
  type JsonSchemaConversionErrorOptions,
  type JsonSchemaToZodOptions,
  jsonSchemaToZod,
  MAX_INSTANCE_DEPTH,
  SUPPORTED_FORMATS,
} from "./json-schema-to-zod/index.js";
export type { FlowMaestroTool, ToolKind, ToolSchemaWarning } from "./json-schema-tool/flow-maestro-tool.js";
export type { JSONSchema } from "./json-schema-tool/json-schema.js";
export { type JsonSchemaToolOptions, jsonSchemaTool } from "./json-schema-tool/json-schema-tool.js";
export {
  type AdaptedSchema,
  type AdaptSchemaOptions,
  adaptSchemaForProvider,
  type ProviderFamily,
  providerFamily,
  type SchemaChange,
  type SchemaChangeAction,
  type StrictModeBlocker,
  withProviderCompatibility,
} from "./provider-compat/index.js";
export { fromStoredAgent, type StoredAgentImport } from "./stored-config/from-stored-agent.js";
export {
  type BufferMemorySettings,
  type MemorySettings,
  parseMemorySettings,
  type SummaryMemorySettings,
  type VectorMemorySettings,
} from "./stored-config/memory-settings.js";
export type {
  StoredAgentRecord,
  StoredFunctionToolRecord,
  StoredKnowledgeBaseToolRecord,
  StoredMcpToolRecord,
  StoredToolConfigBase,
  StoredToolRecord,
  StoredToolRecordBase,
  StoredToolType,
  StoredWorkflowToolRecord,
} from "./stored-config/stored-agent-record.js";
export {
  createFunctionRegistry,
  type FunctionRegistry,
  type HostFunction,
} from "./tool-kinds/function-registry.js";
export { type FunctionToolOptions, functionTool } from "./tool-kinds/function-tool.js";
export type { KnowledgeBase, KnowledgeBaseQuery, KnowledgeBaseResult } from "./tool-kinds/knowledge-base.js";
export {
  DEFAULT_KNOWLEDGE_BASE_INPUT_SCHEMA,
  DEFAULT_KNOWLEDGE_BASE_TOP_K,
  type KnowledgeBaseToolHit,
  type KnowledgeBaseToolOptions,
  knowledgeBaseTool,
  MAX_KNOWLEDGE_BASE_TOP_K,
} from "./tool-kinds/knowledge-base-tool.js";
export type {
  McpCallToolResult,
  McpClient,
  McpOtherContent,
  McpTextContent,
} from "./tool-kinds/mcp-client.js";
export { type McpToolOutput, mcpResultText, mcpToolModelOutput } from "./tool-kinds/mcp-result.js";
export { type McpToolOptions, mcpTool } from "./tool-kinds/mcp-tool.js";
export type { ToolImportContext } from "./tool-kinds/tool-import-context.js";
export type { ToolKindOptions } from "./tool-kinds/tool-kind-options.js";
export type { WorkflowExecutor } from "./tool-kinds/workflow-executor.js";
export { type WorkflowToolOptions, workflowTool } from "./tool-kinds/workflow-tool.js";
export { type ZodToJsonSchemaOptions, zodToJsonSchema } from "./zod-to-json-schema/index.js";
