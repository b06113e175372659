/**
 * Provider compatibility: rewrite a tool's input JSON Schema for OpenAI strict mode, Gemini and
 * Anthropic, record every lossy change, and map the model's arguments back.
 * @packageDocumentation
 */
export {
  type AdaptedSchema,
  type AdaptSchemaOptions,
  adaptSchemaForProvider,
} from "./adapt-schema-for-provider.js";
export { type ProviderFamily, providerFamily } from "./provider-family.js";
export type { SchemaChange, SchemaChangeAction, StrictModeBlocker } from "./schema-change.js";
export { withProviderCompatibility } from "./with-provider-compatibility.js";
