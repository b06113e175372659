import type {
  LanguageModelV4FunctionTool,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
} from "@ai-sdk/provider";
import {
  AbortedError,
  AgentSdkError,
  MaxIterationsError,
  type ResolvedAgentDefinition,
  type RunResult,
} from "@flowmaestro/runtime";
import {
  createDefinitionModel,
  type PreparedRun,
  RunRecorder,
  redactSecrets,
  toModelError,
  toModelMessage,
} from "@flowmaestro/runtime/kit";
import type { ModelMessage } from "ai";
import type { MastraModules } from "./load-mastra.js";
import { type PreparedAgent, RUN_CONTEXT_KEY, type RunContext } from "./mastra-agent.js";
import { observeModel } from "./observe-model.js";
import { StepTracker } from "./step-tracker.js";

const UNLIMITED_TOOL_CALLS = 1_000_000;

/** Everything one run needs. @internal */
/** A prepared run plus how to get the (cached) Mastra agent for its definition. */
export interface MastraRunInput extends PreparedRun {
  prepare: (
    definition: ResolvedAgentDefinition,
  ) => Promise<{ prepared: PreparedAgent; modules: MastraModules }>;
}

/**
 * Runs a definition on its (cached) Mastra agent: `execute` → `agent.generate`, `stream` →
 * `agent.stream`. Mastra owns the loop (prompt assembly, tool scheduling, the step limit); the
 * run's events and result come from the {@link StepTracker}, fed by the model wrapper and our tools.
 *
 * @internal
 */
export async function runMastraAgent(input: MastraRunInput): Promise<RunResult> {
  const { definition, signal, runId } = input;
  const recorder = new RunRecorder({
    runId,
    agentId: definition.id,
    runtime: input.runtimeName,
    input: input.messages,
    emit: input.emit,
  });
  recorder.start();
  if (signal?.aborted) return recorder.finish("aborted", new AbortedError({ reason: signal.reason }));

  let prepared: PreparedAgent;
  let modules: MastraModules;
  try {
    ({ prepared, modules } = await input.prepare(input.baseDefinition));
  } catch (error) {
    return recorder.finish("failed", toRuntimeError(error));
  }
  // The same retrying, falling-back run model as the legacy loop. A fallback model of another
  // provider gets the tool schemas shaped for its provider, in the tool list Mastra built.
  const model = createDefinitionModel(definition, input.providers, {
    reshapeTools: (tools, provider) => reshapeTools(tools, prepared.toolSpecs(provider)),
  });
  const modelInfo = { provider: model.provider, modelId: model.modelId };
  const scope = {
    tools: prepared.tools,
    runId,
    agentId: definition.id,
    signal,
    messages: recorder.messages,
    // Arguments are mapped back from the schema of the provider that answered.
    get provider() {
      return (model.answeredBy ?? modelInfo).provider;
    },
  };
  const tracker = new StepTracker(recorder, scope, modelInfo);
  const run: RunContext = {
    model: observeModel(
      model,
      tracker,
      prepared.toolSpecs(model.provider),
      promptBuilder(definition, recorder),
    ),
    tracker,
  };
  const requestContext = new modules.RequestContext([[RUN_CONTEXT_KEY, run]]);
  const options = {
    requestContext,
    runId,
    // Always explicit: Mastra's default stops silently after 5 steps.
    maxSteps: definition.maxIterations,
    modelSettings: {
      // Retries (and fallbacks) are the run model's, per `definition.retry`, as in the legacy loop;
      // Mastra's own retries would multiply them.
      maxRetries: 0,
      ...(definition.temperature === undefined ? {} : { temperature: definition.temperature }),
      ...(definition.maxOutputTokens === undefined ? {} : { maxOutputTokens: definition.maxOutputTokens }),
    },
    ...(signal ? { abortSignal: signal } : {}),
    ...(definition.instructions === input.baseDefinition.instructions
      ? {}
      : { instructions: definition.instructions ?? "" }),
    // All tool calls of a step run at once, as in the legacy loop (Mastra's default is 10).
    // Finite on purpose: `generate` runs tools one at a time when given Infinity.
    toolCallConcurrency: UNLIMITED_TOOL_CALLS,
    ...(input.mode === "stream" ? { eagerToolExecution: true } : {}),
  };

  const outcome = await untilAborted(drive(prepared, input.messages, options, input.mode), signal);
  tracker.close();
  if (outcome === "aborted" || signal?.aborted) {
    return recorder.finish("aborted", new AbortedError({ reason: signal?.reason }));
  }
  if (tracker.modelError !== undefined) {
    return recorder.finish("failed", toModelError(tracker.modelError, model.answeredBy ?? modelInfo));
  }
  if (outcome.error !== undefined) return recorder.finish("failed", toRuntimeError(outcome.error));
  if (tracker.lastStepToolCalls > 0 && !recorder.inStep) {
    if (recorder.stepCount >= definition.maxIterations) {
      return recorder.finish(
        "max_iterations",
        new MaxIterationsError({ maxIterations: definition.maxIterations }),
      );
    }
    return recorder.finish(
      "failed",
      internalError(
        `Mastra stopped after ${recorder.stepCount} step(s) while the model still called tools (limit ${definition.maxIterations}).`,
      ),
    );
  }
  return recorder.finish("completed");
}

/**
 * The prompt of each model call: the instructions, then the conversation so far (input plus this
 * run's finished steps), converted once per message as the legacy loop does.
 */
function promptBuilder(
  definition: ResolvedAgentDefinition,
  recorder: RunRecorder,
): () => LanguageModelV4Prompt {
  const converted: LanguageModelV4Message[] = [];
  if (definition.instructions) converted.push({ role: "system", content: definition.instructions });
  let count = 0;
  return () => {
    const messages = recorder.messages;
    for (; count < messages.length; count++) converted.push(toModelMessage(messages[count] as ModelMessage));
    // A copy: the provider (and anything recording calls) must not see the prompt grow later.
    return [...converted];
  };
}

/** Tool specs of the same tools, shaped for another provider. */
function reshapeTools<T extends { type: string; name?: string }>(
  tools: readonly T[],
  specs: ReadonlyMap<string, LanguageModelV4FunctionTool>,
): T[] {
  return tools.map((tool) =>
    tool.type === "function" && tool.name ? ((specs.get(tool.name) as T | undefined) ?? tool) : tool,
  );
}

type DriveOutcome = { error?: unknown };

async function drive(
  prepared: PreparedAgent,
  messages: ModelMessage[],
  options: Record<string, unknown>,
  mode: "generate" | "stream",
): Promise<DriveOutcome> {
  try {
    if (mode === "generate") {
      const output = await prepared.agent.generate(messages as never, options);
      return output.error === undefined ? {} : { error: output.error };
    }
    const output = await prepared.agent.stream(messages as never, options);
    // Events come from the observed model and the tools; Mastra's own chunks are only drained.
    // Its consumeStream avoids a JS-level await per chunk in our code.
    let streamError: unknown;
    await output.consumeStream({
      onError: (error: unknown) => {
        streamError ??= error;
      },
    });
    const error = output.error ?? streamError ?? output.tripwire;
    return error === undefined ? {} : { error };
  } catch (error) {
    return { error };
  }
}

/** Waits for `work`, or returns `"aborted"` as soon as the signal fires (tools that ignore it are not awaited). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | "aborted"> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve("aborted");
  return new Promise((resolve) => {
    const onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
    work.then((value) => {
      signal.removeEventListener("abort", onAbort);
      resolve(value);
    });
  });
}

function toRuntimeError(error: unknown): AgentSdkError {
  if (AgentSdkError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return internalError(`Mastra failed: ${message}`, error);
}

function internalError(message: string, cause?: unknown): AgentSdkError {
  return new AgentSdkError({
    code: "INTERNAL",
    category: "runtime",
    message: `${redactSecrets(message)} This is a bug in @flowmaestro/runtime-mastra; please report it.`,
    cause,
  });
}
