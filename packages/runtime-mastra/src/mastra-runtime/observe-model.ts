import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4FunctionTool,
  LanguageModelV4Prompt,
} from "@ai-sdk/provider";
import { AbortedError, type AgentSdkError } from "@flowmaestro/runtime";
import {
  type PreparedRun,
  recordGenerateResult,
  recordStreamPart,
  toCallOptions,
} from "@flowmaestro/runtime/kit";

/** What the observed model tells the run about its calls. @internal */
export interface ModelCallState {
  /** The first model failure, typed, as the kit's run model raised it. */
  modelError: AgentSdkError | undefined;
}

/**
 * The model Mastra calls. Each call it makes becomes one step of the run, with exactly the request
 * the legacy loop would send, whatever Mastra built:
 * - the prompt: the instructions plus the conversation as the run's recorder holds it (Mastra's own
 *   conversion of a stored conversation merges the assistant turns of different steps and turns
 *   `error-text` tool results into `text`), with every message's provider metadata;
 * - tool specs: our JSON Schema (or the tool's provider variant) verbatim, where Mastra would
 *   rewrite it per provider; tool choice, sampling settings and provider options from the definition;
 * - the call goes through the run's model (retries, fallbacks, timeouts, abort).
 * Before a call, the previous step is closed once every tool call has its outcome, so the next
 * prompt always carries the tool results even when Mastra moves on early. What Mastra sees of the
 * answer: whole tool calls only (tool-input streaming parts are withheld), with `{}` for arguments
 * that are malformed or too deep (the recorder reports their error to the model).
 * Mastra still decides when to call the model, which tools to run and when to stop.
 *
 * @internal
 */
export function observeModel(
  run: PreparedRun,
  toolSpecs: ReadonlyMap<string, LanguageModelV4FunctionTool>,
  prompt: () => LanguageModelV4Prompt,
  state: ModelCallState,
): LanguageModelV4 {
  const { recorder, model, definition, signal } = run;
  const modelInfo = { provider: model.provider, modelId: model.modelId };
  const record = { answeredBy: () => model.answeredBy, forFramework: true };

  const beginCall = async (options: LanguageModelV4CallOptions): Promise<LanguageModelV4CallOptions> => {
    if (recorder.inStep) {
      if (!(await recorder.toolsSettled())) throw new AbortedError({ reason: signal.reason });
      recorder.endStep();
    }
    recorder.startStep(modelInfo);
    const tools = options.tools?.flatMap((tool) =>
      tool.type === "function" ? [toolSpecs.get(tool.name) ?? tool] : [],
    ) as LanguageModelV4FunctionTool[] | undefined;
    return {
      ...toCallOptions(definition, prompt(), tools && tools.length > 0 ? tools : undefined),
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    };
  };
  const failed = (error: unknown) => {
    state.modelError ??= error as AgentSdkError;
  };

  return {
    specificationVersion: "v4",
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return (definition.models[0] as LanguageModelV4).supportedUrls;
    },
    async doGenerate(options) {
      const callOptions = await beginCall(options);
      try {
        return recordGenerateResult(recorder, await model.generate(callOptions), record);
      } catch (error) {
        failed(error);
        throw error;
      }
    },
    async doStream(options) {
      const callOptions = await beginCall(options);
      try {
        return await model.stream(callOptions, {
          onPart: (part) => recordStreamPart(recorder, part, record),
          onError: failed,
        });
      } catch (error) {
        failed(error);
        throw error;
      }
    },
  };
}
