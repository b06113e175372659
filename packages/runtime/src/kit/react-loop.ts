import { AbortedError } from "../errors/aborted-error.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { MaxIterationsError } from "../errors/max-iterations-error.js";
import type { RunResult } from "../run-result.js";
import type { PreparedRun } from "./create-agent-runtime.js";
import { createPromptBuilder, recordGenerateResult, recordStreamPart, toCallOptions } from "./model-turn.js";
import type { RunModel } from "./run-model.js";
import { toFunctionTools } from "./to-function-tools.js";

/**
 * The ReAct loop: call the model; run the tools it asks for, concurrently (the recorder starts
 * each as soon as its call arrives); feed the results back; repeat until the model answers without
 * tools or `maxIterations` is reached. Drives the language-model spec directly (no
 * `generateText`/`streamText`), which is what keeps it lean. Retries, fallbacks, timeouts,
 * outcome ordering and the abort are the kit's. The legacy runtime is this loop; a runtime that
 * needs each model call wrapped (the durable runtime checkpoints them) passes its own `model`, and
 * `mode: "generate"` to call the model with `generate` whatever the run's mode.
 */
export async function runReActLoop(
  run: PreparedRun,
  options: { readonly model?: RunModel; readonly mode?: PreparedRun["mode"] } = {},
): Promise<RunResult> {
  const { definition, recorder, signal } = run;
  const model = options.model ?? run.model;
  const mode = options.mode ?? run.mode;
  const modelInfo = { provider: model.provider, modelId: model.modelId };
  const toolSpecs = toFunctionTools(definition.tools, model.provider);
  const prompt = createPromptBuilder(definition.instructions, recorder);
  const record = { answeredBy: () => model.answeredBy };

  for (let iteration = 0; iteration < definition.maxIterations; iteration++) {
    recorder.startStep(modelInfo);
    const callOptions = toCallOptions(definition, prompt(), toolSpecs);
    try {
      if (mode === "generate") {
        recordGenerateResult(recorder, await model.generate(callOptions), record);
      } else {
        await model.consumeStream(callOptions, {
          onPart: (part) => void recordStreamPart(recorder, part, record),
        });
      }
    } catch (error) {
      if (AbortedError.isInstance(error) || signal.aborted) {
        return recorder.finish("aborted", new AbortedError({ reason: run.callerSignal?.reason }));
      }
      // Model failures arrive typed; anything else is a bug the kit reports as INTERNAL.
      if (!AgentSdkError.isInstance(error)) throw error;
      return recorder.finish("failed", error);
    }
    if (!(await recorder.toolsSettled())) {
      return recorder.finish("aborted", new AbortedError({ reason: run.callerSignal?.reason }));
    }
    // Calls wait for approval: the run suspends (the kit stores it) and `resume` goes on from here.
    if (recorder.pendingApprovalCount > 0) return recorder.finish("suspended");
    const step = recorder.endStep();
    if (step.toolCalls.length === 0) return recorder.finish("completed");
    if (recorder.haltReason === "budget_exceeded") {
      return recorder.finish("budget_exceeded", recorder.haltError);
    }
  }
  return recorder.finish(
    "max_iterations",
    new MaxIterationsError({ maxIterations: definition.maxIterations }),
  );
}
