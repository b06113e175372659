import { createHash } from "node:crypto";
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";

/** A JSON value in canonical form: no `undefined`, no class instances, only plain data. */
export type CanonicalJsonValue =
  | null
  | boolean
  | number
  | string
  | CanonicalJsonValue[]
  | { [key: string]: CanonicalJsonValue };

/**
 * The parts of a model request that decide its answer, in canonical form. It is what a cassette
 * stores and hashes: the prompt, tools, tool choice, sampling settings, response format and
 * provider options. Transport details (`abortSignal`, `headers`, `includeRawChunks`) are left out.
 */
export type CanonicalRequest = { [key: string]: CanonicalJsonValue };

/**
 * Request fields that take part in the hash. Besides the sampling settings named in the spec,
 * `topK`, the penalties and `reasoning` are kept because they change the answer too.
 */
const REQUEST_FIELDS = [
  "prompt",
  "tools",
  "toolChoice",
  "temperature",
  "maxOutputTokens",
  "topP",
  "topK",
  "presencePenalty",
  "frequencyPenalty",
  "stopSequences",
  "responseFormat",
  "seed",
  "reasoning",
  "providerOptions",
] as const satisfies readonly (keyof LanguageModelV4CallOptions)[];

/**
 * Converts any value to canonical JSON: object keys sorted, `Uint8Array`/`ArrayBuffer` as base64,
 * `Date` as an ISO string, `URL` as its string, `bigint` as a decimal string, `undefined`,
 * functions and symbols dropped from objects (and `null` inside arrays, as `JSON.stringify` does),
 * non-finite numbers as `null`. Cycles become the string `"[Circular]"`.
 *
 * @returns `undefined` only when the value itself is dropped (`undefined`, a function, a symbol).
 */
export function toCanonicalJson(value: unknown): CanonicalJsonValue | undefined {
  return encodeJson(value, CANONICAL_ENCODING);
}

/**
 * @internal How {@link encodeJson} stores what JSON cannot hold as is: strings it rewrites (e.g. to
 * redact them), and objects it encodes itself rather than key by key (Dates, bytes, URLs…).
 */
export interface JsonEncoding {
  /** The stored form of a string. */
  string(text: string): string;
  /** The JSON of an object it encodes itself, or `undefined` to walk the object's keys. */
  object(object: object): CanonicalJsonValue | undefined;
}

const CANONICAL_ENCODING: JsonEncoding = {
  string: (text) => text,
  object(object) {
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
    if (object instanceof URL) return object.toString();
    if (object instanceof Uint8Array) return Buffer.from(object).toString("base64");
    if (object instanceof ArrayBuffer) return Buffer.from(new Uint8Array(object)).toString("base64");
    return undefined;
  },
};

/**
 * @internal Converts any value to plain JSON data, as {@link toCanonicalJson} does, with `encoding`
 * deciding how strings and special objects are stored: object keys sorted, `bigint` as a decimal
 * string, `undefined`, functions and symbols dropped from objects (`null` inside arrays),
 * non-finite numbers as `null`, cycles as the string `"[Circular]"`.
 */
export function encodeJson(value: unknown, encoding: JsonEncoding): CanonicalJsonValue | undefined {
  return walk(value, encoding, new Set());
}

function walk(value: unknown, encoding: JsonEncoding, seen: Set<object>): CanonicalJsonValue | undefined {
  switch (typeof value) {
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "string":
      return encoding.string(value);
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
  }
  if (value === null) return null;
  const object = value as object;
  const special = encoding.object(object);
  if (special !== undefined) return special;
  if (seen.has(object)) return "[Circular]";
  seen.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => walk(item, encoding, seen) ?? null);
    const source = object as Record<string, unknown>;
    const result: { [key: string]: CanonicalJsonValue } = {};
    for (const key of Object.keys(source).sort()) {
      const item = walk(source[key], encoding, seen);
      if (item !== undefined) result[key] = item;
    }
    return result;
  } finally {
    seen.delete(object);
  }
}

/**
 * Builds the canonical form of a model request: the fields that decide the answer, with function
 * tools reduced to `name`, `description` and `inputSchema` (provider tools keep `id`, `name` and
 * `args`).
 */
export function canonicalizeRequest(options: LanguageModelV4CallOptions): CanonicalRequest {
  const picked: Record<string, unknown> = {};
  for (const field of REQUEST_FIELDS) picked[field] = options[field];
  picked.tools = options.tools?.map((tool) =>
    tool.type === "function"
      ? { type: tool.type, name: tool.name, description: tool.description, inputSchema: tool.inputSchema }
      : { type: tool.type, id: tool.id, name: tool.name, args: tool.args },
  );
  return toCanonicalJson(picked) as CanonicalRequest;
}

/**
 * Serializes canonical JSON with sorted object keys, so equal values give equal text whatever
 * order their keys were inserted in (plain `JSON.stringify` puts integer-like keys first).
 *
 * @param pretty Indent by two spaces and put each value on its own line (for files and diffs).
 */
export function stringifyCanonical(value: CanonicalJsonValue, pretty = false): string {
  return write(value, pretty ? "\n" : "", pretty);
}

function write(value: CanonicalJsonValue, newline: string, pretty: boolean): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = pretty ? `${newline}  ` : "";
  const colon = pretty ? ": " : ":";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[${value.map((item) => `${inner}${write(item, inner, pretty)}`).join(",")}${newline}]`;
  }
  const keys = Object.keys(value).sort();
  if (keys.length === 0) return "{}";
  const members = keys.map(
    (key) =>
      `${inner}${JSON.stringify(key)}${colon}${write(value[key] as CanonicalJsonValue, inner, pretty)}`,
  );
  return `{${members.join(",")}${newline}}`;
}

/** SHA-256 (hex) of the compact sorted-key serialization of a canonical request. */
export function hashCanonicalRequest(request: CanonicalRequest): string {
  return createHash("sha256").update(stringifyCanonical(request)).digest("hex");
}

/**
 * Stable hash of a model request: SHA-256 (hex) of its canonical JSON (see
 * {@link canonicalizeRequest}). Key order, `abortSignal` and `headers` do not change it.
 *
 * @example
 * ```ts
 * const key = hashRequest({ prompt: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
 * ```
 */
export function hashRequest(options: LanguageModelV4CallOptions): string {
  return hashCanonicalRequest(canonicalizeRequest(options));
}

/** One line of a line diff: kept (` `), removed (`-`) or added (`+`). */
export interface DiffLine {
  readonly kind: " " | "-" | "+";
  readonly text: string;
}

/** Past this many cells the diff stops looking for common lines in the changed middle. */
const MAX_LCS_CELLS = 4_000_000;

/**
 * @internal Line diff of two texts by longest common subsequence, after trimming the common
 * prefix and suffix (so a grown prompt costs little). A very large changed middle is reported as
 * removed-then-added rather than searched.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const result: DiffLine[] = a.slice(0, start).map((text) => ({ kind: " ", text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length * midB.length > MAX_LCS_CELLS) {
    for (const text of midA) result.push({ kind: "-", text });
    for (const text of midB) result.push({ kind: "+", text });
  } else {
    result.push(...lcsDiff(midA, midB));
  }
  for (const text of a.slice(endA)) result.push({ kind: " ", text });
  return result;
}

function lcsDiff(a: readonly string[], b: readonly string[]): DiffLine[] {
  const width = b.length + 1;
  // lengths[i * width + j] = LCS length of a[i..] and b[j..]
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
    }
  }
  const result: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      result.push({ kind: " ", text: a[i] as string });
      i++;
      j++;
    } else if ((lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0)) {
      result.push({ kind: "-", text: a[i++] as string });
    } else {
      result.push({ kind: "+", text: b[j++] as string });
    }
  }
  while (i < a.length) result.push({ kind: "-", text: a[i++] as string });
  while (j < b.length) result.push({ kind: "+", text: b[j++] as string });
  return result;
}

/** Options of {@link formatDiff}. */
export interface FormatDiffOptions {
  /** Stop after this many changed lines. @default 40 */
  maxChangedLines?: number;
  /** Unchanged lines shown around each change. @default 2 */
  context?: number;
  /** Longer lines are cut to this many characters, around their first difference. @default 200 */
  maxLineLength?: number;
}

/**
 * @internal Renders a diff as text: `-`/`+` lines with a little context, `…` between distant
 * hunks, at most `maxChangedLines` changed lines, long lines cut around where they differ.
 */
export function formatDiff(diff: readonly DiffLine[], options: FormatDiffOptions = {}): string {
  const maxChanged = options.maxChangedLines ?? 40;
  const context = options.context ?? 2;
  const maxLength = options.maxLineLength ?? 200;
  const changedIndexes = diff.flatMap((line, index) => (line.kind === " " ? [] : [index]));
  if (changedIndexes.length === 0) return "  (no differences)";
  const shown = new Set<number>();
  for (const index of changedIndexes.slice(0, maxChanged)) {
    for (let k = Math.max(0, index - context); k <= Math.min(diff.length - 1, index + context); k++) {
      const line = diff[k];
      // Context lines yes; changed lines only within the budget.
      if (line && (line.kind === " " || k <= (changedIndexes[maxChanged - 1] ?? Number.POSITIVE_INFINITY))) {
        shown.add(k);
      }
    }
  }
  const out: string[] = [];
  let previous = -1;
  for (const index of [...shown].sort((x, y) => x - y)) {
    if (previous >= 0 && index > previous + 1) out.push("  …");
    const line = diff[index] as DiffLine;
    out.push(`${line.kind} ${clip(line.text, focusOf(diff, index), maxLength)}`);
    previous = index;
  }
  const hidden = changedIndexes.length - Math.min(changedIndexes.length, maxChanged);
  if (hidden > 0) out.push(`  … and ${hidden} more changed line(s)`);
  return out.join("\n");
}

/** Where a changed line first differs from its counterpart (the nearest line of the other sign). */
function focusOf(diff: readonly DiffLine[], index: number): number {
  const line = diff[index] as DiffLine;
  if (line.kind === " ") return 0;
  const other = line.kind === "-" ? "+" : "-";
  let counterpart: DiffLine | undefined;
  for (let k = index + 1; k < diff.length && diff[k]?.kind !== " "; k++) {
    if (diff[k]?.kind === other) {
      counterpart = diff[k];
      break;
    }
  }
  for (let k = index - 1; !counterpart && k >= 0 && diff[k]?.kind !== " "; k--) {
    if (diff[k]?.kind === other) counterpart = diff[k];
  }
  if (!counterpart) return 0;
  let at = 0;
  while (at < line.text.length && line.text[at] === counterpart.text[at]) at++;
  return at;
}

function clip(text: string, focus: number, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const start = Math.max(0, Math.min(focus - Math.floor(maxLength / 3), text.length - maxLength));
  const head = start > 0 ? "…" : "";
  const tail = start + maxLength < text.length ? "…" : "";
  return `${head}${text.slice(start, start + maxLength)}${tail}`;
}
