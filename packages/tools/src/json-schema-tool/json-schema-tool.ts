import {
  type AgentTool,
  InvalidDefinitionError,
  type ToolExecutionContext,
  type ToolModelOutput,
  type ValidationIssue,
} from "@flowmaestro/runtime";
import {
  type ConversionResult,
  type JsonSchemaToZodOptions,
  jsonSchemaToZod,
} from "../json-schema-to-zod/index.js";
import type { AdaptSchemaOptions } from "../provider-compat/adapt-schema-for-provider.js";
import { withProviderCompatibility } from "../provider-compat/with-provider-compatibility.js";
import type { FlowMaestroTool, ToolKind, ToolSchemaWarning } from "./flow-maestro-tool.js";
import type { JSONSchema } from "./json-schema.js";
import {
  describeValue,
  isConversionError,
  isPlainObject,
  parseWith,
  pointerToDotted,
} from "./schema-helpers.js";
import { type ToolFieldNames, toolFieldNames } from "./tool-field-names.js";

/** Options of {@link jsonSchemaTool}. */
export interface JsonSchemaToolOptions<INPUT = Record<string, unknown>, OUTPUT = unknown> {
  /** Name the model calls the tool by: 1 to 64 characters of `A-Z a-z 0-9 _ -`. */
  name: string;
  /** What the tool does and when to use it; the model reads this. */
  description?: string;
  /**
   * JSON Schema of the input: an object schema (`"type": "object"`). Sent to the model as given
   * (minus `$schema`) and converted once, here, into the validator that checks the model's
   * arguments before `execute` runs.
   */
  inputSchema: JSONSchema;
  /**
   * Optional JSON Schema the result must satisfy; a mismatch is reported to the model as an
   * `INVALID_TOOL_OUTPUT` tool error.
   */
  outputSchema?: JSONSchema | boolean;
  /**
   * Runs the tool with validated input. Throw to report a tool error to the model: an SDK error of
   * category `tool` is passed on as it is, anything else becomes `TOOL_EXECUTION_FAILED` with the
   * error's message.
   */
  execute: (input: INPUT, context: ToolExecutionContext) => OUTPUT | PromiseLike<OUTPUT>;
  /** Milliseconds before the call is abandoned with a `TOOL_TIMEOUT` tool error. No timeout when unset. */
  timeoutMs?: number;
  /** How the result is shown to the model (see `toModelOutput` of `AgentTool`); as JSON or text when unset. */
  toModelOutput?: (output: OUTPUT) => ToolModelOutput;
  /**
   * Whether a person must approve each call: the run suspends before the call runs (see
   * `needsApproval` of `AgentTool`); the agent then needs a run store.
   * @default false
   */
  needsApproval?: boolean;
  /** How the schemas are converted to validators; the converter's defaults when unset. */
  conversion?: JsonSchemaToZodOptions;
  /**
   * Rewrite the input schema for providers that need it (OpenAI strict mode, Gemini's subset) and
   * map their arguments back before validation; see {@link withProviderCompatibility}. `false`
   * sends the schema as written to every provider.
   * @default true
   */
  providerCompatibility?: boolean | AdaptSchemaOptions;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Defines a tool from JSON Schemas: the shape tools have when they come from a database, a UI or
 * an MCP server rather than from code. The schemas are converted to validators once, when the
 * tool is built, so a bad schema fails at start-up, not at the first call.
 *
 * @throws {InvalidDefinitionError} naming `tools.<name>.inputSchema` (or `outputSchema`) plus the
 * path inside the schema, e.g. `tools.lookup.inputSchema.properties.age.minimum`.
 *
 * @example
 * ```ts
 * const lookup = jsonSchemaTool({
 *   name: "lookup_order",
 *   description: "Finds an order by id",
 *   inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
 *   execute: async ({ id }) => orders.find(id),
 * });
 * ```
 */
export function jsonSchemaTool<INPUT = Record<string, unknown>, OUTPUT = unknown>(
  options: JsonSchemaToolOptions<INPUT, OUTPUT>,
): FlowMaestroTool<INPUT, OUTPUT> {
  return createJsonSchemaTool(options, "json-schema", toolFieldNames(String(options?.name)));
}

/**
 * @internal Builds a JSON-Schema tool of any kind; `fields` names the options in error messages
 * (`tools.<name>.inputSchema`, or `available_tools.3.schema` for a stored record).
 */
export function createJsonSchemaTool<INPUT, OUTPUT>(
  options: JsonSchemaToolOptions<INPUT, OUTPUT>,
  kind: ToolKind,
  fields: ToolFieldNames,
): FlowMaestroTool<INPUT, OUTPUT> {
  const issues: ValidationIssue[] = [];
  const causes: unknown[] = [];
  if (typeof options.name !== "string" || !TOOL_NAME.test(options.name)) {
    issues.push({
      field: fields("name"),
      expected: "a name of 1 to 64 characters from A-Z a-z 0-9 _ - (no spaces)",
      received: JSON.stringify(options.name),
    });
  }
  if (options.description !== undefined && typeof options.description !== "string") {
    issues.push({
      field: fields("description"),
      expected: "a string",
      received: describeValue(options.description),
    });
  }
  if (typeof options.execute !== "function") {
    issues.push({
      field: fields("execute"),
      expected: "a function",
      received: describeValue(options.execute),
    });
  }
  if (options.timeoutMs !== undefined && !(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0)) {
    issues.push({
      field: fields("timeoutMs"),
      expected: "a positive integer",
      received: String(options.timeoutMs),
    });
  }
  if (options.needsApproval !== undefined && typeof options.needsApproval !== "boolean") {
    issues.push({
      field: fields("needsApproval"),
      expected: "a boolean",
      received: describeValue(options.needsApproval),
    });
  }

  let jsonSchema: AgentTool["jsonSchema"] | undefined;
  let input: ConversionResult | undefined;
  if (!isPlainObject(options.inputSchema) || options.inputSchema.type !== "object") {
    issues.push({
      field: fields("inputSchema"),
      expected: 'a JSON Schema object with "type": "object"',
      received: isPlainObject(options.inputSchema)
        ? `"type": ${JSON.stringify(options.inputSchema.type) ?? "absent"}`
        : describeValue(options.inputSchema),
    });
  } else {
    const cloned = cloneSchema(options.inputSchema, fields("inputSchema"), issues);
    if (cloned !== undefined) {
      input = convert(options.inputSchema, options.conversion, fields("inputSchema"), issues, causes);
      // The model sees the schema as written; `$schema` only tells the converter which draft it is.
      delete (cloned as { $schema?: unknown }).$schema;
      jsonSchema = cloned as AgentTool["jsonSchema"];
    }
  }

  let output: ConversionResult | undefined;
  if (options.outputSchema !== undefined) {
    if (!isPlainObject(options.outputSchema) && typeof options.outputSchema !== "boolean") {
      issues.push({
        field: fields("outputSchema"),
        expected: "a JSON Schema (an object or a boolean)",
        received: describeValue(options.outputSchema),
      });
    } else {
      output = convert(options.outputSchema, options.conversion, fields("outputSchema"), issues, causes);
    }
  }

  if (issues.length > 0 || input === undefined || jsonSchema === undefined) {
    throw new InvalidDefinitionError({
      subject: "tool",
      issues,
      cause: causes.length === 0 ? undefined : causes.length === 1 ? causes[0] : new AggregateError(causes),
    });
  }

  const inputValidator = input.schema;
  const outputValidator = output?.schema;
  const schemaWarnings: ToolSchemaWarning[] = [
    ...input.warnings.map((warning) => ({ ...warning, schema: "input" as const })),
    ...(output?.warnings ?? []).map((warning) => ({ ...warning, schema: "output" as const })),
  ];
  const execute = options.execute;
  const tool: FlowMaestroTool<INPUT, OUTPUT> = {
    name: options.name,
    ...(options.description === undefined ? {} : { description: options.description }),
    jsonSchema,
    parseInput: (value: unknown) => parseWith<INPUT>(inputValidator, value),
    ...(outputValidator === undefined
      ? {}
      : { parseOutput: (value: unknown) => parseWith<OUTPUT>(outputValidator, value) }),
    execute: (value: INPUT, context: ToolExecutionContext) => execute(value, context),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.toModelOutput === undefined ? {} : { toModelOutput: options.toModelOutput }),
    kind,
    needsApproval: options.needsApproval ?? false,
    schemaWarnings,
  };
  const compatibility = options.providerCompatibility ?? true;
  if (compatibility === false) return tool;
  return withProviderCompatibility(tool, compatibility === true ? {} : compatibility) as FlowMaestroTool<
    INPUT,
    OUTPUT
  >;
}

function convert(
  schema: unknown,
  conversion: JsonSchemaToZodOptions | undefined,
  field: string,
  issues: ValidationIssue[],
  causes: unknown[],
): ConversionResult | undefined {
  try {
    return jsonSchemaToZod(schema, conversion);
  } catch (error) {
    causes.push(error);
    if (isConversionError(error)) {
      issues.push({
        field: `${field}${pointerToDotted(error.path)}`,
        expected: `a well-formed JSON Schema using supported keywords (${error.message})`,
      });
    } else {
      issues.push({
        field,
        expected: `a JSON Schema that can be converted to a validator (${error instanceof Error ? error.message : String(error)})`,
      });
    }
    return undefined;
  }
}

/** Deep copy, so later changes to the caller's object change neither what the model sees nor the validator. */
function cloneSchema(schema: object, field: string, issues: ValidationIssue[]): object | undefined {
  try {
    return structuredClone(schema);
  } catch {
    issues.push({ field, expected: "plain JSON data (no functions, classes or symbols)" });
    return undefined;
  }
}
