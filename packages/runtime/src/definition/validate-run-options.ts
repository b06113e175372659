import type { RunOptions } from "../agent-runtime.js";
import { InvalidDefinitionError, type ValidationIssue } from "../errors/invalid-definition-error.js";
import { unknownKeyHint } from "./did-you-mean.js";

const RUN_OPTION_KEYS = [
  "signal",
  "onEvent",
  "runId",
  "context",
  "threadId",
  "resourceId",
  "memory",
  "depth",
] as const;
const MAX_RUN_ID_LENGTH = 200;

/**
 * Checks the options of one run and returns them typed. Throws {@link InvalidDefinitionError}
 * (subject "run options") naming each bad field, e.g. `options.signal` must be an AbortSignal.
 *
 * @param extraKeys Keys a caller layer handles itself (the agent's `overrides`).
 */
export function validateRunOptions(options: unknown, extraKeys: readonly string[] = []): RunOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalid([{ field: "options", expected: "an object of run options", received: describe(options) }]);
  }
  const issues: ValidationIssue[] = [];
  const known = [...RUN_OPTION_KEYS, ...extraKeys];
  const value = options as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    if (key === "overrides") {
      issues.push({
        field: "options.overrides",
        expected:
          "absent here: runtimes receive definitions with overrides applied; pass `overrides` to an agent from createAgent (agent.execute(input, { overrides }))",
      });
      continue;
    }
    issues.push({ field: `options.${key}`, expected: `absent: it is ${unknownKeyHint(key, known)}` });
  }
  const { signal, onEvent, runId, context, threadId, resourceId, memory, depth } = value;
  if (signal !== undefined && !isAbortSignal(signal)) {
    issues.push({ field: "options.signal", expected: "an AbortSignal", received: describe(signal) });
  }
  if (onEvent !== undefined && typeof onEvent !== "function") {
    issues.push({ field: "options.onEvent", expected: "a function", received: describe(onEvent) });
  }
  if (
    runId !== undefined &&
    (typeof runId !== "string" || runId.length === 0 || runId.length > MAX_RUN_ID_LENGTH)
  ) {
    issues.push({
      field: "options.runId",
      expected: `a string of 1 to ${MAX_RUN_ID_LENGTH} characters`,
      received: typeof runId === "string" ? `${runId.length} characters` : describe(runId),
    });
  }
  if (context !== undefined && !isPlainObject(context)) {
    issues.push({
      field: "options.context",
      expected: 'a plain object, e.g. { tenantId: "acme" }',
      received: describe(context),
    });
  }
  for (const [field, id] of [
    ["threadId", threadId],
    ["resourceId", resourceId],
  ] as const) {
    if (id !== undefined && (typeof id !== "string" || id.length === 0 || id.length > MAX_RUN_ID_LENGTH)) {
      issues.push({
        field: `options.${field}`,
        expected: `a string of 1 to ${MAX_RUN_ID_LENGTH} characters`,
        received: typeof id === "string" ? `${id.length} characters` : describe(id),
      });
    }
  }
  if (threadId !== undefined && resourceId === undefined) {
    issues.push({
      field: "options.resourceId",
      expected:
        "set with `threadId`: the tenant or user the thread belongs to (from the host, never from model or user text)",
    });
  }
  if (memory !== undefined && !isPlainObject(memory)) {
    issues.push({
      field: "options.memory",
      expected: "a plain object of memory strategy overrides, e.g. { lastMessages: 5 }",
      received: describe(memory),
    });
  }
  if (depth !== undefined && !(Number.isSafeInteger(depth) && (depth as number) >= 0)) {
    issues.push({
      field: "options.depth",
      expected: "a whole number of 0 or more (agent.asTool() sets it; hosts leave it unset)",
      received: typeof depth === "number" ? String(depth) : describe(depth),
    });
  }
  if (issues.length > 0) throw invalid(issues);
  return value as RunOptions;
}

function invalid(issues: ValidationIssue[]): InvalidDefinitionError {
  return new InvalidDefinitionError({ subject: "run options", issues });
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function" &&
    typeof (value as AbortSignal).removeEventListener === "function"
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor
      ?.name;
    return name && name !== "Object" ? `an instance of ${name}` : "an object";
  }
  return typeof value;
}
