import type { ToolContentPart, ToolModelOutput } from "@flowmaestro/runtime";
import type { McpCallToolResult } from "./mcp-client.js";

/** What an MCP agent tool returns: the server's content blocks and structured content, unchanged. */
export interface McpToolOutput {
  /** The server's content blocks (text, image, audio, resource, resource_link). */
  readonly content: NonNullable<McpCallToolResult["content"]>;
  /** The server's structured result, for tools that declare an output schema. */
  readonly structuredContent?: Readonly<Record<string, unknown>>;
}

/**
 * How an MCP tool result is shown to the model. MCP's `content` is the model-facing result, so it
 * is sent block by block: text as text, images as `image-data`, audio as `file-data`, embedded
 * resources as their text (headed by their URI) or as `image-data` / `file-data` for blobs,
 * resource links as a line naming the link, unknown blocks as their JSON. Blocks annotated for the
 * user only (`annotations.audience` without `"assistant"`) are left out. A result with only text is
 * sent as one text (every provider takes that); one without content sends `structuredContent` as
 * JSON. The full result stays the tool's output (events, `toolResults`, memory). Used by the
 * stored `mcp` tool kind and by `@flowmaestro/mcp`'s tools.
 */
export function mcpToolModelOutput(output: McpToolOutput): ToolModelOutput {
  const blocks = Array.isArray(output?.content) ? output.content : [];
  if (blocks.length === 0) {
    return output?.structuredContent === undefined
      ? { type: "text", value: "" }
      : {
          type: "json",
          value: output.structuredContent as Extract<ToolModelOutput, { type: "json" }>["value"],
        };
  }
  const parts = blocks.filter(forAssistant).map(toPart);
  const texts = parts.flatMap((part) => (part.type === "text" ? [part.text] : []));
  if (texts.length === parts.length) return { type: "text", value: texts.join("\n") };
  return { type: "content", value: parts };
}

/** The text of a result's text blocks, for an `isError` result's message. */
export function mcpResultText(result: McpCallToolResult): string {
  const blocks = Array.isArray(result.content) ? result.content : [];
  return blocks
    .filter((block) => block.type === "text" && typeof block.text === "string")
    .map((block) => block.text as string)
    .join("\n");
}

type Block = McpToolOutput["content"][number];

function forAssistant(block: Block): boolean {
  const audience = (block as { annotations?: { audience?: unknown } }).annotations?.audience;
  return !Array.isArray(audience) || audience.includes("assistant");
}

function toPart(block: Block): ToolContentPart {
  const fields = block as Record<string, unknown>;
  switch (block.type) {
    case "text":
      return { type: "text", text: String(fields.text ?? "") };
    case "image":
      return { type: "image-data", data: String(fields.data ?? ""), mediaType: mimeOf(fields, "image/png") };
    case "audio":
      return { type: "file-data", data: String(fields.data ?? ""), mediaType: mimeOf(fields, "audio/wav") };
    case "resource":
      return resourcePart(fields.resource);
    case "resource_link":
      return { type: "text", text: describeLink(fields) };
    default:
      return { type: "text", text: JSON.stringify(block) };
  }
}

function resourcePart(resource: unknown): ToolContentPart {
  const fields = (typeof resource === "object" && resource !== null ? resource : {}) as Record<
    string,
    unknown
  >;
  const uri = String(fields.uri ?? "");
  const mediaType = typeof fields.mimeType === "string" ? fields.mimeType : undefined;
  if (typeof fields.text === "string") {
    return { type: "text", text: `[Resource ${uri}${mediaType ? ` (${mediaType})` : ""}]\n${fields.text}` };
  }
  const data = typeof fields.blob === "string" ? fields.blob : "";
  if (mediaType?.startsWith("image/")) return { type: "image-data", data, mediaType };
  const filename = fileNameOf(uri);
  return {
    type: "file-data",
    data,
    mediaType: mediaType ?? "application/octet-stream",
    ...(filename ? { filename } : {}),
  };
}

function describeLink(fields: Record<string, unknown>): string {
  const name = typeof fields.title === "string" ? fields.title : String(fields.name ?? fields.uri);
  const mime = typeof fields.mimeType === "string" ? ` (${fields.mimeType})` : "";
  const description = typeof fields.description === "string" ? `: ${fields.description}` : "";
  return `[Resource link ${name} <${String(fields.uri)}>${mime}${description}]`;
}

function mimeOf(fields: Record<string, unknown>, fallback: string): string {
  return typeof fields.mimeType === "string" && fields.mimeType !== "" ? fields.mimeType : fallback;
}

function fileNameOf(uri: string): string | undefined {
  let path: string;
  try {
    path = new URL(uri).pathname; // Not the host: `demo://blob` names no file.
  } catch {
    path = uri.split(/[?#]/)[0] ?? "";
  }
  const last = path.slice(path.lastIndexOf("/") + 1);
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
