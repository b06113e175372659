import type { ModelMessage } from "ai";

/**
 * Lossless JSON for AI SDK messages, as adapters store them: plain JSON stays plain; the values
 * JSON cannot hold are tagged objects: `Uint8Array`/`ArrayBuffer` (file and image data) as
 * `{"$fm":"bytes","base64":"..."}`, `URL` as `{"$fm":"url","href":"..."}`, `Date` as
 * `{"$fm":"date","iso":"..."}`. An object that already has a `$fm` key is wrapped as
 * `{"$fm":"object","value":{...}}`, so host data can never be mistaken for a tag.
 *
 * @internal
 */
export function encodeMessage(message: ModelMessage): string {
  // One pass, no copy of the message: the replacer sees each value before JSON.stringify's
  // own conversions (`this[key]` is the raw value; `URL` and `Date` would arrive as strings).
  const wrapped = new WeakSet<object>();
  return JSON.stringify(message, function replace(this: Record<string, unknown>, key, converted) {
    const value = this[key];
    if (value === null || typeof value !== "object") return converted;
    if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
      return { $fm: "bytes", base64: Buffer.from(value as Uint8Array).toString("base64") };
    }
    if (value instanceof URL) return { $fm: "url", href: value.href };
    if (value instanceof Date) return { $fm: "date", iso: value.toISOString() };
    if (!Array.isArray(value) && Object.hasOwn(value, "$fm") && !wrapped.has(value)) {
      wrapped.add(value);
      return { $fm: "object", value };
    }
    return converted;
  });
}

/** Inverse of {@link encodeMessage}. @internal */
export function decodeMessage(text: string): ModelMessage {
  const parsed = JSON.parse(text) as ModelMessage;
  // Most messages hold no tagged value: no walk, no copy.
  return text.includes('"$fm"') ? (decodeValue(parsed) as ModelMessage) : parsed;
}

/** Lossless JSON value for any message-like value. @internal */
export function encodeValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return { $fm: "bytes", base64: Buffer.from(value).toString("base64") };
  if (value instanceof ArrayBuffer) return { $fm: "bytes", base64: Buffer.from(value).toString("base64") };
  if (value instanceof URL) return { $fm: "url", href: value.href };
  if (value instanceof Date) return { $fm: "date", iso: value.toISOString() };
  if (Array.isArray(value)) return value.map(encodeValue);
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    // `undefined` is dropped, as JSON.stringify does.
    if (entry !== undefined) out[key] = encodeValue(entry);
  }
  return "$fm" in out ? { $fm: "object", value: out } : out;
}

/** Inverse of {@link encodeValue}. @internal */
export function decodeValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  const record = value as Record<string, unknown>;
  switch (record.$fm) {
    case "bytes":
      return new Uint8Array(Buffer.from(record.base64 as string, "base64"));
    case "url":
      return new URL(record.href as string);
    case "date":
      return new Date(record.iso as string);
    case "object": {
      const inner = record.value as Record<string, unknown>;
      return Object.fromEntries(Object.entries(inner).map(([key, entry]) => [key, decodeValue(entry)]));
    }
    default:
      return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key, decodeValue(entry)]));
  }
}
