/** Environment variables whose values must never appear in errors, logs or traces. */
const SECRET_ENV = /(?:API_KEY|_KEY|_TOKEN|_SECRET|PASSWORD|_PASS)$/;
/** Shortest environment value treated as a secret (shorter ones would redact ordinary words). */
const MIN_SECRET_LENGTH = 8;
const REDACTED = "[redacted]";

/**
 * Shapes of secrets: provider keys (OpenAI and Anthropic `sk-…`, Google `AIza…`, Groq `gsk_…`,
 * GitHub and Slack tokens), bearer tokens, and key-carrying query parameters and headers. Each
 * keeps its prefix group (`$1`) so messages stay readable.
 */
const SECRET_SHAPES: readonly RegExp[] = [
  /()\bsk-[A-Za-z0-9_-]{8,}/g,
  /()\bAIza[0-9A-Za-z_-]{20,}/g,
  /()\bgsk_[A-Za-z0-9]{16,}/g,
  /()\b(?:ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{16,}/g,
  /()\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /(\bBearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi,
  /([?&](?:api[_-]?key|key|token|access_token|secret)=)[^&#\s"']+/gi,
  /((?:x-api-key|x-goog-api-key|api-key|authorization)["']?\s*[:=]\s*["']?)[^"',\s}]{8,}/gi,
  // Credentials in URLs and connection strings: postgres://user:password@host, libsql://…?authToken=
  /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"']*:)[^@/\s"']+(?=@)/gi,
  /([?&](?:authToken|auth_token|password)=)[^&#\s"']+/gi,
];

/**
 * Replaces secrets in a text with `[redacted]`: the values of environment variables named
 * `*_API_KEY`, `*_KEY`, `*_TOKEN`, `*_SECRET`, `*PASSWORD` and `*_PASS`, and strings shaped like
 * provider keys, bearer tokens, keys in URLs and headers, and passwords in URLs and connection
 * strings (`postgres://user:[redacted]@host`).
 */
export function redactSecrets(text: string): string {
  let result = text;
  for (const [name, value] of Object.entries(process.env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_ENV.test(name) && result.includes(value)) {
      result = result.split(value).join(REDACTED);
    }
  }
  for (const shape of SECRET_SHAPES) {
    if (shape.test(result)) {
      shape.lastIndex = 0;
      result = result.replace(shape, (_match, prefix: string) => `${prefix}${REDACTED}`);
    }
    shape.lastIndex = 0;
  }
  return result;
}

const MAX_DEPTH = 12;

/**
 * A copy of any value (typically an error's `cause`) with every string redacted by
 * {@link redactSecrets}, deeply: error messages, stacks, response bodies, URLs, headers and nested
 * causes. Errors keep their prototype and own properties, so `instanceof`, `isInstance` markers
 * (own symbol properties) and `util.inspect` still work on the copy. Cycles are preserved; depth is
 * bounded. Functions are dropped.
 */
export function redactValue<T>(value: T): T {
  return copy(value, new WeakMap(), 0) as T;
}

function copy(value: unknown, seen: WeakMap<object, unknown>, depth: number): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (typeof value === "function") return undefined;
  if (typeof value !== "object" || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date) return value;
  if (Array.isArray(value)) {
    const result: unknown[] = [];
    seen.set(value, result);
    for (const item of value) result.push(copy(item, seen, depth + 1));
    return result;
  }
  if (value instanceof Map) {
    const result = new Map();
    seen.set(value, result);
    for (const [key, item] of value) result.set(copy(key, seen, depth + 1), copy(item, seen, depth + 1));
    return result;
  }
  if (value instanceof Set) {
    const result = new Set();
    seen.set(value, result);
    for (const item of value) result.add(copy(item, seen, depth + 1));
    return result;
  }
  if (typeof Headers !== "undefined" && value instanceof Headers) {
    const result = new Headers();
    seen.set(value, result);
    value.forEach((item, key) => {
      result.set(key, redactSecrets(item));
    });
    return result;
  }
  const result = Object.create(Object.getPrototypeOf(value)) as Record<PropertyKey, unknown>;
  seen.set(value, result);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    // Accessors are skipped: reading them may run code or have side effects.
    if (!descriptor || !("value" in descriptor)) continue;
    const item = copy(descriptor.value, seen, depth + 1);
    if (item === undefined && typeof descriptor.value === "function") continue;
    Object.defineProperty(result, key, {
      value: item,
      writable: true,
      enumerable: descriptor.enumerable ?? false,
      configurable: true,
    });
  }
  return result;
}
