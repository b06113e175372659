import { AgentSdkError, InvalidDefinitionError, type ProviderToolVariant } from "@flowmaestro/runtime";
import { z } from "zod";
import { getOriginalJsonSchema } from "../json-schema-to-zod/index.js";

/** JSON Schema type used by tool definitions (the AI SDK's `JSONSchema7`). */
type JsonSchema = ProviderToolVariant["jsonSchema"];

/** Options of {@link zodToJsonSchema}. */
export interface ZodToJsonSchemaOptions {
  /**
   * JSON Schema dialect to emit for schemas written in Zod. Schemas that came from
   * `jsonSchemaToZod` are returned as they were written, in their own dialect.
   * @default "draft-07"
   */
  target?: "draft-07" | "draft-2020-12";
}

/**
 * Converts a Zod 4 schema to JSON Schema, describing what the schema accepts as input (before
 * transforms and defaults), with Zod's own `z.toJSONSchema`.
 *
 * - A schema built by `jsonSchemaToZod` converts back to the exact JSON Schema it came from (a
 *   copy), not to a lossy re-derivation. So does any part of a larger Zod schema that came from
 *   `jsonSchemaToZod`, when that part has no `$ref`s of its own (they would dangle once moved).
 *   A boolean original becomes `{}` (`true`) or `{ not: {} }` (`false`).
 * - A Zod type JSON Schema cannot represent (`z.date()`, `z.bigint()`, `z.map()`, `z.custom()`,
 *   a transform's output, ...) raises `InvalidDefinitionError` naming its location as a JSON
 *   pointer into the generated schema, instead of silently becoming `{}`.
 *
 * @throws InvalidDefinitionError when the schema cannot be represented as JSON Schema.
 *
 * @example
 * ```ts
 * zodToJsonSchema(z.object({ city: z.string() }));
 * // { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: {...}, ... }
 * ```
 */
export function zodToJsonSchema(schema: z.ZodType, options: ZodToJsonSchemaOptions = {}): JsonSchema {
  const original = getOriginalJsonSchema(schema);
  if (original !== undefined) return fromOriginal(original);
  const target = options.target ?? "draft-07";
  try {
    return z.toJSONSchema(schema, {
      target,
      io: "input",
      unrepresentable: ({ path, message }) => {
        throw unrepresentable(toPointer(path), message);
      },
      override: ({ zodSchema, jsonSchema }) => {
        const embedded = getOriginalJsonSchema(zodSchema as unknown as z.ZodType);
        if (embedded === undefined || zodSchema === (schema as unknown) || hasRef(embedded)) return;
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
        const { $schema: _dialect, ...content } = fromOriginal(embedded) as Record<string, unknown>;
        Object.assign(jsonSchema, content);
      },
    }) as JsonSchema;
  } catch (error) {
    if (AgentSdkError.isInstance(error)) throw error;
    throw new InvalidDefinitionError({
      subject: "Zod schema",
      issues: [{ field: "(root)", expected: "a Zod schema that JSON Schema can represent" }],
      message: `Invalid Zod schema: it cannot be converted to JSON Schema (${String((error as Error)?.message ?? error)}).`,
      cause: error,
    });
  }
}

function fromOriginal(original: unknown): JsonSchema {
  if (original === true) return {};
  if (original === false) return { not: {} };
  return structuredClone(original) as JsonSchema;
}

function unrepresentable(field: string, message: string): InvalidDefinitionError {
  return new InvalidDefinitionError({
    subject: "Zod schema",
    issues: [
      { field, expected: "a Zod type that JSON Schema can represent", received: message.replace(/\.$/, "") },
    ],
    message: `Invalid Zod schema: \`${field}\` cannot be represented in JSON Schema (${message.replace(/\.$/, "")}). Use a JSON-compatible type there (e.g. z.iso.datetime() instead of z.date()), or write the tool's JSON Schema by hand.`,
  });
}

/** JSON pointer of a location in the generated schema (`/` for the root). */
function toPointer(path: readonly (string | number)[]): string {
  if (path.length === 0) return "/";
  return path.map((token) => `/${String(token).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function hasRef(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasRef);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([key, item]) => key === "$ref" || key === "$dynamicRef" || hasRef(item));
}
