import type { RunStream } from "../agent-runtime.js";
import type { AgentSdkError } from "../errors/agent-sdk-error.js";
import type { AgentEvent } from "../events/agent-event.js";
import type { RunResult } from "../run-result.js";
import type { RunMessageMetadata, RunUIData, RunUIMessageChunk } from "./run-ui-message.js";

/** Options of {@link toUIMessageStream} (and of the response helpers built on it). */
export interface ToUIMessageStreamOptions {
  /**
   * Id of the assistant message the chunks build. Pass the id of the message that holds the
   * approval requests when streaming a resumed run (`approvalDecisionsFrom(messages).messageId`),
   * so the client continues that message. When unset, a new run gets a generated id and a resumed
   * run sends none (clients such as `useChat` then continue their last assistant message).
   */
  messageId?: string;
  /** Generates the message id of a new run when `messageId` is unset. @default crypto.randomUUID */
  generateMessageId?: () => string;
  /** The memory thread the run uses, copied into the message metadata and `data-run`. */
  threadId?: string;
  /**
   * Extra message metadata sent on `start` (e.g. a creation time). It cannot replace `runId`,
   * `threadId`, `agentId` or `status`.
   */
  messageMetadata?: Readonly<Record<string, unknown>>;
  /** Send the model's reasoning as `reasoning-*` chunks. @default true */
  sendReasoning?: boolean;
  /**
   * Text the client sees for a failed tool call or run. Only the error's message is used by
   * default (SDK messages have secrets redacted), never its `cause`.
   * @default (error) => error.message
   */
  formatError?: (error: AgentSdkError) => string;
  /**
   * Abort this controller (the one whose `signal` the run was started with) when the reader goes
   * away: the stream is cancelled, the client disconnects. Without it the run goes on (and is
   * stored as usual); the stream only stops reading it.
   */
  abortOnDisconnect?: AbortController;
}

/**
 * Converts a run to the AI SDK 7 UI message stream (`ReadableStream<UIMessageChunk>`), the
 * protocol `useChat` and `readUIMessageStream` read:
 *
 * | run event | chunks |
 * | --- | --- |
 * | `run-start` | `start` (`messageId`, `messageMetadata` {@link RunMessageMetadata}), transient `data-run` (status `running`) |
 * | `step-start` / `step-end` | `start-step` / `finish-step` |
 * | `text-delta`, `reasoning-delta` | `text-start`/`-delta`/`-end`, `reasoning-start`/`-delta`/`-end` |
 * | `tool-input-start`, `tool-input-delta` | `tool-input-start`, `tool-input-delta` |
 * | `tool-call` | `tool-input-available` (with `input`) |
 * | `tool-approval-request` | `tool-approval-request` (`approvalId`, `toolCallId`) |
 * | `tool-result` | `tool-output-available` |
 * | `tool-error` | `tool-output-denied` (code `TOOL_DECLINED`), else `tool-output-error` |
 * | `object-delta` | `data-object` (id `object-<runId>`; the validated output replaces it at the end) |
 * | `run-end` | `data-run` (status, usage, costUsd), then `error` (failed run: the message only), then `finish` (`finishReason`, metadata `status`), or `abort` for an aborted run |
 *
 * The stream is pull-based: it reads the next run event only when its reader asks for more, so a
 * slow client slows the reading, not the run (what the run itself keeps is the run stream's
 * policy). That is why it is not built on `createUIMessageStream`, whose writer enqueues without
 * backpressure. Cancelling the stream stops reading the run (and aborts it with
 * `abortOnDisconnect`).
 *
 * A resumed run (`agent.resumeStream`) continues the assistant message of the suspended run: its
 * first chunks are the outcomes of the decided calls (`tool-output-*` for tool parts the client
 * already has), so read it on top of that message (`useChat` does; with `readUIMessageStream` pass
 * `message`).
 *
 * @example
 * ```ts
 * const run = await agent.stream(input);
 * return createUIMessageStreamResponse({ stream: toUIMessageStream(run) });
 * ```
 */
export function toUIMessageStream(
  run: RunStream,
  options: ToUIMessageStreamOptions = {},
): ReadableStream<RunUIMessageChunk> {
  const iterator = run[Symbol.asyncIterator]();
  const converter = new ChunkConverter(run.runId, options);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    // The iterator's `return` releases this reader only; the run goes on unless asked otherwise.
    Promise.resolve(iterator.return?.()).catch(() => {});
  };
  return new ReadableStream<RunUIMessageChunk>(
    {
      async pull(controller) {
        for (;;) {
          let next: IteratorResult<AgentEvent>;
          try {
            next = await iterator.next();
          } catch {
            if (stopped) return;
            // A run stream never throws; if it does (an SDK bug), say so without details.
            for (const chunk of converter.fail()) controller.enqueue(chunk);
            controller.close();
            stop();
            return;
          }
          // Cancelled while waiting for the event: the stream is closed already.
          if (stopped) return;
          const chunks = next.done ? converter.end() : converter.push(next.value);
          for (const chunk of chunks) controller.enqueue(chunk);
          if (next.done || converter.ended) {
            controller.close();
            stop();
            return;
          }
          if (chunks.length > 0) return;
        }
      },
      cancel() {
        if (!converter.ended) options.abortOnDisconnect?.abort();
        stop();
      },
    },
    // Read nothing ahead: one event per read, only when the reader asks.
    { highWaterMark: 0 },
  );
}

/** Turns run events into UI message chunks, keeping the open text/reasoning blocks. @internal */
class ChunkConverter {
  ended = false;
  private started = false;
  private runId: string;
  private agentId: string | undefined;
  private resumed = false;
  private stepOpen = false;
  private textId: string | undefined;
  private reasoningId: string | undefined;
  private blocks = 0;
  private failure: AgentSdkError | undefined;
  private readonly streamingInputs = new Set<string>();
  private readonly options: ToUIMessageStreamOptions;

  constructor(runId: string, options: ToUIMessageStreamOptions) {
    this.runId = runId;
    this.options = options;
  }

  push(event: AgentEvent): RunUIMessageChunk[] {
    if (this.ended) return [];
    const out: RunUIMessageChunk[] = [];
    if (event.type === "run-start") {
      this.runId = event.runId;
      this.agentId = event.agentId;
      this.resumed = event.resumed === true;
    }
    if (!this.started) this.start(out);
    switch (event.type) {
      case "run-start":
        break;
      case "step-start":
        this.closeBlocks(out);
        out.push({ type: "start-step" });
        this.stepOpen = true;
        break;
      case "text-delta": {
        this.closeReasoning(out);
        if (this.textId === undefined) {
          this.textId = `text-${this.blocks++}`;
          out.push({ type: "text-start", id: this.textId });
        }
        out.push({ type: "text-delta", id: this.textId, delta: event.delta });
        break;
      }
      case "reasoning-delta": {
        if (this.options.sendReasoning === false) break;
        this.closeText(out);
        if (this.reasoningId === undefined) {
          this.reasoningId = `reasoning-${this.blocks++}`;
          out.push({ type: "reasoning-start", id: this.reasoningId });
        }
        out.push({ type: "reasoning-delta", id: this.reasoningId, delta: event.delta });
        break;
      }
      case "tool-input-start":
        this.closeBlocks(out);
        this.streamingInputs.add(event.toolCallId);
        out.push({ type: "tool-input-start", toolCallId: event.toolCallId, toolName: event.toolName });
        break;
      case "tool-input-delta":
        // Deltas of a call whose start was not seen cannot be placed; its `tool-call` still is.
        if (this.streamingInputs.has(event.toolCallId)) {
          out.push({ type: "tool-input-delta", toolCallId: event.toolCallId, inputTextDelta: event.delta });
        }
        break;
      case "tool-call":
        this.closeBlocks(out);
        this.streamingInputs.delete(event.toolCallId);
        out.push({
          type: "tool-input-available",
          toolCallId: event.toolCallId,
          toolName: event.toolName,
          input: event.input,
        });
        break;
      case "tool-approval-request":
        out.push({
          type: "tool-approval-request",
          approvalId: event.approvalId,
          toolCallId: event.toolCallId,
        });
        break;
      case "tool-result":
        out.push({ type: "tool-output-available", toolCallId: event.toolCallId, output: event.output });
        break;
      case "tool-error":
        out.push(
          event.error.code === "TOOL_DECLINED"
            ? { type: "tool-output-denied", toolCallId: event.toolCallId }
            : {
                type: "tool-output-error",
                toolCallId: event.toolCallId,
                errorText: this.format(event.error),
              },
        );
        break;
      case "object-delta":
        out.push({ type: "data-object", id: `object-${this.runId}`, data: event.partial });
        break;
      case "step-end":
        this.closeBlocks(out);
        out.push({ type: "finish-step" });
        this.stepOpen = false;
        break;
      case "error":
        this.failure = event.error;
        break;
      case "run-end":
        this.finish(out, event.result);
        break;
    }
    return out;
  }

  /** The run's events ended without `run-end` (not expected): close what is open. */
  end(): RunUIMessageChunk[] {
    if (this.ended) return [];
    const out: RunUIMessageChunk[] = [];
    if (!this.started) this.start(out);
    this.closeStep(out);
    out.push({ type: "finish" });
    this.ended = true;
    return out;
  }

  /** Reading the run failed (an SDK bug): report it without details. */
  fail(): RunUIMessageChunk[] {
    if (this.ended) return [];
    const out: RunUIMessageChunk[] = [];
    if (!this.started) this.start(out);
    this.closeStep(out);
    out.push({ type: "error", errorText: "The run stream failed." });
    this.ended = true;
    return out;
  }

  private start(out: RunUIMessageChunk[]): void {
    this.started = true;
    const { messageId, threadId } = this.options;
    const id =
      messageId ??
      (this.resumed ? undefined : (this.options.generateMessageId ?? (() => crypto.randomUUID()))());
    out.push({
      type: "start",
      ...(id === undefined ? {} : { messageId: id }),
      messageMetadata: {
        ...this.options.messageMetadata,
        runId: this.runId,
        ...(threadId === undefined ? {} : { threadId }),
        ...(this.agentId === undefined ? {} : { agentId: this.agentId }),
        status: "running",
      },
    });
    out.push({
      type: "data-run",
      data: { ...this.runData(), status: "running" },
      transient: true,
    });
  }

  private finish(out: RunUIMessageChunk[], result: RunResult): void {
    this.closeStep(out);
    if (result.output !== undefined) {
      out.push({ type: "data-object", id: `object-${this.runId}`, data: result.output });
    }
    const error = result.error ?? this.failure;
    const data: RunUIData = {
      ...this.runData(),
      status: result.status,
      usage: result.usage,
      ...(result.costUsd === undefined ? {} : { costUsd: result.costUsd }),
      ...(error === undefined || result.status === "completed" || result.status === "suspended"
        ? {}
        : { error: { code: error.code, message: this.format(error) } }),
    };
    out.push({ type: "data-run", id: `run-${this.runId}`, data });
    if (result.status === "aborted") {
      out.push({ type: "message-metadata", messageMetadata: { runId: this.runId, status: result.status } });
      out.push({ type: "abort", reason: "The run was aborted." });
    } else {
      if (result.status === "failed") {
        out.push({ type: "error", errorText: error ? this.format(error) : "The run failed." });
      }
      out.push({
        type: "finish",
        finishReason: result.finishReason,
        messageMetadata: { runId: this.runId, status: result.status },
      });
    }
    this.ended = true;
  }

  private runData(): RunUIData {
    const { threadId } = this.options;
    return {
      runId: this.runId,
      ...(threadId === undefined ? {} : { threadId }),
      status: "running",
      resumed: this.resumed,
    };
  }

  private format(error: AgentSdkError): string {
    if (!this.options.formatError) return error.message;
    try {
      return this.options.formatError(error);
    } catch {
      return "An error occurred.";
    }
  }

  private closeStep(out: RunUIMessageChunk[]): void {
    this.closeBlocks(out);
    if (this.stepOpen) {
      out.push({ type: "finish-step" });
      this.stepOpen = false;
    }
  }

  private closeBlocks(out: RunUIMessageChunk[]): void {
    this.closeText(out);
    this.closeReasoning(out);
  }

  private closeText(out: RunUIMessageChunk[]): void {
    if (this.textId === undefined) return;
    out.push({ type: "text-end", id: this.textId });
    this.textId = undefined;
  }

  private closeReasoning(out: RunUIMessageChunk[]): void {
    if (this.reasoningId === undefined) return;
    out.push({ type: "reasoning-end", id: this.reasoningId });
    this.reasoningId = undefined;
  }
}
