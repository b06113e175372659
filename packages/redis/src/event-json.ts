import {
  type AgentEvent,
  AgentSdkError,
  type AgentSdkErrorCode,
  type ErrorCategory,
  redactSecrets,
} from "@flowmaestro/runtime";

// The tags match the kit's stored-run JSON (`encodeJson` of `@flowmaestro/runtime/kit`), plus
// errors, bigints and cycles, which events may carry and stored runs do not (the kit's encoder
// throws on them, and an event encoder must never throw); keep the three shared tags in step.
const BYTES = "$fm.bytes";
const URL_KEY = "$fm.url";
const DATE = "$fm.date";
const ERROR = "$fm.error";
const BIGINT = "$fm.bigint";

/** What an error becomes on the wire: `AgentSdkError.toJSON()` (no `cause`), tagged. */
interface ErrorJson {
  readonly name: string;
  readonly message: string;
  readonly code?: AgentSdkErrorCode;
  readonly category?: ErrorCategory;
}

/**
 * An event as JSON text. Bytes become base64, URLs and Dates their text, bigints their digits,
 * each tagged; SDK errors become their `toJSON()` (name, code, category, message: never `cause`),
 * other errors their name and redacted message. Never throws: cycles become `"[Circular]"`,
 * functions and symbols are dropped as `JSON.stringify` drops them.
 * @internal
 */
export function encodeEvent(event: AgentEvent): string {
  return JSON.stringify(toJsonValue(event, new WeakSet()));
}

/**
 * Reverses {@link encodeEvent}. Errors come back as `AgentSdkError`s with their code, category,
 * name and message (so `ToolExecutionError.isInstance(error)`, which checks the code, holds), but
 * without the subclass's own fields; other errors as plain `Error`s.
 * @internal
 */
export function decodeEvent(text: string): AgentEvent {
  return JSON.parse(text, (_key, value: unknown) => revive(value)) as AgentEvent;
}

function toJsonValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === "bigint") return { [BIGINT]: value.toString() };
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return { [BYTES]: Buffer.from(value).toString("base64") };
  if (value instanceof ArrayBuffer) return { [BYTES]: Buffer.from(value).toString("base64") };
  if (value instanceof URL) return { [URL_KEY]: value.href };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : { [DATE]: value.toISOString() };
  if (AgentSdkError.isInstance(value)) return { [ERROR]: value.toJSON() };
  if (value instanceof Error) {
    return { [ERROR]: { name: value.name, message: redactSecrets(value.message) } satisfies ErrorJson };
  }
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  try {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return toJsonValue(toJSON.call(value), seen);
    if (Array.isArray(value)) return value.map((entry) => toJsonValue(entry, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      const json = toJsonValue(entry, seen);
      if (json !== undefined) out[key] = json;
    }
    return out;
  } finally {
    // Only ancestors count: the same object twice side by side is not a cycle.
    seen.delete(value);
  }
}

function revive(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const key = keys[0] as string;
  const tagged = (value as Record<string, unknown>)[key];
  if (typeof tagged === "string") {
    if (key === BYTES) return new Uint8Array(Buffer.from(tagged, "base64"));
    if (key === URL_KEY) return new URL(tagged);
    if (key === DATE) return new Date(tagged);
    if (key === BIGINT) return BigInt(tagged);
  }
  if (key === ERROR && typeof tagged === "object" && tagged !== null) return reviveError(tagged as ErrorJson);
  return value;
}

function reviveError(json: ErrorJson): Error {
  const message = typeof json.message === "string" ? json.message : "";
  const error =
    typeof json.code === "string" && typeof json.category === "string"
      ? new AgentSdkError({ code: json.code, category: json.category, message })
      : new Error(message);
  if (typeof json.name === "string") error.name = json.name;
  return error;
}
