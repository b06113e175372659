import type { MemorySummary } from "./sampling.js";

/** Parts of the memory bench, selectable with `--only=memory-append,…` (`--only=memory`: all). */
export type MemoryPartId = "append" | "load" | "recall" | "turn";

export const MEMORY_PARTS: readonly MemoryPartId[] = ["append", "load", "recall", "turn"];

/** One contestant's figures in one part. */
export interface MemoryRow {
  /** Row id, unique in its part (e.g. `libsql`, `mastra-libsql-exact`, `legacy+memory`). */
  id: string;
  label: string;
  status: "ok" | "unavailable" | "error";
  /** Why there are no numbers, or what to know about them. */
  note?: string;
  /** How it works (e.g. how a vector index searches), printed with the figures. */
  detail?: string;
  /** Distributions, ms. */
  metrics: Record<string, MemorySummary>;
  /** Raw samples, ms. */
  samples: Record<string, number[]>;
  /** Single figures: setup times (ms), counts, recall@k (0 to 1). */
  figures: Record<string, number>;
}

export interface MemorySection {
  id: MemoryPartId;
  title: string;
  rows: MemoryRow[];
  /** Printed under the table. */
  notes: string[];
}

export interface MemoryTarget {
  id: string;
  description: string;
  /** The limit, in `unit`. */
  limit: number;
  unit: "ms" | "×";
  value?: number;
  status: "PASS" | "FAIL" | "n/a";
  /** What was compared (and why n/a). */
  detail: string;
}

export interface MemoryReport {
  quick: boolean;
  parts: MemoryPartId[];
  config: Record<string, number | string>;
  sections: MemorySection[];
  targets: MemoryTarget[];
  /** Stores or runtimes that could not be measured, and why. */
  unavailable: Array<{ what: string; reason: string }>;
  durationMs: number;
}

export function emptyRow(id: string, label: string): MemoryRow {
  return { id, label, status: "ok", metrics: {}, samples: {}, figures: {} };
}
