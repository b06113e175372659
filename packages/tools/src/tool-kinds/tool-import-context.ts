import type { JsonSchemaToZodOptions } from "../json-schema-to-zod/index.js";
import type { FunctionRegistry } from "./function-registry.js";
import type { KnowledgeBase } from "./knowledge-base.js";
import type { McpClient } from "./mcp-client.js";
import type { WorkflowExecutor } from "./workflow-executor.js";

/**
 * What the host lends the tool kinds when tools are built from config. Pass what your configs
 * use: a tool whose kind needs a missing entry fails to build with `MissingToolResolverError`,
 * naming the tool and the option to pass.
 */
export interface ToolImportContext {
  /** Host functions for `function` tools, by name. */
  functions?: FunctionRegistry;
  /** Runs workflows for `workflow` tools. */
  workflows?: WorkflowExecutor;
  /** Searches knowledge bases for `knowledge_base` tools. */
  knowledgeBases?: KnowledgeBase;
  /** MCP clients for `mcp` tools, by the `serverId` of the tool's config. */
  mcpClients?: Readonly<Record<string, McpClient>>;
  /** How tool schemas are converted to validators; the converter's defaults when unset. */
  conversion?: JsonSchemaToZodOptions;
}
