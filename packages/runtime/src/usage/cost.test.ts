import { describe, expect, it } from "vitest";
import { BudgetExceededError } from "../errors/budget-exceeded-error.js";
import type { TokenUsage } from "../run-result.js";
import {
  budgetSchema,
  checkBudget,
  costOf,
  DEFAULT_PRICES,
  mergePrices,
  modelPriceSchema,
  priceOf,
  priceTableSchema,
  validateBudget,
  validatePriceTable,
} from "./cost.js";
import type { PriceTable } from "./pricing.js";

const usage = (fields: Partial<TokenUsage>): TokenUsage => {
  const inputTokens = fields.inputTokens ?? 0;
  const outputTokens = fields.outputTokens ?? 0;
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    reasoningTokens: 0,
    cachedInputTokens: 0,
    ...fields,
  };
};

describe("DEFAULT_PRICES", () => {
  it("is a valid, frozen table of the well-known models", () => {
    expect(validatePriceTable(DEFAULT_PRICES)).toEqual([]);
    expect(Object.isFrozen(DEFAULT_PRICES)).toBe(true);
    expect(Object.keys(DEFAULT_PRICES)).toEqual(
      expect.arrayContaining([
        "openai/gpt-4o",
        "openai/gpt-4o-mini",
        "openai/gpt-4.1",
        "openai/gpt-4.1-mini",
        "openai/gpt-4.1-nano",
        "openai/o4-mini",
        "anthropic/claude-sonnet-4",
        "anthropic/claude-sonnet-4-5",
        "anthropic/claude-opus-4-1",
        "anthropic/claude-haiku-4-5",
        "anthropic/claude-3-5-haiku",
        "google/gemini-2.5-pro",
        "google/gemini-2.5-flash",
      ]),
    );
    for (const price of Object.values(DEFAULT_PRICES)) {
      expect(price.output).toBeGreaterThan(price.input);
      if (price.cachedInput !== undefined) expect(price.cachedInput).toBeLessThan(price.input);
    }
  });
});

describe("priceOf", () => {
  const table: PriceTable = {
    "acme/large": { input: 2, output: 8 },
    large: { input: 1, output: 3 },
    "solo-model": { input: 5, output: 5 },
    "openai/gpt-4o": { input: 2.5, output: 10 },
  };

  it("finds family/modelId, the family being the provider id's first segment", () => {
    expect(priceOf(table, { provider: "acme.chat", modelId: "large" })).toEqual({ input: 2, output: 8 });
    expect(priceOf(table, { provider: "acme", modelId: "large" })).toEqual({ input: 2, output: 8 });
  });

  it("falls back to the bare modelId", () => {
    expect(priceOf(table, { provider: "other.chat", modelId: "large" })).toEqual({ input: 1, output: 3 });
    expect(priceOf(table, { provider: "acme.chat", modelId: "solo-model" })).toEqual({ input: 5, output: 5 });
    // A gateway's model id is "provider/modelId".
    expect(priceOf(table, { provider: "gateway", modelId: "openai/gpt-4o" })).toEqual({
      input: 2.5,
      output: 10,
    });
  });

  it("prices dated and versioned ids as their model, the longest key first", () => {
    const defaults = (provider: string, modelId: string) => priceOf(DEFAULT_PRICES, { provider, modelId });
    expect(defaults("openai.chat", "gpt-4o-mini-2024-07-18")).toBe(DEFAULT_PRICES["openai/gpt-4o-mini"]);
    expect(defaults("openai.responses", "gpt-4o-2024-08-06")).toBe(DEFAULT_PRICES["openai/gpt-4o"]);
    expect(defaults("openai.responses", "gpt-4.1-mini-2025-04-14")).toBe(
      DEFAULT_PRICES["openai/gpt-4.1-mini"],
    );
    expect(defaults("anthropic.messages", "claude-sonnet-4-20250514")).toBe(
      DEFAULT_PRICES["anthropic/claude-sonnet-4"],
    );
    expect(defaults("anthropic.messages", "claude-sonnet-4-5-20250929")).toBe(
      DEFAULT_PRICES["anthropic/claude-sonnet-4-5"],
    );
    expect(defaults("anthropic.messages", "claude-3-5-haiku-latest")).toBe(
      DEFAULT_PRICES["anthropic/claude-3-5-haiku"],
    );
    expect(defaults("gateway", "openai/gpt-4o-mini-2024-07-18")).toBe(DEFAULT_PRICES["openai/gpt-4o-mini"]);
    expect(priceOf(table, { provider: "x", modelId: "large-2025-01-01" })).toEqual({ input: 1, output: 3 });
    expect(priceOf(table, { provider: "acme.chat", modelId: "large-2025-01-01" })).toEqual({
      input: 2,
      output: 8,
    });
  });

  it("does not take another model of the same family for a versioned one", () => {
    const defaults = (provider: string, modelId: string) => priceOf(DEFAULT_PRICES, { provider, modelId });
    expect(defaults("openai.chat", "gpt-4o-realtime-preview")).toBeUndefined();
    expect(defaults("google.generative-ai", "gemini-2.5-flash-lite")).toBeUndefined();
    expect(defaults("openai.chat", "gpt-4o1")).toBeUndefined();
    expect(defaults("openai.chat", "gpt-5")).toBeUndefined();
    expect(defaults("anthropic.messages", "claude-opus-4-20250514")).toBeUndefined();
  });

  it("only knows the table's own keys", () => {
    expect(priceOf(table, { provider: "x", modelId: "toString" })).toBeUndefined();
    expect(priceOf(table, { provider: "x", modelId: "constructor" })).toBeUndefined();
    expect(priceOf({}, { provider: "openai.chat", modelId: "gpt-4o" })).toBeUndefined();
  });
});

describe("costOf", () => {
  it("bills cached input, other input, reasoning and other output at their prices", () => {
    // 600 × $2 + 400 × $0.5 + 150 × $8 + 50 × $10, per million tokens.
    const cost = costOf(
      usage({ inputTokens: 1000, cachedInputTokens: 400, outputTokens: 200, reasoningTokens: 50 }),
      { input: 2, output: 8, cachedInput: 0.5, reasoning: 10 },
    );
    expect(cost).toBeCloseTo(0.0031, 12);
  });

  it("bills cached input at the input price and reasoning at the output price when they have none", () => {
    const cost = costOf(
      usage({ inputTokens: 1000, cachedInputTokens: 400, outputTokens: 200, reasoningTokens: 50 }),
      { input: 1, output: 3 },
    );
    expect(cost).toBeCloseTo(0.0016, 12);
  });

  it("is 0 for no tokens and caps counts that do not add up", () => {
    expect(costOf(usage({}), { input: 1, output: 1 })).toBe(0);
    // More cached than input, more reasoning than output: never billed twice.
    const cost = costOf(
      usage({ inputTokens: 100, cachedInputTokens: 500, outputTokens: 10, reasoningTokens: 99 }),
      { input: 1, cachedInput: 0.5, output: 2, reasoning: 4 },
    );
    expect(cost).toBeCloseTo((100 * 0.5 + 10 * 4) / 1_000_000, 15);
    expect(costOf(usage({ inputTokens: -5, outputTokens: 1_000_000 }), { input: 1, output: 2 })).toBe(2);
  });

  it("prices a real model from the default table", () => {
    const price = priceOf(DEFAULT_PRICES, { provider: "openai.chat", modelId: "gpt-4o-mini" });
    expect(price).toBeDefined();
    // 1M input, of which 500k cached, and 100k output.
    const cost = costOf(
      usage({ inputTokens: 1_000_000, cachedInputTokens: 500_000, outputTokens: 100_000 }),
      price!,
    );
    expect(cost).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.075 + 0.1 * 0.6, 12);
  });
});

describe("mergePrices", () => {
  it("lays extra prices over the base, entry by entry, changing neither", () => {
    const base: PriceTable = { a: { input: 1, output: 2, cachedInput: 0.5 }, b: { input: 3, output: 4 } };
    const extra: PriceTable = { a: { input: 10, output: 20 }, c: { input: 5, output: 6 } };
    const merged = mergePrices(base, extra);
    expect(merged).toEqual({
      a: { input: 10, output: 20 },
      b: { input: 3, output: 4 },
      c: { input: 5, output: 6 },
    });
    expect(base.a).toEqual({ input: 1, output: 2, cachedInput: 0.5 });
    expect(Object.keys(extra)).toEqual(["a", "c"]);
    expect(mergePrices(base, undefined)).toBe(base);
    expect(
      priceOf(mergePrices(DEFAULT_PRICES, { "openai/gpt-4o": { input: 1, output: 1 } }), {
        provider: "openai.responses",
        modelId: "gpt-4o-2024-11-20",
      }),
    ).toEqual({ input: 1, output: 1 });
  });
});

describe("checkBudget", () => {
  it("reports a token budget once the tokens used are over it", () => {
    expect(checkBudget({ maxTokens: 20 }, { tokens: 15, costUsd: undefined })).toBeUndefined();
    expect(checkBudget({ maxTokens: 20 }, { tokens: 20, costUsd: undefined })).toBeUndefined();
    const error = checkBudget({ maxTokens: 20 }, { tokens: 30, costUsd: undefined });
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "BUDGET_EXCEEDED", limit: "maxTokens", budget: 20, used: 30 });
    expect(error?.message).toContain("30 tokens");
  });

  it("reports a cost budget once the cost is over it", () => {
    expect(checkBudget({ maxCostUsd: 0.005 }, { tokens: 1, costUsd: 0.0031 })).toBeUndefined();
    expect(checkBudget({ maxCostUsd: 0.005 }, { tokens: 1, costUsd: 0.0062 })).toMatchObject({
      limit: "maxCostUsd",
      budget: 0.005,
      used: 0.0062,
    });
  });

  it("checks tokens first, and cannot judge a cost it does not know", () => {
    expect(checkBudget({ maxTokens: 10, maxCostUsd: 0.001 }, { tokens: 11, costUsd: 1 })).toMatchObject({
      limit: "maxTokens",
    });
    expect(checkBudget({ maxCostUsd: 0.001 }, { tokens: 1_000_000, costUsd: undefined })).toBeUndefined();
    expect(checkBudget(undefined, { tokens: 1_000_000, costUsd: 100 })).toBeUndefined();
    expect(checkBudget({}, { tokens: 1_000_000, costUsd: 100 })).toBeUndefined();
  });
});

describe("priceTableSchema, budgetSchema and their validators", () => {
  it("accept valid values", () => {
    const table = {
      "acme/large": { input: 0, output: 1.5, cachedInput: 0.1, reasoning: 2 },
      small: { input: 1, output: 2 },
    };
    expect(priceTableSchema.safeParse(table).success).toBe(true);
    expect(priceTableSchema.parse(table)).toEqual(table);
    expect(validatePriceTable({})).toEqual([]);
    expect(budgetSchema.parse({ maxTokens: 1000, maxCostUsd: 0.5 })).toEqual({
      maxTokens: 1000,
      maxCostUsd: 0.5,
    });
    expect(validateBudget({})).toEqual([]);
  });

  it("name every bad price, negative or not a number, and every unknown field with a did-you-mean", () => {
    expect(
      validatePriceTable({
        "openai/gpt-4.1": { input: -1, output: "8", cahcedInput: 0.5 },
        "x/y": { input: 1, output: Number.POSITIVE_INFINITY },
        "z/w": { input: 1 },
      }),
    ).toEqual([
      {
        field: "pricing.openai/gpt-4.1.input",
        expected: "0 or more (a price in US dollars per million tokens)",
      },
      {
        field: "pricing.openai/gpt-4.1.output",
        expected: "a price in US dollars per million tokens (a finite number)",
      },
      {
        field: "pricing.openai/gpt-4.1.cahcedInput",
        expected: "absent: it is not a known field; did you mean `cachedInput`?",
      },
      { field: "pricing.x/y.output", expected: "a price in US dollars per million tokens (a finite number)" },
      { field: "pricing.z/w.output", expected: "a price in US dollars per million tokens (a finite number)" },
    ]);
  });

  it("name a table or price that is not an object", () => {
    expect(validatePriceTable([1])).toEqual([
      { field: "pricing", expected: 'an object of model prices keyed by "provider/modelId" or "modelId"' },
    ]);
    expect(validatePriceTable({ a: null }, "overrides.pricing")).toEqual([
      {
        field: "overrides.pricing.a",
        expected:
          "an object of prices in US dollars per million tokens: { input, output, cachedInput?, reasoning? }",
      },
    ]);
    expect(validatePriceTable({ "": { input: 1, output: 1 } })).toEqual([
      { field: "pricing", expected: 'keys that name a model: "provider/modelId" or "modelId" (not "")' },
    ]);
    expect(modelPriceSchema.safeParse({ input: 1, output: 1 }).success).toBe(true);
  });

  it("name every bad budget field", () => {
    expect(validateBudget({ maxTokens: 1.5, maxCostUsd: -1, maxCost: 2 })).toEqual([
      { field: "budget.maxTokens", expected: "a positive whole number of tokens" },
      { field: "budget.maxCostUsd", expected: "a positive amount of US dollars" },
      { field: "budget.maxCost", expected: "absent: it is not a known field; did you mean `maxCostUsd`?" },
    ]);
    expect(validateBudget({ maxTokens: 0 }, "overrides.budget")).toEqual([
      { field: "overrides.budget.maxTokens", expected: "a positive whole number of tokens" },
    ]);
    expect(validateBudget({ maxTokens: "5", maxCostUsd: Number.NaN, tokens: 5 })).toEqual([
      { field: "budget.maxTokens", expected: "a positive whole number of tokens" },
      { field: "budget.maxCostUsd", expected: "a positive amount of US dollars" },
      {
        field: "budget.tokens",
        expected: "absent: it is not a known field (known: `maxTokens`, `maxCostUsd`)",
      },
    ]);
    expect(validateBudget(5)).toEqual([
      { field: "budget", expected: "an object: { maxTokens?, maxCostUsd? }" },
    ]);
  });
});
