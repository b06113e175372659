import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { z } from "zod";
import { toValidationIssues } from "../json-schema-tool/to-validation-issues.js";
import { sqlNumber, sqlOptional } from "./sql-values.js";

/** Keep the last messages of the conversation. */
export interface BufferMemorySettings {
  readonly type: "buffer";
  /** How many recent messages to keep; the memory package's default when unset. */
  readonly maxMessages?: number;
}

/** Keep the last messages and summarise older ones. */
export interface SummaryMemorySettings {
  readonly type: "summary";
  /** How many recent messages to keep verbatim; the memory package's default when unset. */
  readonly maxMessages?: number;
  /** `"provider/model"` that writes the summaries; the agent's model when unset. */
  readonly summaryModel?: string;
}

/** Recall earlier messages by similarity. */
export interface VectorMemorySettings {
  readonly type: "vector";
  /** How many messages to recall (1 to 50); the memory package's default when unset. */
  readonly topK?: number;
  /** `"provider/model"` of the embedding model; the memory package's default when unset. */
  readonly embeddingModel?: string;
  /** Recall from this thread only, or from every thread of the same resource (user). */
  readonly scope?: "thread" | "resource";
}

/**
 * An agent's memory settings, validated, as a stored record's `memory_config` holds them. The
 * memory package consumes them; fields left out mean "that package's default".
 */
export type MemorySettings = BufferMemorySettings | SummaryMemorySettings | VectorMemorySettings;

const positiveInteger = sqlNumber(z.number().int().positive().optional());

/** @internal Zod schema of {@link MemorySettings}; unknown keys are dropped. */
export const memorySettingsSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("buffer"), maxMessages: positiveInteger }),
  z.object({
    type: z.literal("summary"),
    maxMessages: positiveInteger,
    summaryModel: sqlOptional(z.string().min(1)),
  }),
  z.object({
    type: z.literal("vector"),
    topK: sqlNumber(z.number().int().min(1).max(50).optional()),
    embeddingModel: sqlOptional(z.string().min(1)),
    scope: sqlOptional(z.enum(["thread", "resource"])),
  }),
]);

/**
 * Validates memory settings (e.g. a `memory_config` column). Numeric strings are accepted for
 * numbers and `null` counts as absent, as SQL drivers return them; unknown keys are dropped.
 *
 * @throws {InvalidDefinitionError} naming each bad field under `field`, e.g. `memory_config.type`.
 */
export function parseMemorySettings(value: unknown, field = "memory_config"): MemorySettings {
  const parsed = memorySettingsSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidDefinitionError({
      subject: "memory settings",
      issues: toValidationIssues(parsed.error.issues, field),
    });
  }
  return withoutUndefined(parsed.data) as MemorySettings;
}

/** @internal Drops keys whose value is `undefined`, so settings compare and print cleanly. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
