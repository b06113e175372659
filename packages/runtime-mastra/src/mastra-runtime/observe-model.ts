import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FunctionTool,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from "@ai-sdk/provider";
import type { FinishReason, TokenUsage } from "@flowmaestro/runtime";
import { EMPTY_USAGE, type FallbackModel, fromModelUsage } from "@flowmaestro/runtime/kit";
import type { StepTracker } from "./step-tracker.js";

/**
 * Wraps the run's model so that every call Mastra makes is observed by the {@link StepTracker}
 * and carries exactly the request the legacy loop would send, whatever Mastra built:
 * - the prompt: the instructions plus the conversation as our RunRecorder holds it, converted the
 *   legacy way. Mastra's own conversion of an input history merges the assistant turns of
 *   different steps and turns `error-text` tool results into `text`, so a conversation stored by
 *   one runtime would read differently to the model on the other;
 * - tool specs: our JSON Schema (or the tool's provider variant) verbatim, where Mastra would
 *   rewrite it per provider (e.g. make optional fields nullable for OpenAI) and add `strict`;
 * - malformed tool-call JSON is replaced by `{}` before Mastra parses it (Mastra would
 *   `console.error` about it); the raw text stays in our records, and validation fails on it.
 * Mastra still decides when to call the model, which tools to run and when to stop.
 *
 * @internal
 */
export function observeModel(
  model: FallbackModel,
  tracker: StepTracker,
  toolSpecs: ReadonlyMap<string, LanguageModelV4FunctionTool>,
  buildPrompt: () => LanguageModelV4Prompt,
): LanguageModelV4 {
  const prepare = (options: LanguageModelV4CallOptions): LanguageModelV4CallOptions => {
    // First: it closes a step Mastra left open, which appends that step's messages.
    tracker.modelCallStart();
    const tools = options.tools?.map((tool) =>
      tool.type === "function" ? (toolSpecs.get(tool.name) ?? tool) : tool,
    );
    return { ...options, prompt: buildPrompt(), ...(tools ? { tools } : {}) };
  };

  return {
    specificationVersion: "v4",
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls;
    },
    async doGenerate(options) {
      const prepared = prepare(options);
      let result: Awaited<ReturnType<LanguageModelV4["doGenerate"]>>;
      try {
        result = await model.doGenerate(prepared);
      } catch (error) {
        tracker.modelCallFailed(error);
        throw error;
      }
      let content: LanguageModelV4Content[] | undefined;
      result.content.forEach((part, index) => {
        if (part.type === "text") tracker.textDelta(part.text);
        else if (part.type === "tool-call" && !part.providerExecuted) {
          if (tracker.toolCall(part.toolCallId, part.toolName, part.input).malformed) {
            content ??= [...result.content];
            content[index] = { ...part, input: "{}" };
          }
        }
      });
      tracker.modelCallEnd(result.finishReason.unified, fromModelUsage(result.usage), model.answeredBy);
      return content ? { ...result, content } : result;
    },
    async doStream(options) {
      const prepared = prepare(options);
      let result: Awaited<ReturnType<LanguageModelV4["doStream"]>>;
      try {
        result = await model.doStream(prepared);
      } catch (error) {
        tracker.modelCallFailed(error);
        throw error;
      }
      let finishReason: FinishReason = "other";
      let usage: TokenUsage = EMPTY_USAGE;
      let failed = false;
      // A synchronous transform lets the streams machinery pipe parts without a JS-level
      // await per part (a pull-based wrapper measured ~10 % slower on 2,000-delta streams).
      const stream = result.stream.pipeThrough(
        new TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart>({
          transform(part, controller) {
            switch (part.type) {
              case "text-delta":
                tracker.textDelta(part.delta);
                break;
              case "tool-call":
                if (
                  !part.providerExecuted &&
                  tracker.toolCall(part.toolCallId, part.toolName, part.input).malformed
                ) {
                  controller.enqueue({ ...part, input: "{}" });
                  return;
                }
                break;
              case "finish":
                finishReason = part.finishReason.unified;
                usage = fromModelUsage(part.usage);
                break;
              case "error":
                failed = true;
                tracker.modelCallFailed(part.error);
                break;
            }
            controller.enqueue(part);
          },
          flush() {
            if (!failed) tracker.modelCallEnd(finishReason, usage, model.answeredBy);
          },
        }),
      );
      return { ...result, stream };
    },
  };
}
