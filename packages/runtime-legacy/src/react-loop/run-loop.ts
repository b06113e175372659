import { AbortedError, AgentSdkError, MaxIterationsError, type RunResult } from "@flowmaestro/runtime";
import {
  createPromptBuilder,
  type PreparedRun,
  recordGenerateResult,
  recordStreamPart,
  toCallOptions,
  toFunctionTools,
} from "@flowmaestro/runtime/kit";

/**
 * The ReAct loop: call the model; run the tools it asks for, concurrently (the recorder starts
 * each as soon as its call arrives); feed the results back; repeat until the model answers without
 * tools or `maxIterations` is reached. Drives the language-model spec directly (no
 * `generateText`/`streamText`), which is what keeps it lean. Retries, fallbacks, timeouts,
 * outcome ordering and the abort are the kit's.
 */
export async function runLoop(run: PreparedRun): Promise<RunResult> {
  const { definition, recorder, model, signal } = run;
  const modelInfo = { provider: model.provider, modelId: model.modelId };
  const toolSpecs = toFunctionTools(definition.tools, model.provider);
  const prompt = createPromptBuilder(definition.instructions, recorder);
  const record = { answeredBy: () => model.answeredBy };

  for (let iteration = 0; iteration < definition.maxIterations; iteration++) {
    recorder.startStep(modelInfo);
    const callOptions = toCallOptions(definition, prompt(), toolSpecs);
    try {
      if (run.mode === "generate") {
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
