import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { ScriptMismatchError } from "../errors/script-mismatch-error.js";
import { sleep } from "../kit/sleep.js";
import type { FinishReason } from "../run-result.js";

/** A tool call a scripted turn makes. */
export interface ScriptedToolCall {
  toolName: string;
  /** Arguments: an object (sent as JSON) or a raw string (to script malformed JSON). */
  input: unknown;
  /** Defaults to `call_<turn>_<index>`. */
  toolCallId?: string;
}

/** One model response. */
export interface ScriptedTurnSpec {
  /** Answer text: one string (one delta) or an array of deltas. */
  text?: string | readonly string[];
  /** Tool calls, in order. */
  toolCalls?: readonly ScriptedToolCall[];
  /** Defaults to `tool-calls` when there are tool calls, else `stop`. */
  finishReason?: FinishReason;
  /** Defaults to 10 input and 5 output tokens. */
  usage?: { inputTokens?: number; outputTokens?: number };
  /** Wait this long before answering (honours the abort signal). */
  delayMs?: number;
  /** When streaming, wait this long between parts (honours the abort signal). */
  chunkDelayMs?: number;
  /** Reject the call with this error instead of answering (e.g. an `APICallError`). */
  error?: unknown;
  /** When streaming, send this error as an `error` part after the text. */
  streamError?: unknown;
}

/** A scripted turn, or a function that builds one from the request. */
export type ScriptedTurn =
  | ScriptedTurnSpec
  | ((
      call: LanguageModelV4CallOptions,
      callIndex: number,
    ) => ScriptedTurnSpec | PromiseLike<ScriptedTurnSpec>);

/** Options of {@link createScriptedModel}. */
export interface ScriptedModelOptions {
  /** Turns to play back, one per model call. */
  turns: readonly ScriptedTurn[];
  /** @default "scripted" */
  provider?: string;
  /** @default "scripted-model" */
  modelId?: string;
  /** Play the script again from the start when it runs out (for benchmarks). @default false */
  loop?: boolean;
}

/** A recorded call to a scripted model. */
export interface ScriptedModelCall {
  readonly method: "generate" | "stream";
  readonly options: LanguageModelV4CallOptions;
}

/** An AI SDK v4 language model that plays back a script and records what it was sent. */
export interface ScriptedModel extends LanguageModelV4 {
  /** Every call so far, in order. */
  readonly calls: readonly ScriptedModelCall[];
  /** Turns not yet played. */
  readonly remainingTurns: number;
  /** Throws {@link ScriptMismatchError} when turns were left unplayed. */
  assertAllTurnsUsed(): void;
}

/**
 * Creates a deterministic model for tests, examples and benchmarks. It implements the AI SDK
 * language-model spec (v4), so it drives any runtime, and fails loudly with
 * {@link ScriptMismatchError} when called more often than scripted.
 *
 * @example
 * ```ts
 * const model = createScriptedModel({ turns: [
 *   { toolCalls: [{ toolName: "get_weather", input: { city: "Paris" } }] },
 *   { text: ["It is ", "sunny."] },
 * ]});
 * ```
 */
export function createScriptedModel(options: ScriptedModelOptions): ScriptedModel {
  const provider = options.provider ?? "scripted";
  const modelId = options.modelId ?? "scripted-model";
  const calls: ScriptedModelCall[] = [];
  let next = 0;

  const takeTurn = async (method: "generate" | "stream", callOptions: LanguageModelV4CallOptions) => {
    const index = calls.length;
    // Snapshot the prompt: callers may append to the same array after the call returns.
    calls.push({ method, options: { ...callOptions, prompt: [...callOptions.prompt] } });
    if (next >= options.turns.length) {
      if (!options.loop || options.turns.length === 0) {
        throw new ScriptMismatchError({
          message: `Scripted model ${provider}/${modelId} was called ${index + 1} time(s) but only ${options.turns.length} turn(s) were scripted. Last prompt message: ${describeLast(callOptions)}`,
        });
      }
      next = 0;
    }
    const turn = options.turns[next++] as ScriptedTurn;
    const spec = typeof turn === "function" ? await turn(callOptions, index) : turn;
    if (spec.delayMs) await sleep(spec.delayMs, callOptions.abortSignal);
    if (spec.error !== undefined) throw spec.error;
    return { spec, turnIndex: index };
  };

  const model: ScriptedModel = {
    specificationVersion: "v4",
    provider,
    modelId,
    supportedUrls: {},
    get calls() {
      return calls;
    },
    get remainingTurns() {
      return Math.max(0, options.turns.length - next);
    },
    assertAllTurnsUsed() {
      if (next < options.turns.length) {
        throw new ScriptMismatchError({
          message: `Scripted model ${provider}/${modelId} has ${options.turns.length - next} unplayed turn(s) of ${options.turns.length}.`,
        });
      }
    },
    async doGenerate(callOptions): Promise<LanguageModelV4GenerateResult> {
      const { spec, turnIndex } = await takeTurn("generate", callOptions);
      const content: LanguageModelV4Content[] = [];
      const text = textOf(spec);
      if (text.length > 0) content.push({ type: "text", text: text.join("") });
      spec.toolCalls?.forEach((call, index) => {
        content.push({
          type: "tool-call",
          toolCallId: call.toolCallId ?? `call_${turnIndex}_${index}`,
          toolName: call.toolName,
          input: typeof call.input === "string" ? call.input : JSON.stringify(call.input ?? {}),
        });
      });
      return {
        content,
        finishReason: finishOf(spec),
        usage: usageOf(spec),
        warnings: [],
        response: { id: `response_${turnIndex}`, modelId, timestamp: new Date(0) },
      };
    },
    async doStream(callOptions) {
      const { spec, turnIndex } = await takeTurn("stream", callOptions);
      const parts = streamParts(spec, turnIndex, modelId);
      const signal = callOptions.abortSignal;
      const delay = spec.chunkDelayMs ?? 0;
      let position = 0;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async pull(controller) {
          if (delay > 0 && position > 0) {
            try {
              await sleep(delay, signal);
            } catch (error) {
              controller.error(error);
              return;
            }
          } else if (signal?.aborted) {
            controller.error(signal.reason);
            return;
          }
          const part = parts[position++];
          if (part === undefined) controller.close();
          else controller.enqueue(part);
        },
      });
      return { stream };
    },
  };
  return model;
}

function textOf(spec: ScriptedTurnSpec): readonly string[] {
  if (spec.text === undefined) return [];
  return typeof spec.text === "string" ? (spec.text.length > 0 ? [spec.text] : []) : spec.text;
}

function finishOf(spec: ScriptedTurnSpec) {
  const unified = spec.finishReason ?? (spec.toolCalls && spec.toolCalls.length > 0 ? "tool-calls" : "stop");
  return { unified: unified === "interrupted" ? ("other" as const) : unified, raw: unified };
}

function usageOf(spec: ScriptedTurnSpec): LanguageModelV4Usage {
  const input = spec.usage?.inputTokens ?? 10;
  const output = spec.usage?.outputTokens ?? 5;
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

function streamParts(
  spec: ScriptedTurnSpec,
  turnIndex: number,
  modelId: string,
): LanguageModelV4StreamPart[] {
  const parts: LanguageModelV4StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "response-metadata", id: `response_${turnIndex}`, modelId, timestamp: new Date(0) },
  ];
  const text = textOf(spec);
  if (text.length > 0) {
    const id = `text_${turnIndex}`;
    parts.push({ type: "text-start", id });
    for (const delta of text) parts.push({ type: "text-delta", id, delta });
    parts.push({ type: "text-end", id });
  }
  spec.toolCalls?.forEach((call, index) => {
    const toolCallId = call.toolCallId ?? `call_${turnIndex}_${index}`;
    const input = typeof call.input === "string" ? call.input : JSON.stringify(call.input ?? {});
    parts.push({ type: "tool-input-start", id: toolCallId, toolName: call.toolName });
    parts.push({ type: "tool-input-delta", id: toolCallId, delta: input });
    parts.push({ type: "tool-input-end", id: toolCallId });
    parts.push({ type: "tool-call", toolCallId, toolName: call.toolName, input });
  });
  if (spec.streamError !== undefined) {
    parts.push({ type: "error", error: spec.streamError });
    return parts;
  }
  parts.push({ type: "finish", finishReason: finishOf(spec), usage: usageOf(spec) });
  return parts;
}

function describeLast(options: LanguageModelV4CallOptions): string {
  const last = options.prompt[options.prompt.length - 1];
  if (!last) return "(none)";
  const text = JSON.stringify(last.content);
  return `${last.role}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}
