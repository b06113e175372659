import type { JSONSchema7 } from "ai";
import type { ToolParseResult } from "../tools/agent-tool.js";

/**
 * The structured output an agent answers with: a JSON Schema the model is asked to follow and a
 * validator for the final answer. Build one from Zod with `defineOutput` (a Zod schema is also
 * accepted as it is), or from JSON Schema with `jsonSchemaOutput` of `@flowmaestro/tools`.
 */
export interface AgentOutputSchema<OUTPUT = unknown> {
  /** JSON Schema of the answer (an object schema works with every provider). */
  readonly jsonSchema: JSONSchema7;
  /** Validates the parsed answer. Must not throw. */
  parse(value: unknown): ToolParseResult<OUTPUT>;
  /** Name of the output, sent to providers that take one (OpenAI's `json_schema.name`). */
  readonly name?: string | undefined;
  /** What the output is, for the model. */
  readonly description?: string | undefined;
}
