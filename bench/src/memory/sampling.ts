import { collectGarbage, type Summary, summarize } from "../measure.js";
import { describeError } from "./stores.js";

/** Median and p95 (the memory tables report p95, the loop tables p90). */
export interface MemorySummary extends Summary {
  p95: number;
}

export function summarizeMemory(values: readonly number[]): MemorySummary {
  const summary = summarize(values);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * 0.95;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] ?? Number.NaN;
  return { ...summary, p95: low + ((sorted[upper] ?? low) - low) * (position - lower) };
}

/**
 * Runs `batch` for every contestant in `rounds` rounds, a different contestant first each round,
 * with a full GC before each batch, so drift and the collector hit every contestant alike.
 * A contestant whose batch throws is dropped (its error kept in `errors`).
 */
export async function interleave<T extends { id: string }>(
  contestants: readonly T[],
  rounds: number,
  batch: (contestant: T, round: number) => Promise<void>,
  errors: Map<string, string>,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const active = contestants.filter((contestant) => !errors.has(contestant.id));
    for (let index = 0; index < active.length; index++) {
      const contestant = active[(index + round) % active.length] as T;
      collectGarbage();
      try {
        await batch(contestant, round);
      } catch (error) {
        errors.set(contestant.id, describeError(error));
      }
    }
  }
}
