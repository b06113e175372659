import type { ModelMessage } from "ai";
import type { RunContext } from "../agent-runtime.js";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { InvalidToolArgumentsError } from "../errors/invalid-tool-arguments-error.js";
import { InvalidToolOutputError } from "../errors/invalid-tool-output-error.js";
import { ToolExecutionError } from "../errors/tool-execution-error.js";
import { ToolTimeoutError } from "../errors/tool-timeout-error.js";
import { UnknownToolError } from "../errors/unknown-tool-error.js";
import type { ToolResultRecord } from "../run-result.js";
import type { AgentTool, ToolExecutionContext, ToolRunHooks } from "../tools/agent-tool.js";
import { exceedsDepth } from "./json-values.js";
import { modelOutputOf, rememberModelOutput } from "./tool-result-output.js";
import type { RunTrace } from "./tracing.js";

/** A tool call as the model sent it, with its arguments already parsed. */
export interface IncomingToolCall {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: unknown;
}

/** Where a tool call runs. */
export interface ToolCallScope {
  readonly tools: ReadonlyMap<string, AgentTool>;
  readonly runId: string;
  readonly agentId: string;
  /** The run's signal: fires when the run is aborted or ends. */
  readonly signal: AbortSignal | undefined;
  readonly messages: readonly ModelMessage[];
  readonly context: RunContext;
  /** The run's `resourceId`, handed to the tool (`context.resourceId`). */
  readonly resourceId?: string | undefined;
  /**
   * The run's hooks for this call (`context.run`: depth, nested usage and events); unset outside a
   * run. The recorder makes one per call.
   */
  readonly hooks?: ToolRunHooks | undefined;
  /** Provider id of the model that made the call; selects the tool's provider variant. */
  readonly provider?: string;
  /** The run's trace (`startRunTrace`): each call gets an `execute_tool {tool}` span. */
  readonly trace?: RunTrace | undefined;
}

const NEVER_ABORTED = new AbortController().signal;

/** The parsed arguments of a tool call, or the tool error to report instead of running it. */
export type ParsedToolArguments =
  | { readonly ok: true; readonly input: unknown }
  | { readonly ok: false; readonly input: unknown; readonly error: AgentSdkError };

/**
 * Parses a tool call's raw arguments. The AI SDK spec carries them as a JSON string; an empty
 * string means "no arguments". Malformed JSON, and arguments nested deeper than `maxDepth`, give
 * an `INVALID_TOOL_ARGUMENTS` error (with `input` the raw text, so records stay serialisable).
 */
export function parseToolArguments(toolName: string, raw: unknown, maxDepth: number): ParsedToolArguments {
  let input: unknown = raw;
  if (typeof raw === "string") {
    if (raw.trim() === "") return { ok: true, input: {} };
    try {
      input = JSON.parse(raw);
    } catch (cause) {
      return {
        ok: false,
        input: raw,
        error: new InvalidToolArgumentsError({
          toolName,
          issues: [{ field: "(root)", expected: "a JSON object", received: "malformed JSON" }],
          cause,
        }),
      };
    }
  }
  // Each level of nesting takes at least two characters, so short arguments cannot be too deep.
  if ((typeof raw !== "string" || raw.length > 2 * maxDepth) && exceedsDepth(input, maxDepth)) {
    return {
      ok: false,
      input: typeof raw === "string" ? raw : "[too deeply nested]",
      error: new InvalidToolArgumentsError({
        toolName,
        issues: [
          {
            field: "(root)",
            expected: `nested at most ${maxDepth} levels deep (maxToolInputDepth)`,
            received: "deeper nesting",
          },
        ],
      }),
    };
  }
  return { ok: true, input };
}

/**
 * Runs one tool call: look the tool up, validate the arguments, execute with the run's signal
 * and the tool's timeout, validate the output and check it is JSON-serialisable. Never throws or
 * rejects: every failure (including a validator that throws) becomes the `error` of the returned
 * record, ready to be sent back to the model. With a recording `scope.trace`, the call is an
 * `execute_tool {tool}` span (the tool runs with it active), failed with the error's code.
 */
export async function executeToolCall(
  call: IncomingToolCall,
  scope: ToolCallScope,
): Promise<ToolResultRecord> {
  const trace = scope.trace;
  if (!trace?.recording) return runToolCall(call, scope);
  const span = trace.startTool(call, scope.tools.get(call.toolName));
  if (!span.recording) return runToolCall(call, scope);
  return span
    .run(() => runToolCall(call, scope))
    .then((record) => {
      span.end(record);
      return record;
    });
}

/**
 * The record of a tool call that does not run (arguments that are not JSON or nested too deep, a
 * declined approval): `error` as its outcome. With a recording `scope.trace` it still gets its
 * `execute_tool {tool}` span, failed with the error's code.
 */
export function failToolCall(
  call: IncomingToolCall,
  error: AgentSdkError,
  scope: Pick<ToolCallScope, "trace"> = {},
): ToolResultRecord {
  const record: ToolResultRecord = {
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    input: call.input,
    error,
    isError: true,
  };
  if (scope.trace?.recording) scope.trace.startTool(call).end(record);
  return record;
}

async function runToolCall(call: IncomingToolCall, scope: ToolCallScope): Promise<ToolResultRecord> {
  const { toolCallId, toolName } = call;
  const fail = (error: AgentSdkError): ToolResultRecord => ({
    toolCallId,
    toolName,
    input: call.input,
    error,
    isError: true,
  });
  const tool = scope.tools.get(toolName);
  if (!tool) return fail(new UnknownToolError({ toolName, availableTools: [...scope.tools.keys()] }));
  let value: unknown;
  try {
    const variant = scope.provider === undefined ? undefined : tool.forProvider?.(scope.provider);
    const parsed = tool.parseInput(variant?.mapArguments ? variant.mapArguments(call.input) : call.input);
    if (!parsed.success) return fail(new InvalidToolArgumentsError({ toolName, issues: parsed.issues }));
    value = parsed.value;
  } catch (cause) {
    // A validator that throws (e.g. a stack overflow on a recursive schema) is the arguments' fault.
    return fail(
      new InvalidToolArgumentsError({
        toolName,
        issues: [
          {
            field: "(root)",
            expected: "arguments the tool's schema can validate",
            received: "a value its validator failed on",
          },
        ],
        cause,
      }),
    );
  }
  let output: unknown;
  try {
    output = await runWithLimits(tool, value, toolCallId, scope);
  } catch (error) {
    if (AgentSdkError.isInstance(error) && error.category === "tool") return fail(error);
    return fail(new ToolExecutionError({ toolName, toolCallId, cause: error }));
  }
  try {
    if (tool.parseOutput) {
      const checked = tool.parseOutput(output);
      if (!checked.success) return fail(new InvalidToolOutputError({ toolName, issues: checked.issues }));
      output = checked.value;
    }
  } catch (cause) {
    return fail(
      new InvalidToolOutputError({
        toolName,
        issues: [
          {
            field: "(root)",
            expected: "a value its output schema can validate",
            received: "a value its validator failed on",
          },
        ],
        cause,
      }),
    );
  }
  const modelOutput = modelOutputOf(tool, output);
  if (!modelOutput.ok) {
    return fail(
      new InvalidToolOutputError({
        toolName,
        issues: [
          {
            field: "(root)",
            expected: modelOutput.expected,
            received: modelOutput.problem,
          },
        ],
        ...(modelOutput.cause === undefined ? {} : { cause: modelOutput.cause }),
      }),
    );
  }
  const record: ToolResultRecord = { toolCallId, toolName, input: call.input, output, isError: false };
  rememberModelOutput(record, modelOutput.output, modelOutput.fromTool);
  return record;
}

/** What the tool gets besides its input (one object per call: the fast path allocates nothing else). */
function contextOf(scope: ToolCallScope, toolCallId: string, signal: AbortSignal): ToolExecutionContext {
  return {
    toolCallId,
    runId: scope.runId,
    agentId: scope.agentId,
    signal,
    messages: scope.messages,
    context: scope.context,
    resourceId: scope.resourceId,
    run: scope.hooks,
  };
}

function runWithLimits(
  tool: AgentTool,
  input: unknown,
  toolCallId: string,
  scope: ToolCallScope,
): Promise<unknown> {
  const timeoutMs = tool.timeoutMs;
  if (timeoutMs === undefined) {
    // Fast path: no timer, no extra controller.
    return new Promise((resolve) =>
      resolve(tool.execute(input, contextOf(scope, toolCallId, scope.signal ?? NEVER_ABORTED))),
    );
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort(scope.signal?.reason);
  scope.signal?.addEventListener("abort", onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ToolTimeoutError({ toolName: tool.name, timeoutMs });
      // Settle the race first: aborting runs the tool's abort listeners synchronously.
      reject(error);
      controller.abort(error);
    }, timeoutMs);
  });
  return Promise.race([
    new Promise((resolve) => resolve(tool.execute(input, contextOf(scope, toolCallId, controller.signal)))),
    timeout,
  ]).finally(() => {
    clearTimeout(timer);
    scope.signal?.removeEventListener("abort", onAbort);
  });
}
