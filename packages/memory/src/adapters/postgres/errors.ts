import { AgentSdkError, StorageError } from "@flowmaestro/runtime";

/** The Postgres adapter's id. @internal */
export const ADAPTER = "postgres";

/**
 * What a backend code means and what to do about it, appended to the backend's own message.
 * SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html) and the Node
 * socket errors `pg` passes through.
 */
const HINTS: Readonly<Record<string, string>> = {
  "23505": "unique constraint violated",
  "23503": "foreign key violated",
  "22P05": "Postgres jsonb cannot hold this text (U+0000 in a string)",
  "40001": "serialization failure; the operation can be retried",
  "40P01": "deadlock detected; the operation can be retried",
  "42501": "insufficient privilege: the database user lacks a permission the adapter needs",
  "3D000": "the database does not exist",
  "28P01": "password authentication failed",
  "28000": "the server rejected the connection (pg_hba.conf or role settings)",
  "53300": "too many connections: lower the pool size or raise max_connections",
  "57P01": "the server terminated the connection (administrator shutdown); retry when it is back",
  "57P02": "the server terminated the connection (crash shutdown); retry when it is back",
  "57P03": "the server is starting up or shutting down; retry shortly",
  ECONNREFUSED: "could not connect: is the Postgres server running, and are the host and port right?",
  ENOTFOUND: "could not resolve the database host name",
  EAI_AGAIN: "could not resolve the database host name (temporary DNS failure)",
  ETIMEDOUT: "the connection to the database timed out",
  ECONNRESET: "the connection to the database was reset",
  EPIPE: "the connection to the database was closed",
};

/** Backend codes after which a pooled connection must not be reused. */
const BROKEN_CONNECTION = /^(?:08|57P0)/;

/** The backend's error code: a SQLSTATE, a Node socket code, or the first of an AggregateError's. @internal */
export function backendCodeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.length > 0) return code;
  const errors = (error as { errors?: unknown }).errors;
  return Array.isArray(errors) ? backendCodeOf(errors[0]) : undefined;
}

/**
 * Whether `error` means the connection itself is unusable (socket error, admin shutdown, protocol
 * failure), so it must be destroyed rather than returned to the pool. A SQL error (a constraint,
 * a syntax error) leaves the connection fine, and keeping it matters for single-connection pools
 * such as PGlite's.
 * @internal
 */
export function isConnectionError(error: unknown): boolean {
  if (AgentSdkError.isInstance(error)) return false;
  const code = backendCodeOf(error);
  if (code === undefined) return true;
  return !/^[0-9A-Z]{5}$/.test(code) || BROKEN_CONNECTION.test(code);
}

/** Whether retrying the whole transaction may succeed. @internal */
export function isRetryable(error: unknown): boolean {
  const code = backendCodeOf(error);
  return code === "40001" || code === "40P01";
}

/**
 * Translates anything a backend call threw into the contract's errors: SDK errors pass through;
 * everything else becomes a {@link StorageError} with the backend code and a scrubbed copy of the
 * original as `cause`. `secrets` (the connection string and its password) are removed from the
 * message and the cause chain, on top of the URL-credential redaction every error gets here.
 * @internal
 */
export function toStorageError(operation: string, error: unknown, secrets: readonly string[] = []): Error {
  if (AgentSdkError.isInstance(error)) return error;
  const backendCode = backendCodeOf(error);
  const raw = error instanceof Error ? error.message : String(error);
  const hint = backendCode === undefined ? undefined : HINTS[backendCode];
  const detail = scrubText(raw || (error instanceof Error ? error.name : "unknown error"), secrets);
  return new StorageError({
    adapter: ADAPTER,
    operation,
    backendCode,
    message: hint && !detail.includes(hint) ? `${detail} (${hint})` : detail,
    cause: scrubValue(error, secrets),
  });
}

/** `scheme://user:password@` → `scheme://user:[redacted]@` (the password may hold an unescaped `/`). */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@]+@/gi;
const MIN_SECRET_LENGTH = 3;

/** A text with URL credentials and every given secret replaced by `[redacted]`. @internal */
export function scrubText(text: string, secrets: readonly string[]): string {
  let result = text.replace(URL_CREDENTIALS, (_match, prefix: string) => `${prefix}[redacted]@`);
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && result.includes(secret)) {
      result = result.split(secret).join("[redacted]");
    }
  }
  return result;
}

/**
 * The secrets of a connection string: the string itself and its password (raw and decoded), so
 * none of them can reach an error. Never throws, whatever the string looks like.
 * @internal
 */
export function secretsOf(connectionString: string | undefined): string[] {
  if (!connectionString) return [];
  const secrets = [connectionString];
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:([^\s@]+)@/i.exec(connectionString);
  const password = match?.[1];
  if (password) {
    secrets.push(password);
    try {
      secrets.push(decodeURIComponent(password));
    } catch {
      // Not percent-encoded text: the raw form is already listed.
    }
  }
  try {
    const fromQuery = new URL(connectionString).searchParams.get("password");
    if (fromQuery) secrets.push(fromQuery);
  } catch {
    // Not a URL (e.g. a libpq key=value string): URL_CREDENTIALS cannot apply either.
  }
  const keyValue = /(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/i.exec(connectionString)?.[1];
  if (keyValue) secrets.push(keyValue.replace(/^'|'$/g, ""));
  // Longest first, so a password inside the full string never leaves part of it behind.
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

const MAX_DEPTH = 10;

/**
 * A deep copy of `value` with {@link scrubText} applied to every string (error messages, stacks,
 * a URL parse error's `input`), keeping prototypes so the copy still inspects as the original.
 * @internal
 */
export function scrubValue(value: unknown, secrets: readonly string[]): unknown {
  return copy(value, secrets, new WeakMap(), 0);
}

function copy(
  value: unknown,
  secrets: readonly string[],
  seen: WeakMap<object, unknown>,
  depth: number,
): unknown {
  if (typeof value === "string") return scrubText(value, secrets);
  if (typeof value !== "object" || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date) return value;
  if (Array.isArray(value)) {
    const result: unknown[] = [];
    seen.set(value, result);
    for (const item of value) result.push(copy(item, secrets, seen, depth + 1));
    return result;
  }
  const result = Object.create(Object.getPrototypeOf(value)) as Record<PropertyKey, unknown>;
  seen.set(value, result);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    // Accessors are skipped (reading them may run code); functions are not data.
    if (!descriptor || !("value" in descriptor) || typeof descriptor.value === "function") continue;
    Object.defineProperty(result, key, {
      value: copy(descriptor.value, secrets, seen, depth + 1),
      writable: true,
      enumerable: descriptor.enumerable ?? false,
      configurable: true,
    });
  }
  return result;
}
