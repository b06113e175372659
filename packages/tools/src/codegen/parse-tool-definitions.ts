import { InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";
import { camelCase } from "./identifiers.js";

/** A JSON Schema as read from a definitions file (an object, or `true`/`false`). */
export type JsonSchemaValue = Record<string, unknown> | boolean;

/** One tool of a definitions file, normalised; see {@link parseToolDefinitions}. */
export interface ToolDefinition {
  /** Name the model calls the tool by (1 to 64 characters of `A-Z a-z 0-9 _ -`). */
  readonly name: string;
  /** What the tool does, when the file says. */
  readonly description?: string;
  /** JSON Schema of the input; always describes an object. */
  readonly inputSchema: Record<string, unknown>;
  /** JSON Schema of the result, when the file declares one. */
  readonly outputSchema?: JsonSchemaValue;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Reads tool definitions in any of the shapes tools are usually stored in, and checks them:
 *
 * - `[{ name, description?, inputSchema, outputSchema? }]`, or `{ tools: [...] }` around it;
 * - `input_schema`/`output_schema` (Anthropic) or `parameters` instead of `inputSchema`;
 * - OpenAI function tools: `{ type: "function", function: { name, description?, parameters? } }`.
 *
 * @throws InvalidDefinitionError listing every problem, each with its field (e.g.
 * `tools.2.inputSchema`), when the value is not a list of valid tool definitions.
 */
export function parseToolDefinitions(value: unknown): ToolDefinition[] {
  const list = Array.isArray(value)
    ? value
    : isObject(value) && Array.isArray(value.tools)
      ? value.tools
      : undefined;
  if (!list) {
    throw new InvalidDefinitionError({
      subject: "tool definitions file",
      issues: [
        {
          field: "(root)",
          expected: "an array of tool definitions or { tools: [...] }",
          received: kind(value),
        },
      ],
    });
  }
  const issues: ValidationIssue[] = [];
  const tools: ToolDefinition[] = [];
  const identifiers = new Map<string, string>();
  list.forEach((item: unknown, index: number) => {
    const at = `tools.${index}`;
    if (!isObject(item)) {
      issues.push({ field: at, expected: "a tool definition object", received: kind(item) });
      return;
    }
    const openAi = item.type === "function" && isObject(item.function);
    const source = openAi ? (item.function as Record<string, unknown>) : item;
    const base = openAi ? `${at}.function` : at;
    const { name, description } = source;
    let valid = true;
    if (typeof name !== "string" || !NAME.test(name)) {
      issues.push({
        field: `${base}.name`,
        expected: "1 to 64 characters of A-Z a-z 0-9 _ -",
        received: preview(name),
      });
      valid = false;
    } else {
      const identifier = camelCase(name);
      const clash = identifiers.get(identifier);
      if (clash !== undefined) {
        const what =
          clash === name
            ? `a name not already used by another tool`
            : `a name whose identifier (${identifier}) differs from "${clash}"`;
        issues.push({ field: `${base}.name`, expected: what, received: JSON.stringify(name) });
        valid = false;
      }
      identifiers.set(identifier, name);
    }
    if (description !== undefined && typeof description !== "string") {
      issues.push({ field: `${base}.description`, expected: "a string", received: kind(description) });
      valid = false;
    }
    const inputKey = openAi
      ? "parameters"
      : (["inputSchema", "input_schema", "parameters"].find((key) => key in source) ?? "inputSchema");
    const input = source[inputKey] ?? (openAi ? { type: "object", properties: {} } : undefined);
    if (!isObjectSchema(input)) {
      issues.push({
        field: `${base}.${inputKey}`,
        expected: 'a JSON Schema describing an object (type: "object" or properties)',
        received: input === undefined ? "nothing" : kind(input),
      });
      valid = false;
    }
    const outputKey = ["outputSchema", "output_schema"].find((key) => key in source) ?? "outputSchema";
    const output = source[outputKey];
    if (output !== undefined && !isObject(output) && typeof output !== "boolean") {
      issues.push({ field: `${base}.${outputKey}`, expected: "a JSON Schema", received: kind(output) });
      valid = false;
    }
    if (!valid) return;
    tools.push({
      name: name as string,
      ...(typeof description === "string" ? { description } : {}),
      inputSchema: input as Record<string, unknown>,
      ...(output === undefined ? {} : { outputSchema: output as JsonSchemaValue }),
    });
  });
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "tool definitions file", issues });
  return tools;
}

/** An input schema must describe an object: `type: "object"`, `properties`, or a `$ref` to one. */
function isObjectSchema(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (value.type === "object") return true;
  if (value.type === undefined && (isObject(value.properties) || typeof value.$ref === "string")) return true;
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${preview(value)}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
