import { type AgentOutputSchema, InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";
import {
  type ConversionResult,
  type ConversionWarning,
  type JsonSchemaToZodOptions,
  jsonSchemaToZod,
} from "../json-schema-to-zod/index.js";
import type { JSONSchema } from "../json-schema-tool/json-schema.js";
import {
  describeValue,
  isConversionError,
  isPlainObject,
  parseWith,
  pointerToDotted,
} from "../json-schema-tool/schema-helpers.js";

/** Options of {@link jsonSchemaOutput}. */
export interface JsonSchemaOutputOptions {
  /**
   * Name of the output, sent to providers that take one (OpenAI's `json_schema.name`): 1 to 64
   * characters of `A-Z a-z 0-9 _ -`.
   */
  name?: string | undefined;
  /** What the output is, for the model. @default the schema's own `description`, if any */
  description?: string | undefined;
  /** How the schema is converted to a validator; the converter's defaults when unset. */
  conversion?: JsonSchemaToZodOptions | undefined;
}

/** What {@link jsonSchemaOutput} returns: an output schema, plus what its conversion ignored. */
export interface JsonSchemaOutput<OUTPUT = unknown> extends AgentOutputSchema<OUTPUT> {
  /** Keywords the validator does not enforce (only with `conversion.onUnsupported: "warn"`). */
  readonly schemaWarnings: readonly ConversionWarning[];
}

const OUTPUT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Defines an agent's structured output from a JSON Schema, the shape it has when it comes from a
 * database, a UI or an API rather than from code. The model is sent the schema as written (minus
 * `$schema`); the final answer is validated by the schema converted to Zod, once, here, without
 * `eval`, with JSON Schema semantics (see `jsonSchemaToZod`). Use it as the agent's or a run's
 * `outputSchema`.
 *
 * @throws {InvalidDefinitionError} naming `outputSchema` plus the path inside the schema (e.g.
 * `outputSchema.properties.total.minimum`) for a schema the converter cannot handle, or
 * `outputSchema.name` for a bad name.
 *
 * @example
 * ```ts
 * const total = jsonSchemaOutput<{ total: number }>(
 *   { type: "object", properties: { total: { type: "number" } }, required: ["total"] },
 *   { name: "total" },
 * );
 * const { output } = await agent.execute("1 + 2?", { overrides: { outputSchema: total } });
 * ```
 */
export function jsonSchemaOutput<OUTPUT = unknown>(
  schema: JSONSchema,
  options: JsonSchemaOutputOptions = {},
): JsonSchemaOutput<OUTPUT> {
  const issues: ValidationIssue[] = [];
  const causes: unknown[] = [];
  if (options.name !== undefined && (typeof options.name !== "string" || !OUTPUT_NAME.test(options.name))) {
    issues.push({
      field: "outputSchema.name",
      expected: "a name of 1 to 64 characters from A-Z a-z 0-9 _ - (no spaces)",
      received: JSON.stringify(options.name),
    });
  }
  if (options.description !== undefined && typeof options.description !== "string") {
    issues.push({
      field: "outputSchema.description",
      expected: "a string",
      received: describeValue(options.description),
    });
  }
  let jsonSchema: AgentOutputSchema["jsonSchema"] | undefined;
  let converted: ConversionResult | undefined;
  if (!isPlainObject(schema)) {
    issues.push({
      field: "outputSchema",
      expected: 'a JSON Schema object (e.g. { "type": "object", "properties": { … } })',
      received: describeValue(schema),
    });
  } else {
    try {
      jsonSchema = structuredClone(schema) as AgentOutputSchema["jsonSchema"];
      // The model sees the schema as written; `$schema` only tells the converter which draft it is.
      delete (jsonSchema as { $schema?: unknown }).$schema;
    } catch (error) {
      causes.push(error);
      issues.push({ field: "outputSchema", expected: "plain JSON data (no functions, classes or symbols)" });
    }
    if (jsonSchema !== undefined) {
      try {
        converted = jsonSchemaToZod(schema, options.conversion);
      } catch (error) {
        causes.push(error);
        issues.push(conversionIssue(error));
      }
    }
  }
  if (issues.length > 0 || jsonSchema === undefined || converted === undefined) {
    throw new InvalidDefinitionError({
      subject: "output schema",
      issues,
      cause: causes.length === 0 ? undefined : causes.length === 1 ? causes[0] : new AggregateError(causes),
    });
  }
  const validator = converted.schema;
  const description =
    options.description ?? (typeof jsonSchema.description === "string" ? jsonSchema.description : undefined);
  return {
    jsonSchema,
    parse: (value: unknown) => parseWith<OUTPUT>(validator, value),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(description === undefined ? {} : { description }),
    schemaWarnings: converted.warnings,
  };
}

function conversionIssue(error: unknown): ValidationIssue {
  if (isConversionError(error)) {
    return {
      field: `outputSchema${pointerToDotted(error.path)}`,
      expected: `a well-formed JSON Schema using supported keywords (${error.message})`,
    };
  }
  return {
    field: "outputSchema",
    expected: `a JSON Schema that can be converted to a validator (${error instanceof Error ? error.message : String(error)})`,
  };
}
