import type { AgentTool } from "@flowmaestro/runtime";

/**
 * A JSON Schema document, as a typed literal (`JSONSchema7`, handy for autocompletion) or as
 * plain data read from a database or an MCP server. Schemas are data: they are cloned when a tool
 * is built and never evaluated as code.
 */
export type JSONSchema = AgentTool["jsonSchema"] | { readonly [keyword: string]: unknown };
