/**
 * Code generation: tool definitions (JSON) → a TypeScript module of Zod schemas and typed
 * `defineTool` stubs. The `flowmaestro-tools-codegen` command wraps {@link runCodegenCli}.
 * @packageDocumentation
 */
export { type CodegenCliIo, runCodegenCli } from "./cli.js";
export {
  type GeneratedToolModule,
  type GenerateToolModuleOptions,
  generateToolModule,
} from "./generate-tool-module.js";
export { type JsonSchemaValue, parseToolDefinitions, type ToolDefinition } from "./parse-tool-definitions.js";
