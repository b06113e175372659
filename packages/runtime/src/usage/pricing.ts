/**
 * Prices of one model in US dollars per million tokens. Cached input tokens are billed at
 * `cachedInput` (at `input` when unset); reasoning tokens are output tokens and billed at
 * `output` unless `reasoning` is set.
 */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cachedInput?: number | undefined;
  readonly reasoning?: number | undefined;
}

/**
 * Prices by model: keys are `"provider/modelId"` (the provider family, as in model strings:
 * `"openai/gpt-4o-mini"`) or a bare `modelId`. The agent's `pricing` is merged over
 * {@link DEFAULT_PRICES}.
 */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** A per-run budget. Checked after each model call: the run ends with status `budget_exceeded` once it is used up. */
export interface RunBudget {
  /** Most tokens (input + output, summed over the run's model calls). */
  readonly maxTokens?: number | undefined;
  /** Most cost in US dollars, from the price table; every model of the agent needs a price. */
  readonly maxCostUsd?: number | undefined;
}
