/**
 * Zod → JSON Schema for tool definitions: Zod's own converter, exact originals for schemas that
 * came from JSON Schema, and typed errors for what JSON Schema cannot represent.
 * @packageDocumentation
 */
export { type ZodToJsonSchemaOptions, zodToJsonSchema } from "./zod-to-json-schema.js";
