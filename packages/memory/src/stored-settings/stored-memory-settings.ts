import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { z } from "zod";
import { toValidationIssues } from "../memory/validation-issues.js";
import { sqlNumber, sqlOptional } from "./sql-values.js";

/** Stored memory settings: keep the last messages of the conversation. */
export interface BufferMemorySettings {
  readonly type: "buffer";
  /** How many recent messages to keep; the memory package's default (20) when unset. */
  readonly maxMessages?: number;
}

/** Stored memory settings: keep the last messages and summarise older ones. */
export interface SummaryMemorySettings {
  readonly type: "summary";
  /** How many recent messages to keep verbatim; the memory package's default (10) when unset. */
  readonly maxMessages?: number;
  /** `"provider/model"` that writes the summaries; the agent's model when unset. */
  readonly summaryModel?: string;
}

/** Stored memory settings: recall earlier messages by similarity. */
export interface VectorMemorySettings {
  readonly type: "vector";
  /** How many messages to recall (1 to 50); the memory package's default (3) when unset. */
  readonly topK?: number;
  /** `"provider/model"` of the embedding model; the host chooses one when unset. */
  readonly embeddingModel?: string;
  /** Recall from this thread only, or from every thread of the same resource (user). */
  readonly scope?: "thread" | "resource";
}

/**
 * An agent's memory settings as a stored FlowMaestro record's `memory_config` holds them,
 * validated. Fields left out mean "the memory package's default". Map them onto `createMemory`
 * options with {@link memoryStrategiesFromStored}.
 */
export type MemorySettings = BufferMemorySettings | SummaryMemorySettings | VectorMemorySettings;

const positiveInteger = sqlNumber(z.number().int().positive().optional());

/**
 * Zod schema of {@link MemorySettings} (lenient as SQL drivers are: numeric strings for numbers,
 * `null` for absent; unknown keys dropped), for hosts that validate a stored record as one schema.
 * Prefer {@link parseMemorySettings}, which throws a typed error.
 */
export const storedMemorySettingsSchema = z.discriminatedUnion("type", [
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
 * Validates stored memory settings (e.g. a `memory_config` column). Numeric strings are accepted for
 * numbers and `null` counts as absent, as SQL drivers return them; unknown keys are dropped.
 *
 * @param field Name of the value in error messages. @default "memory_config"
 * @throws {InvalidDefinitionError} naming each bad field under `field`, e.g. `memory_config.type`.
 */
export function parseMemorySettings(value: unknown, field = "memory_config"): MemorySettings {
  const parsed = storedMemorySettingsSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidDefinitionError({
      subject: "memory settings",
      issues: toValidationIssues(parsed.error.issues, field),
    });
  }
  return Object.fromEntries(
    Object.entries(parsed.data).filter(([, entry]) => entry !== undefined),
  ) as unknown as MemorySettings;
}
