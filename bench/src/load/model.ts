import { createScriptedModel, type ScriptedModel, type ScriptedTurnSpec } from "@flowmaestro/runtime/testing";

/**
 * The workload of the load and soak benches: one run is one tool call (`add(2, 3)`), then a text
 * answer, played by a zero-latency scripted model. Every run has its own id, and the id is in
 * everything the run stores (its input text, its tool call id, its answer), so what a thread
 * holds can be checked message by message against the runs that wrote to it.
 */

/** The tool the runs call. */
export const TOOL_NAME = "add";

/** The input of run `runId`: the id in brackets, then the question. */
export const promptOf = (runId: string): string => `[${runId}] What is 2 + 3?`;
/** The tool call id the model gives run `runId`'s one call. */
export const toolCallIdOf = (runId: string): string => `call-${runId}`;
/** The answer of run `runId`. */
export const answerOf = (runId: string): string => `${runId}: 2 + 3 = 5.`;

const RUN_ID_IN_PROMPT = /^\[([^\]]+)\]/;
const RUN_ID_IN_CALL_ID = /^call-(.+)$/;

/** The run a tool call id belongs to (see {@link toolCallIdOf}). */
export function runIdOfToolCall(toolCallId: string): string | undefined {
  return RUN_ID_IN_CALL_ID.exec(toolCallId)?.[1];
}

/** Time spent inside the model and the tool by one run (ms), and how many calls it made. */
export interface RunLedgerEntry {
  modelMs: number;
  modelCalls: number;
  toolMs: number;
  toolCalls: number;
}

/** Per run id: what it spent in the model and the tool. Cleared by the caller between batches. */
export type RunLedger = Map<string, RunLedgerEntry>;

/** The ledger entry of `runId`, created empty on first use. */
export function entryOf(ledger: RunLedger, runId: string): RunLedgerEntry {
  let entry = ledger.get(runId);
  if (!entry) {
    entry = { modelMs: 0, modelCalls: 0, toolMs: 0, toolCalls: 0 };
    ledger.set(runId, entry);
  }
  return entry;
}

type CallOptions = Parameters<ScriptedModel["doGenerate"]>[0];
type PromptMessage = CallOptions["prompt"][number];

/** The run id in the last user message of a prompt (the run's input; history comes before it). */
function runIdOfPrompt(prompt: readonly PromptMessage[]): string | undefined {
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index] as PromptMessage;
    if (message.role !== "user") continue;
    for (const part of message.content) {
      if (part.type === "text") return RUN_ID_IN_PROMPT.exec(part.text)?.[1];
    }
    return undefined;
  }
  return undefined;
}

/**
 * What the model answers: the tool call when the prompt ends with the run's input, the answer once
 * it ends with the tool's result. Decided from the prompt alone, so any number of concurrent runs
 * can share the model (a looping script would hand one run's answer to another).
 */
function turnFor(call: CallOptions): { runId: string; turn: ScriptedTurnSpec } {
  const runId = runIdOfPrompt(call.prompt);
  if (runId === undefined) throw new Error("bench model: no [run id] in the prompt's last user message");
  const last = call.prompt[call.prompt.length - 1];
  const turn: ScriptedTurnSpec =
    last?.role === "tool"
      ? { text: answerOf(runId) }
      : { toolCalls: [{ toolName: TOOL_NAME, input: { a: 2, b: 3 }, toolCallId: toolCallIdOf(runId) }] };
  return { runId, turn };
}

/** The subset of a language model the runtimes call (a `ScriptedModel` without its recording). */
export type BenchModel = Pick<
  ScriptedModel,
  "specificationVersion" | "provider" | "modelId" | "supportedUrls" | "doGenerate" | "doStream"
>;

/**
 * A zero-latency model for any number of concurrent runs: each call is played by a fresh one-turn
 * `createScriptedModel` (so no call list grows over 10,000 runs: a shared scripted model records
 * every prompt it is sent, which a soak would count as a leak). What a call costs the run is the
 * model's own work: the synchronous time of `doGenerate`/`doStream` (the scripted model never
 * waits), added to the calling run's ledger entry. Not the time until its promise settles: that
 * would also count the other runs' work the event loop runs in between, most of it under load.
 * A stream's parts are pulled later by the SDK, so pulling them counts as SDK time.
 */
export function createBenchModel(ledger: RunLedger): BenchModel {
  const play = <T>(call: CallOptions, method: (model: ScriptedModel) => PromiseLike<T>): PromiseLike<T> => {
    const started = performance.now();
    try {
      const { runId, turn } = turnFor(call);
      const pending = method(createScriptedModel({ turns: [turn] }));
      const entry = entryOf(ledger, runId);
      entry.modelMs += performance.now() - started;
      entry.modelCalls++;
      return pending;
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    specificationVersion: "v4",
    provider: "scripted",
    modelId: "bench-zero-latency",
    supportedUrls: {},
    doGenerate: (call) => play(call, (model) => model.doGenerate(call)),
    doStream: (call) => play(call, (model) => model.doStream(call)),
  };
}

/** The tool's work, timed into the calling run's ledger entry (found by its tool call id). */
export function timedAdd(
  ledger: RunLedger,
  input: { a: number; b: number },
  toolCallId: string,
): { sum: number } {
  const started = performance.now();
  const result = { sum: input.a + input.b };
  const runId = runIdOfToolCall(toolCallId);
  if (runId !== undefined) {
    const entry = entryOf(ledger, runId);
    entry.toolMs += performance.now() - started;
    entry.toolCalls++;
  }
  return result;
}
