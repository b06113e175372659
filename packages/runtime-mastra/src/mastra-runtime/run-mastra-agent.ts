import {
  AbortedError,
  AgentSdkError,
  MaxIterationsError,
  type ResolvedAgentDefinition,
  type RunResult,
} from "@flowmaestro/runtime";
import { ABORTED, createPromptBuilder, type PreparedRun, untilAborted } from "@flowmaestro/runtime/kit";
import { withBridgeScope } from "../mastra-memory/bridge-scope.js";
import type { MastraModules } from "./load-mastra.js";
import { type PreparedAgent, RUN_CONTEXT_KEY, type RunContext } from "./mastra-agent.js";
import { type MemoryRun, openMemoryRun } from "./memory-run.js";
import { type ModelCallState, observeModel } from "./observe-model.js";

const UNLIMITED_TOOL_CALLS = 1_000_000;

/** A prepared run plus how to get the (cached) Mastra agent for its definition. @internal */
export interface MastraRunInput extends PreparedRun {
  prepare: (
    definition: ResolvedAgentDefinition,
    options: { readonly withMemory: boolean },
  ) => Promise<{ prepared: PreparedAgent; modules: MastraModules }>;
}

/**
 * Runs a definition on its (cached) Mastra agent: `execute` → `agent.generate`, `stream` →
 * `agent.stream`. Mastra owns the loop (when to call the model, running the tools through their
 * Mastra tool objects, the step limit); the run's events, tool execution and result come from the
 * kit's recorder, fed by the observed model. A run that continues a thread runs on the agent built
 * with memory, with `@mastra/memory` on the definition's FlowMaestro storage (see memory-run.ts).
 *
 * @internal
 */
export async function runMastraAgent(run: MastraRunInput): Promise<RunResult> {
  const { definition, recorder, signal, runId } = run;
  let prepared: PreparedAgent;
  let modules: MastraModules;
  let memoryRun: MemoryRun | undefined;
  try {
    ({ prepared, modules } = await run.prepare(definition, { withMemory: run.memory !== undefined }));
    if (run.memory) memoryRun = await openMemoryRun(run, run.memory);
  } catch (error) {
    return recorder.finish("failed", toRuntimeError(error));
  }
  const state: ModelCallState = { modelError: undefined };
  const context: RunContext = {
    model: observeModel(
      run,
      prepared.toolSpecs(run.model.provider),
      createPromptBuilder(definition.instructions, recorder),
      state,
      memoryRun?.gate,
    ),
    recorder,
    ...(memoryRun ? { memory: memoryRun.mastraMemory } : {}),
  };
  // The host's context is also visible to Mastra-side code through Mastra's own RequestContext.
  const entries: Array<[string, unknown]> = Object.entries(run.context).filter(
    ([key]) => !key.startsWith("mastra__") && key !== RUN_CONTEXT_KEY,
  );
  entries.push([RUN_CONTEXT_KEY, context]);
  const requestContext = new modules.RequestContext(entries as never);
  const options = {
    requestContext,
    runId,
    // Always explicit: Mastra's default stops silently after 5 steps.
    maxSteps: definition.maxIterations,
    // Retries (and fallbacks) are the run model's, as in the legacy loop; Mastra's would multiply them.
    modelSettings: { maxRetries: 0 },
    abortSignal: signal,
    // All tool calls of a step run at once, as in the legacy loop (Mastra's default is 10).
    // Finite on purpose: `generate` runs tools one at a time when given Infinity.
    toolCallConcurrency: UNLIMITED_TOOL_CALLS,
    ...memoryRun?.options,
  };
  const messages = memoryRun ? memoryRun.input : run.messages;

  // Mastra drives the loop until it ends, or until the run halts: calls wait for approval, or the
  // budget is used up. The run then ends here and the kit's end of run stops Mastra's loop.
  const halted = recorder.whenHalted().then((): DriveOutcome => ({ halted: true }));
  let outcome: DriveOutcome | typeof ABORTED;
  if (memoryRun) {
    const active = memoryRun;
    const unregister = active.register(requestContext);
    try {
      outcome = await untilAborted(
        Promise.race([withBridgeScope(active.scope, () => drive(prepared, run, messages, options)), halted]),
        signal,
      );
    } finally {
      unregister();
    }
  } else {
    outcome = await untilAborted(Promise.race([drive(prepared, run, messages, options), halted]), signal);
  }
  if (outcome === ABORTED || run.callerSignal?.aborted) {
    return recorder.finish("aborted", new AbortedError({ reason: run.callerSignal?.reason }));
  }
  if (recorder.haltReason === "suspended" && recorder.pendingApprovalCount > 0) {
    const storageError = memoryRun?.failure();
    if (storageError !== undefined) return recorder.finish("failed", storageError);
    return recorder.finish("suspended");
  }
  if (recorder.haltReason === "budget_exceeded") {
    const storageError = memoryRun?.failure();
    if (storageError !== undefined) return recorder.finish("failed", storageError);
    return recorder.finish("budget_exceeded", recorder.haltError);
  }
  // A failed storage write ends the run (Mastra logs and swallows the failures of its per-step saves).
  const storageError = memoryRun?.failure();
  if (storageError !== undefined) return recorder.finish("failed", storageError);
  // The summary fold, when the thread passed its trigger: after Mastra's last save, before the
  // run ends (a failure leaves the thread unchanged; the next run folds).
  if (memoryRun && state.modelError === undefined && outcome.error === undefined) {
    await memoryRun.afterRun("completed");
  }
  return finishRun(run, state, outcome);
}

/** The run's result once Mastra is done. */
async function finishRun(
  run: MastraRunInput,
  state: ModelCallState,
  outcome: DriveOutcome,
): Promise<RunResult> {
  const { definition, recorder } = run;
  if (state.modelError !== undefined) return recorder.finish("failed", state.modelError);
  // Mastra is done; the last step ends once its tool calls have their outcomes.
  if (recorder.inStep && !(await recorder.toolsSettled())) {
    return recorder.finish("aborted", new AbortedError({ reason: run.callerSignal?.reason }));
  }
  if (recorder.inStep && recorder.stepComplete) recorder.endStep();
  if (outcome.error !== undefined) return recorder.finish("failed", toRuntimeError(outcome.error));
  if (recorder.inStep) {
    return recorder.finish(
      "failed",
      internalError("Mastra ended the run before the model finished its turn."),
    );
  }
  if (recorder.lastStepToolCallCount > 0) {
    if (recorder.stepCount >= definition.maxIterations) {
      return recorder.finish(
        "max_iterations",
        new MaxIterationsError({ maxIterations: definition.maxIterations }),
      );
    }
    return recorder.finish(
      "failed",
      internalError(
        `Mastra stopped after ${recorder.stepCount} step(s) without sending the model the results of its last tool calls (limit ${definition.maxIterations}).`,
      ),
    );
  }
  return recorder.finish("completed");
}

type DriveOutcome = { error?: unknown; halted?: true };

async function drive(
  prepared: PreparedAgent,
  run: PreparedRun,
  messages: readonly unknown[],
  options: Record<string, unknown>,
): Promise<DriveOutcome> {
  try {
    if (run.mode === "generate") {
      const output = await prepared.agent.generate(messages as never, options);
      return output.error === undefined ? {} : { error: output.error };
    }
    const output = await prepared.agent.stream(messages as never, options);
    // Events come from the observed model and the recorder; Mastra's own chunks are only drained.
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

function toRuntimeError(error: unknown): AgentSdkError {
  if (AgentSdkError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return internalError(`Mastra failed: ${message}`, error);
}

function internalError(message: string, cause?: unknown): AgentSdkError {
  return new AgentSdkError({
    code: "INTERNAL",
    category: "runtime",
    message: `${message} This is a bug in @flowmaestro/runtime-mastra; please report it.`,
    cause,
  });
}
