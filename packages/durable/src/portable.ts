import { AgentSdkError, type RunResult, redactSecrets } from "@flowmaestro/runtime";
import { decodeJson, encodeJson } from "@flowmaestro/runtime/kit";

/**
 * An error as it crosses processes: what `AgentSdkError.toJSON` keeps and, for a run's own error
 * and a model call's, the typed error's fields (`statusCode` and `retryable` of a `ModelError`,
 * `limit`, `budget` and `used` of a `BudgetExceededError`, `issues`…; never `cause` or `stack`).
 * @internal
 */
export interface PortableError {
  readonly name: string;
  readonly code: string;
  readonly category: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** Keys that are not a typed error's own fields, or that no revived error may take. */
const NOT_FIELDS = new Set(["name", "code", "category", "message", "cause", "stack", "fields"]);
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** A run result as a workflow returns it: JSON, errors as {@link PortableError}. @internal */
export type PortableRunResult = { readonly __portable: "flowmaestro.run-result" } & Record<string, unknown>;

/** What a workflow returns when the run was refused (invalid input or options). @internal */
export interface PortableRejection {
  readonly __portable: "flowmaestro.run-rejected";
  readonly error: PortableError;
}

/**
 * The JSON form of an error: typed errors keep code, category, (redacted) message and, unless
 * `fields` is false, their own JSON fields. @internal
 */
export function toPortableError(error: unknown, options: { fields?: boolean } = {}): PortableError {
  if (AgentSdkError.isInstance(error)) {
    if (options.fields === false) return error.toJSON();
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(error)) {
      if (NOT_FIELDS.has(key) || UNSAFE_KEYS.has(key) || value === undefined) continue;
      try {
        fields[key] = JSON.parse(JSON.stringify(value));
      } catch {
        // A field that is not JSON (none of the SDK's errors has one) stays behind.
      }
    }
    return { ...error.toJSON(), ...(Object.keys(fields).length === 0 ? {} : { fields }) };
  }
  // Stored in the DBOS system database and handed to other workers: secrets removed, as the SDK's
  // own errors have them removed.
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  return { name: "AgentSdkError", code: "INTERNAL", category: "runtime", message };
}

/**
 * A typed error again, from its JSON form: its code, category, message, name and fields
 * (`isInstance` by code holds; the subclass does not). @internal
 */
export function fromPortableError(error: PortableError): AgentSdkError {
  const revived = new AgentSdkError({
    code: error.code as AgentSdkError["code"],
    category: error.category as AgentSdkError["category"],
    message: error.message,
  });
  revived.name = error.name;
  for (const [key, value] of Object.entries(error.fields ?? {})) {
    if (NOT_FIELDS.has(key) || UNSAFE_KEYS.has(key)) continue;
    Object.defineProperty(revived, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return revived;
}

/** JSON-safe copy of any value: typed errors as their JSON, bytes, URLs and dates tagged. @internal */
export function toPortable(value: unknown): unknown {
  return encodeJson(withPortableErrors(value));
}

function withPortableErrors(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Error) return toPortableError(value, { fields: false });
  if (
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    value instanceof URL ||
    value instanceof Date
  )
    return value;
  if (Array.isArray(value)) return value.map(withPortableErrors);
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) out[key] = withPortableErrors(entry);
  return out;
}

/** Reverses {@link toPortable} (errors stay JSON). @internal */
export function fromPortable(value: unknown): unknown {
  return decodeJson(value);
}

/** A run result as JSON, for the workflow's return value. @internal */
export function toPortableResult(result: RunResult): PortableRunResult {
  const portable = toPortable(result) as Record<string, unknown>;
  return {
    __portable: "flowmaestro.run-result",
    ...portable,
    // The run's own error keeps its fields (a ModelError's statusCode, a budget's limit…).
    ...(result.error === undefined ? {} : { error: encodeJson(toPortableError(result.error)) }),
  };
}

/**
 * A run result from its JSON form: `error` and each tool result's `error` are typed errors again
 * (`AgentSdkError` with the original code, category and message; `error` with its fields too).
 */
export function fromPortableResult(portable: PortableRunResult): RunResult {
  const { __portable: _, ...rest } = fromPortable(portable) as PortableRunResult;
  const result = rest as unknown as RunResult & { error?: unknown };
  const revive = (error: unknown) =>
    error && typeof error === "object" && "code" in error ? fromPortableError(error as PortableError) : error;
  return {
    ...result,
    ...(result.error === undefined ? {} : { error: revive(result.error) as AgentSdkError }),
    steps: result.steps.map((step) => ({
      ...step,
      toolResults: step.toolResults.map((record) =>
        record.error === undefined ? record : { ...record, error: revive(record.error) as AgentSdkError },
      ),
    })),
  };
}

/** The run result, or the typed error (thrown) of a run its workflow refused. @internal */
export function fromPortableOutcome(outcome: PortableRunResult | PortableRejection): RunResult {
  if (outcome.__portable === "flowmaestro.run-rejected") {
    throw fromPortableError((outcome as PortableRejection).error);
  }
  return fromPortableResult(outcome as PortableRunResult);
}
