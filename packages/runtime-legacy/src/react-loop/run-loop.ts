import type {
  LanguageModelV4CallOptions,
  LanguageModelV4FunctionTool,
  LanguageModelV4Message,
  LanguageModelV4StreamPart,
} from "@ai-sdk/provider";
import {
  AbortedError,
  type AgentSdkError,
  type AgentTool,
  type FinishReason,
  MaxIterationsError,
  type RunResult,
  type TokenUsage,
  type ToolResultRecord,
} from "@flowmaestro/runtime";
import {
  createDefinitionModel,
  EMPTY_USAGE,
  executeToolCall,
  type FallbackModel,
  fromModelUsage,
  isAbort,
  type PreparedRun,
  parseToolArguments,
  RunRecorder,
  toFunctionTools,
  toModelError,
  toModelMessage,
} from "@flowmaestro/runtime/kit";
import type { ModelMessage } from "ai";

/** Everything one run needs. */
/** Everything one run needs: the kit's prepared run. */
export type LoopInput = PreparedRun;

/** Tools by name, built once per definition's tools array, not per run or per step. */
const toolMaps = new WeakMap<readonly AgentTool[], ReadonlyMap<string, AgentTool>>();

function toolMapOf(tools: readonly AgentTool[]): ReadonlyMap<string, AgentTool> {
  let map = toolMaps.get(tools);
  if (!map) {
    map = new Map(tools.map((tool) => [tool.name, tool]));
    toolMaps.set(tools, map);
  }
  return map;
}

/**
 * The ReAct loop: call the model; run the tools it asks for, concurrently; feed the results
 * back; repeat until the model answers without tools or `maxIterations` is reached. Drives the
 * language-model spec directly (no `generateText`/`streamText`), which is what keeps it lean.
 */
export async function runLoop(input: LoopInput): Promise<RunResult> {
  const { definition, signal } = input;
  const recorder = new RunRecorder({
    runId: input.runId,
    agentId: definition.id,
    runtime: input.runtimeName,
    input: input.messages,
    emit: input.emit,
  });
  recorder.start();
  if (signal?.aborted) return recorder.finish("aborted", new AbortedError({ reason: signal.reason }));

  // A fallback model of another provider gets the tool schemas shaped for its provider.
  const model = createDefinitionModel(definition, input.providers);
  const modelInfo = { provider: model.provider, modelId: model.modelId };
  const tools = toolMapOf(definition.tools);
  const toolSpecs = toFunctionTools(definition.tools, model.provider);
  // The provider prompt grows by appending each step's messages, never by re-converting history.
  const prompt: LanguageModelV4Message[] = [];
  if (definition.instructions) prompt.push({ role: "system", content: definition.instructions });
  for (const message of input.messages) prompt.push(toModelMessage(message));

  for (let iteration = 0; iteration < definition.maxIterations; iteration++) {
    const before = recorder.messages.length;
    const step = await runStep({ ...input, model, modelInfo, tools, toolSpecs, prompt, recorder });
    if (step.kind === "aborted")
      return recorder.finish("aborted", new AbortedError({ reason: signal?.reason }));
    if (step.kind === "failed") return recorder.finish("failed", step.error);
    if (step.toolCallCount === 0) return recorder.finish("completed");
    for (let index = before; index < recorder.messages.length; index++) {
      prompt.push(toModelMessage(recorder.messages[index] as ModelMessage));
    }
  }
  return recorder.finish(
    "max_iterations",
    new MaxIterationsError({ maxIterations: definition.maxIterations }),
  );
}

type StepOutcome =
  | { kind: "done"; toolCallCount: number }
  | { kind: "aborted" }
  | { kind: "failed"; error: AgentSdkError };

interface StepInput extends LoopInput {
  model: FallbackModel;
  modelInfo: { provider: string; modelId: string };
  tools: ReadonlyMap<string, AgentTool>;
  toolSpecs: LanguageModelV4FunctionTool[] | undefined;
  prompt: LanguageModelV4Message[];
  recorder: RunRecorder;
}

async function runStep(step: StepInput): Promise<StepOutcome> {
  const { definition, recorder, signal, toolSpecs } = step;
  recorder.startStep(step.modelInfo);
  const callOptions: LanguageModelV4CallOptions = {
    prompt: step.prompt,
    ...(toolSpecs ? { tools: toolSpecs, toolChoice: { type: "auto" } } : {}),
    ...(definition.temperature === undefined ? {} : { temperature: definition.temperature }),
    ...(definition.maxOutputTokens === undefined ? {} : { maxOutputTokens: definition.maxOutputTokens }),
    ...(signal ? { abortSignal: signal } : {}),
  };

  // Tools start as soon as their call arrives, but their outcomes are reported only once the
  // model's turn is complete, so every step reads: text and tool calls, then results.
  let modelDone = false;
  const early: ToolResultRecord[] = [];
  const running: Promise<void>[] = [];
  let toolCallCount = 0;
  const scope = {
    tools: step.tools,
    runId: step.runId,
    agentId: definition.id,
    signal,
    messages: recorder.messages,
    // Arguments are mapped back from the schema of the provider that answered.
    get provider() {
      return (step.model.answeredBy ?? step.modelInfo).provider;
    },
  };
  const onToolCall = (toolCallId: string, toolName: string, rawInput: unknown) => {
    toolCallCount++;
    const parsed = parseToolArguments(toolName, rawInput);
    recorder.toolCall({ toolCallId, toolName, input: parsed.input });
    const report = (record: ToolResultRecord) => {
      if (modelDone) recorder.toolOutcome(record);
      else early.push(record);
    };
    if (parsed.error) {
      report({ toolCallId, toolName, input: parsed.input, error: parsed.error, isError: true });
      return;
    }
    running.push(executeToolCall({ toolCallId, toolName, input: parsed.input }, scope).then(report));
  };

  let finishReason: FinishReason = "other";
  let usage: TokenUsage = EMPTY_USAGE;
  try {
    if (step.mode === "generate") {
      const result = await step.model.doGenerate(callOptions);
      for (const part of result.content) {
        if (part.type === "text") {
          if (part.text.length > 0) recorder.textDelta(part.text);
        } else if (part.type === "tool-call" && !part.providerExecuted) {
          onToolCall(part.toolCallId, part.toolName, part.input);
        }
      }
      finishReason = result.finishReason.unified;
      usage = fromModelUsage(result.usage);
    } else {
      const { stream } = await step.model.doStream(callOptions);
      const reader = stream.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const part = value as LanguageModelV4StreamPart;
          switch (part.type) {
            case "text-delta":
              if (part.delta.length > 0) recorder.textDelta(part.delta);
              break;
            case "tool-call":
              if (!part.providerExecuted) onToolCall(part.toolCallId, part.toolName, part.input);
              break;
            case "finish":
              finishReason = part.finishReason.unified;
              usage = fromModelUsage(part.usage);
              break;
            case "error":
              throw part.error;
          }
        }
      } finally {
        reader.releaseLock();
      }
    }
  } catch (error) {
    if (isAbort(error, signal)) return { kind: "aborted" };
    return { kind: "failed", error: toModelError(error, step.model.answeredBy ?? step.modelInfo) };
  }

  modelDone = true;
  for (const record of early) recorder.toolOutcome(record);
  if (running.length > 0) {
    const settled = await waitUnlessAborted(Promise.all(running), signal);
    if (!settled) return { kind: "aborted" };
  }
  if (signal?.aborted) return { kind: "aborted" };
  recorder.endStep(finishReason, usage, step.model.answeredBy);
  return { kind: "done", toolCallCount };
}

/** Waits for `work`, or returns false as soon as the signal fires (tools that ignore it are not awaited). */
function waitUnlessAborted(work: Promise<unknown>, signal: AbortSignal | undefined): Promise<boolean> {
  if (!signal) return work.then(() => true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      },
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      },
    );
  });
}
