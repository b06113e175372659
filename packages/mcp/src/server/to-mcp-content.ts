import type { ToolResultContentPart, ToolResultOutput } from "@flowmaestro/runtime/kit";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** One MCP content block of a tool result (text, image, audio, embedded resource). @internal */
export type McpContentBlock = CallToolResult["content"][number];

/**
 * Maps a successful tool outcome, in the form the model would see it (the kit's
 * `toToolResultOutput`: the tool's `toModelOutput`, else its output), to an MCP result: text stays
 * text; JSON becomes its text, and `structuredContent` too when it is an object; content parts
 * become blocks, `image/*` files image blocks, `audio/*` audio blocks, other files embedded
 * resources.
 * @internal
 */
export function toMcpContent(output: ToolResultOutput): {
  content: McpContentBlock[];
  structuredContent?: Record<string, unknown>;
} {
  switch (output.type) {
    case "text":
    case "error-text":
      return { content: [{ type: "text", text: output.value }] };
    case "content":
      return { content: output.value.map(toBlock) };
    case "json": {
      const value: unknown = output.value;
      const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
      return {
        content: [{ type: "text", text: JSON.stringify(value) }],
        ...(isObject ? { structuredContent: value as Record<string, unknown> } : {}),
      };
    }
  }
}

function toBlock(part: ToolResultContentPart, index: number): McpContentBlock {
  if (part.type === "text") return { type: "text", text: part.text };
  const { mediaType: mimeType, data } = part;
  if (mimeType.startsWith("image/")) return { type: "image", data: data.data, mimeType };
  if (mimeType.startsWith("audio/")) return { type: "audio", data: data.data, mimeType };
  // An embedded resource needs a URI; a file part has none, so it is named after the file.
  const uri = `attachment://${encodeURIComponent(part.filename ?? `part-${index}`)}`;
  return { type: "resource", resource: { uri, mimeType, blob: data.data } };
}
