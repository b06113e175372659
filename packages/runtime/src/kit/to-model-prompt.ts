import type {
  LanguageModelV4FilePart,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
  SharedV4FileData,
} from "@ai-sdk/provider";
import type { ModelMessage } from "ai";

type AnyPart = { type: string; [key: string]: unknown };

/**
 * Converts AI SDK `ModelMessage`s (what hosts store and pass) into the provider-level prompt
 * of the language-model spec. Only what the spec needs is copied; unknown part types are kept
 * as they are so newer providers still see them.
 */
export function toModelPrompt(messages: readonly ModelMessage[]): LanguageModelV4Prompt {
  return messages.map(toModelMessage);
}

/** Converts one message; see {@link toModelPrompt}. */
export function toModelMessage(message: ModelMessage): LanguageModelV4Message {
  const providerOptions =
    message.providerOptions === undefined ? {} : { providerOptions: message.providerOptions };
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content, ...providerOptions };
    case "user":
    case "assistant":
      return {
        role: message.role,
        content:
          typeof message.content === "string"
            ? [{ type: "text", text: message.content }]
            : (message.content as unknown as AnyPart[]).map(toContentPart),
        ...providerOptions,
      } as LanguageModelV4Message;
    case "tool":
      return { role: "tool", content: message.content as never, ...providerOptions };
  }
}

function toContentPart(part: AnyPart): unknown {
  if (part.type === "image") {
    const { image, mediaType, type: _type, ...rest } = part;
    return {
      ...rest,
      type: "file",
      mediaType: (mediaType as string | undefined) ?? "image/*",
      data: toFileData(image),
    };
  }
  if (part.type === "file") {
    return { ...part, type: "file", data: toFileData(part.data) } satisfies Partial<LanguageModelV4FilePart>;
  }
  return part;
}

function toFileData(data: unknown): SharedV4FileData {
  if (data instanceof URL) return { type: "url", url: data };
  if (data instanceof Uint8Array) return { type: "data", data };
  if (data instanceof ArrayBuffer) return { type: "data", data: new Uint8Array(data) };
  if (typeof data === "string") {
    if (/^https?:\/\//i.test(data)) return { type: "url", url: new URL(data) };
    return { type: "data", data };
  }
  return data as SharedV4FileData;
}
