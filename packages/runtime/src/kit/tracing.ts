import type {
  LanguageModelV4CallOptions,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import type { ModelMessage } from "ai";
import type { ResolvedAgentDefinition } from "../agent-definition.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { ModelError } from "../errors/model-error.js";
import type { ModelInfo } from "../models/model-reference.js";
import type { RunResult, ToolResultRecord } from "../run-result.js";
import { redactSecrets, redactValue } from "../security/redact-secrets.js";
import type { TracingSettings } from "../tracing/tracing-settings.js";
import { toModelPrompt } from "./to-model-prompt.js";

/** Instrumentation scope name of every span the SDK emits. */
export const TRACER_NAME = "@flowmaestro/runtime";
/** Instrumentation scope version: the version of `@flowmaestro/runtime` (kept equal by a test). */
export const TRACER_VERSION = "0.1.0";

/** What {@link startRunTrace} needs to know about the definition. */
export type TracedDefinition = Pick<ResolvedAgentDefinition, "id" | "name" | "instructions" | "models"> & {
  readonly tracing?: TracingSettings | undefined;
};

/** The run a {@link RunTrace} records. */
export interface RunTraceOptions {
  readonly runId: string;
  /** Runtime id (`legacy`, `mastra`), recorded as `flowmaestro.runtime`. */
  readonly runtime: string;
  /** The run's thread: `gen_ai.conversation.id`. */
  readonly threadId?: string | undefined;
  /** The run's resource (tenant, user): `flowmaestro.resource.id`. */
  readonly resourceId?: string | undefined;
  /** The run's input, recorded (redacted) as `gen_ai.input.messages` when content is recorded. */
  readonly input?: readonly ModelMessage[] | undefined;
  /** The run continues a suspended one (`agent.resume`): `flowmaestro.run.resumed`. */
  readonly resumed?: boolean | undefined;
}

/** A tool call as a {@link ToolSpan} records it. */
export interface TracedToolCall {
  readonly toolCallId: string;
  readonly toolName: string;
  /** Parsed arguments (recorded only with content on). */
  readonly input: unknown;
}

/**
 * The `chat {model}` span of one model call attempt. Every method is a no-op when nothing is
 * recorded, and everything after the span has ended is ignored.
 */
export interface ChatSpan {
  /** Whether the span records anything. */
  readonly recording: boolean;
  /** Runs `fn` with this span active (for a host's context manager: provider HTTP spans nest under it). */
  run<T>(fn: () => T): T;
  /** A part of the call's stream, in order; the `finish` part ends the span. */
  part(part: LanguageModelV4StreamPart): void;
  /** The result of a non-streaming call; ends the span. */
  generated(result: LanguageModelV4GenerateResult): void;
  /** The stream ended; ends the span if its `finish` part has not. */
  end(): void;
  /** The attempt failed (`error.type`, status ERROR); ends the span. */
  fail(error: unknown): void;
}

/** The `execute_tool {tool}` span of one tool call. */
export interface ToolSpan {
  /** Whether the span records anything. */
  readonly recording: boolean;
  /** Runs `fn` with this span active (spans the tool makes nest under it with a context manager). */
  run<T>(fn: () => T): T;
  /** The call's outcome; ends the span (`error.type` and status ERROR for an error outcome). */
  end(record: ToolResultRecord): void;
}

/**
 * The trace of one run: an `invoke_agent {agent}` span, with a child span per model call attempt
 * (`chat {model}`), per tool call (`execute_tool {tool}`) and for the memory the run loads
 * (`search_memory {memory}`). Parents are passed explicitly, so the tree is right without a
 * context manager. When the run's span does not record (no tracer provider registered, or
 * sampled out) this is a shared no-op: nothing is built or allocated per call.
 */
export interface RunTrace {
  /** Whether the run's span records anything. */
  readonly recording: boolean;
  /**
   * Wraps the memory's `open` in a `search_memory {memory.name}` span: `gen_ai.conversation.id`,
   * `gen_ai.memory.record.count` (history messages loaded), `error.type` when it fails. Resolves
   * or rejects as `open()` does.
   */
  memoryRecall<T>(memory: { readonly name: string }, open: () => Promise<T>): Promise<T>;
  /** Opens the span of one model call attempt (each retry and each fallback gets its own). */
  startChat(model: ModelInfo, call: LanguageModelV4CallOptions): ChatSpan;
  /** Opens the span of one tool call. */
  startTool(call: TracedToolCall, tool?: { readonly description?: string | undefined }): ToolSpan;
  /**
   * Ends the run's span with the result: status, usage totals, `error.type` and status ERROR for a
   * failed run. Child spans still open (a tool that ignored the abort) end as `ABORTED`. Returns
   * `result`; later calls do nothing.
   */
  end(result: RunResult): RunResult;
}

const NOOP_CHAT: ChatSpan = {
  recording: false,
  run: (fn) => fn(),
  part: () => {},
  generated: () => {},
  end: () => {},
  fail: () => {},
};

const NOOP_TOOL: ToolSpan = { recording: false, run: (fn) => fn(), end: () => {} };

/** The trace of a run that records nothing. */
export const NOOP_RUN_TRACE: RunTrace = {
  recording: false,
  memoryRecall: (_memory, open) => open(),
  startChat: () => NOOP_CHAT,
  startTool: () => NOOP_TOOL,
  end: (result) => result,
};

/**
 * Starts the trace of a run: opens its `invoke_agent {agent name}` span (kind INTERNAL) as a
 * child of the active context (a host's request span, with a context manager), on the
 * definition's `tracing.tracerProvider` or else the global one. Costs one non-recording span
 * when no provider is registered.
 */
export function startRunTrace(definition: TracedDefinition, options: RunTraceOptions): RunTrace {
  const settings = definition.tracing;
  const provider = settings?.tracerProvider as TracerProvider | undefined;
  const tracer = provider
    ? provider.getTracer(TRACER_NAME, TRACER_VERSION)
    : trace.getTracer(TRACER_NAME, TRACER_VERSION);
  const first = definition.models[0];
  const parent = context.active();
  // The attributes samplers may look at are given at creation, as the conventions ask.
  const span = tracer.startSpan(
    `invoke_agent ${definition.name}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": definition.name,
        ...(first
          ? { "gen_ai.provider.name": providerName(first.provider), "gen_ai.request.model": first.modelId }
          : {}),
      },
    },
    parent,
  );
  if (!span.isRecording()) return NOOP_RUN_TRACE;
  const recordContent = settings?.recordContent === true;
  const attributes: Attributes = {
    "gen_ai.agent.id": definition.id,
    "flowmaestro.run.id": options.runId,
    "flowmaestro.runtime": options.runtime,
  };
  if (options.threadId !== undefined) attributes["gen_ai.conversation.id"] = options.threadId;
  if (options.resourceId !== undefined) attributes["flowmaestro.resource.id"] = options.resourceId;
  if (options.resumed) attributes["flowmaestro.run.resumed"] = true;
  if (recordContent) {
    if (definition.instructions) {
      attributes["gen_ai.system_instructions"] = contentJson([
        { type: "text", content: definition.instructions },
      ]);
    }
    if (options.input && options.input.length > 0) {
      attributes["gen_ai.input.messages"] = contentJson(
        toSemconvPrompt(toModelPrompt(options.input)).messages,
      );
    }
  }
  span.setAttributes(attributes);
  return new RecordingRunTrace(tracer, span, trace.setSpan(parent, span), recordContent, options.threadId);
}

class RecordingRunTrace implements RunTrace {
  readonly recording = true;
  /** Child spans not yet ended. */
  readonly open = new Set<ChildSpan>();
  private ended = false;

  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    /** The context children are started in: the run's span as their parent. */
    private readonly parent: Context,
    readonly recordContent: boolean,
    private readonly threadId: string | undefined,
  ) {}

  /** Starts a child span of the run's span, or `undefined` when it does not record. */
  child(name: string, kind: SpanKind, attributes: Attributes): { span: Span; context: Context } | undefined {
    if (this.ended) return undefined;
    const span = this.tracer.startSpan(name, { kind, attributes }, this.parent);
    if (!span.isRecording()) return undefined;
    return { span, context: trace.setSpan(this.parent, span) };
  }

  async memoryRecall<T>(memory: { readonly name: string }, open: () => Promise<T>): Promise<T> {
    const attributes: Attributes = {
      "gen_ai.operation.name": "search_memory",
      "flowmaestro.memory.name": memory.name,
    };
    if (this.threadId !== undefined) attributes["gen_ai.conversation.id"] = this.threadId;
    const started = this.child(`search_memory ${memory.name}`, SpanKind.INTERNAL, attributes);
    if (!started) return open();
    const span = new MemorySpan(this, started.span, started.context);
    try {
      const session = await span.run(open);
      span.recalled(session);
      return session;
    } catch (error) {
      span.fail(error);
      throw error;
    }
  }

  startChat(model: ModelInfo, call: LanguageModelV4CallOptions): ChatSpan {
    const attributes: Attributes = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": providerName(model.provider),
      "gen_ai.request.model": model.modelId,
      "flowmaestro.model.provider": model.provider,
    };
    setRequestAttributes(attributes, call);
    if (this.recordContent) {
      const prompt = toSemconvPrompt(call.prompt);
      if (prompt.system.length > 0) attributes["gen_ai.system_instructions"] = contentJson(prompt.system);
      attributes["gen_ai.input.messages"] = contentJson(prompt.messages);
    }
    const started = this.child(`chat ${model.modelId}`, SpanKind.CLIENT, attributes);
    return started ? new RecordingChatSpan(this, started.span, started.context, model) : NOOP_CHAT;
  }

  startTool(call: TracedToolCall, tool?: { readonly description?: string | undefined }): ToolSpan {
    const attributes: Attributes = {
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": call.toolName,
      "gen_ai.tool.call.id": call.toolCallId,
      "gen_ai.tool.type": "function",
    };
    if (tool?.description) attributes["gen_ai.tool.description"] = tool.description;
    if (this.recordContent) attributes["gen_ai.tool.call.arguments"] = contentJson(call.input);
    const started = this.child(`execute_tool ${call.toolName}`, SpanKind.INTERNAL, attributes);
    return started ? new RecordingToolSpan(this, started.span, started.context) : NOOP_TOOL;
  }

  end(result: RunResult): RunResult {
    if (this.ended) return result;
    this.ended = true;
    for (const child of [...this.open]) child.abandon();
    const span = this.span;
    const { usage } = result;
    const attributes: Attributes = {
      "flowmaestro.run.status": result.status,
      "flowmaestro.run.steps": result.steps.length,
      "gen_ai.usage.input_tokens": usage.inputTokens,
      "gen_ai.usage.output_tokens": usage.outputTokens,
      "gen_ai.usage.cache_read.input_tokens": usage.cachedInputTokens,
      "gen_ai.usage.reasoning.output_tokens": usage.reasoningTokens,
    };
    const cost = (result as { costUsd?: unknown }).costUsd;
    if (typeof cost === "number") attributes["flowmaestro.run.cost_usd"] = cost;
    if (this.recordContent) {
      attributes["gen_ai.output.messages"] = contentJson([
        {
          role: "assistant",
          parts: result.text.length > 0 ? [{ type: "text", content: result.text }] : [],
          finish_reason: finishReasonName(result.finishReason),
        },
      ]);
    }
    span.setAttributes(attributes);
    // Only a failure is an error: an abort, a budget or the iteration limit is an outcome the host
    // chose, reported by `flowmaestro.run.status`.
    if (result.status === "failed") setError(span, result.error);
    span.end();
    return result;
  }
}

/** A span under the run's span; ends once, and is ended as `ABORTED` when the run ends first. */
abstract class ChildSpan {
  protected ended = false;

  constructor(
    protected readonly owner: RecordingRunTrace,
    protected readonly span: Span,
    private readonly active: Context,
  ) {
    owner.open.add(this);
  }

  readonly recording = true;

  run<T>(fn: () => T): T {
    return context.with(this.active, fn);
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.beforeFail();
    setError(this.span, error);
    this.close();
  }

  /** The run ended while this span was open. */
  abandon(): void {
    if (this.ended) return;
    this.beforeFail();
    this.span.setAttribute("error.type", "ABORTED");
    this.span.setStatus({
      code: SpanStatusCode.ERROR,
      message: "The run ended before this operation finished.",
    });
    this.close();
  }

  /** Hook for what a failed span still records (a chat span's partial output). */
  protected beforeFail(): void {}

  protected close(): void {
    this.ended = true;
    this.owner.open.delete(this);
    this.span.end();
  }
}

class MemorySpan extends ChildSpan {
  recalled(session: unknown): void {
    if (this.ended) return;
    const { history, context: recalledContext } = (session ?? {}) as {
      history?: unknown;
      context?: unknown;
    };
    if (Array.isArray(history)) this.span.setAttribute("gen_ai.memory.record.count", history.length);
    this.span.setAttribute("flowmaestro.memory.context", typeof recalledContext === "string");
    this.close();
  }
}

class RecordingToolSpan extends ChildSpan implements ToolSpan {
  end(record: ToolResultRecord): void {
    if (this.ended) return;
    if (record.isError) {
      setError(this.span, record.error);
    } else if (this.owner.recordContent) {
      this.span.setAttribute("gen_ai.tool.call.result", contentJson(record.output));
    }
    this.close();
  }
}

class RecordingChatSpan extends ChildSpan implements ChatSpan {
  private responseId: string | undefined;
  private responseModel: string | undefined;
  /** The answer so far, when content is recorded. */
  private readonly output: OutputParts | undefined;

  constructor(owner: RecordingRunTrace, span: Span, active: Context, model: ModelInfo) {
    super(owner, span, active);
    this.responseModel = model.modelId;
    this.output = owner.recordContent ? new OutputParts() : undefined;
  }

  part(part: LanguageModelV4StreamPart): void {
    if (this.ended) return;
    switch (part.type) {
      case "response-metadata":
        if (part.id !== undefined) this.responseId = part.id;
        if (part.modelId !== undefined) this.responseModel = part.modelId;
        return;
      case "finish":
        this.complete(part.finishReason, part.usage);
        return;
      case "text-delta":
        this.output?.append("text", part.id, part.delta);
        return;
      case "reasoning-delta":
        this.output?.append("reasoning", part.id, part.delta);
        return;
      case "tool-call":
      case "tool-result":
      case "file":
        this.output?.add(part);
        return;
      default:
        return;
    }
  }

  generated(result: LanguageModelV4GenerateResult): void {
    if (this.ended) return;
    if (result.response?.id !== undefined) this.responseId = result.response.id;
    if (result.response?.modelId !== undefined) this.responseModel = result.response.modelId;
    if (this.output) for (const item of result.content) this.output.add(item);
    this.complete(result.finishReason, result.usage);
  }

  end(): void {
    if (this.ended) return;
    this.complete(undefined, undefined);
  }

  protected override beforeFail(): void {
    this.setResponse();
    if (this.output?.hasParts) this.span.setAttribute("gen_ai.output.messages", this.output.toJson("error"));
  }

  private complete(
    finishReason: LanguageModelV4FinishReason | undefined,
    usage: LanguageModelV4Usage | undefined,
  ): void {
    this.setResponse();
    const reason = finishReason ? finishReasonName(finishReason.unified) : undefined;
    if (reason !== undefined) this.span.setAttribute("gen_ai.response.finish_reasons", [reason]);
    if (usage) setUsage(this.span, usage);
    if (this.output) this.span.setAttribute("gen_ai.output.messages", this.output.toJson(reason ?? "stop"));
    this.close();
  }

  private setResponse(): void {
    if (this.responseModel !== undefined) this.span.setAttribute("gen_ai.response.model", this.responseModel);
    if (this.responseId !== undefined) this.span.setAttribute("gen_ai.response.id", this.responseId);
  }
}

type SemconvPart = Record<string, unknown>;

interface SemconvMessage {
  readonly role: string;
  readonly parts: SemconvPart[];
}

/** The parts of a model's answer, in the order it produced them (text and reasoning grouped by id). */
class OutputParts {
  private readonly parts: SemconvPart[] = [];
  private readonly open = new Map<string, { type: string; content: string }>();

  get hasParts(): boolean {
    return this.parts.length > 0;
  }

  append(type: "text" | "reasoning", id: string, delta: string): void {
    const key = `${type}:${id}`;
    let part = this.open.get(key);
    if (!part) {
      part = { type, content: "" };
      this.open.set(key, part);
      this.parts.push(part);
    }
    part.content += delta;
  }

  add(item: { readonly type: string }): void {
    const part = toSemconvPart(item as unknown as AnyPart);
    if (part) this.parts.push(part);
  }

  toJson(finishReason: string): string {
    return contentJson([{ role: "assistant", parts: this.parts, finish_reason: finishReason }]);
  }
}

type AnyPart = { readonly type: string; readonly [key: string]: unknown };

/**
 * A prompt in the GenAI conventions' shape: its leading system messages as system instructions,
 * the rest as input messages (`{ role, parts }`).
 * @internal
 */
export function toSemconvPrompt(prompt: LanguageModelV4Prompt): {
  system: SemconvPart[];
  messages: SemconvMessage[];
} {
  const system: SemconvPart[] = [];
  const messages: SemconvMessage[] = [];
  for (const message of prompt) {
    if (message.role === "system") {
      if (messages.length === 0) system.push({ type: "text", content: message.content });
      else messages.push({ role: "system", parts: [{ type: "text", content: message.content }] });
      continue;
    }
    const parts: SemconvPart[] = [];
    for (const item of message.content as unknown as readonly AnyPart[]) {
      const part = toSemconvPart(item);
      if (part) parts.push(part);
    }
    messages.push({ role: message.role, parts });
  }
  return { system, messages };
}

/** One content part in the conventions' shape; file bytes are never copied (only their type). */
function toSemconvPart(part: AnyPart): SemconvPart | undefined {
  switch (part.type) {
    case "text":
      return { type: "text", content: part.text };
    case "reasoning":
      return { type: "reasoning", content: part.text };
    case "tool-call":
      return {
        type: "tool_call",
        id: part.toolCallId,
        name: part.toolName,
        arguments: parseArguments(part.input),
      };
    case "tool-result":
      return {
        type: "tool_call_response",
        id: part.toolCallId,
        response: "output" in part ? toolOutputValue(part.output) : part.result,
      };
    case "file":
      return filePart(part.data, part.mediaType);
    case "source":
      return undefined;
    default:
      return { type: part.type };
  }
}

function parseArguments(input: unknown): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

/** What the model was told of a tool outcome (`{ type: "json", value }` → `value`). */
function toolOutputValue(output: unknown): unknown {
  if (typeof output !== "object" || output === null) return output;
  const { type, value, reason } = output as { type?: unknown; value?: unknown; reason?: unknown };
  if (type === "execution-denied") return { denied: true, ...(reason === undefined ? {} : { reason }) };
  return value;
}

function filePart(data: unknown, mediaType: unknown): SemconvPart {
  const mime = typeof mediaType === "string" ? mediaType : undefined;
  const modality = modalityOf(mime);
  const base = { modality, ...(mime === undefined ? {} : { mime_type: mime }) };
  const tagged = data as { type?: unknown; url?: unknown; reference?: unknown; text?: unknown } | undefined;
  if (data instanceof URL) return { type: "uri", ...base, uri: data.toString() };
  if (typeof data === "string" && /^https?:\/\//i.test(data)) return { type: "uri", ...base, uri: data };
  if (tagged?.type === "url") return { type: "uri", ...base, uri: String(tagged.url) };
  if (tagged?.type === "text" && typeof tagged.text === "string")
    return { type: "text", content: tagged.text };
  if (tagged?.type === "reference" && typeof tagged.reference === "object" && tagged.reference !== null) {
    const id = Object.values(tagged.reference as Record<string, unknown>)[0];
    return { type: "file", ...base, file_id: String(id) };
  }
  // Inline bytes stay out of traces: they are large and may be anything.
  return { type: "blob", ...base, content: "[omitted]" };
}

function modalityOf(mediaType: string | undefined): string {
  const top = mediaType?.split("/")[0];
  return top === "image" || top === "video" || top === "audio" ? top : "document";
}

/**
 * A content attribute: the value with every secret redacted (deeply, then once more on the JSON
 * text, so object keys are covered too), as a JSON string (span attributes hold no objects).
 */
function contentJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(redactValue(value));
  } catch {
    text = undefined;
  }
  return redactSecrets(text ?? '"[unserialisable]"');
}

const FINISH_REASONS: Readonly<Record<string, string>> = {
  "content-filter": "content_filter",
  "tool-calls": "tool_call",
};

/** A finish reason as the conventions spell it (`tool_call`, `content_filter`; the rest as is). */
function finishReasonName(reason: string): string {
  return FINISH_REASONS[reason] ?? reason;
}

function setRequestAttributes(attributes: Attributes, call: LanguageModelV4CallOptions): void {
  if (call.temperature !== undefined) attributes["gen_ai.request.temperature"] = call.temperature;
  if (call.maxOutputTokens !== undefined) attributes["gen_ai.request.max_tokens"] = call.maxOutputTokens;
  if (call.topP !== undefined) attributes["gen_ai.request.top_p"] = call.topP;
  if (call.topK !== undefined) attributes["gen_ai.request.top_k"] = call.topK;
  if (call.seed !== undefined) attributes["gen_ai.request.seed"] = call.seed;
  if (call.presencePenalty !== undefined)
    attributes["gen_ai.request.presence_penalty"] = call.presencePenalty;
  if (call.frequencyPenalty !== undefined) {
    attributes["gen_ai.request.frequency_penalty"] = call.frequencyPenalty;
  }
  if (call.stopSequences && call.stopSequences.length > 0) {
    attributes["gen_ai.request.stop_sequences"] = [...call.stopSequences];
  }
  if (call.responseFormat?.type === "json") attributes["gen_ai.output.type"] = "json";
}

function setUsage(span: Span, usage: LanguageModelV4Usage): void {
  const input = usage.inputTokens;
  const output = usage.outputTokens;
  if (input?.total !== undefined) span.setAttribute("gen_ai.usage.input_tokens", input.total);
  if (output?.total !== undefined) span.setAttribute("gen_ai.usage.output_tokens", output.total);
  if (input?.cacheRead !== undefined)
    span.setAttribute("gen_ai.usage.cache_read.input_tokens", input.cacheRead);
  if (input?.cacheWrite !== undefined) {
    span.setAttribute("gen_ai.usage.cache_creation.input_tokens", input.cacheWrite);
  }
  if (output?.reasoning !== undefined) {
    span.setAttribute("gen_ai.usage.reasoning.output_tokens", output.reasoning);
  }
}

/**
 * Marks a span failed: `error.type` is the SDK error code (`MODEL_ERROR`, `TOOL_TIMEOUT`…, `_OTHER`
 * for anything else), the status ERROR with the redacted message, and the HTTP status of a
 * model error that has one.
 */
function setError(span: Span, error: unknown): void {
  const typed = AgentSdkError.isInstance(error) ? error : undefined;
  span.setAttribute("error.type", typed?.code ?? "_OTHER");
  if (typed && ModelError.isInstance(typed) && typed.statusCode !== undefined) {
    span.setAttribute("http.response.status_code", typed.statusCode);
  }
  const message = error instanceof Error ? error.message : error === undefined ? undefined : String(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    ...(message === undefined ? {} : { message: redactSecrets(message) }),
  });
}

/** AI SDK provider ids by first segment, as the conventions name them (`gen_ai.provider.name`). */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  "amazon-bedrock": "aws.bedrock",
  bedrock: "aws.bedrock",
  azure: "azure.ai.openai",
  "azure-openai": "azure.ai.openai",
  google: "gcp.gemini",
  vertex: "gcp.vertex_ai",
  mistral: "mistral_ai",
  xai: "x_ai",
  moonshotai: "moonshot_ai",
};

/**
 * The `gen_ai.provider.name` of an AI SDK provider id: `openai.chat`/`openai.responses` →
 * `openai`, `anthropic.messages` → `anthropic`, `google.generative-ai` → `gcp.gemini`,
 * `google.vertex.chat` → `gcp.vertex_ai`, `amazon-bedrock` → `aws.bedrock`, `mistral.chat` →
 * `mistral_ai`, `groq.chat` → `groq`; any other id → its first segment.
 */
export function providerName(providerId: string): string {
  const id = providerId.toLowerCase();
  const dot = id.indexOf(".");
  const first = dot === -1 ? id : id.slice(0, dot);
  if (first === "google" && id.startsWith("google.vertex")) return "gcp.vertex_ai";
  return PROVIDER_NAMES[first] ?? first;
}
