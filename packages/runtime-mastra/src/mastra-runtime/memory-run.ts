import { createHash } from "node:crypto";
import { type NewMessage, SUMMARY_METADATA_KEY } from "@flowmaestro/memory";
import { AbortedError, type AgentSdkError, InvalidDefinitionError } from "@flowmaestro/runtime";
import { ABORTED, type PreparedRun, type RunMemory, untilAborted } from "@flowmaestro/runtime/kit";
import type { ModelMessage } from "ai";
import type { BridgeScope } from "../mastra-memory/bridge-scope.js";
import { withBridgeScope } from "../mastra-memory/bridge-scope.js";
import type { FlowMaestroMastraMemory } from "../mastra-memory/create-mastra-memory.js";
import { isFlowMaestroMemory } from "../mastra-memory/flowmaestro-memory.js";
import { groupRows, toMastraMessage, toStoredRows } from "../mastra-memory/message-conversion.js";
import { loadMastraMemory } from "./load-mastra-memory.js";
import { memoryToolConflict, registerMemoryRun } from "./memory-tools.js";
import type { MemoryCallGate } from "./observe-model.js";

/** Longest message id a FlowMaestro store accepts. */
const MAX_ID_LENGTH = 200;

/** A run that continues a thread, on `@mastra/memory` over the definition's FlowMaestro storage. @internal */
export interface MemoryRun {
  readonly mastraMemory: FlowMaestroMastraMemory;
  /** The scope every storage call of the run is made in (its resource, its failures). */
  readonly scope: BridgeScope;
  /** Awaited before each model call (see {@link MemoryCallGate}). */
  readonly gate: MemoryCallGate;
  /** Mastra options of the run: the thread, per-step saving, the instructions. */
  readonly options: Record<string, unknown>;
  /**
   * The run's input for Mastra, with message ids, so the copy stored before the first call is the
   * one Mastra replaces: `ModelMessage`s, or Mastra messages when the input holds a finished step
   * (a resumed run), so that its exact tool outputs reach Mastra.
   */
  readonly input: readonly unknown[];
  /** Makes the run's memory reachable from its memory tools; returns the unregister function. */
  register(requestContext: unknown): () => void;
  /** The storage failure that ends the run, if one happened. */
  failure(): AgentSdkError | undefined;
  /**
   * After the run: the summary strategy's fold, when the thread passed its trigger (the same code
   * as on the legacy runtime). Never rejects: a failed fold leaves the thread unchanged, and the
   * next run folds; resolves with the failure's message then.
   */
  afterRun(status: string): Promise<string | undefined>;
}

/**
 * Prepares the memory of a run: checks the memory is a FlowMaestro one, resolves the run's
 * settings, loads `@mastra/memory` and gets the (cached) Mastra memory for them.
 *
 * When things are stored (Mastra's own schedule, and what this run adds to it):
 * - before the first model call: the run's input, by this runtime (Mastra would store it only with
 *   the first step), under the ids Mastra then saves it with;
 * - after each step: Mastra saves the input and the response so far (`savePerStep`); the next model
 *   call waits for that save (Mastra's step callback runs after it);
 * - at the end: Mastra's message-history processor saves input and response once more (the same
 *   ids, replaced in place) and its recall processor embeds the new messages;
 * - working memory: when the model calls `updateWorkingMemory`.
 * Mastra logs and swallows the failures of its per-step saves; the bridge reports them here, and
 * the next model call (or the end of the run) fails the run with the `STORAGE_ERROR`.
 *
 * @throws {InvalidDefinitionError} for a memory that is not from `createMemory`, bad overrides, or a
 * tool named like a memory tool.
 * @throws {ProviderNotInstalledError} when `@mastra/memory` is not installed.
 * @internal
 */
export async function openMemoryRun(run: PreparedRun, runMemory: RunMemory): Promise<MemoryRun> {
  const { memory, threadId, resourceId, overrides } = runMemory;
  if (!isFlowMaestroMemory(memory)) {
    throw new InvalidDefinitionError({
      issues: [
        {
          field: "memory",
          expected: `a memory from createMemory() (@flowmaestro/memory): the Mastra runtime runs memory with @mastra/memory on its storage; this memory ("${memory.name}") runs on the legacy runtime only`,
        },
      ],
    });
  }
  const settings = memory.resolveSettings(overrides);
  const conflict = memoryToolConflict(run.definition, settings);
  if (conflict) throw conflict;
  const { getMastraMemory } = await loadMastraMemory();
  const { memory: mastraMemory, store } = getMastraMemory(memory, settings);
  // Mastra has no rolling summary: the summary strategy is FlowMaestro's own, on the same thread.
  // Its session only reads the summary (no history, recall or working memory: Mastra does those)
  // and folds after the run; Mastra's history then starts after what the summary covers.
  const summary = settings.summary
    ? await memory.open({
        threadId,
        resourceId,
        runId: run.runId,
        agentId: run.definition.id,
        input: run.messages,
        overrides: { lastMessages: false, semanticRecall: false, workingMemory: false },
        model: run.definition.models[0] as NonNullable<(typeof run.definition.models)[0]>,
        signal: run.signal,
      })
    : undefined;
  const covered = summary
    ? summaryEnd((await memory.getThread({ threadId, resourceId }))?.metadata[SUMMARY_METADATA_KEY])
    : undefined;

  let failure: AgentSdkError | undefined;
  let closed = run.signal.aborted;
  run.signal.addEventListener(
    "abort",
    () => {
      closed = true;
    },
    { once: true },
  );
  const startedAt = Date.now();
  const scope: BridgeScope = {
    runId: run.runId,
    startedAt,
    threadId,
    resourceId,
    // The run ends with the first failure, and stores nothing more (as on every runtime: the steps
    // stored before the failure stay, nothing after it is written).
    onFailure: (error) => {
      failure ??= error;
      closed = true;
    },
    isClosed: () => closed,
    historyAfterPosition: covered,
  };

  const input = run.messages.map((message, index) => ({
    ...message,
    id: inputMessageId(run.runId, index, message),
  })) as Array<ModelMessage & { id: string }>;

  // A resumed run's input is the step it suspended in (assistant and tool messages): handed to
  // Mastra as its own messages, converted by the bridge, because Mastra's conversion of a
  // `ModelMessage` turns `error-text` results (a declined call) into `text`; and stored under the
  // ids Mastra re-saves that message with, so no row is written twice.
  const continuesStep = input.some((message) => message.role === "assistant" || message.role === "tool");
  const now = new Date(startedAt);
  const mastraInput = continuesStep
    ? groupRows(
        input.map(({ id, ...message }) => ({
          id,
          message: message as ModelMessage,
          createdAt: now,
          threadId,
          resourceId,
        })),
      ).map(toMastraMessage)
    : undefined;
  const inputRows: NewMessage[] = mastraInput
    ? mastraInput.flatMap((message) =>
        toStoredRows(message).map((row) => ({ id: row.id, message: row.message, runId: run.runId })),
      )
    : input.map(({ id, ...message }) => ({ id, message: message as ModelMessage, runId: run.runId }));

  let inputStored = false;
  let savedSteps = 0;
  let waiting: { steps: number; resolve: () => void } | undefined;
  const gate: MemoryCallGate = {
    beforeStep() {
      if (!inputStored && failure) throw failure;
    },
    async beforeCall() {
      if (!inputStored) {
        inputStored = true;
        await withBridgeScope(scope, () => store.memoryStorage.appendRows(threadId, resourceId, inputRows));
      } else {
        const needed = run.recorder.stepCount;
        if (savedSteps < needed) {
          const saved = new Promise<void>((resolve) => {
            waiting = { steps: needed, resolve };
          });
          if ((await untilAborted(saved, run.signal)) === ABORTED) {
            throw new AbortedError({ reason: run.callerSignal?.reason });
          }
        }
      }
      if (failure) throw failure;
    },
  };

  const options: Record<string, unknown> = {
    memory: { thread: threadId, resource: resourceId },
    savePerStep: true,
    // Mastra calls it after the step's messages are saved.
    onStepFinish: () => {
      savedSteps++;
      if (waiting && savedSteps >= waiting.steps) {
        const { resolve } = waiting;
        waiting = undefined;
        resolve();
      }
    },
    // Mastra builds the prompt with memory, so it gets the instructions (the agent's are empty),
    // followed by the thread's summary as fenced data.
    ...instructionsWith(run.definition.instructions, summary?.context),
  };

  return {
    mastraMemory,
    scope,
    gate,
    options,
    input: mastraInput ?? input,
    register: (requestContext) =>
      registerMemoryRun(run.runId, {
        memory: mastraMemory,
        agentId: run.definition.id,
        threadId,
        resourceId,
        requestContext,
        scope,
      }),
    failure: () => failure,
    afterRun: async (status) => {
      if (!summary || failure) return undefined;
      try {
        await summary.close({ status });
        return undefined;
      } catch (error) {
        return `Memory after-run work failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
  };
}

/** Mastra's `instructions` option: the agent's, then the memory context, when there is any. */
function instructionsWith(
  instructions: string | undefined,
  context: string | undefined,
): { instructions?: string } {
  const text = [instructions, context].filter((part) => part !== undefined && part !== "").join("\n\n");
  return text === "" ? {} : { instructions: text };
}

/** The last position a stored summary covers, or `undefined` without one. */
function summaryEnd(value: unknown): number | undefined {
  const through = (value as { throughPosition?: unknown } | null | undefined)?.throughPosition;
  return typeof through === "number" ? through : undefined;
}

/**
 * The id of an input message: the same for the same (run, index, content), so a retried run that
 * reuses its run id replaces its input instead of storing it twice.
 */
function inputMessageId(runId: string, index: number, message: ModelMessage): string {
  const content = createHash("sha256").update(JSON.stringify(message)).digest("hex").slice(0, 12);
  const id = `${runId}:input:${index}:${content}`;
  return id.length <= MAX_ID_LENGTH ? id : `msg_${createHash("sha256").update(id).digest("hex")}`;
}
