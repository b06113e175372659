import { AgentSdkError, StorageError } from "@flowmaestro/runtime";

/** The libSQL adapter's id, as errors name it. @internal */
export const ADAPTER = "libsql";

const REDACTED = "[redacted]";
/** `authToken=...` in a libSQL URL's query string (libSQL accepts the token there too). */
const URL_TOKEN = /(authToken=)[^&#\s"'`]+/gi;
const MAX_DEPTH = 8;

/** What {@link toStorageError} needs to know about the adapter. @internal */
export interface ErrorContext {
  /** Values that must never appear in an error: the auth token (and a token in the URL). */
  readonly secrets: readonly string[];
  /** The busy timeout, named in the hint for `SQLITE_BUSY`. */
  readonly busyTimeoutMs: number;
}

/**
 * Turns anything a libSQL call threw into an SDK error: SDK errors pass through; a libSQL error
 * becomes a {@link StorageError} with its most specific code (`SQLITE_CONSTRAINT_PRIMARYKEY`
 * rather than `SQLITE_CONSTRAINT`) as `backendCode`, an actionable hint, and the original as
 * `cause`. The auth token is scrubbed from the message and the whole cause chain first
 * (`AgentSdkError` then redacts the secrets it knows of, such as API keys in the environment).
 *
 * @internal
 */
export function toStorageError(operation: string, error: unknown, context: ErrorContext): AgentSdkError {
  if (AgentSdkError.isInstance(error)) return error;
  const secrets = context.secrets.filter((secret) => secret.length > 0);
  const backendCode = backendCodeOf(error);
  let detail = error instanceof Error ? error.message : String(error);
  // libSQL prefixes its messages with the code; the StorageError shows the code already.
  const code = codeOf(error);
  if (code !== undefined && detail.startsWith(`${code}: `)) detail = detail.slice(code.length + 2);
  const hint = backendCode === undefined ? undefined : hintFor(backendCode, context);
  return new StorageError({
    adapter: ADAPTER,
    operation,
    backendCode,
    message: scrubText(hint ? `${detail}. ${hint}` : detail, secrets),
    cause: scrubValue(error, secrets, new WeakMap(), 0),
  });
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && code.length > 0 ? code : undefined;
}

/** The most specific code a libSQL (or Node) error carries. */
function backendCodeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const extended = (error as { extendedCode?: unknown }).extendedCode;
  if (typeof extended === "string" && extended.length > 0) return extended;
  return codeOf(error);
}

function hintFor(code: string, context: ErrorContext): string | undefined {
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return `Another connection or process held the database lock for longer than busyTimeoutMs (${context.busyTimeoutMs} ms): raise \`busyTimeoutMs\` or write from fewer processes at once`;
  }
  if (code.startsWith("SQLITE_CANTOPEN")) {
    return "The database file cannot be opened: check that the path in `url` exists or can be created, and is writable";
  }
  if (code.startsWith("SQLITE_READONLY")) return "The database is read-only for this process";
  if (code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT")) {
    return "The file at `url` is not a healthy libSQL/SQLite database";
  }
  if (code.startsWith("SQLITE_FULL")) return "The disk (or the database's size limit) is full";
  if (code === "CLIENT_CLOSED") return "The client was closed: create a new adapter";
  if (code.startsWith("URL_")) return "Check the `url` option (`file:path`, `:memory:`, `libsql://host`)";
  return undefined;
}

/** Replaces every secret, and any `authToken=` URL parameter, with `[redacted]`. @internal */
export function scrubText(text: string, secrets: readonly string[]): string {
  let result = text.replace(URL_TOKEN, `$1${REDACTED}`);
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/**
 * A copy of `value` with {@link scrubText} applied to every string, deeply; errors keep their
 * prototype and own properties (`message`, `stack`, `code`, `cause`), so they still print and
 * match as before.
 */
function scrubValue(
  value: unknown,
  secrets: readonly string[],
  seen: WeakMap<object, unknown>,
  depth: number,
) {
  if (typeof value === "string") return scrubText(value, secrets);
  if (typeof value !== "object" || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (
    depth >= MAX_DEPTH ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Date
  ) {
    return value;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const entry of value) copy.push(scrubValue(entry, secrets, seen, depth + 1));
    return copy;
  }
  const copy = Object.create(Object.getPrototypeOf(value)) as Record<PropertyKey, unknown>;
  seen.set(value, copy);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor) continue;
    if ("value" in descriptor) {
      descriptor.value = scrubValue(descriptor.value, secrets, seen, depth + 1);
    } else {
      // Accessors (rare on errors) could compute a secret; keep only their current value.
      let current: unknown;
      try {
        current = (value as Record<PropertyKey, unknown>)[key];
      } catch {
        continue;
      }
      Object.defineProperty(copy, key, {
        value: scrubValue(current, secrets, seen, depth + 1),
        enumerable: descriptor.enumerable ?? false,
        writable: true,
        configurable: true,
      });
      continue;
    }
    Object.defineProperty(copy, key, descriptor);
  }
  return copy;
}
