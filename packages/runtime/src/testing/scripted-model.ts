import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
  SharedV4Warning,
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
  /** Provider metadata of the call (e.g. a Gemini thought signature). */
  providerMetadata?: SharedV4ProviderMetadata;
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
  /** When streaming, fail the read after the text with this error (a connection that broke). */
  streamFailure?: unknown;
  /** Reasoning shown before the text: one string (one delta) or an array of deltas. */
  reasoning?: string | readonly string[];
  /** Provider metadata of the reasoning part (e.g. an Anthropic signature), sent on its last delta. */
  reasoningMetadata?: SharedV4ProviderMetadata;
  /** Provider metadata of the text part (e.g. an OpenAI item id), sent on `text-end`. */
  textMetadata?: SharedV4ProviderMetadata;
  /** Warnings of the call (`stream-start` when streaming). */
  warnings?: readonly SharedV4Warning[];
  /** When streaming, send each tool call's JSON arguments in this many `tool-input-delta` parts. @default 1 */
  toolInputDeltas?: number;
  /** When streaming, interleave the tool calls' input parts (start A, start B, delta A, delta B…). */
  interleaveToolInputs?: boolean;
  /** When streaming, a tool call whose input starts but never ends (no `tool-input-end`, no `tool-call`). */
  unfinishedToolInput?: { toolName: string; input: string };
  /**
   * Stop answering and ignore the abort signal: `"call"` never resolves the call, a number stops
   * the stream after that many parts (it stays open, never ending). For timeout and abort tests.
   */
  hang?: "call" | number;
  /** When streaming, end the stream without a `finish` part. */
  omitFinish?: boolean;
  /** Resolve `doGenerate` with this value instead of a result (e.g. `{}`, for malformed providers). */
  rawGenerateResult?: unknown;
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
    if (spec.hang === "call") await new Promise<never>(() => {});
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
      if ("rawGenerateResult" in spec) return spec.rawGenerateResult as LanguageModelV4GenerateResult;
      const content: LanguageModelV4Content[] = [];
      const reasoning = deltasOf(spec.reasoning);
      if (reasoning.length > 0 || spec.reasoningMetadata) {
        content.push({ type: "reasoning", text: reasoning.join(""), ...metadata(spec.reasoningMetadata) });
      }
      const text = textOf(spec);
      if (text.length > 0)
        content.push({ type: "text", text: text.join(""), ...metadata(spec.textMetadata) });
      spec.toolCalls?.forEach((call, index) => {
        content.push({
          type: "tool-call",
          toolCallId: call.toolCallId ?? `call_${turnIndex}_${index}`,
          toolName: call.toolName,
          input: typeof call.input === "string" ? call.input : JSON.stringify(call.input ?? {}),
          ...metadata(call.providerMetadata),
        });
      });
      return {
        content,
        finishReason: finishOf(spec),
        usage: usageOf(spec),
        warnings: [...(spec.warnings ?? [])],
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
          if (typeof spec.hang === "number" && position >= spec.hang) {
            await new Promise<never>(() => {});
          }
          if (position === parts.length && spec.streamFailure !== undefined) {
            controller.error(spec.streamFailure);
            return;
          }
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
  return deltasOf(spec.text);
}

function deltasOf(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? (value.length > 0 ? [value] : []) : value;
}

function metadata(providerMetadata: SharedV4ProviderMetadata | undefined) {
  return providerMetadata === undefined ? {} : { providerMetadata };
}

/** `text` cut into `count` pieces of about equal length (at least one, possibly empty). */
function split(text: string, count: number): string[] {
  const pieces = Math.max(1, Math.min(count, text.length));
  const size = Math.ceil(text.length / pieces);
  return Array.from({ length: pieces }, (_, index) => text.slice(index * size, (index + 1) * size));
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
    { type: "stream-start", warnings: [...(spec.warnings ?? [])] },
    { type: "response-metadata", id: `response_${turnIndex}`, modelId, timestamp: new Date(0) },
  ];
  const reasoning = deltasOf(spec.reasoning);
  if (reasoning.length > 0 || spec.reasoningMetadata) {
    const id = `reasoning_${turnIndex}`;
    parts.push({ type: "reasoning-start", id });
    reasoning.forEach((delta, index) => {
      const last = index === reasoning.length - 1;
      parts.push({ type: "reasoning-delta", id, delta, ...(last ? metadata(spec.reasoningMetadata) : {}) });
    });
    if (reasoning.length === 0)
      parts.push({ type: "reasoning-delta", id, delta: "", ...metadata(spec.reasoningMetadata) });
    parts.push({ type: "reasoning-end", id });
  }
  const text = textOf(spec);
  if (text.length > 0) {
    const id = `text_${turnIndex}`;
    parts.push({ type: "text-start", id });
    for (const delta of text) parts.push({ type: "text-delta", id, delta });
    parts.push({ type: "text-end", id, ...metadata(spec.textMetadata) });
  }
  const calls = (spec.toolCalls ?? []).map((call, index) => ({
    ...call,
    toolCallId: call.toolCallId ?? `call_${turnIndex}_${index}`,
    json: typeof call.input === "string" ? call.input : JSON.stringify(call.input ?? {}),
  }));
  const deltas = calls.map((call) => split(call.json, spec.toolInputDeltas ?? 1));
  const inputParts = calls.map((call, index): LanguageModelV4StreamPart[] => [
    { type: "tool-input-start", id: call.toolCallId, toolName: call.toolName },
    ...(deltas[index] ?? []).map((delta) => ({
      type: "tool-input-delta" as const,
      id: call.toolCallId,
      delta,
    })),
    { type: "tool-input-end", id: call.toolCallId },
  ]);
  if (spec.interleaveToolInputs) {
    const longest = Math.max(0, ...inputParts.map((list) => list.length));
    for (let position = 0; position < longest; position++) {
      for (const list of inputParts)
        if (list[position]) parts.push(list[position] as LanguageModelV4StreamPart);
    }
    for (const call of calls) parts.push(toolCallPart(call));
  } else {
    calls.forEach((call, index) => {
      parts.push(...(inputParts[index] ?? []), toolCallPart(call));
    });
  }
  if (spec.unfinishedToolInput) {
    const id = `unfinished_${turnIndex}`;
    parts.push({ type: "tool-input-start", id, toolName: spec.unfinishedToolInput.toolName });
    parts.push({ type: "tool-input-delta", id, delta: spec.unfinishedToolInput.input });
  }
  if (spec.streamError !== undefined) {
    parts.push({ type: "error", error: spec.streamError });
    return parts;
  }
  if (spec.streamFailure !== undefined || spec.omitFinish) return parts;
  parts.push({ type: "finish", finishReason: finishOf(spec), usage: usageOf(spec) });
  return parts;
}

function toolCallPart(
  call: ScriptedToolCall & { toolCallId: string; json: string },
): LanguageModelV4StreamPart {
  return {
    type: "tool-call",
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    input: call.json,
    ...metadata(call.providerMetadata),
  };
}

function describeLast(options: LanguageModelV4CallOptions): string {
  const last = options.prompt[options.prompt.length - 1];
  if (!last) return "(none)";
  const text = JSON.stringify(last.content);
  return `${last.role}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}
