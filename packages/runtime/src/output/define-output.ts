import type { JSONSchema7 } from "ai";
import { z } from "zod";
import type { ValidationIssue } from "../errors/invalid-definition-error.js";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import { InvalidOutputError } from "../errors/invalid-output-error.js";
import type { ToolParseResult } from "../tools/agent-tool.js";
import { zodIssuesToValidationIssues } from "../tools/zod-issues.js";
import type { AgentOutputSchema } from "./output-schema.js";

/** Options of {@link defineOutput}. */
export interface DefineOutputOptions {
  /**
   * Name of the output, sent to providers that take one (OpenAI's `json_schema.name`): 1 to 64
   * characters of `A-Z a-z 0-9 _ -`.
   */
  name?: string | undefined;
  /** What the output is, for the model. @default the schema's own `.describe(...)` text, if any */
  description?: string | undefined;
}

/** OpenAI's rule for `json_schema.name`, the strictest provider's. */
const OUTPUT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Defines an agent's structured output from a Zod 4 schema: the JSON Schema the model is asked to
 * follow (derived once, here, as the schema's output type in draft-07) and the validator of the
 * final answer.
 *
 * @throws {InvalidDefinitionError} when the schema cannot be expressed as JSON Schema (a
 * `z.function()`, a transform-only type…) or `name` is not 1 to 64 characters of `A-Z a-z 0-9 _ -`.
 *
 * @example
 * ```ts
 * const weather = defineOutput(z.object({ city: z.string(), celsius: z.number() }), { name: "weather" });
 * const agent = createAgent({ runtime, name: "forecaster", model, outputSchema: weather });
 * const { output } = await agent.execute("Weather in Paris?"); // { city: string; celsius: number }
 * ```
 */
export function defineOutput<SCHEMA extends z.ZodType>(
  schema: SCHEMA,
  options: DefineOutputOptions = {},
): AgentOutputSchema<z.output<SCHEMA>> {
  const issues: ValidationIssue[] = [];
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
      received: typeof options.description,
    });
  }
  let jsonSchema: JSONSchema7 | undefined;
  let cause: unknown;
  if (!isZodSchema(schema)) {
    issues.push({ field: "outputSchema", expected: "a Zod 4 schema", received: describe(schema) });
  } else {
    try {
      jsonSchema = z.toJSONSchema(schema, { target: "draft-07", io: "output" }) as JSONSchema7;
      delete (jsonSchema as { $schema?: string }).$schema;
    } catch (error) {
      cause = error;
      issues.push({ field: "outputSchema", expected: "a Zod schema that can be expressed as JSON Schema" });
    }
  }
  if (issues.length > 0 || jsonSchema === undefined) {
    throw new InvalidDefinitionError({ subject: "output schema", issues, cause });
  }
  const description =
    options.description ?? (typeof jsonSchema.description === "string" ? jsonSchema.description : undefined);
  return {
    jsonSchema,
    parse: (value) => parseWith<z.output<SCHEMA>>(schema, value),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(description === undefined ? {} : { description }),
  };
}

/**
 * Whether a value is a Zod 4 schema (classic `zod` or `zod/mini`): it carries Zod's `_zod`
 * internals. Zod 3 schemas do not, and are not accepted: they cannot be turned into JSON Schema here.
 */
export function isZodSchema(value: unknown): value is z.ZodType {
  if (typeof value !== "object" || value === null) return false;
  const internals = (value as { _zod?: unknown })._zod;
  return typeof internals === "object" && internals !== null && "def" in internals;
}

/** Whether a value has the shape of an {@link AgentOutputSchema}: an object `jsonSchema` and a `parse` function. */
export function isAgentOutputSchema(value: unknown): value is AgentOutputSchema {
  if (typeof value !== "object" || value === null || isZodSchema(value)) return false;
  const candidate = value as Partial<AgentOutputSchema>;
  return (
    typeof candidate.jsonSchema === "object" &&
    candidate.jsonSchema !== null &&
    !Array.isArray(candidate.jsonSchema) &&
    typeof candidate.parse === "function"
  );
}

/**
 * The definition's `outputSchema` as an {@link AgentOutputSchema}: a Zod schema goes through
 * {@link defineOutput}; an `AgentOutputSchema` (from `defineOutput` or `jsonSchemaOutput`) is
 * returned as it is.
 *
 * @param field Name of the option in error messages, e.g. `overrides.outputSchema`.
 * @throws {InvalidDefinitionError} when the value is neither, or the Zod schema cannot be
 * expressed as JSON Schema.
 */
export function toOutputSchema<OUTPUT = unknown>(
  value: AgentOutputSchema<OUTPUT> | z.ZodType<OUTPUT>,
  field = "outputSchema",
): AgentOutputSchema<OUTPUT> {
  if (isZodSchema(value)) {
    try {
      return defineOutput(value) as AgentOutputSchema<OUTPUT>;
    } catch (error) {
      if (!InvalidDefinitionError.isInstance(error) || field === "outputSchema") throw error;
      throw new InvalidDefinitionError({
        subject: "output schema",
        issues: error.issues.map((issue) => ({
          ...issue,
          field: issue.field.replace(/^outputSchema/, field),
        })),
        cause: error.cause,
      });
    }
  }
  if (isAgentOutputSchema(value)) return value as AgentOutputSchema<OUTPUT>;
  throw new InvalidDefinitionError({
    subject: "output schema",
    issues: [
      {
        field,
        expected: "a Zod schema, or an AgentOutputSchema from defineOutput() or jsonSchemaOutput()",
        received: describe(value),
      },
    ],
  });
}

/** Outcome of {@link parseFinalOutput}. */
export type FinalOutputResult<OUTPUT> =
  | { readonly ok: true; readonly value: OUTPUT }
  | { readonly ok: false; readonly error: InvalidOutputError };

/**
 * Parses and validates the model's final answer: JSON, possibly with whitespace around it or
 * wrapped in a Markdown fence (```` ```json … ``` ````), that the schema accepts.
 *
 * Never throws: text that is not JSON fails with an issue on `(root)` (expected `a JSON value`),
 * JSON the schema rejects with the schema's issues; the error's `text` is the answer as given.
 */
export function parseFinalOutput<OUTPUT>(
  text: string,
  schema: AgentOutputSchema<OUTPUT>,
): FinalOutputResult<OUTPUT> {
  const value = parseJson(text);
  if (!value.ok) {
    return {
      ok: false,
      error: new InvalidOutputError({
        issues: [{ field: "(root)", expected: "a JSON value", received: "text that is not JSON" }],
        text,
        cause: value.cause,
      }),
    };
  }
  let parsed: ToolParseResult<OUTPUT>;
  try {
    parsed = schema.parse(value.value);
  } catch (cause) {
    // `parse` must not throw; one that does is reported like any other mismatch.
    return {
      ok: false,
      error: new InvalidOutputError({
        issues: [{ field: "(root)", expected: `a value the output schema accepts (${messageOf(cause)})` }],
        text,
        cause,
      }),
    };
  }
  if (parsed.success) return { ok: true, value: parsed.value };
  const issues =
    parsed.issues.length > 0
      ? parsed.issues
      : [{ field: "(root)", expected: "a value the output schema accepts" }];
  return { ok: false, error: new InvalidOutputError({ issues, text }) };
}

/** The answer as JSON, without whitespace around it and without a Markdown fence. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; cause: unknown } {
  let firstError: unknown;
  for (const candidate of unfenced(text)) {
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch (error) {
      firstError ??= error;
    }
  }
  return { ok: false, cause: firstError };
}

/**
 * What the JSON may be: the trimmed text or, when it opens with a fence of three or more
 * backticks, what is inside the fence, without its language word (`json`) and without the
 * closing backticks when present. A word right after the backticks may be the value itself
 * (```` ```true``` ````), so the body is tried with and without it.
 */
function unfenced(text: string): string[] {
  const trimmed = text.trim();
  const fence = /^`{3,}/.exec(trimmed)?.[0];
  if (fence === undefined) return [trimmed];
  const close = (body: string) => {
    const inner = body.trim();
    return (inner.endsWith(fence) ? inner.slice(0, -fence.length) : inner).trim();
  };
  const body = trimmed.slice(fence.length);
  const word = /^[A-Za-z][\w+.-]*(?=\s|$)/.exec(body)?.[0];
  return word === undefined ? [close(body)] : [close(body.slice(word.length)), close(body)];
}

function parseWith<T>(schema: z.ZodType, value: unknown): ToolParseResult<T> {
  try {
    const result = z.safeParse(schema, value, { reportInput: true });
    return result.success
      ? { success: true, value: result.data as T }
      : { success: false, issues: zodIssuesToValidationIssues(result.error.issues) };
  } catch (error) {
    // A refinement that throws: `parse` must not throw.
    return {
      success: false,
      issues: [{ field: "(root)", expected: `a value the output schema accepts (${messageOf(error)})` }],
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
