import type { LanguageModelV4 } from "@ai-sdk/provider";
import {
  InvalidDefinitionError,
  isLanguageModelV4,
  type MemoryStrategySettings,
  type ValidationIssue,
} from "@flowmaestro/runtime";
import { z } from "zod";
import { DEFAULT_LAST_MESSAGES } from "../strategies/buffer.js";
import {
  DEFAULT_RECALL_MESSAGE_RANGE,
  DEFAULT_RECALL_TOP_K,
  type ResolvedSemanticRecallSettings,
} from "../strategies/semantic-recall.js";
import {
  DEFAULT_SUMMARY_KEEP_MESSAGES,
  DEFAULT_SUMMARY_TRIGGER_MESSAGES,
  type ResolvedSummarySettings,
} from "../strategies/summary.js";
import {
  DEFAULT_WORKING_MEMORY_TEMPLATE,
  type ResolvedWorkingMemorySettings,
} from "../strategies/working-memory.js";
import { toValidationIssues } from "./validation-issues.js";

/** Largest `semanticRecall.topK`. */
export const MAX_RECALL_TOP_K = 100;
/** Largest `semanticRecall.messageRange` (each side). */
export const MAX_RECALL_MESSAGE_RANGE = 50;

/**
 * The strategy settings of a memory with every default applied, as `memory.settings` reports them.
 * A strategy that is off is `false`.
 */
export interface ResolvedMemorySettings {
  /** Buffer: how many recent messages each run sends; `false` sends none. @default 20 */
  readonly lastMessages: number | false;
  /** Buffer token budget (characters / 4); unset means none. */
  readonly maxHistoryTokens?: number | undefined;
  /** Summary settings, or `false` when off. @default false */
  readonly summary: ResolvedSummarySettings | false;
  /** Semantic recall settings, or `false` when off. @default false */
  readonly semanticRecall: ResolvedSemanticRecallSettings | false;
  /** Working memory settings, or `false` when off. @default false */
  readonly workingMemory: ResolvedWorkingMemorySettings | false;
}

const count = (min: number, max = Number.MAX_SAFE_INTEGER) => z.int().min(min).max(max);

const summarySchema = z.strictObject({
  model: z
    .custom<LanguageModelV4>(isLanguageModelV4, {
      error: 'an AI SDK v4 language model object (e.g. openai("gpt-4o-mini"))',
    })
    .optional(),
  triggerMessages: count(1).optional(),
  keepMessages: count(0).optional(),
});

const rangeSchema = count(0, MAX_RECALL_MESSAGE_RANGE);
const semanticRecallSchema = z.strictObject({
  topK: count(1, MAX_RECALL_TOP_K).optional(),
  messageRange: z
    .union([rangeSchema, z.strictObject({ before: rangeSchema, after: rangeSchema })], {
      error: `an integer from 0 to ${MAX_RECALL_MESSAGE_RANGE} or { before, after }`,
    })
    .optional(),
  scope: z.enum(["thread", "resource"]).optional(),
});

const workingMemorySchema = z.strictObject({
  scope: z.enum(["resource", "thread"]).optional(),
  template: z
    .string()
    .refine((template) => template.trim().length > 0, { error: "a non-empty markdown template" })
    .optional(),
  schema: z
    .record(z.string(), z.unknown(), { error: "a JSON Schema object" })
    .refine((schema) => schema.type === undefined || schema.type === "object", {
      error: 'a JSON Schema of an object (`type: "object"`)',
    })
    .optional(),
});

/**
 * `false` (off) or the strategy's object. Not a `z.union`: a union reports an object with two bad
 * fields as one vague "invalid input"; this reports each field.
 */
const offOr = <T extends z.ZodType>(schema: T, what: string) =>
  z
    .unknown()
    .transform((value, context): z.output<T> | false | undefined => {
      if (value === undefined || value === false) return value;
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        context.addIssue({ code: "custom", message: `false or an object of ${what} settings`, input: value });
        return z.NEVER;
      }
      const parsed = schema.safeParse(value, { reportInput: true });
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) context.addIssue({ ...issue });
      return z.NEVER;
    })
    .optional();

/** @internal Zod shape of {@link MemoryStrategySettings}. */
export const strategySettingsShape = {
  lastMessages: z
    .union([z.literal(false), count(0)], { error: "a non-negative integer or false" })
    .optional(),
  maxHistoryTokens: count(1).optional(),
  summary: offOr(summarySchema, "summary"),
  semanticRecall: offOr(semanticRecallSchema, "semantic recall"),
  workingMemory: offOr(workingMemorySchema, "working memory"),
};

const strategySettingsSchema = z.strictObject(strategySettingsShape);

/**
 * Validates strategy settings (of `createMemory`, or a run's overrides) and throws one
 * {@link InvalidDefinitionError} naming every bad field under `prefix` (`memory.semanticRecall.topK`,
 * `options.memory.lastMessages`).
 * @internal
 */
export function parseStrategySettings(
  value: unknown,
  prefix: string,
  subject: string,
): MemoryStrategySettings {
  const parsed = strategySettingsSchema.safeParse(value ?? {}, { reportInput: true });
  const issues: ValidationIssue[] = parsed.success ? [] : toValidationIssues(parsed.error.issues, prefix);
  if (parsed.success) {
    const workingMemory = parsed.data.workingMemory;
    if (workingMemory && workingMemory.template !== undefined && workingMemory.schema !== undefined) {
      issues.push({
        field: `${prefix}.workingMemory.schema`,
        expected: "absent when `template` is set (working memory takes a template or a schema, not both)",
      });
    }
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject, issues });
  return withoutUndefined(parsed.data as MemoryStrategySettings);
}

/** Settings with every default applied. @internal */
export function resolveSettings(settings: MemoryStrategySettings): ResolvedMemorySettings {
  return applySettings(
    {
      lastMessages: DEFAULT_LAST_MESSAGES,
      summary: false,
      semanticRecall: false,
      workingMemory: false,
    },
    settings,
  );
}

/**
 * `base` changed by validated `overrides`: a scalar replaces; a strategy set to `false` is off; a
 * strategy object changes only the fields it sets (turning a strategy on starts from its defaults).
 * For working memory, a `template` replaces a `schema` and the other way round.
 * @internal
 */
export function applySettings(
  base: ResolvedMemorySettings,
  overrides: MemoryStrategySettings,
): ResolvedMemorySettings {
  const out: {
    -readonly [K in keyof ResolvedMemorySettings]: ResolvedMemorySettings[K];
  } = { ...base };
  if (overrides.lastMessages !== undefined) {
    out.lastMessages = overrides.lastMessages === 0 ? false : overrides.lastMessages;
  }
  if (overrides.maxHistoryTokens !== undefined) out.maxHistoryTokens = overrides.maxHistoryTokens;

  const summary = overrides.summary;
  if (summary === false) out.summary = false;
  else if (summary !== undefined) {
    // The history window bounds what is not yet summarised: a trigger above `lastMessages` would
    // let the oldest unsummarised messages fall out of both the history and the summary.
    const trigger =
      typeof out.lastMessages === "number"
        ? Math.min(DEFAULT_SUMMARY_TRIGGER_MESSAGES, out.lastMessages)
        : DEFAULT_SUMMARY_TRIGGER_MESSAGES;
    const from: ResolvedSummarySettings = base.summary || {
      triggerMessages: trigger,
      keepMessages: Math.min(DEFAULT_SUMMARY_KEEP_MESSAGES, Math.floor(trigger / 2)),
    };
    out.summary = {
      ...from,
      ...(summary.model === undefined ? {} : { model: summary.model }),
      ...(summary.triggerMessages === undefined ? {} : { triggerMessages: summary.triggerMessages }),
      ...(summary.keepMessages === undefined ? {} : { keepMessages: summary.keepMessages }),
    };
  }

  const recall = overrides.semanticRecall;
  if (recall === false) out.semanticRecall = false;
  else if (recall !== undefined) {
    const from: ResolvedSemanticRecallSettings = base.semanticRecall || {
      topK: DEFAULT_RECALL_TOP_K,
      messageRange: { before: DEFAULT_RECALL_MESSAGE_RANGE, after: DEFAULT_RECALL_MESSAGE_RANGE },
      scope: "resource",
    };
    const range = recall.messageRange;
    out.semanticRecall = {
      topK: recall.topK ?? from.topK,
      messageRange:
        range === undefined
          ? from.messageRange
          : typeof range === "number"
            ? { before: range, after: range }
            : { before: range.before, after: range.after },
      scope: recall.scope ?? from.scope,
    };
  }

  const working = overrides.workingMemory;
  if (working === false) out.workingMemory = false;
  else if (working !== undefined) {
    const from = base.workingMemory || {
      scope: "resource" as const,
      template: DEFAULT_WORKING_MEMORY_TEMPLATE,
    };
    const scope = working.scope ?? from.scope;
    out.workingMemory =
      working.schema !== undefined
        ? { scope, schema: working.schema }
        : working.template !== undefined
          ? { scope, template: working.template }
          : from.schema !== undefined
            ? { scope, schema: from.schema }
            : { scope, template: from.template ?? DEFAULT_WORKING_MEMORY_TEMPLATE };
  }
  return out;
}

/**
 * Checks settings as a whole, after defaults and overrides: `keepMessages` must be below
 * `triggerMessages`, or a summary would never fold anything, and `triggerMessages` at most
 * `lastMessages`, or messages would drop out of both the history and the summary.
 * @internal
 */
export function settingsIssues(settings: ResolvedMemorySettings, prefix: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (settings.summary && settings.summary.keepMessages >= settings.summary.triggerMessages) {
    issues.push({
      field: `${prefix}.summary.keepMessages`,
      expected: `less than summary.triggerMessages (${settings.summary.triggerMessages})`,
      received: String(settings.summary.keepMessages),
    });
  }
  if (
    settings.summary &&
    typeof settings.lastMessages === "number" &&
    settings.summary.triggerMessages > settings.lastMessages
  ) {
    issues.push({
      field: `${prefix}.summary.triggerMessages`,
      expected: `at most lastMessages (${settings.lastMessages}): older messages not yet summarised would be sent neither as history nor in the summary`,
      received: String(settings.summary.triggerMessages),
    });
  }
  return issues;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
