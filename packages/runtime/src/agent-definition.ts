import type { ModelMessage } from "ai";
import { z } from "zod";
import { InvalidDefinitionError, type ValidationIssue } from "./errors/invalid-definition-error.js";
import { UnknownProviderError } from "./errors/unknown-provider-error.js";
import type { ModelRetryOptions } from "./kit/fallback-model.js";
import { isLanguageModelV4, type ModelReference } from "./models/model-reference.js";
import { type ProviderRegistry, splitModelString } from "./models/provider-registry.js";
import type { AgentTool } from "./tools/agent-tool.js";
import { zodIssuesToValidationIssues } from "./tools/zod-issues.js";

/** Default for {@link AgentDefinition.maxIterations}. */
export const DEFAULT_MAX_ITERATIONS = 10;

/**
 * Everything that makes an agent, independent of the runtime that runs it. The same definition
 * runs on every runtime.
 */
export interface AgentDefinition {
  /** Stable id, used in events and (later) memory. Defaults to `name`. */
  id?: string;
  /** Human-readable name. */
  name: string;
  /** System instructions. */
  instructions?: string;
  /**
   * The model: an AI SDK model instance or a `"provider/model"` string, or a list of them to fall
   * back through in order when a model keeps failing with a retryable error (429, 5xx, timeout,
   * network). A non-retryable error (400, auth) fails the run at once.
   */
  model: ModelReference | readonly ModelReference[];
  /** How model calls are retried (per model) before falling back. Defaults: 2 retries from 500 ms. */
  retry?: ModelRetryOptions;
  /** Sampling temperature, 0 to 2. Provider default when unset. */
  temperature?: number;
  /** Cap on output tokens per model call. Provider default when unset. */
  maxOutputTokens?: number;
  /**
   * Most model calls in one run. A run that reaches it while the model still calls tools ends
   * with status `max_iterations`.
   * @default 10
   */
  maxIterations?: number;
  /** Tools the model may call. Names must be unique. */
  tools?: readonly AgentTool[];
}

/** A definition after validation: defaults applied, `id` set. What runtimes receive. */
export interface ResolvedAgentDefinition extends AgentDefinition {
  readonly id: string;
  readonly maxIterations: number;
  readonly tools: readonly AgentTool[];
}

/** Input of a run: a user message as a string, or the messages so far (AI SDK `ModelMessage`s). */
export type AgentInput = string | readonly ModelMessage[];

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const toolSchema = z.looseObject({
  name: z
    .string()
    .regex(TOOL_NAME, { error: "a name of 1 to 64 characters from A-Z a-z 0-9 _ - (no spaces)" }),
  description: z.string().optional(),
  jsonSchema: z.looseObject({}),
  parseInput: z.function(),
  execute: z.function(),
  timeoutMs: z.number().int().positive().optional(),
});

const modelReferenceSchema = z.union([
  z.string().regex(/^[^/\s]+\/\S+$/, { error: 'a "provider/model" string such as "openai/gpt-4o"' }),
  z.custom<ModelReference>(isLanguageModelV4, {
    error: "an AI SDK v4 language model (from an ai@7 provider)",
  }),
]);

const definitionSchema = z.object({
  id: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(200),
  instructions: z.string().optional(),
  model: z.union([modelReferenceSchema, z.array(modelReferenceSchema).min(1).max(10)]),
  retry: z
    .strictObject({
      maxRetries: z.number().int().min(0).max(10).optional(),
      initialDelayMs: z.number().min(0).max(60_000).optional(),
      maxDelayMs: z.number().min(0).max(600_000).optional(),
    })
    .optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  maxIterations: z.number().int().min(1).max(10_000).optional(),
  tools: z.array(toolSchema).optional(),
});

/** Per-call overrides of definition fields. */
export type AgentOverrides = Partial<
  Pick<
    AgentDefinition,
    "instructions" | "model" | "temperature" | "maxOutputTokens" | "maxIterations" | "retry"
  >
>;

const overridesSchema = definitionSchema
  .pick({
    instructions: true,
    model: true,
    temperature: true,
    maxOutputTokens: true,
    maxIterations: true,
    retry: true,
  })
  .partial()
  .strict();

/**
 * Validates a definition and applies defaults. Throws {@link InvalidDefinitionError} naming
 * every offending field, or {@link UnknownProviderError} for a model string whose provider the
 * registry does not know.
 */
export function resolveAgentDefinition(
  definition: AgentDefinition,
  options: { providers?: ProviderRegistry } = {},
): ResolvedAgentDefinition {
  const parsed = definitionSchema.safeParse(definition, { reportInput: true });
  const issues: ValidationIssue[] = parsed.success ? [] : zodIssuesToValidationIssues(parsed.error.issues);
  const tools = definition?.tools ?? [];
  if (Array.isArray(tools)) {
    const seen = new Set<string>();
    tools.forEach((tool, index) => {
      if (tool && seen.has(tool.name)) {
        issues.push({
          field: `tools.${index}.name`,
          expected: "unique",
          received: JSON.stringify(tool.name),
        });
      }
      if (tool) seen.add(tool.name);
    });
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ issues });
  checkProvider(definition.model, "model", options.providers);
  return {
    ...definition,
    id: definition.id ?? definition.name,
    maxIterations: definition.maxIterations ?? DEFAULT_MAX_ITERATIONS,
    tools,
  };
}

/** Validates per-call overrides and merges them onto a resolved definition. */
export function applyOverrides(
  definition: ResolvedAgentDefinition,
  overrides: AgentOverrides | undefined,
  options: { providers?: ProviderRegistry } = {},
): ResolvedAgentDefinition {
  if (overrides === undefined) return definition;
  const parsed = overridesSchema.safeParse(overrides, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidDefinitionError({
      subject: "run overrides",
      issues: zodIssuesToValidationIssues(parsed.error.issues, "overrides"),
    });
  }
  if (overrides.model !== undefined) checkProvider(overrides.model, "overrides.model", options.providers);
  const merged = { ...definition };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

function checkProvider(
  model: ModelReference | readonly ModelReference[],
  field: string,
  providers: ProviderRegistry | undefined,
) {
  if (Array.isArray(model)) {
    model.forEach((entry: ModelReference, index) => {
      checkProvider(entry, `${field}.${index}`, providers);
    });
    return;
  }
  if (typeof model !== "string" || !providers) return;
  const { provider } = splitModelString(model);
  if (!providers.has(provider))
    throw new UnknownProviderError({ provider, availableProviders: providers.ids(), field });
}
