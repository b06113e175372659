import type { MastraDBMessage, MastraMessagePart } from "@mastra/core/agent";
import type {
  AssistantContent,
  FilePart,
  ImagePart,
  ModelMessage,
  TextPart,
  ToolCallPart,
  ToolContent,
  ToolResultPart,
  UserContent,
} from "ai";

/**
 * How a Mastra message and the stored messages of a FlowMaestro thread map onto each other.
 *
 * FlowMaestro stores plain AI SDK `ModelMessage`s, one per row, in the order a model reads them:
 * `user`, then per step an `assistant` message (reasoning, text, tool calls) and a `tool` message
 * (the results). Mastra stores one message per turn: a user message, or one assistant message that
 * holds every step of a response (separated by `step-start` parts) with each tool result folded
 * into its call (`tool-invocation` parts). So:
 *
 * - Writing, a Mastra assistant message `M` becomes, per non-empty step `j`, an assistant message
 *   and (when the step ran tools) a tool message, with deterministic ids: the first one `M`, then
 *   `M~j` for the assistant message of step `j` and `M~j~tool` for its tool message. Saving `M`
 *   again (Mastra re-saves a response after every step) replaces those rows in place.
 * - Reading, an assistant row starts a Mastra message; the following tool row folds into it, and so
 *   does an assistant row whose id is `<that message's id>~…` (a later step Mastra wrote). A
 *   conversation the legacy runtime wrote therefore reads as one Mastra message per step. When a
 *   message's rows do not follow the id convention, their ids travel in `content.metadata.flowmaestro`
 *   so that a re-save writes back to the same rows.
 * - Provider metadata is kept both ways (`providerMetadata` ⇄ `providerOptions`); Mastra's own
 *   bookkeeping namespace (`mastra`: part timestamps, `modelOutput`) is dropped from stored messages,
 *   and a tool result's exact model output (`error-text` included) is handed to Mastra as
 *   `providerMetadata.mastra.modelOutput`, which Mastra sends instead of its own rendering.
 * - What a `ModelMessage` cannot hold (Mastra `source`/`data-*`/`error` parts, message metadata
 *   other than the answering model) travels in the stored message's `providerOptions.mastra`
 *   (providers ignore namespaces they do not know). Tool calls without a result (an interrupted or
 *   client-side call) and `updateWorkingMemory` calls are not stored, so every stored conversation
 *   stays valid to send to a model again. Mastra `signal` messages are not stored.
 *
 * @internal
 */
export const MASTRA_NAMESPACE = "mastra";

/** Key of FlowMaestro's bookkeeping in a Mastra message's `content.metadata`. @internal */
export const FLOWMAESTRO_METADATA_KEY = "flowmaestro";

/** A message as the storage adapter stores it (the fields the conversion needs). @internal */
export interface StoredRow {
  readonly id: string;
  readonly message: ModelMessage;
  readonly createdAt: Date;
  readonly threadId: string;
  readonly resourceId: string;
  /** The run that stored the row, when known. */
  readonly runId?: string | undefined;
}

/** A row to write for a Mastra message. @internal */
export interface RowToWrite {
  readonly id: string;
  readonly message: ModelMessage;
  readonly createdAt: Date;
  /** Index of the Mastra step the row belongs to (0 for user and system messages). */
  readonly step: number;
}

/** Stored rows that form one Mastra message, in order. @internal */
export interface RowGroup {
  readonly id: string;
  readonly rows: readonly StoredRow[];
}

type ProviderMetadata = Record<string, Record<string, unknown>>;
type AnyPart = MastraMessagePart & Record<string, unknown>;
type AssistantPart = Exclude<AssistantContent, string>[number];
type ReasoningPart = Extract<AssistantPart, { type: "reasoning" }>;
type ToolOutput = ToolResultPart["output"];

const TOOL_OUTPUT_TYPES = new Set([
  "text",
  "json",
  "error-text",
  "error-json",
  "content",
  "execution-denied",
]);
/** Message metadata Mastra adds to every response; the stored messages do not need it. */
const AUTOMATIC_METADATA = new Set(["modelId", "provider"]);
/** Mastra's working-memory tool: Mastra never stores its calls, nor do we. */
const WORKING_MEMORY_TOOLS = new Set(["updateWorkingMemory"]);

// ---------------------------------------------------------------------------------------------
// Mastra → stored rows

/**
 * The rows that store one Mastra message (see {@link MASTRA_NAMESPACE} for the mapping). A user or
 * system message is one row; an assistant message is an assistant row and a tool row per step.
 * Returns no row for a message with nothing a model can read (e.g. only a working-memory call).
 *
 * @internal
 */
export function toStoredRows(message: MastraDBMessage): RowToWrite[] {
  const createdAt = toDate(message.createdAt);
  const content = message.content;
  const extra = messageExtras(content);
  switch (message.role) {
    case "user": {
      const userContent = toUserContent(content.parts ?? [], content.content);
      if (userContent === undefined) return [];
      return [
        {
          id: message.id,
          message: withMessageOptions({ role: "user", content: userContent }, content, extra),
          createdAt,
          step: 0,
        },
      ];
    }
    case "system": {
      const text = textOf(content);
      if (text === "") return [];
      return [
        {
          id: message.id,
          message: withMessageOptions({ role: "system", content: text }, content, extra),
          createdAt,
          step: 0,
        },
      ];
    }
    case "assistant":
      return assistantRows(message, createdAt, extra);
    default:
      // `signal` messages are Mastra's own delivery mechanism; a model never reads them as such.
      return [];
  }
}

function assistantRows(
  message: MastraDBMessage,
  createdAt: Date,
  extra: Record<string, unknown> | undefined,
): RowToWrite[] {
  const parts = (message.content.parts ?? []) as AnyPart[];
  const segments: Array<{ index: number; parts: AnyPart[] }> = [];
  let current: { index: number; parts: AnyPart[] } = { index: 0, parts: [] };
  parts.forEach((part, position) => {
    if (part.type === "step-start") {
      // A leading step-start opens the first step; later ones open the next.
      if (position === 0) return;
      segments.push(current);
      current = { index: current.index + 1, parts: [] };
      return;
    }
    current.parts.push(part);
  });
  segments.push(current);

  const storedIds = storedIdsOf(message.content.metadata);
  const rows: RowToWrite[] = [];
  let produced = 0;
  let last = createdAt.getTime();
  const nextId = (kind: "assistant" | "tool", step: number) => {
    const fromMetadata = storedIds?.[produced];
    const id =
      fromMetadata ??
      (produced === 0
        ? message.id
        : kind === "assistant"
          ? `${message.id}~${step}`
          : `${message.id}~${step}~tool`);
    produced++;
    return id;
  };
  let nonEmpty = 0;
  for (const segment of segments) {
    const converted = convertSegment(segment.parts);
    if (converted.assistant.length === 0) continue;
    const stepNumber = nonEmpty++;
    const at = Math.max(last, firstPartTime(segment.parts) ?? last);
    last = at;
    const assistant: ModelMessage = { role: "assistant", content: converted.assistant };
    const options: Record<string, unknown> = {};
    if (rows.length === 0) {
      const messageOptions = stripMastra(message.content.providerMetadata as ProviderMetadata | undefined);
      if (messageOptions) Object.assign(options, messageOptions);
    }
    const mastraExtras: Record<string, unknown> = {};
    if (rows.length === 0 && extra) mastraExtras.metadata = extra;
    if (converted.extraParts.length > 0) mastraExtras.parts = converted.extraParts;
    if (Object.keys(mastraExtras).length > 0) options[MASTRA_NAMESPACE] = mastraExtras;
    if (Object.keys(options).length > 0) assistant.providerOptions = options as never;
    rows.push({
      id: nextId("assistant", stepNumber),
      message: assistant,
      createdAt: new Date(at),
      step: segment.index,
    });
    if (converted.results.length > 0) {
      rows.push({
        id: nextId("tool", stepNumber),
        message: { role: "tool", content: converted.results },
        createdAt: new Date(at),
        step: segment.index,
      });
    }
  }
  return rows;
}

function convertSegment(parts: readonly AnyPart[]): {
  assistant: AssistantPart[];
  results: ToolContent;
  extraParts: unknown[];
} {
  const assistant: AssistantPart[] = [];
  const results: ToolResultPart[] = [];
  const extraParts: unknown[] = [];
  for (const part of parts) {
    const providerOptions = stripMastra(part.providerMetadata as ProviderMetadata | undefined);
    const options = providerOptions ? { providerOptions: providerOptions as never } : {};
    switch (part.type) {
      case "text": {
        const text = typeof part.text === "string" ? part.text : "";
        if (text.length === 0 && !providerOptions) break;
        assistant.push({ type: "text", text, ...options } satisfies TextPart);
        break;
      }
      case "reasoning": {
        const details = Array.isArray(part.details) ? (part.details as Array<Record<string, unknown>>) : [];
        if (details.some((detail) => detail.type === "redacted")) extraParts.push(withoutTimestamps(part));
        const fromDetails = details
          .filter((detail) => detail.type === "text" && typeof detail.text === "string")
          .map((detail) => detail.text as string)
          .join("");
        const text =
          fromDetails.length > 0 ? fromDetails : typeof part.reasoning === "string" ? part.reasoning : "";
        if (text.length === 0 && !providerOptions) break;
        assistant.push({ type: "reasoning", text, ...options } satisfies ReasoningPart);
        break;
      }
      case "file": {
        const { data, mediaType } = fromDataString(
          String(part.data ?? ""),
          part.mimeType as string | undefined,
        );
        const filename = typeof part.filename === "string" ? { filename: part.filename } : {};
        assistant.push({ type: "file", data, mediaType, ...filename, ...options } satisfies FilePart);
        break;
      }
      case "tool-invocation": {
        const invocation = part.toolInvocation as unknown as Record<string, unknown>;
        const toolName = String(invocation.toolName ?? "");
        if (WORKING_MEMORY_TOOLS.has(toolName)) break;
        const toolCallId = String(invocation.toolCallId ?? "");
        const output = toolOutputOf(invocation, part.providerMetadata as ProviderMetadata | undefined);
        // A call without its result cannot be sent to a model again; Mastra re-saves the message
        // with the result once the tool has answered.
        if (output === undefined) break;
        const providerExecuted = part.providerExecuted === true;
        assistant.push({
          type: "tool-call",
          toolCallId,
          toolName,
          input: invocation.args ?? {},
          ...(providerExecuted ? { providerExecuted: true } : {}),
          ...options,
        } satisfies ToolCallPart);
        const result: ToolResultPart = { type: "tool-result", toolCallId, toolName, output, ...options };
        if (providerExecuted) assistant.push(result);
        else results.push(result);
        break;
      }
      default:
        // source, source-url, source-document, data-*, error: nothing a ModelMessage can hold.
        extraParts.push(withoutTimestamps(part));
    }
  }
  return { assistant, results, extraParts };
}

/** The exact output a tool result is sent to the model with; `undefined` for a call without result. */
function toolOutputOf(
  invocation: Record<string, unknown>,
  metadata: ProviderMetadata | undefined,
): ToolOutput | undefined {
  const state = invocation.state;
  if (state !== "result" && state !== "output-error" && state !== "output-denied") return undefined;
  const modelOutput = metadata?.[MASTRA_NAMESPACE]?.modelOutput as { type?: unknown } | undefined;
  if (modelOutput && typeof modelOutput === "object" && TOOL_OUTPUT_TYPES.has(String(modelOutput.type))) {
    return modelOutput as ToolOutput;
  }
  if (state === "output-denied")
    return { type: "execution-denied", reason: stringOr(invocation.errorText) } as ToolOutput;
  if (state === "output-error" || invocation.isError === true) {
    const text =
      stringOr(invocation.errorText) ??
      (typeof invocation.result === "string" ? invocation.result : undefined);
    if (text !== undefined) return { type: "error-text", value: text };
    return { type: "error-json", value: toJson(invocation.result) } as ToolOutput;
  }
  const result = invocation.result;
  if (typeof result === "string") return { type: "text", value: result };
  return { type: "json", value: toJson(result) } as ToolOutput;
}

function toUserContent(parts: readonly MastraMessagePart[], fallback: unknown): UserContent | undefined {
  const out: Array<TextPart | ImagePart | FilePart> = [];
  for (const raw of parts as AnyPart[]) {
    const providerOptions = stripMastra(raw.providerMetadata as ProviderMetadata | undefined);
    const options = providerOptions ? { providerOptions: providerOptions as never } : {};
    if (raw.type === "text") {
      out.push({ type: "text", text: typeof raw.text === "string" ? raw.text : "", ...options });
    } else if (raw.type === "file") {
      const { data, mediaType } = fromDataString(String(raw.data ?? ""), raw.mimeType as string | undefined);
      const filename = typeof raw.filename === "string" ? { filename: raw.filename } : {};
      if (mediaType.startsWith("image/") && !filename.filename) {
        out.push({ type: "image", image: data, mediaType, ...options });
      } else {
        out.push({ type: "file", data, mediaType, ...filename, ...options });
      }
    }
  }
  if (out.length === 0) return typeof fallback === "string" && fallback.length > 0 ? fallback : undefined;
  // A single plain text part is stored as a string, as hosts pass it and the legacy runtime stores it.
  const only = out[0];
  if (out.length === 1 && only?.type === "text" && only.providerOptions === undefined) return only.text;
  return out;
}

function messageExtras(content: MastraDBMessage["content"]): Record<string, unknown> | undefined {
  const metadata = content.metadata;
  if (!metadata || typeof metadata !== "object") return undefined;
  const kept = Object.entries(metadata).filter(
    ([key]) => !AUTOMATIC_METADATA.has(key) && key !== FLOWMAESTRO_METADATA_KEY,
  );
  return kept.length === 0 ? undefined : (toJson(Object.fromEntries(kept)) as Record<string, unknown>);
}

function withMessageOptions(
  message: ModelMessage,
  content: MastraDBMessage["content"],
  extra: Record<string, unknown> | undefined,
): ModelMessage {
  const options: Record<string, unknown> = {
    ...(stripMastra(content.providerMetadata as ProviderMetadata | undefined) ?? {}),
  };
  if (extra) options[MASTRA_NAMESPACE] = { metadata: extra };
  if (Object.keys(options).length > 0) (message as { providerOptions?: unknown }).providerOptions = options;
  return message;
}

// ---------------------------------------------------------------------------------------------
// stored rows → Mastra

/**
 * Groups a thread's rows (in order) into the rows of each Mastra message: an assistant row with
 * the tool row after it and the later steps Mastra wrote under the same id.
 *
 * @internal
 */
export function groupRows(rows: readonly StoredRow[]): RowGroup[] {
  const groups: Array<{ id: string; rows: StoredRow[]; assistant: boolean }> = [];
  for (const row of rows) {
    const current = groups[groups.length - 1];
    const role = row.message.role;
    if (
      current?.assistant &&
      (role === "tool" || (role === "assistant" && row.id.startsWith(`${current.id}~`)))
    ) {
      current.rows.push(row);
      continue;
    }
    groups.push({ id: row.id, rows: [row], assistant: role === "assistant" || role === "tool" });
  }
  return groups.map(({ id, rows: members }) => ({ id, rows: members }));
}

/** The Mastra message a group of rows reads as. @internal */
export function toMastraMessage(group: RowGroup): MastraDBMessage {
  const first = group.rows[0] as StoredRow;
  const base = {
    id: group.id,
    createdAt: first.createdAt,
    threadId: first.threadId,
    resourceId: first.resourceId,
  };
  const message = first.message;
  if (message.role === "user" || message.role === "system") {
    const parts =
      message.role === "user" ? fromUserContent(message.content) : [{ type: "text", text: message.content }];
    const content: MastraDBMessage["content"] = { format: 2, parts: parts as MastraMessagePart[] };
    const text = parts.filter((part) => part.type === "text").map((part) => part.text as string);
    if (text.length > 0) content.content = text.join("\n");
    applyMessageOptions(content, message.providerOptions as ProviderMetadata | undefined);
    return { ...base, role: message.role, content };
  }
  return { ...base, role: "assistant", content: assistantContent(group) };
}

function assistantContent(group: RowGroup): MastraDBMessage["content"] {
  const parts: AnyPart[] = [];
  const invocations = new Map<string, AnyPart>();
  let steps = 0;
  const content: MastraDBMessage["content"] = { format: 2, parts: parts as MastraMessagePart[] };
  group.rows.forEach((row, index) => {
    const message = row.message;
    if (message.role === "assistant") {
      if (steps > 0) parts.push({ type: "step-start" } as AnyPart);
      steps++;
      if (index === 0) applyMessageOptions(content, message.providerOptions as ProviderMetadata | undefined);
      else appendExtraParts(parts, message.providerOptions as ProviderMetadata | undefined);
      const assistantParts: AssistantPart[] =
        typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
      for (const part of assistantParts) {
        const converted = fromAssistantPart(part, invocations);
        if (converted) parts.push(converted);
      }
      return;
    }
    if (message.role === "tool") {
      if (steps === 0) steps++;
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        let invocation = invocations.get(part.toolCallId);
        if (!invocation) {
          invocation = {
            type: "tool-invocation",
            toolInvocation: { state: "call", toolCallId: part.toolCallId, toolName: part.toolName, args: {} },
          } as unknown as AnyPart;
          invocations.set(part.toolCallId, invocation);
          parts.push(invocation);
        }
        applyResult(invocation, part);
      }
    }
  });
  const text = parts.filter((part) => part.type === "text").map((part) => part.text as string);
  if (text.length > 0) content.content = text.join("");
  const storedIds = group.rows.map((row) => row.id);
  if (!followsConvention(group.id, group.rows)) {
    content.metadata = { ...(content.metadata ?? {}), [FLOWMAESTRO_METADATA_KEY]: { storedIds } };
  }
  return content;
}

function fromAssistantPart(part: AssistantPart, invocations: Map<string, AnyPart>): AnyPart | undefined {
  const metadata =
    "providerOptions" in part && part.providerOptions ? { providerMetadata: part.providerOptions } : {};
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text, ...metadata } as AnyPart;
    case "reasoning":
      return {
        type: "reasoning",
        reasoning: part.text,
        details: [{ type: "text", text: part.text }],
        ...metadata,
      } as unknown as AnyPart;
    case "file": {
      const data = toDataString(part.data, part.mediaType);
      return {
        type: "file",
        data,
        mimeType: part.mediaType,
        ...(part.filename ? { filename: part.filename } : {}),
        ...metadata,
      } as unknown as AnyPart;
    }
    case "tool-call": {
      const invocation = {
        type: "tool-invocation",
        toolInvocation: {
          state: "call",
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          args: part.input ?? {},
        },
        ...metadata,
        ...(part.providerExecuted ? { providerExecuted: true } : {}),
      } as unknown as AnyPart;
      invocations.set(part.toolCallId, invocation);
      return invocation;
    }
    case "tool-result": {
      // A result the provider produced itself (web search…), kept in the assistant message.
      const invocation = invocations.get(part.toolCallId);
      if (invocation) {
        applyResult(invocation, part);
        return undefined;
      }
      const created = {
        type: "tool-invocation",
        toolInvocation: { state: "call", toolCallId: part.toolCallId, toolName: part.toolName, args: {} },
        providerExecuted: true,
      } as unknown as AnyPart;
      invocations.set(part.toolCallId, created);
      applyResult(created, part);
      return created;
    }
    default:
      return undefined;
  }
}

function applyResult(invocationPart: AnyPart, part: ToolResultPart): void {
  const invocation = invocationPart.toolInvocation as unknown as Record<string, unknown>;
  const output = part.output as { type: string; value?: unknown };
  invocation.state = "result";
  invocation.result = output && typeof output === "object" && "value" in output ? output.value : output;
  if (output.type === "error-text" || output.type === "error-json") {
    invocation.isError = true;
    if (output.type === "error-text") invocation.errorText = output.value;
  }
  const merged: ProviderMetadata = {
    ...((invocationPart.providerMetadata as ProviderMetadata | undefined) ?? {}),
    ...((part.providerOptions as ProviderMetadata | undefined) ?? {}),
  };
  merged[MASTRA_NAMESPACE] = { ...(merged[MASTRA_NAMESPACE] ?? {}), modelOutput: part.output };
  invocationPart.providerMetadata = merged as never;
}

function fromUserContent(content: UserContent): Array<Record<string, unknown>> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  const parts: Array<Record<string, unknown>> = [];
  for (const part of content) {
    const metadata = part.providerOptions ? { providerMetadata: part.providerOptions } : {};
    if (part.type === "text") parts.push({ type: "text", text: part.text, ...metadata });
    else if (part.type === "image") {
      const mediaType = part.mediaType ?? "image/png";
      parts.push({
        type: "file",
        data: toDataString(part.image, mediaType),
        mimeType: mediaType,
        ...metadata,
      });
    } else if (part.type === "file") {
      parts.push({
        type: "file",
        data: toDataString(part.data, part.mediaType),
        mimeType: part.mediaType,
        ...(part.filename ? { filename: part.filename } : {}),
        ...metadata,
      });
    }
  }
  return parts;
}

function applyMessageOptions(
  content: MastraDBMessage["content"],
  options: ProviderMetadata | undefined,
): void {
  if (!options) return;
  const { [MASTRA_NAMESPACE]: extras, ...providerMetadata } = options;
  if (Object.keys(providerMetadata).length > 0) content.providerMetadata = providerMetadata as never;
  const metadata = extras?.metadata;
  if (metadata && typeof metadata === "object")
    content.metadata = { ...(metadata as Record<string, unknown>) };
  const extraParts = extras?.parts;
  if (Array.isArray(extraParts)) content.parts.push(...(extraParts as MastraMessagePart[]));
}

function appendExtraParts(parts: AnyPart[], options: ProviderMetadata | undefined): void {
  const extraParts = options?.[MASTRA_NAMESPACE]?.parts;
  if (Array.isArray(extraParts)) parts.push(...(extraParts as AnyPart[]));
}

/** Whether a group's row ids are exactly those {@link toStoredRows} gives its message. */
function followsConvention(id: string, rows: readonly StoredRow[]): boolean {
  let step = -1;
  return rows.every((row, index) => {
    if (row.message.role === "assistant") step++;
    else if (step < 0) step = 0;
    if (index === 0) return row.id === id;
    return row.id === (row.message.role === "assistant" ? `${id}~${step}` : `${id}~${step}~tool`);
  });
}

function storedIdsOf(metadata: Record<string, unknown> | undefined): string[] | undefined {
  const ours = metadata?.[FLOWMAESTRO_METADATA_KEY] as { storedIds?: unknown } | undefined;
  const ids = ours?.storedIds;
  return Array.isArray(ids) && ids.every((id) => typeof id === "string") ? (ids as string[]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// helpers

/** Provider metadata without Mastra's own namespace; `undefined` when nothing is left. @internal */
export function stripMastra(metadata: ProviderMetadata | undefined): ProviderMetadata | undefined {
  if (!metadata || typeof metadata !== "object") return undefined;
  if (!(MASTRA_NAMESPACE in metadata)) return Object.keys(metadata).length > 0 ? metadata : undefined;
  const { [MASTRA_NAMESPACE]: _mastra, ...rest } = metadata;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function textOf(content: MastraDBMessage["content"]): string {
  const parts = (content.parts ?? []) as AnyPart[];
  const text = parts.filter((part) => part.type === "text").map((part) => String(part.text ?? ""));
  if (text.length > 0) return text.join("\n");
  return typeof content.content === "string" ? content.content : "";
}

function firstPartTime(parts: readonly AnyPart[]): number | undefined {
  for (const part of parts) if (typeof part.createdAt === "number") return part.createdAt;
  return undefined;
}

function withoutTimestamps(part: AnyPart): unknown {
  const { createdAt: _createdAt, ...rest } = part as Record<string, unknown>;
  return toJson(rest);
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const date = new Date(value as string);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A JSON-compatible copy (Dates become ISO strings, `undefined` entries are dropped). */
function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return null;
  }
}

/** Mastra keeps file data as a data URL or a URL; a ModelMessage as base64 or a URL. */
function fromDataString(data: string, mimeType: string | undefined): { data: string; mediaType: string } {
  const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(data);
  if (match) {
    const mediaType = mimeType ?? match[1] ?? "application/octet-stream";
    const payload = match[3] ?? "";
    return {
      data: match[2] ? payload : Buffer.from(decodeURIComponent(payload)).toString("base64"),
      mediaType,
    };
  }
  return { data, mediaType: mimeType ?? "application/octet-stream" };
}

function toDataString(data: unknown, mediaType: string): string {
  if (data instanceof URL) return data.href;
  if (data instanceof Uint8Array) return `data:${mediaType};base64,${Buffer.from(data).toString("base64")}`;
  if (data instanceof ArrayBuffer) return `data:${mediaType};base64,${Buffer.from(data).toString("base64")}`;
  if (typeof data === "string") {
    if (/^(https?:|data:)/i.test(data)) return data;
    return `data:${mediaType};base64,${data}`;
  }
  return "";
}
