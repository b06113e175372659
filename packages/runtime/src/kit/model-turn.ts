import type {
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FunctionTool,
  LanguageModelV4GenerateResult,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import type { ResolvedAgentDefinition } from "../agent-definition.js";
import type { ModelInfo } from "../models/model-reference.js";
import type { RunRecorder } from "./run-recorder.js";
import { toModelMessage } from "./to-model-prompt.js";
import { fromModelUsage } from "./usage.js";

/** Options of {@link recordStreamPart} and {@link recordGenerateResult}. */
export interface RecordOptions {
  /** The model that answered the call (after retries and fallbacks). */
  readonly answeredBy: () => ModelInfo | undefined;
  /**
   * For a runtime that hands the model's output on to a framework: tool calls whose arguments are
   * malformed or too deep reach it with `{}` (our record keeps the error and reports it to the
   * model), and tool-input streaming parts are withheld (the framework gets whole calls only).
   */
  readonly forFramework?: boolean;
}

/**
 * Records one part of a model stream on the recorder (text, reasoning, tool calls, files,
 * warnings, the end of the model's turn). Returns what a framework should see instead of the part:
 * `null` to withhold it, a replacement, or `undefined` for the part as it is.
 */
export function recordStreamPart(
  recorder: RunRecorder,
  part: LanguageModelV4StreamPart,
  options: RecordOptions,
): LanguageModelV4StreamPart | null | undefined {
  switch (part.type) {
    case "text-delta":
      recorder.textDelta(part.delta, part.id, part.providerMetadata);
      return undefined;
    case "reasoning-delta":
      recorder.reasoningDelta(part.delta, part.id, part.providerMetadata);
      return undefined;
    case "text-start":
    case "text-end":
    case "reasoning-start":
    case "reasoning-end": {
      const [type, boundary] = part.type.split("-") as ["text" | "reasoning", "start" | "end"];
      recorder.partBoundary(type, part.id, boundary, part.providerMetadata);
      return undefined;
    }
    case "tool-call": {
      const parsed = recorder.toolCall(part);
      return options.forFramework && !parsed.ok ? { ...part, input: "{}" } : undefined;
    }
    case "tool-input-start":
      if (!part.providerExecuted) recorder.toolInputStart(part.id, part.toolName);
      return options.forFramework ? null : undefined;
    case "tool-input-delta":
      recorder.toolInputDelta(part.id, part.delta);
      return options.forFramework ? null : undefined;
    case "tool-input-end":
      return options.forFramework ? null : undefined;
    case "tool-result":
      recorder.providerToolResult(part);
      return undefined;
    case "file":
      recorder.file(part.data, part.mediaType, part.providerMetadata);
      return undefined;
    case "stream-start":
      recorder.addWarnings(part.warnings);
      return undefined;
    case "finish":
      recorder.endModelTurn({
        finishReason: part.finishReason.unified,
        usage: fromModelUsage(part.usage),
        answeredBy: options.answeredBy(),
      });
      return options.forFramework && endsWithoutCalls(recorder, part.finishReason)
        ? { ...part, finishReason: { ...part.finishReason, unified: "stop" } }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Records a whole (non-streaming) answer on the recorder, parts in order, and ends the model's
 * turn. Returns the result a framework should see (see {@link RecordOptions.forFramework}).
 */
export function recordGenerateResult(
  recorder: RunRecorder,
  result: LanguageModelV4GenerateResult,
  options: RecordOptions,
): LanguageModelV4GenerateResult {
  recorder.addWarnings(result.warnings);
  let content: LanguageModelV4Content[] | undefined;
  result.content.forEach((part, index) => {
    switch (part.type) {
      case "text":
      case "reasoning":
        recorder.contentPart(part.type, part.text, part.providerMetadata);
        break;
      case "tool-call": {
        const parsed = recorder.toolCall(part);
        if (options.forFramework && !parsed.ok) {
          content ??= [...result.content];
          content[index] = { ...part, input: "{}" };
        }
        break;
      }
      case "tool-result":
        recorder.providerToolResult(part);
        break;
      case "file":
        recorder.file(part.data, part.mediaType, part.providerMetadata);
        break;
    }
  });
  recorder.endModelTurn({
    finishReason: result.finishReason.unified,
    usage: fromModelUsage(result.usage),
    answeredBy: options.answeredBy(),
  });
  const finishReason = endsWithoutCalls(recorder, result.finishReason)
    ? { ...result.finishReason, unified: "stop" as const }
    : undefined;
  if (!options.forFramework || (!content && !finishReason)) return result;
  return { ...result, ...(content ? { content } : {}), ...(finishReason ? { finishReason } : {}) };
}

/**
 * A turn that says `tool-calls` but made none (e.g. a call whose input never ended): the run is
 * done, as for any answer without tool calls. Frameworks that would call the model again on the
 * finish reason alone are told `stop`.
 */
function endsWithoutCalls(recorder: RunRecorder, finishReason: { unified: string }): boolean {
  return finishReason.unified === "tool-calls" && recorder.lastStepToolCallCount === 0;
}

/**
 * The prompt of each model call: the instructions, then the conversation so far (input plus this
 * run's finished steps). Each message is converted once; each call gets its own array, which
 * never changes after the call (a model or middleware may keep it).
 */
export function createPromptBuilder(
  instructions: string | undefined,
  recorder: Pick<RunRecorder, "messages">,
): () => LanguageModelV4Prompt {
  const converted: LanguageModelV4Message[] = [];
  if (instructions) converted.push({ role: "system", content: instructions });
  let count = 0;
  return () => {
    const messages = recorder.messages;
    for (; count < messages.length; count++) converted.push(toModelMessage(messages[count] as ModelMessage));
    return converted.slice();
  };
}

/** The options of a model call for a definition: sampling settings, tools, tool choice, provider options. */
export function toCallOptions(
  definition: ResolvedAgentDefinition,
  prompt: LanguageModelV4Prompt,
  tools: readonly LanguageModelV4FunctionTool[] | undefined,
): LanguageModelV4CallOptions {
  const choice = definition.toolChoice;
  return {
    prompt,
    ...(tools
      ? {
          tools: tools as LanguageModelV4FunctionTool[],
          toolChoice:
            choice === undefined ? { type: "auto" } : typeof choice === "string" ? { type: choice } : choice,
        }
      : {}),
    ...(definition.temperature === undefined ? {} : { temperature: definition.temperature }),
    ...(definition.maxOutputTokens === undefined ? {} : { maxOutputTokens: definition.maxOutputTokens }),
    ...(definition.providerOptions === undefined ? {} : { providerOptions: definition.providerOptions }),
    ...(definition.outputSchema === undefined
      ? {}
      : {
          responseFormat: {
            type: "json" as const,
            schema: definition.outputSchema.jsonSchema,
            ...(definition.outputSchema.name === undefined ? {} : { name: definition.outputSchema.name }),
            ...(definition.outputSchema.description === undefined
              ? {}
              : { description: definition.outputSchema.description }),
          },
        }),
  };
}
