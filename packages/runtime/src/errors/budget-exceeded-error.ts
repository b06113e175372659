import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/** The run used up its budget (`budget.maxTokens` or `budget.maxCostUsd`). */
export class BudgetExceededError extends AgentSdkError {
  /** Which limit: `maxTokens` or `maxCostUsd`. */
  readonly limit: "maxTokens" | "maxCostUsd";
  readonly budget: number;
  readonly used: number;

  constructor(options: { limit: "maxTokens" | "maxCostUsd"; budget: number; used: number }) {
    const unit = options.limit === "maxTokens" ? " tokens" : " USD";
    super({
      code: "BUDGET_EXCEEDED",
      category: "runtime",
      message: `The run stopped: it used ${round(options.used)}${unit}, over its budget.${options.limit} of ${options.budget}${unit}. Raise the budget or make the task smaller.`,
    });
    this.name = "BudgetExceededError";
    this.limit = options.limit;
    this.budget = options.budget;
    this.used = options.used;
  }

  static override isInstance = hasCode<BudgetExceededError>("BUDGET_EXCEEDED");
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
