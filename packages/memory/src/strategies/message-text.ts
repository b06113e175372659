import type { ModelMessage } from "ai";

/**
 * Tokens a file or image part counts for in {@link estimateTokens}: a flat figure, because its size
 * in bytes says little about what a provider charges for it.
 * @internal
 */
export const FILE_PART_TOKENS = 256;

/**
 * The plain text of a message: its text parts joined with newlines (reasoning, files and tool
 * parts left out). `""` when it has none.
 * @internal
 */
export function textOf(message: ModelMessage): string {
  const { content } = message;
  if (typeof content === "string") return content;
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === "text" && part.text.length > 0) texts.push(part.text);
  }
  return texts.join("\n");
}

/**
 * Estimated tokens of a message: characters / 4 of its text, reasoning, tool names, tool inputs and
 * outputs (as JSON), plus {@link FILE_PART_TOKENS} per file or image. Cheap and provider-neutral;
 * a budget, not a bill.
 * @internal
 */
export function estimateTokens(message: ModelMessage): number {
  const { content } = message;
  if (typeof content === "string") return Math.ceil(content.length / 4);
  let characters = 0;
  let files = 0;
  for (const part of content) {
    switch (part.type) {
      case "text":
      case "reasoning":
        characters += part.text.length;
        break;
      case "tool-call":
        characters += part.toolName.length + jsonLength(part.input);
        break;
      case "tool-result":
        characters += part.toolName.length + jsonLength(part.output);
        break;
      case "file":
      case "image":
      case "reasoning-file":
        files += 1;
        break;
      default:
        characters += jsonLength(part);
    }
  }
  return Math.ceil(characters / 4) + files * FILE_PART_TOKENS;
}

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}
