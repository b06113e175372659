import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import { CassetteMissError } from "../errors/cassette-miss-error.js";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import { redactSecrets } from "../security/redact-secrets.js";
import {
  type CanonicalJsonValue,
  type CanonicalRequest,
  canonicalizeRequest,
  diffLines,
  encodeJson,
  formatDiff,
  hashCanonicalRequest,
  type JsonEncoding,
  stringifyCanonical,
} from "./request-hash.js";

/**
 * How a cassette model treats its file.
 *
 * - `replay`: answer from the cassette only; a request it does not hold throws {@link CassetteMissError}.
 * - `record`: call the real model for every request and rewrite the cassette from scratch.
 * - `auto`: answer from the cassette when it holds the request, call the real model and add the
 *   answer when it does not.
 */
export type CassetteMode = "record" | "replay" | "auto";

/** Which model method a cassette entry was recorded from. */
export type CassetteMethod = "generate" | "stream";

/** Options of {@link createCassetteModel}. */
export interface CassetteModelOptions {
  /** Path of the JSON cassette file. Parent folders are created when recording. */
  path: string;
  /**
   * `replay` answers from the file only (use it in CI), `record` calls the real model and rewrites
   * the file, `auto` replays what the file holds and records the rest.
   * @default process.env.FLOWMAESTRO_CASSETTE_MODE ?? "replay"
   */
  mode?: CassetteMode;
  /** The real model. Required for `record` and `auto`; not needed to replay. */
  model?: LanguageModelV4;
  /**
   * Provider id to report.
   * @default the real model's, else the one stored in the cassette, else `"cassette"`
   */
  provider?: string;
  /**
   * Model id to report.
   * @default the real model's, else the one stored in the cassette, else `"cassette-model"`
   */
  modelId?: string;
}

/** A request a cassette model did not find in its cassette. */
export interface CassetteMiss {
  /** Stable hash of the request (see `hashRequest`). */
  readonly hash: string;
  /** The method that was called. */
  readonly method: CassetteMethod;
  /** The request in canonical form, secrets redacted. */
  readonly request: CanonicalRequest;
}

/**
 * An AI SDK v4 language model that records a real model's answers to a JSON cassette and replays
 * them offline.
 */
export interface CassetteModel extends LanguageModelV4 {
  /** The mode in effect (after applying `FLOWMAESTRO_CASSETTE_MODE`). */
  readonly mode: CassetteMode;
  /** Absolute path of the cassette file. */
  readonly path: string;
  /** Number of recorded answers the cassette holds now. */
  readonly entries: number;
  /**
   * Requests the cassette did not hold: in `replay` the ones that threw
   * {@link CassetteMissError}, in `auto` the ones that were recorded.
   */
  readonly misses: readonly CassetteMiss[];
  /**
   * Waits for pending writes and writes the cassette (atomically). Recording already writes after
   * every call, so this matters only to create the file when nothing was called; it does nothing
   * in `replay` mode, or in `auto` mode when nothing was recorded and the file exists.
   */
  save(): Promise<void>;
}

/** One recorded answer in a cassette file. */
export interface CassetteEntry {
  /** SHA-256 of the canonical request; the lookup key. */
  hash: string;
  /** Which method produced `response`; either method can be replayed from it. */
  method: CassetteMethod;
  /** The canonical request, secrets redacted. Kept to explain misses, never re-hashed. */
  request: CanonicalRequest;
  /**
   * `generate`: `{ content, finishReason, usage, warnings, providerMetadata?, response? }`;
   * `stream`: `{ parts }`. Dates, bytes and errors are stored as `{ "$type": ... }` objects.
   */
  response: { [key: string]: CanonicalJsonValue };
}

/** The JSON document a cassette file holds. */
export interface CassetteFile {
  /** Format version. */
  version: 1;
  /** The recorded model, so replay can report the same ids and supported URLs. */
  model?: { provider?: string; modelId?: string; supportedUrls?: CanonicalJsonValue };
  /** Recorded answers in recording order; entries with the same hash replay in this order. */
  entries: CassetteEntry[];
}

/** Environment variable that selects the default {@link CassetteMode}. */
const MODE_ENV = "FLOWMAESTRO_CASSETTE_MODE";
const MODES: readonly CassetteMode[] = ["record", "replay", "auto"];

/**
 * Wraps a model so its calls are recorded to a JSON cassette, keyed by a stable hash of the request
 * (see `hashRequest`), and replayed offline later. Host apps use it to test agents without a
 * network: record once with a real key, commit the file, replay in CI.
 *
 * - Identical requests are stored in order and replayed in order, then the last one repeats.
 * - A request recorded with `doGenerate` can be replayed by `doStream` and vice versa.
 * - Headers, request bodies and strings shaped like keys (or equal to `*_API_KEY`-style
 *   environment variables) never reach the file.
 * - A miss in `replay` mode throws {@link CassetteMissError} with a diff against the nearest
 *   recorded request.
 *
 * @throws {InvalidDefinitionError} for an unknown mode, `record`/`auto` without `model`, or a
 * cassette file that is not valid JSON of version 1.
 *
 * @example
 * ```ts
 * const model = createCassetteModel({
 *   path: "test/cassettes/weather-agent.json",
 *   model: process.env.OPENAI_API_KEY ? openai("gpt-4o-mini") : undefined,
 * });
 * // FLOWMAESTRO_CASSETTE_MODE=record vitest run  → calls OpenAI and writes the cassette
 * // vitest run                                   → replays it offline
 * ```
 */
export function createCassetteModel(options: CassetteModelOptions): CassetteModel {
  const path = resolve(validPath(options.path));
  const mode = resolveMode(options.mode);
  const real = options.model;
  if (mode !== "replay" && real === undefined) {
    throw new InvalidDefinitionError({
      subject: "cassette model options",
      issues: [{ field: "model", expected: `the real model to record from (mode is "${mode}")` }],
    });
  }

  const fileExisted = existsSync(path);
  const loaded: CassetteFile =
    mode === "record" || !fileExisted ? { version: 1, entries: [] } : readCassette(path);
  const entries = loaded.entries;
  const byHash = new Map<string, CassetteEntry[]>();
  for (const entry of entries) addToIndex(byHash, entry);
  const played = new Map<string, number>();
  const misses: CassetteMiss[] = [];
  const provider = options.provider ?? real?.provider ?? loaded.model?.provider ?? "cassette";
  const modelId = options.modelId ?? real?.modelId ?? loaded.model?.modelId ?? "cassette-model";
  let supportedUrls = loaded.model?.supportedUrls;
  let dirty = false;
  let writing: Promise<void> = Promise.resolve();

  const persist = (): Promise<void> => {
    const next = writing
      .catch(() => undefined)
      .then(() => {
        dirty = false;
        const meta = { provider, modelId, ...(supportedUrls === undefined ? {} : { supportedUrls }) };
        return writeAtomically(path, serializeCassette(meta, entries));
      });
    writing = next;
    return next;
  };

  /** Finds the answer to replay, or `undefined` when the request must be recorded or missed. */
  const lookUp = (hash: string): CassetteEntry | undefined => {
    const list = byHash.get(hash);
    if (!list || list.length === 0) return undefined;
    const count = played.get(hash) ?? 0;
    if (count < list.length) {
      played.set(hash, count + 1);
      return list[count];
    }
    // Replay repeats the last answer; auto records a fresh one so the cassette matches a recording.
    return mode === "replay" ? list[list.length - 1] : undefined;
  };

  const record = async (
    hash: string,
    method: CassetteMethod,
    request: CanonicalRequest,
    response: CassetteEntry["response"],
  ) => {
    const entry: CassetteEntry = { hash, method, request, response };
    entries.push(entry);
    addToIndex(byHash, entry);
    played.set(hash, (played.get(hash) ?? 0) + 1);
    dirty = true;
    if (real) supportedUrls = encodeSupportedUrls(await real.supportedUrls);
    await persist();
  };

  /** Resolves a call: a recorded entry, or `undefined` after noting a miss that must be recorded. */
  const prepare = (method: CassetteMethod, callOptions: LanguageModelV4CallOptions) => {
    if (callOptions.abortSignal?.aborted) throw callOptions.abortSignal.reason;
    const canonical = canonicalizeRequest(callOptions);
    const hash = hashCanonicalRequest(canonical);
    // Canonical JSON is plain data, so encoding it only redacts its strings.
    const request = encodeValue(canonical) as CanonicalRequest;
    const entry = mode === "record" ? undefined : lookUp(hash);
    if (entry || mode === "record") return { hash, request, entry };
    misses.push({ hash, method, request });
    if (mode === "replay") {
      throw new CassetteMissError({
        requestHash: hash,
        message: missMessage({ hash, method, request, path, entries, fileExisted }),
      });
    }
    return { hash, request, entry };
  };

  const model: CassetteModel = {
    specificationVersion: "v4",
    provider,
    modelId,
    get supportedUrls() {
      return real?.supportedUrls ?? decodeSupportedUrls(supportedUrls);
    },
    get mode() {
      return mode;
    },
    path,
    get entries() {
      return entries.length;
    },
    get misses() {
      return misses;
    },
    async save() {
      await writing.catch(() => undefined);
      if (mode === "record" || dirty || (mode === "auto" && !existsSync(path))) await persist();
    },
    async doGenerate(callOptions): Promise<LanguageModelV4GenerateResult> {
      const { hash, request, entry } = prepare("generate", callOptions);
      if (entry) return replayGenerate(entry);
      const result = await (real as LanguageModelV4).doGenerate(callOptions);
      await record(hash, "generate", request, encodeGenerateResult(result));
      return result;
    },
    async doStream(callOptions): Promise<LanguageModelV4StreamResult> {
      const { hash, request, entry } = prepare("stream", callOptions);
      if (entry) return { stream: partsToStream(replayParts(entry), callOptions.abortSignal) };
      const result = await (real as LanguageModelV4).doStream(callOptions);
      const recorded: CanonicalJsonValue[] = [];
      const tap = new TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart>({
        transform(part, controller) {
          recorded.push(encodeValue(part) ?? null);
          controller.enqueue(part);
        },
        // Only a stream read to its end is recorded; an error or a cancel leaves no entry.
        async flush() {
          await record(hash, "stream", request, { parts: recorded });
        },
      });
      return { ...result, stream: result.stream.pipeThrough(tap) };
    },
  };
  return model;
}

function validPath(path: unknown): string {
  if (typeof path !== "string" || path.length === 0) {
    throw new InvalidDefinitionError({
      subject: "cassette model options",
      issues: [{ field: "path", expected: "the path of the JSON cassette file" }],
    });
  }
  return path;
}

function resolveMode(mode: CassetteMode | undefined): CassetteMode {
  const fromEnv = process.env[MODE_ENV];
  const value = mode ?? (fromEnv === undefined || fromEnv === "" ? "replay" : fromEnv);
  if (!MODES.includes(value as CassetteMode)) {
    throw new InvalidDefinitionError({
      subject: "cassette model options",
      issues: [
        {
          field: mode === undefined ? MODE_ENV : "mode",
          expected: '"record", "replay" or "auto"',
          received: JSON.stringify(value),
        },
      ],
    });
  }
  return value as CassetteMode;
}

function readCassette(path: string): CassetteFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InvalidDefinitionError({
      subject: "cassette",
      issues: [{ field: "path", expected: `a readable JSON cassette at ${path}`, received: String(error) }],
      cause: error,
    });
  }
  const file = parsed as Partial<CassetteFile> | null;
  if (file?.version !== 1 || !Array.isArray(file.entries)) {
    throw new InvalidDefinitionError({
      subject: "cassette",
      issues: [
        {
          field: "path",
          expected: `a cassette of version 1 with an "entries" array at ${path}; delete it and record again`,
        },
      ],
    });
  }
  return file as CassetteFile;
}

function addToIndex(index: Map<string, CassetteEntry[]>, entry: CassetteEntry): void {
  const list = index.get(entry.hash);
  if (list) list.push(entry);
  else index.set(entry.hash, [entry]);
}

/** Pretty, sorted-key JSON with `version`, `model`, `entries` first to last, so re-recording is diff-free. */
function serializeCassette(
  meta: NonNullable<CassetteFile["model"]>,
  entries: readonly CassetteEntry[],
): string {
  const nested = (value: unknown) =>
    stringifyCanonical(value as CanonicalJsonValue, true).replaceAll("\n", "\n  ");
  return `{\n  "version": 1,\n  "model": ${nested(meta)},\n  "entries": ${nested(entries)}\n}\n`;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temporary, text, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Miss messages

interface MissContext {
  hash: string;
  method: CassetteMethod;
  request: CanonicalRequest;
  path: string;
  entries: readonly CassetteEntry[];
  fileExisted: boolean;
}

function missMessage(context: MissContext): string {
  const { hash, method, request, path, entries } = context;
  const lines = [
    `Cassette miss: no recorded answer for this do${method === "generate" ? "Generate" : "Stream"} request (hash ${hash}) in cassette ${path}.`,
  ];
  if (!context.fileExisted) {
    lines.push("The cassette file does not exist.");
  } else if (entries.length === 0) {
    lines.push("The cassette has no entries.");
  } else {
    const live = stringifyCanonical(request, true);
    let nearest:
      | { entry: CassetteEntry; index: number; diff: ReturnType<typeof diffLines>; changed: number }
      | undefined;
    const compared = new Set<string>();
    entries.forEach((entry, index) => {
      if (compared.has(entry.hash)) return;
      compared.add(entry.hash);
      const diff = diffLines(stringifyCanonical(entry.request, true), live);
      const changed = diff.filter((line) => line.kind !== " ").length;
      if (!nearest || changed < nearest.changed) nearest = { entry, index, diff, changed };
    });
    if (nearest) {
      lines.push(
        `Nearest of ${compared.size} recorded request(s): entry #${nearest.index} (hash ${nearest.entry.hash}, ${nearest.entry.method}). Diff (- recorded, + this request):`,
        formatDiff(nearest.diff),
      );
    }
  }
  lines.push(
    `If the change is intended, re-record: run the test with ${MODE_ENV}=record (or =auto to record only the missing calls) and a real provider API key, then commit ${path}.`,
  );
  return redactSecrets(lines.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Encoding: JSON with tagged Dates, bytes, URLs and errors, every string redacted.

type EncodedObject = { [key: string]: CanonicalJsonValue };

/**
 * Turns a response value into storable JSON that {@link decodeValue} can turn back: Dates, bytes,
 * URLs and errors become `{ "$type": ... }` objects; strings are redacted; `undefined` is dropped.
 */
function encodeValue(value: unknown): CanonicalJsonValue | undefined {
  return encodeJson(value, CASSETTE_ENCODING);
}

const CASSETTE_ENCODING: JsonEncoding = {
  string: redactSecrets,
  object(object) {
    if (object instanceof Date) return { $type: "Date", value: object.toISOString() };
    if (object instanceof URL) return { $type: "URL", value: redactSecrets(object.toString()) };
    if (object instanceof Uint8Array)
      return { $type: "Uint8Array", base64: Buffer.from(object).toString("base64") };
    if (object instanceof Error) return encodeError(object);
    return undefined;
  },
};

/** Error fields worth keeping: what retry logic and messages read. URLs and bodies may hold keys. */
const ERROR_FIELDS = ["statusCode", "status", "isRetryable", "code"] as const;

function encodeError(error: Error): EncodedObject {
  const result: EncodedObject = { $type: "Error", name: error.name, message: redactSecrets(error.message) };
  const source = error as unknown as Record<string, unknown>;
  for (const field of ERROR_FIELDS) {
    const item = source[field];
    if (typeof item === "number" || typeof item === "boolean" || typeof item === "string") {
      result[field] = typeof item === "string" ? redactSecrets(item) : item;
    }
  }
  return result;
}

/** Reverses {@link encodeValue}, building fresh objects on every call. */
function decodeValue(value: CanonicalJsonValue | undefined): unknown {
  if (value === null || value === undefined || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  switch (value.$type) {
    case "Date":
      if (typeof value.value === "string") return new Date(value.value);
      break;
    case "URL":
      if (typeof value.value === "string") return new URL(value.value);
      break;
    case "Uint8Array":
      if (typeof value.base64 === "string") return new Uint8Array(Buffer.from(value.base64, "base64"));
      break;
    case "Error":
      if (typeof value.message === "string") {
        const { $type: _, message, ...fields } = value;
        return Object.assign(new Error(message), fields);
      }
      break;
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = decodeValue(item);
  return result;
}

/** Keeps what a caller reads from a result; drops the request and response bodies and headers. */
function encodeGenerateResult(result: LanguageModelV4GenerateResult): EncodedObject {
  const metadata = result.response;
  return encodeValue({
    content: result.content,
    finishReason: result.finishReason,
    usage: result.usage,
    warnings: result.warnings,
    providerMetadata: result.providerMetadata,
    structuredOutputText: result.structuredOutputText,
    response: metadata && { id: metadata.id, modelId: metadata.modelId, timestamp: metadata.timestamp },
  }) as EncodedObject;
}

function encodeSupportedUrls(urls: Record<string, RegExp[]>): CanonicalJsonValue {
  const result: EncodedObject = {};
  for (const [mediaType, patterns] of Object.entries(urls)) {
    result[mediaType] = patterns.map((pattern) => ({ source: pattern.source, flags: pattern.flags }));
  }
  return result;
}

function decodeSupportedUrls(value: CanonicalJsonValue | undefined): Record<string, RegExp[]> {
  const result: Record<string, RegExp[]> = {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) return result;
  for (const [mediaType, patterns] of Object.entries(value)) {
    if (!Array.isArray(patterns)) continue;
    result[mediaType] = patterns.flatMap((pattern) => {
      const { source, flags } = (pattern ?? {}) as { source?: unknown; flags?: unknown };
      return typeof source === "string" ? [new RegExp(source, typeof flags === "string" ? flags : "")] : [];
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Replay, converting between generate results and stream parts when the method differs.

function replayGenerate(entry: CassetteEntry): LanguageModelV4GenerateResult {
  if (entry.method === "stream") return partsToGenerateResult(streamPartsOf(entry));
  const stored = decodeValue(entry.response) as Partial<LanguageModelV4GenerateResult>;
  return {
    ...stored,
    content: stored.content ?? [],
    finishReason: stored.finishReason ?? { unified: "other", raw: undefined },
    usage: stored.usage ?? emptyUsage(),
    warnings: stored.warnings ?? [],
  };
}

function replayParts(entry: CassetteEntry): LanguageModelV4StreamPart[] {
  return entry.method === "stream" ? streamPartsOf(entry) : generateResultToParts(replayGenerate(entry));
}

function streamPartsOf(entry: CassetteEntry): LanguageModelV4StreamPart[] {
  const parts = decodeValue(entry.response.parts);
  return Array.isArray(parts) ? (parts as LanguageModelV4StreamPart[]) : [];
}

function partsToStream(
  parts: readonly LanguageModelV4StreamPart[],
  signal: AbortSignal | undefined,
): ReadableStream<LanguageModelV4StreamPart> {
  let position = 0;
  return new ReadableStream<LanguageModelV4StreamPart>({
    pull(controller) {
      if (signal?.aborted) {
        controller.error(signal.reason);
        return;
      }
      const part = parts[position++];
      if (part === undefined) controller.close();
      else controller.enqueue(part);
    },
  });
}

function emptyUsage(): LanguageModelV4GenerateResult["usage"] {
  return {
    inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: undefined, text: undefined, reasoning: undefined },
  };
}

type TextBlock = Extract<LanguageModelV4Content, { type: "text" | "reasoning" }>;

/** Folds stream parts into the result `doGenerate` would have returned; an `error` part throws. */
function partsToGenerateResult(parts: readonly LanguageModelV4StreamPart[]): LanguageModelV4GenerateResult {
  const content: LanguageModelV4Content[] = [];
  const texts = new Map<string, TextBlock>();
  const result: LanguageModelV4GenerateResult = {
    content,
    finishReason: { unified: "other", raw: undefined },
    usage: emptyUsage(),
    warnings: [],
  };
  const block = (type: "text" | "reasoning", id: string) => {
    const key = `${type}:${id}`;
    const existing = texts.get(key);
    if (existing) return existing;
    const created: TextBlock = type === "text" ? { type, text: "" } : { type, text: "" };
    texts.set(key, created);
    content.push(created);
    return created;
  };
  for (const part of parts) {
    switch (part.type) {
      case "text-start":
      case "reasoning-start": {
        const found = block(part.type === "text-start" ? "text" : "reasoning", part.id);
        if (part.providerMetadata) found.providerMetadata = part.providerMetadata;
        break;
      }
      case "text-delta":
      case "reasoning-delta":
        block(part.type === "text-delta" ? "text" : "reasoning", part.id).text += part.delta;
        break;
      case "text-end": {
        const found = block("text", part.id) as Extract<LanguageModelV4Content, { type: "text" }>;
        if (part.citations) found.citations = part.citations;
        if (part.providerMetadata) found.providerMetadata = part.providerMetadata;
        break;
      }
      case "reasoning-end": {
        const found = block("reasoning", part.id);
        if (part.providerMetadata) found.providerMetadata = part.providerMetadata;
        break;
      }
      case "tool-input-start":
      case "tool-input-delta":
      case "tool-input-end":
      case "ping":
      case "raw":
        break;
      case "stream-start":
        result.warnings = part.warnings;
        break;
      case "response-metadata": {
        const { type: _, ...metadata } = part;
        result.response = metadata;
        break;
      }
      case "finish":
        result.finishReason = part.finishReason;
        result.usage = part.usage;
        if (part.providerMetadata) result.providerMetadata = part.providerMetadata;
        break;
      case "error":
        throw part.error;
      default:
        content.push(part);
    }
  }
  return result;
}

/** Unfolds a generate result into the parts `doStream` would have sent. */
function generateResultToParts(result: LanguageModelV4GenerateResult): LanguageModelV4StreamPart[] {
  const parts: LanguageModelV4StreamPart[] = [{ type: "stream-start", warnings: result.warnings }];
  if (result.response) {
    const { id, modelId, timestamp } = result.response;
    parts.push({ type: "response-metadata", id, modelId, timestamp });
  }
  result.content.forEach((item, index) => {
    switch (item.type) {
      case "text": {
        const id = `text_${index}`;
        const metadata = item.providerMetadata ? { providerMetadata: item.providerMetadata } : {};
        parts.push({ type: "text-start", id, ...metadata });
        parts.push({ type: "text-delta", id, delta: item.text });
        parts.push({
          type: "text-end",
          id,
          ...metadata,
          ...(item.citations ? { citations: item.citations } : {}),
        });
        break;
      }
      case "reasoning": {
        const id = `reasoning_${index}`;
        const metadata = item.providerMetadata ? { providerMetadata: item.providerMetadata } : {};
        parts.push({ type: "reasoning-start", id, ...metadata });
        parts.push({ type: "reasoning-delta", id, delta: item.text });
        parts.push({ type: "reasoning-end", id, ...metadata });
        break;
      }
      case "tool-call": {
        const id = item.toolCallId;
        parts.push({
          type: "tool-input-start",
          id,
          toolName: item.toolName,
          ...(item.providerExecuted === undefined ? {} : { providerExecuted: item.providerExecuted }),
          ...(item.dynamic === undefined ? {} : { dynamic: item.dynamic }),
        });
        parts.push({ type: "tool-input-delta", id, delta: item.input });
        parts.push({ type: "tool-input-end", id });
        parts.push(item);
        break;
      }
      default:
        parts.push(item);
    }
  });
  parts.push({
    type: "finish",
    finishReason: result.finishReason,
    usage: result.usage,
    ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
  });
  return parts;
}
