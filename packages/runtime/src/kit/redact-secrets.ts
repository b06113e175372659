/** Environment variables whose values must never appear in errors, logs or traces. */
const SECRET_ENV = /(?:API_KEY|_TOKEN|_SECRET|PASSWORD)$/;
/** Shapes of common provider keys (OpenAI `sk-…`, Anthropic `sk-ant-…`, Google `AIza…`, bearer tokens). */
const KEY_SHAPES = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(Bearer\s+)[A-Za-z0-9._~+/-]{12,}=*/gi,
];

/**
 * Replaces secrets in a message with `[redacted]`: the values of `*_API_KEY`, `*_TOKEN`,
 * `*_SECRET` and `*PASSWORD` environment variables, and strings shaped like provider keys.
 */
export function redactSecrets(text: string): string {
  let result = text;
  for (const [name, value] of Object.entries(process.env)) {
    if (value && value.length >= 8 && SECRET_ENV.test(name) && result.includes(value)) {
      result = result.split(value).join("[redacted]");
    }
  }
  for (const shape of KEY_SHAPES) {
    result = result.replace(shape, (_match, bearer?: string) =>
      typeof bearer === "string" ? `${bearer}[redacted]` : "[redacted]",
    );
  }
  return result;
}
