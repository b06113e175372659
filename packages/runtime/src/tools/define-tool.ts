import type { JSONSchema7 } from "ai";
import { z } from "zod";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import type {
  AgentTool,
  ToolApprovalRequirement,
  ToolExecutionContext,
  ToolModelOutput,
  ToolParseResult,
} from "./agent-tool.js";
import { zodIssuesToValidationIssues } from "./zod-issues.js";

/** Options of {@link defineTool}. */
export interface DefineToolOptions<INPUT extends z.ZodType, OUTPUT extends z.ZodType | undefined> {
  /** Name the model calls the tool by: 1 to 64 characters of `A-Z a-z 0-9 _ -`. */
  name: string;
  /** What the tool does and when to use it; the model reads this. */
  description?: string;
  /** Zod schema of the input; must describe an object. */
  inputSchema: INPUT;
  /** Optional Zod schema the result must satisfy; a mismatch is reported to the model as a tool error. */
  outputSchema?: OUTPUT;
  /** Runs the tool with validated input. */
  execute: (
    input: z.output<INPUT>,
    context: ToolExecutionContext,
  ) =>
    | (OUTPUT extends z.ZodType ? z.input<OUTPUT> : unknown)
    | PromiseLike<OUTPUT extends z.ZodType ? z.input<OUTPUT> : unknown>;
  /** Milliseconds before the call is abandoned with a `TOOL_TIMEOUT` error. */
  timeoutMs?: number;
  /** The call waits for a person's approval before it runs (`true`, or a function of the input). */
  needsApproval?: ToolApprovalRequirement<z.output<INPUT>>;
  /**
   * What the model is shown of a result (e.g. an image as content parts), when not the result
   * itself; see {@link AgentTool.toModelOutput}. Gets the validated output.
   */
  toModelOutput?: (output: OUTPUT extends z.ZodType ? z.output<OUTPUT> : unknown) => ToolModelOutput;
}

/**
 * Defines a tool from a Zod 4 schema. The JSON Schema shown to the model is derived once, here.
 *
 * @example
 * ```ts
 * const weather = defineTool({
 *   name: "get_weather",
 *   description: "Current weather for a city",
 *   inputSchema: z.object({ city: z.string() }),
 *   execute: async ({ city }) => ({ city, celsius: 21 }),
 * });
 * ```
 */
export function defineTool<INPUT extends z.ZodType, OUTPUT extends z.ZodType | undefined = undefined>(
  options: DefineToolOptions<INPUT, OUTPUT>,
): AgentTool<z.output<INPUT>, OUTPUT extends z.ZodType ? z.output<OUTPUT> : unknown> {
  let jsonSchema: JSONSchema7;
  try {
    jsonSchema = z.toJSONSchema(options.inputSchema, { target: "draft-07", io: "input" }) as JSONSchema7;
  } catch (cause) {
    throw new InvalidDefinitionError({
      subject: "tool",
      issues: [
        {
          field: `${options.name}.inputSchema`,
          expected: "a Zod schema that can be expressed as JSON Schema",
        },
      ],
      cause,
    });
  }
  if (jsonSchema.type !== "object") {
    throw new InvalidDefinitionError({
      subject: "tool",
      issues: [{ field: `${options.name}.inputSchema`, expected: "a Zod object schema (z.object(...))" }],
    });
  }
  delete (jsonSchema as { $schema?: string }).$schema;
  const parse = <T>(schema: z.ZodType, value: unknown): ToolParseResult<T> => {
    const result = schema.safeParse(value, { reportInput: true });
    return result.success
      ? { success: true, value: result.data as T }
      : { success: false, issues: zodIssuesToValidationIssues(result.error.issues) };
  };
  const outputSchema = options.outputSchema;
  return {
    name: options.name,
    ...(options.description === undefined ? {} : { description: options.description }),
    jsonSchema,
    parseInput: (input) => parse(options.inputSchema, input),
    ...(outputSchema === undefined ? {} : { parseOutput: (output: unknown) => parse(outputSchema, output) }),
    execute: options.execute as never,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.needsApproval === undefined ? {} : { needsApproval: options.needsApproval }),
    ...(options.toModelOutput === undefined ? {} : { toModelOutput: options.toModelOutput }),
  };
}
