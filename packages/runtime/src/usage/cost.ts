import { z } from "zod";
import type { ResolvedAgentDefinition } from "../agent-definition.js";
import { unknownKeyHint } from "../definition/did-you-mean.js";
import { BudgetExceededError } from "../errors/budget-exceeded-error.js";
import { InvalidDefinitionError, type ValidationIssue } from "../errors/invalid-definition-error.js";
import { modelInfoOf } from "../models/model-reference.js";
import type { TokenUsage } from "../run-result.js";
import { zodIssuesToValidationIssues } from "../tools/zod-issues.js";
import type { ModelPrice, PriceTable, RunBudget } from "./pricing.js";

/**
 * Built-in prices, in US dollars per million tokens, of a few well-known models: the providers'
 * published list prices for standard (not batch, not priority) use, as we knew them in
 * **October 2025** (the OpenAI, Anthropic and Google pricing pages; not re-checked since). Prices change, and tiers are not modelled
 * (Anthropic's Sonnet above 200k input tokens, Gemini 2.5 Pro above 200k, Anthropic's cache
 * writes at 1.25× input): treat the figures as estimates, and give your own with the agent's
 * `pricing` (merged over this table, key by key) for anything you bill on.
 *
 * Gemini's cached input has no price here: it is billed at the input price, an upper bound.
 */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  "openai/gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "openai/gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "openai/gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "openai/gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "openai/gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "openai/o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "anthropic/claude-sonnet-4": { input: 3, cachedInput: 0.3, output: 15 },
  "anthropic/claude-sonnet-4-5": { input: 3, cachedInput: 0.3, output: 15 },
  "anthropic/claude-opus-4-1": { input: 15, cachedInput: 1.5, output: 75 },
  "anthropic/claude-haiku-4-5": { input: 1, cachedInput: 0.1, output: 5 },
  "anthropic/claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, output: 4 },
  "google/gemini-2.5-pro": { input: 1.25, output: 10 },
  "google/gemini-2.5-flash": { input: 0.3, output: 2.5 },
});

/** A model as the price table knows it: the AI SDK model's `provider` and `modelId`. */
export interface PricedModel {
  /** The AI SDK provider id, e.g. `openai.responses` or `anthropic.messages`. */
  readonly provider: string;
  readonly modelId: string;
}

/** What follows a table key in a dated or versioned model id: `-2024-07-18`, `-20250514`, `-latest`. */
const VERSION_SUFFIX = /^-(?:latest|\d[\d-]*)$/;

/**
 * The price of a model, or `undefined` when the table has none. Looked up, first hit wins:
 * 1. `"family/modelId"`, the family being the first segment of the AI SDK provider id
 *    (`openai.responses` → `openai`, `google.generative-ai` → `google`);
 * 2. the bare `modelId` (so a gateway's `openai/gpt-4o` finds `"openai/gpt-4o"`);
 * 3. for a dated or versioned id (`gpt-4o-mini-2024-07-18`, `claude-sonnet-4-20250514`), the
 *    longest key that the id starts with, followed by `-` and a version of digits and dashes (or
 *    `-latest`): first among the `family/` keys, then among the bare ones. A suffix with letters
 *    is another model (`gpt-4o-realtime-preview`, `gemini-2.5-flash-lite`) and has no fallback.
 */
export function priceOf(table: PriceTable, model: PricedModel): ModelPrice | undefined {
  const family = model.provider.split(".")[0] ?? model.provider;
  const qualified = `${family}/${model.modelId}`;
  return (
    own(table, qualified) ??
    own(table, model.modelId) ??
    versioned(table, qualified, `${family}/`) ??
    versioned(table, model.modelId, undefined)
  );
}

function own(table: PriceTable, key: string): ModelPrice | undefined {
  // Own keys only: `toString` or `constructor` is not a model.
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function versioned(table: PriceTable, id: string, keyPrefix: string | undefined): ModelPrice | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (keyPrefix !== undefined && !key.startsWith(keyPrefix)) continue;
    if (key.length >= id.length || !id.startsWith(key) || !VERSION_SUFFIX.test(id.slice(key.length)))
      continue;
    if (best === undefined || key.length > best.length) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/**
 * What a model call cost, in US dollars: cached input tokens at `cachedInput` (at `input` when
 * unset), the other input tokens at `input`, and output tokens at `output`, except that reasoning
 * tokens, which are part of the output tokens, go at `reasoning` when it is set.
 *
 * `TokenUsage` counts like the AI SDK's usage report: `inputTokens` includes `cachedInputTokens`
 * (`inputTokens.total` includes `cacheRead`) and `outputTokens` includes `reasoningTokens`
 * (`outputTokens.total` includes `reasoning`). Counts that do not add up (more cached than input
 * tokens) are capped, never billed twice.
 */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
  const input = Math.max(0, usage.inputTokens);
  const output = Math.max(0, usage.outputTokens);
  const cached = Math.min(input, Math.max(0, usage.cachedInputTokens));
  const reasoning = price.reasoning === undefined ? 0 : Math.min(output, Math.max(0, usage.reasoningTokens));
  const dollarsPerMillion =
    (input - cached) * price.input +
    cached * (price.cachedInput ?? price.input) +
    (output - reasoning) * price.output +
    reasoning * (price.reasoning ?? price.output);
  return dollarsPerMillion / 1_000_000;
}

/**
 * A table with `extra`'s prices over `base`'s: an entry of `extra` replaces the entry of the same
 * key whole (fields it leaves out are not taken from `base`). Neither table is changed.
 */
export function mergePrices(base: PriceTable, extra: PriceTable | undefined): PriceTable {
  if (extra === undefined) return base;
  return Object.freeze({ ...base, ...extra });
}

/** What a run has used so far, for {@link checkBudget}. */
export interface BudgetUsage {
  /** Total tokens (input + output) over the run's model calls. */
  readonly tokens: number;
  /** Cost so far; `undefined` when a call's model has no price. */
  readonly costUsd: number | undefined;
}

/**
 * The error that ends a run over its budget, or `undefined` while it is within it. A limit is
 * exceeded when the amount used is over it (using exactly `maxTokens` is within it); `maxTokens`
 * is checked first. A cost budget cannot be judged without a cost (`costUsd` `undefined`) and is
 * then not reported: check at definition time that every model of an agent with `maxCostUsd`
 * has a price ({@link priceOf}).
 */
export function checkBudget(
  budget: RunBudget | undefined,
  used: BudgetUsage,
): BudgetExceededError | undefined {
  if (budget === undefined) return undefined;
  if (budget.maxTokens !== undefined && used.tokens > budget.maxTokens) {
    return new BudgetExceededError({ limit: "maxTokens", budget: budget.maxTokens, used: used.tokens });
  }
  if (budget.maxCostUsd !== undefined && used.costUsd !== undefined && used.costUsd > budget.maxCostUsd) {
    return new BudgetExceededError({ limit: "maxCostUsd", budget: budget.maxCostUsd, used: used.costUsd });
  }
  return undefined;
}

/**
 * An object with the given fields and no others. An unknown field is reported on its own path
 * with a did-you-mean (`absent: it is not a known field; did you mean \`cachedInput\`?`), so the
 * message is the same wherever the schema is nested.
 */
function closedObject<SHAPE extends z.core.$ZodLooseShape>(shape: SHAPE, error: string) {
  const known = Object.keys(shape);
  return z.looseObject(shape, { error }).superRefine(
    (value, context) => {
      if (typeof value !== "object" || value === null) return;
      for (const key of Object.keys(value)) {
        if (known.includes(key)) continue;
        context.addIssue({
          code: "custom",
          path: [key],
          message: `absent: it is ${unknownKeyHint(key, known)}`,
          input: (value as Record<string, unknown>)[key],
        });
      }
    },
    // Also when a known field is wrong, so that every problem is reported at once.
    { when: () => true },
  );
}

const dollars = z
  .number({ error: "a price in US dollars per million tokens (a finite number)" })
  .min(0, { error: "0 or more (a price in US dollars per million tokens)" });

/** Zod schema of a {@link ModelPrice}: `input` and `output` required, every price 0 or more, no other fields. */
export const modelPriceSchema: z.ZodType<ModelPrice> = closedObject(
  { input: dollars, output: dollars, cachedInput: dollars.optional(), reasoning: dollars.optional() },
  "an object of prices in US dollars per million tokens: { input, output, cachedInput?, reasoning? }",
) as unknown as z.ZodType<ModelPrice>;

/**
 * Zod schema of the definition's `pricing` ({@link PriceTable}): prices keyed by
 * `"provider/modelId"` or `modelId`. Plug it in as `pricing: priceTableSchema.optional()`.
 */
export const priceTableSchema: z.ZodType<PriceTable> = z.record(z.string().min(1), modelPriceSchema, {
  error: (issue) =>
    issue.code === "invalid_key"
      ? 'keys that name a model: "provider/modelId" or "modelId" (not "")'
      : 'an object of model prices keyed by "provider/modelId" or "modelId"',
});

/**
 * Zod schema of the definition's and the run overrides' `budget` ({@link RunBudget}):
 * `maxTokens` a positive integer, `maxCostUsd` a positive number, no other fields. Plug it in as
 * `budget: budgetSchema.optional()`.
 */
export const budgetSchema: z.ZodType<RunBudget> = closedObject(
  {
    // A refinement rather than `.int()`, which would stop the unknown-field check from running.
    maxTokens: z
      .number({ error: "a positive whole number of tokens" })
      .refine((tokens) => Number.isSafeInteger(tokens) && tokens > 0, {
        error: "a positive whole number of tokens",
      })
      .optional(),
    maxCostUsd: z
      .number({ error: "a positive amount of US dollars" })
      .positive({ error: "a positive amount of US dollars" })
      .optional(),
  },
  "an object: { maxTokens?, maxCostUsd? }",
) as unknown as z.ZodType<RunBudget>;

/**
 * Problems with a `pricing` value, each named by its path under `field` (e.g.
 * `pricing.openai/gpt-4o.input must be 0 or more (…)`); empty when it is a valid {@link PriceTable}.
 */
export function validatePriceTable(value: unknown, field = "pricing"): ValidationIssue[] {
  return validate(priceTableSchema, value, field);
}

/** Problems with a `budget` value, each named by its path under `field`; empty when it is a valid {@link RunBudget}. */
export function validateBudget(value: unknown, field = "budget"): ValidationIssue[] {
  return validate(budgetSchema, value, field);
}

function validate(schema: z.ZodType, value: unknown, field: string): ValidationIssue[] {
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? [] : zodIssuesToValidationIssues(result.error.issues, field);
}

/**
 * A cost budget needs a price for every model the run may call (the fallbacks included): a typed
 * error up front, not a run that cannot stop. Run by `createAgent` (definition and overrides) and by the kit, for definitions a host hands
 * a runtime directly. @internal
 */
export function checkPricesForBudget(
  definition: Pick<ResolvedAgentDefinition, "budget" | "models" | "pricing">,
  field = "pricing",
): void {
  if (definition.budget?.maxCostUsd === undefined) return;
  const unpriced = definition.models
    .map(modelInfoOf)
    .filter((info) => priceOf(definition.pricing, info) === undefined)
    .map((info) => `${info.provider}/${info.modelId}`);
  if (unpriced.length === 0) return;
  throw new InvalidDefinitionError({
    issues: [
      {
        field,
        expected: `a price for every model of an agent with budget.maxCostUsd (missing: ${unpriced.join(", ")})`,
      },
    ],
  });
}
