import type { LanguageModelV4 } from "@ai-sdk/provider";
import { z } from "zod";
import {
  type AgentDefinition,
  type AgentOverrides,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_MAX_TOOL_INPUT_DEPTH,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type ResolvedAgentDefinition,
  type ToolChoice,
} from "../agent-definition.js";
import { InvalidDefinitionError, type ValidationIssue } from "../errors/invalid-definition-error.js";
import { UnknownProviderError } from "../errors/unknown-provider-error.js";
import type { AgentMemory } from "../memory/agent-memory.js";
import { describeOtherModelVersion, isLanguageModelV4 } from "../models/model-reference.js";
import {
  defaultProviderRegistry,
  type ProviderRegistry,
  splitModelString,
} from "../models/provider-registry.js";
import { isAgentOutputSchema, isZodSchema, toOutputSchema } from "../output/define-output.js";
import type { RunStore } from "../run-store/run-store.js";
import type { AgentTool } from "../tools/agent-tool.js";
import { zodIssuesToValidationIssues } from "../tools/zod-issues.js";
import { checkPricesForBudget, DEFAULT_PRICES, mergePrices } from "../usage/cost.js";
import { unknownKeyHint } from "./did-you-mean.js";

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MODEL_STRING = /^[^/\s]+\/\S+$/;
const ONE_MODEL =
  'a "provider/model" string such as "openai/gpt-4o" or an AI SDK v4 language model (from an ai@7 provider package)';
const MAX_MODELS = 10;

const toolSchema = z.looseObject({
  name: z
    .string()
    .regex(TOOL_NAME, { error: "a name of 1 to 64 characters from A-Z a-z 0-9 _ - (no spaces)" }),
  description: z.string().optional(),
  jsonSchema: z.looseObject({}),
  parseInput: z.function(),
  execute: z.function(),
  timeoutMs: z.number().int().positive().optional(),
  needsApproval: z
    .union([z.boolean(), z.function()], { error: "true, false, or a function (input, context) => boolean" })
    .optional(),
  toModelOutput: z.function().optional(),
});

const budgetSchema = z.strictObject({
  maxTokens: z.number().int().positive().optional(),
  maxCostUsd: z.number().positive().optional(),
});

const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  cachedInput: z.number().min(0).optional(),
  reasoning: z.number().min(0).optional(),
});

const pricingSchema = z.record(z.string().min(1), priceSchema, {
  error: 'an object of prices by "provider/modelId" or modelId, in USD per million tokens',
});

const outputSchemaField = z.custom<unknown>((value) => isZodSchema(value) || isAgentOutputSchema(value), {
  error:
    "a Zod schema, or an AgentOutputSchema ({ jsonSchema, parse }; jsonSchemaOutput() of @flowmaestro/tools)",
});

const retrySchema = z.strictObject({
  maxRetries: z.number().int().min(0).max(10).optional(),
  initialDelayMs: z.number().min(0).max(60_000).optional(),
  maxDelayMs: z.number().min(0).max(600_000).optional(),
});

const timeoutsSchema = z.strictObject({
  modelCallMs: z.number().int().min(1).max(86_400_000).optional(),
  streamStallMs: z.number().int().min(1).max(86_400_000).optional(),
});

const toolChoiceSchema = z.union(
  [
    z.enum(["auto", "none", "required"]),
    z.strictObject({ type: z.literal("tool"), toolName: z.string().regex(TOOL_NAME) }),
  ],
  { error: '"auto", "none", "required" or { type: "tool", toolName }' },
);

const providerOptionsSchema = z.record(
  z.string(),
  z.record(z.string(), z.unknown(), { error: "an object of options for that provider" }),
  { error: "an object keyed by provider id, e.g. { anthropic: { … } }" },
);

/** Fields that may be overridden per run; `model` is checked on its own. */
const overridableShape = {
  instructions: z.string().optional(),
  model: z.unknown().optional(),
  retry: retrySchema.optional(),
  timeouts: timeoutsSchema.optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  maxIterations: z.number().int().min(1).max(10_000).optional(),
  toolChoice: toolChoiceSchema.optional(),
  providerOptions: providerOptionsSchema.optional(),
  requireToolApproval: z.boolean().optional(),
  outputSchema: outputSchemaField.optional(),
  budget: budgetSchema.optional(),
};

const definitionSchema = z.strictObject({
  ...overridableShape,
  id: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(200),
  model: z.unknown(),
  tools: z.array(toolSchema).optional(),
  maxToolInputDepth: z.number().int().min(1).max(1_000).optional(),
  memory: z
    .custom<AgentMemory>(isAgentMemory, {
      error: "an AgentMemory from createMemory() (@flowmaestro/memory)",
    })
    .optional(),
  runStore: z
    .custom<RunStore>(isRunStore, {
      error: "a RunStore (createRunStore(storage) from @flowmaestro/memory)",
    })
    .optional(),
  pricing: pricingSchema.optional(),
  tracing: z
    .strictObject({
      recordContent: z.boolean().optional(),
      tracerProvider: z
        .custom<unknown>((value) => typeof (value as { getTracer?: unknown })?.getTracer === "function", {
          error: "an OpenTelemetry TracerProvider",
        })
        .optional(),
    })
    .optional(),
});

const overridesSchema = z.strictObject(overridableShape);

/** The keys a misspelt one is compared with, by path. */
const DEFINITION_KEYS = [...Object.keys(definitionSchema.shape), "runtime", "providers"];
const OVERRIDE_KEYS = Object.keys(overridesSchema.shape);
const NESTED_KEYS: Readonly<Record<string, readonly string[]>> = {
  retry: Object.keys(retrySchema.shape),
  timeouts: Object.keys(timeoutsSchema.shape),
  budget: Object.keys(budgetSchema.shape),
};

/** Options of {@link resolveAgentDefinition} and {@link applyOverrides}. */
export interface ResolveOptions {
  /** Resolves `"provider/model"` strings. @default defaultProviderRegistry */
  providers?: ProviderRegistry | undefined;
}

/**
 * Validates a definition, applies defaults and resolves its models. Throws
 * {@link InvalidDefinitionError} naming every offending field (misspelt keys get a did-you-mean),
 * {@link UnknownProviderError} for a model string whose provider the registry does not know, and
 * `ProviderNotInstalledError` when that provider's package is missing.
 */
export function resolveAgentDefinition(
  definition: AgentDefinition,
  options: ResolveOptions = {},
): ResolvedAgentDefinition {
  if (typeof definition !== "object" || definition === null || Array.isArray(definition)) {
    throw new InvalidDefinitionError({ issues: [{ field: "(root)", expected: "an object" }] });
  }
  const {
    runtime: _runtime,
    providers: _providers,
    ...fields
  } = definition as AgentDefinition & {
    runtime?: unknown;
    providers?: unknown;
  };
  const parsed = definitionSchema.safeParse(fields, { reportInput: true });
  const issues = parsed.success ? [] : toIssues(parsed.error.issues, "", DEFINITION_KEYS);
  const tools = Array.isArray(definition.tools) ? definition.tools : [];
  issues.push(...duplicateToolNames(tools));
  issues.push(...checkToolChoice(definition.toolChoice, tools, "toolChoice"));
  const models = checkModels(definition.model, "model", issues);
  const runStore = definition.runStore ?? definition.memory?.runStore;
  if (issues.length === 0 && !runStore)
    issues.push(...approvalNeedsStore(tools, definition.requireToolApproval));
  if (issues.length > 0) throw new InvalidDefinitionError({ issues });
  const resolved: ResolvedAgentDefinition = {
    id: definition.id ?? definition.name,
    name: definition.name,
    instructions: definition.instructions,
    models: resolveModels(models, options.providers ?? defaultProviderRegistry),
    retry: { ...DEFAULT_RETRY, ...definition.retry },
    timeouts: { ...DEFAULT_TIMEOUTS, ...definition.timeouts },
    temperature: definition.temperature,
    maxOutputTokens: definition.maxOutputTokens,
    maxIterations: definition.maxIterations ?? DEFAULT_MAX_ITERATIONS,
    tools,
    toolChoice: definition.toolChoice,
    providerOptions: definition.providerOptions,
    maxToolInputDepth: definition.maxToolInputDepth ?? DEFAULT_MAX_TOOL_INPUT_DEPTH,
    memory: definition.memory,
    requireToolApproval: definition.requireToolApproval ?? false,
    runStore,
    outputSchema: definition.outputSchema === undefined ? undefined : toOutputSchema(definition.outputSchema),
    budget: definition.budget,
    pricing:
      definition.pricing === undefined ? DEFAULT_PRICES : mergePrices(DEFAULT_PRICES, definition.pricing),
    tracing: definition.tracing ?? {},
  };
  checkPricesForBudget(resolved, "pricing");
  return resolved;
}

/** Whether a value implements {@link RunStore} (v1). */
export function isRunStore(value: unknown): value is RunStore {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as RunStore).specificationVersion === "v1" &&
    typeof (value as RunStore).save === "function" &&
    typeof (value as RunStore).load === "function"
  );
}

/** A tool that may need approval can only suspend a run that has somewhere to be stored. */
function approvalNeedsStore(tools: readonly AgentTool[], requireAll: boolean | undefined): ValidationIssue[] {
  const gated = requireAll
    ? tools
    : tools.filter((tool) => tool.needsApproval !== undefined && tool.needsApproval !== false);
  if (gated.length === 0) return [];
  return [
    {
      field: "runStore",
      expected: `a RunStore for the runs that suspend for approval (${gated
        .map((tool) => `"${tool.name}"`)
        .join(
          ", ",
        )} ${gated.length === 1 ? "needs" : "need"} it): runStore: createRunStore(storage), or memory: createMemory(...) (@flowmaestro/memory)`,
    },
  ];
}

/** Whether a value implements {@link AgentMemory} (v1). */
export function isAgentMemory(value: unknown): value is AgentMemory {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as AgentMemory).specificationVersion === "v1" &&
    typeof (value as AgentMemory).open === "function"
  );
}

/**
 * Validates per-run overrides and merges them onto a resolved definition: scalar fields replace,
 * `retry` and `timeouts` merge field by field, `providerOptions` merge per provider.
 * @throws {InvalidDefinitionError} naming each bad field as `overrides.<field>`.
 */
export function applyOverrides(
  definition: ResolvedAgentDefinition,
  overrides: AgentOverrides | undefined,
  options: ResolveOptions = {},
): ResolvedAgentDefinition {
  if (overrides === undefined) return definition;
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
    throw new InvalidDefinitionError({
      subject: "run overrides",
      issues: [{ field: "overrides", expected: "an object of definition fields" }],
    });
  }
  const parsed = overridesSchema.safeParse(overrides, { reportInput: true });
  const issues = parsed.success ? [] : toIssues(parsed.error.issues, "overrides", OVERRIDE_KEYS);
  issues.push(...checkToolChoice(overrides.toolChoice, definition.tools, "overrides.toolChoice"));
  const models =
    overrides.model === undefined ? undefined : checkModels(overrides.model, "overrides.model", issues);
  if (issues.length === 0 && overrides.requireToolApproval === true && !definition.runStore) {
    issues.push({
      field: "overrides.requireToolApproval",
      expected: "set on an agent with a runStore (or memory) to keep the suspended run in",
    });
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "run overrides", issues });
  const applied: ResolvedAgentDefinition = {
    ...definition,
    ...(overrides.instructions === undefined ? {} : { instructions: overrides.instructions }),
    ...(models === undefined
      ? {}
      : { models: resolveModels(models, options.providers ?? defaultProviderRegistry) }),
    ...(overrides.temperature === undefined ? {} : { temperature: overrides.temperature }),
    ...(overrides.maxOutputTokens === undefined ? {} : { maxOutputTokens: overrides.maxOutputTokens }),
    ...(overrides.maxIterations === undefined ? {} : { maxIterations: overrides.maxIterations }),
    ...(overrides.toolChoice === undefined ? {} : { toolChoice: overrides.toolChoice }),
    // Per run, approval can be required of every tool, never lifted: `false` keeps the agent's
    // setting, and a tool's own `needsApproval` always holds.
    ...(overrides.requireToolApproval === true ? { requireToolApproval: true } : {}),
    ...(overrides.outputSchema === undefined
      ? {}
      : { outputSchema: toOutputSchema(overrides.outputSchema, "overrides.outputSchema") }),
    ...(overrides.budget === undefined ? {} : { budget: overrides.budget }),
    retry: { ...definition.retry, ...overrides.retry },
    timeouts: { ...definition.timeouts, ...overrides.timeouts },
    providerOptions: mergeProviderOptions(definition.providerOptions, overrides.providerOptions),
  };
  checkPricesForBudget(applied, "overrides.budget");
  return applied;
}

function mergeProviderOptions(
  base: ResolvedAgentDefinition["providerOptions"],
  extra: ResolvedAgentDefinition["providerOptions"],
): ResolvedAgentDefinition["providerOptions"] {
  if (!extra) return base;
  if (!base) return extra;
  const merged: Record<string, Record<string, any>> = { ...base };
  for (const [provider, values] of Object.entries(extra)) merged[provider] = { ...base[provider], ...values };
  return merged;
}

/** Zod issues → validation issues, with misspelt keys reported one by one with a did-you-mean. */
function toIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: string,
  topKeys: readonly string[],
): ValidationIssue[] {
  const result: ValidationIssue[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const path = issue.path.map(String).join(".");
      const known = path === "" ? topKeys : (NESTED_KEYS[path] ?? []);
      for (const key of issue.keys) {
        const field = [prefix, path, key].filter(Boolean).join(".");
        const overridable = prefix === "overrides" && path === "" && DEFINITION_KEYS.includes(key);
        result.push({
          field,
          expected: overridable
            ? `absent: \`${key}\` cannot be overridden per run (overridable: ${OVERRIDE_KEYS.join(", ")})`
            : `absent: it is ${unknownKeyHint(key, known)}`,
        });
      }
      continue;
    }
    result.push(...zodIssuesToValidationIssues([issue], prefix));
  }
  return result;
}

function duplicateToolNames(tools: readonly AgentTool[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  tools.forEach((tool, index) => {
    if (!tool || typeof tool.name !== "string") return;
    if (seen.has(tool.name)) {
      issues.push({ field: `tools.${index}.name`, expected: "unique", received: JSON.stringify(tool.name) });
    }
    seen.add(tool.name);
  });
  return issues;
}

function checkToolChoice(
  choice: ToolChoice | undefined,
  tools: readonly AgentTool[],
  field: string,
): ValidationIssue[] {
  if (typeof choice !== "object" || choice === null || choice.type !== "tool") return [];
  if (tools.some((tool) => tool?.name === choice.toolName)) return [];
  return [
    {
      field: `${field}.toolName`,
      expected:
        tools.length === 0
          ? "the name of one of the agent's tools (it has none)"
          : `the name of one of the agent's tools (${tools.map((tool) => tool?.name).join(", ")})`,
      received: JSON.stringify(String(choice.toolName)),
    },
  ];
}

type CheckedModel = LanguageModelV4 | { readonly reference: string; readonly field: string };

/** Checks a model field (one reference or a list), pushing issues; returns what to resolve. */
function checkModels(value: unknown, field: string, issues: ValidationIssue[]): CheckedModel[] {
  if (value === undefined) {
    issues.push({ field, expected: `provided: ${ONE_MODEL}, or a list of them` });
    return [];
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > MAX_MODELS) {
      issues.push({
        field,
        expected: `a list of 1 to ${MAX_MODELS} models`,
        received: `${value.length} models`,
      });
      return [];
    }
    return value.flatMap((entry, index) => checkOneModel(entry, `${field}.${index}`, issues));
  }
  return checkOneModel(value, field, issues, `${ONE_MODEL}, or a list of them`);
}

function checkOneModel(
  value: unknown,
  field: string,
  issues: ValidationIssue[],
  expected = ONE_MODEL,
): CheckedModel[] {
  if (typeof value === "string") {
    if (MODEL_STRING.test(value)) return [{ reference: value, field }];
    issues.push({ field, expected, received: `the string ${JSON.stringify(value.slice(0, 100))}` });
    return [];
  }
  if (isLanguageModelV4(value)) return [value];
  const otherVersion = describeOtherModelVersion(value);
  if (otherVersion) {
    issues.push({
      field,
      expected: "an AI SDK v4 language model (from an ai@7 provider package)",
      received: otherVersion,
    });
    return [];
  }
  issues.push({ field, expected, received: describeValue(value) });
  return [];
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "object") return "an object that is not a language model (no doGenerate/doStream)";
  return typeof value;
}

function resolveModels(models: readonly CheckedModel[], providers: ProviderRegistry): LanguageModelV4[] {
  return models.map((model) => {
    if (!("reference" in model)) return model;
    const { provider } = splitModelString(model.reference);
    if (!providers.has(provider)) {
      throw new UnknownProviderError({ provider, availableProviders: providers.ids(), field: model.field });
    }
    try {
      return providers.resolve(model.reference);
    } catch (error) {
      // The registry names the field `model`; say which entry of a list it was.
      if (InvalidDefinitionError.isInstance(error) && model.field !== "model") {
        throw new InvalidDefinitionError({
          issues: error.issues.map((issue) => ({ ...issue, field: model.field })),
          cause: error,
        });
      }
      throw error;
    }
  });
}
