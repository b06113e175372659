import type { JSONValue } from "@ai-sdk/provider";
import type { ToolResultRecord } from "../run-result.js";
import type { AgentTool } from "../tools/agent-tool.js";
import { toJsonText } from "./json-values.js";

/**
 * A content part of a tool result as the model gets it: the AI SDK 7 provider spec's (v4)
 * `text` and `file` parts, file data as base64. JSON-safe, so it is stored as it is.
 */
export type ToolResultContentPart =
  | { type: "text"; text: string }
  | { type: "file"; data: { type: "data"; data: string }; mediaType: string; filename?: string };

/**
 * How a tool outcome is shown to the model in the conversation (the AI SDK's tool-result output,
 * the same shape in a `ModelMessage` and in the provider prompt).
 */
export type ToolResultOutput =
  | { type: "text"; value: string }
  | { type: "json"; value: any }
  | { type: "content"; value: ToolResultContentPart[] }
  | { type: "error-text"; value: string };

/** The model-facing form of each successful record, computed once when the call ran. */
const modelOutputs = new WeakMap<ToolResultRecord, ToolResultOutput>();
/** Records whose model-facing form came from the tool's `toModelOutput` (not derivable from `output`). */
const mapped = new WeakSet<ToolResultRecord>();

/** How a tool outcome is shown to the model in the conversation history. */
export function toToolResultOutput(record: ToolResultRecord): ToolResultOutput {
  if (record.isError) return { type: "error-text", value: record.error?.message ?? "Tool failed." };
  const known = modelOutputs.get(record);
  if (known) return known;
  if (typeof record.output === "string") return { type: "text", value: record.output };
  const text = record.output === undefined ? undefined : toJsonText(record.output);
  return { type: "json", value: text?.ok ? JSON.parse(text.json) : null };
}

/**
 * Records the model-facing form of a successful outcome; `fromTool` when the tool's
 * `toModelOutput` made it (so a stored run keeps the tool's own output beside it). @internal
 */
export function rememberModelOutput(
  record: ToolResultRecord,
  output: ToolResultOutput,
  fromTool: boolean,
): void {
  modelOutputs.set(record, output);
  if (fromTool) mapped.add(record);
}

/** Whether a record's model-facing form came from its tool's `toModelOutput`. @internal */
export function hasMappedOutput(record: ToolResultRecord): boolean {
  return mapped.has(record);
}

/** The model-facing form of a validated tool output, or what is wrong with it. @internal */
export type ModelOutputOutcome =
  | { readonly ok: true; readonly output: ToolResultOutput; readonly fromTool: boolean }
  | { readonly ok: false; readonly expected: string; readonly problem: string; readonly cause?: unknown };

/**
 * The model-facing form of a tool's (validated) output: what its `toModelOutput` returns, checked
 * and normalized (`image-data`/`file-data` parts become `file` parts), or else a string as text
 * and anything else as its JSON copy. The output itself must be JSON-serialisable either way.
 * @internal
 */
export function modelOutputOf(tool: AgentTool, output: unknown): ModelOutputOutcome {
  if (typeof output === "string" && !tool.toModelOutput) {
    return { ok: true, output: { type: "text", value: output }, fromTool: false };
  }
  let json: unknown = null;
  if (output !== undefined) {
    const text = toJsonText(output);
    if (!text.ok) return { ok: false, expected: "JSON-serialisable", problem: text.problem };
    if (!tool.toModelOutput) json = JSON.parse(text.json);
  }
  if (!tool.toModelOutput) return { ok: true, output: { type: "json", value: json }, fromTool: false };
  let value: unknown;
  try {
    value = tool.toModelOutput(output);
  } catch (cause) {
    return { ok: false, expected: SHAPE, problem: "a value its toModelOutput failed on", cause };
  }
  const checked = checkModelOutput(value);
  return typeof checked === "string"
    ? { ok: false, expected: SHAPE, problem: checked }
    : { ok: true, output: checked, fromTool: true };
}

const SHAPE = 'a toModelOutput result { type: "text" | "json" | "content", value }';

/** A `toModelOutput` result in its model-facing form, or what is wrong with it. */
function checkModelOutput(value: unknown): ToolResultOutput | string {
  if (typeof value !== "object" || value === null) return describe(value);
  const { type, value: inner } = value as { type?: unknown; value?: unknown };
  switch (type) {
    case "text":
      return typeof inner === "string"
        ? { type, value: inner }
        : `a "text" output whose value is ${describe(inner)}`;
    case "json": {
      const text = toJsonText(inner);
      return text.ok
        ? { type, value: JSON.parse(text.json) as JSONValue }
        : `a "json" output whose value is not JSON-serialisable (${text.problem})`;
    }
    case "content": {
      if (!Array.isArray(inner))
        return `a "content" output whose value is ${describe(inner)}, not an array of parts`;
      const parts: ToolResultContentPart[] = [];
      for (let index = 0; index < inner.length; index++) {
        const part = toContentPart(inner[index]);
        if (typeof part === "string") return `content part ${index}, which ${part}`;
        parts.push(part);
      }
      return { type, value: parts };
    }
    default:
      return `an output of type ${JSON.stringify(String(type))}`;
  }
}

/** One content part, normalized to the provider spec's `text` or `file`, or what is wrong with it. */
function toContentPart(value: unknown): ToolResultContentPart | string {
  if (typeof value !== "object" || value === null) return `is ${describe(value)}, not a part object`;
  const part = value as Record<string, unknown>;
  if (part.type === "text") {
    return typeof part.text === "string"
      ? { type: "text", text: part.text }
      : "is a text part without a string `text`";
  }
  if (part.type !== "file" && part.type !== "image-data" && part.type !== "file-data") {
    return `has type ${JSON.stringify(String(part.type))} (expected "text", "file", "image-data" or "file-data")`;
  }
  // `file` tags its data (`{ type: "data", data }`); the older `image-data`/`file-data` do not.
  const tagged = part.data as { type?: unknown; data?: unknown } | undefined;
  const data = part.type !== "file" ? part.data : tagged?.type === "data" ? tagged.data : undefined;
  if (typeof data !== "string") {
    return part.type === "file"
      ? 'is a file part without `data: { type: "data", data: <base64 string> }`'
      : `is an ${part.type} part without base64 \`data\` as a string`;
  }
  if (typeof part.mediaType !== "string" || part.mediaType.length === 0) {
    return `is a part without a \`mediaType\` such as "image/png"`;
  }
  const filename =
    part.type !== "image-data" && typeof part.filename === "string" ? part.filename : undefined;
  return {
    type: "file",
    data: { type: "data", data },
    mediaType: part.mediaType,
    ...(filename === undefined ? {} : { filename }),
  };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}
