import { InvalidDefinitionError, type ProviderToolVariant } from "@flowmaestro/runtime";
import { adaptForAnthropic } from "./adapt-for-anthropic.js";
import { adaptForGemini } from "./adapt-for-gemini.js";
import { adaptForOpenAi } from "./adapt-for-openai.js";
import { type ArgumentMapping, applyArgumentMapping, type BranchContext } from "./argument-mapping.js";
import { cloneJson, isSchemaNode, type SchemaNode } from "./json-schema-node.js";
import { buildNullDroppingMapping } from "./null-dropping-mapping.js";
import { isProviderFamily, type ProviderFamily, providerFamily } from "./provider-family.js";
import type { SchemaChange, StrictModeBlocker } from "./schema-change.js";

/** JSON Schema type used by tool definitions (the AI SDK's `JSONSchema7`). */
type JsonSchema = ProviderToolVariant["jsonSchema"];

/** Options of {@link adaptSchemaForProvider}. */
export interface AdaptSchemaOptions {
  /**
   * OpenAI only. `keep` leaves `pattern`, supported `format`s, numeric bounds, `multipleOf` and
   * `minItems`/`maxItems` in the schema, which strict mode enforces on current models;
   * `move-to-description` moves them to the description for older models and Azure deployments
   * that reject them.
   * @default "keep"
   */
  openAiConstraintKeywords?: "keep" | "move-to-description";
  /**
   * Gemini only. Gemini takes no `$ref`, so definitions are inlined; a recursive definition is
   * inlined this many times inside itself, then the remaining depth is asked for as a
   * JSON-encoded string (decoded again by `mapArguments`).
   * @default 3
   */
  maxRecursionDepth?: number;
}

/** A tool input schema rewritten for one provider; see {@link adaptSchemaForProvider}. */
export interface AdaptedSchema {
  /** The provider family the schema was adapted for. */
  readonly family: ProviderFamily;
  /** The schema to send to the provider. A fresh object: mutating it changes nothing else. */
  readonly jsonSchema: JsonSchema;
  /** Whether to ask the provider to enforce the schema exactly (OpenAI strict mode). */
  readonly strict: boolean;
  /** Every lossy rewrite, in the order it was made; empty when the schema was used as it is. */
  readonly changes: readonly SchemaChange[];
  /**
   * OpenAI only: why strict mode could not be used (then `strict` is false and `jsonSchema` is
   * the original schema, its root made a plain object as for Anthropic). Empty otherwise.
   */
  readonly strictModeBlockers: readonly StrictModeBlocker[];
  /**
   * Maps arguments the provider produced for {@link jsonSchema} back to the shape of the original
   * schema: `null` for an optional property that does not accept `null` becomes absent (at any
   * depth, including inside arrays and unions), stringified enum values become their original
   * values, JSON-encoded strings are decoded. Never throws and never mutates its input; values
   * it does not recognise are returned unchanged, for the tool's validator to judge.
   */
  mapArguments(input: unknown): unknown;
}

/**
 * Rewrites a tool's input JSON Schema into the dialect one provider accepts, and says exactly
 * what was lost. `provider` is a family (`"openai"`, `"gemini"`, `"anthropic"`) or an AI SDK
 * provider id such as `openai.responses` (see {@link providerFamily}); anything else returns the
 * schema unchanged. The input is never mutated and the output is deterministic.
 *
 * - **OpenAI** (strict mode / structured outputs): every object closed with
 *   `additionalProperties: false` and all properties `required`, optional ones made nullable;
 *   `const` → one-value `enum`, `oneOf` → `anyOf`, `allOf` merged; keywords strict mode rejects
 *   moved to the description; `$defs` kept (`definitions` renamed). Free-form objects, maps,
 *   untyped values, tuples and external `$ref`s cannot be strict: the original schema (root made
 *   an object) is returned with `strict: false` and the reasons in `strictModeBlockers`.
 * - **Gemini** (OpenAPI 3.0 subset of function declarations): `$ref`s inlined, recursion cut
 *   after `maxRecursionDepth` levels; `["T", "null"]` → `type: "T", nullable: true`; enums are
 *   string-only, so other values are sent as strings and mapped back; `additionalProperties` and
 *   other unsupported keywords removed or moved to the description; values the subset cannot
 *   describe (free-form objects, maps, untyped values) are asked for as JSON-encoded strings.
 * - **Anthropic**: `$schema` dropped and the root made `type: "object"`; nothing else.
 *
 * @throws InvalidDefinitionError when `jsonSchema` is not an object schema or has a local
 * `$ref` that points at nothing.
 *
 * @example
 * ```ts
 * const { jsonSchema, strict, changes, mapArguments } = adaptSchemaForProvider(tool.jsonSchema, "openai.responses");
 * // send { parameters: jsonSchema, strict } to the model, then validate mapArguments(modelArguments)
 * ```
 */
export function adaptSchemaForProvider(
  jsonSchema: JsonSchema,
  provider: ProviderFamily | (string & {}),
  options: AdaptSchemaOptions = {},
): AdaptedSchema {
  if (!isSchemaNode(jsonSchema)) {
    throw new InvalidDefinitionError({
      subject: "tool input schema",
      issues: [{ field: "(root)", expected: "a JSON Schema object", received: describeValue(jsonSchema) }],
    });
  }
  const original = cloneJson(jsonSchema as SchemaNode);
  const family = isProviderFamily(provider) ? provider : providerFamily(provider);
  switch (family) {
    case "openai": {
      const result = adaptForOpenAi(original, {
        constraintKeywords: options.openAiConstraintKeywords ?? "keep",
      });
      return finish(family, result.jsonSchema, result.strict, result.changes, result.blockers, {
        mapping: buildNullDroppingMapping(original),
        context: { root: original, closedObjects: false },
      });
    }
    case "gemini": {
      const maxRecursionDepth = options.maxRecursionDepth ?? 3;
      if (!Number.isInteger(maxRecursionDepth) || maxRecursionDepth < 1) {
        throw new InvalidDefinitionError({
          subject: "option",
          issues: [
            {
              field: "maxRecursionDepth",
              expected: "an integer of at least 1",
              received: String(maxRecursionDepth),
            },
          ],
        });
      }
      const result = adaptForGemini(original, { maxRecursionDepth });
      return finish(family, result.jsonSchema, false, result.changes, [], {
        mapping: result.mapping,
        context: { root: result.jsonSchema, closedObjects: true },
      });
    }
    case "anthropic": {
      const result = adaptForAnthropic(original);
      return finish(family, result.jsonSchema, false, result.changes, [], {
        mapping: buildNullDroppingMapping(original),
        context: { root: original, closedObjects: false },
      });
    }
    default:
      return finish(family, original, false, [], [], undefined);
  }
}

function finish(
  family: ProviderFamily,
  schema: SchemaNode,
  strict: boolean,
  changes: SchemaChange[],
  blockers: StrictModeBlocker[],
  mapper: { mapping: ArgumentMapping | undefined; context: BranchContext } | undefined,
): AdaptedSchema {
  // The adapters share subtrees with `original`, which the mapping keeps reading: hand out a copy.
  const jsonSchema = cloneJson(schema) as JsonSchema;
  return {
    family,
    jsonSchema,
    strict,
    changes,
    strictModeBlockers: blockers,
    mapArguments: (input: unknown) => {
      if (!mapper?.mapping) return input;
      try {
        return applyArgumentMapping(mapper.mapping, input, mapper.context);
      } catch {
        // Mapping is best effort: the tool's validator reports whatever is still wrong.
        return input;
      }
    },
  };
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
