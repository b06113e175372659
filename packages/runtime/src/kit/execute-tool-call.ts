import type { ModelMessage } from "ai";
import { AgentSdkError } from "../errors/agent-sdk-error.js";
import { InvalidToolArgumentsError } from "../errors/invalid-tool-arguments-error.js";
import { InvalidToolOutputError } from "../errors/invalid-tool-output-error.js";
import { ToolExecutionError } from "../errors/tool-execution-error.js";
import { ToolTimeoutError } from "../errors/tool-timeout-error.js";
import { UnknownToolError } from "../errors/unknown-tool-error.js";
import type { ToolResultRecord } from "../run-result.js";
import type { AgentTool } from "../tools/agent-tool.js";
import { redactSecrets } from "./redact-secrets.js";

/** A tool call as the model sent it: arguments as a JSON string (AI SDK spec) or already parsed. */
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
  readonly signal: AbortSignal | undefined;
  readonly messages: readonly ModelMessage[];
  /** Provider id of the model that made the call; selects the tool's provider variant. */
  readonly provider?: string;
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * Parses a tool call's raw arguments. The AI SDK spec carries them as a JSON string; an empty
 * string means "no arguments". Returns the parsed value or an `INVALID_TOOL_ARGUMENTS` error.
 */
export function parseToolArguments(
  toolName: string,
  raw: unknown,
): { input: unknown; error?: AgentSdkError } {
  if (typeof raw !== "string") return { input: raw };
  if (raw.trim() === "") return { input: {} };
  try {
    return { input: JSON.parse(raw) };
  } catch (cause) {
    return {
      input: raw,
      error: new InvalidToolArgumentsError({
        toolName,
        issues: [{ field: "(root)", expected: "a JSON object", received: "malformed JSON" }],
        cause,
      }),
    };
  }
}

/**
 * Runs one tool call: look the tool up, validate the arguments, execute with the run's signal
 * and the tool's timeout, validate the output. Never throws: every failure becomes the `error`
 * of the returned record, ready to be sent back to the model.
 */
export async function executeToolCall(
  call: IncomingToolCall,
  scope: ToolCallScope,
): Promise<ToolResultRecord> {
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
  const variant = scope.provider === undefined ? undefined : tool.forProvider?.(scope.provider);
  const parsed = tool.parseInput(variant?.mapArguments ? variant.mapArguments(call.input) : call.input);
  if (!parsed.success) return fail(new InvalidToolArgumentsError({ toolName, issues: parsed.issues }));
  let output: unknown;
  try {
    output = await runWithLimits(tool, parsed.value, toolCallId, scope);
  } catch (error) {
    if (AgentSdkError.isInstance(error) && error.category === "tool") return fail(error);
    return fail(new ToolExecutionError({ toolName, toolCallId, cause: error }));
  }
  if (tool.parseOutput) {
    const checked = tool.parseOutput(output);
    if (!checked.success) return fail(new InvalidToolOutputError({ toolName, issues: checked.issues }));
    output = checked.value;
  }
  return { toolCallId, toolName, input: call.input, output, isError: false };
}

function runWithLimits(
  tool: AgentTool,
  input: unknown,
  toolCallId: string,
  scope: ToolCallScope,
): Promise<unknown> {
  const timeoutMs = tool.timeoutMs;
  const base = { toolCallId, runId: scope.runId, agentId: scope.agentId, messages: scope.messages };
  if (timeoutMs === undefined) {
    // Fast path: no timer, no extra controller.
    return Promise.resolve(tool.execute(input, { ...base, signal: scope.signal ?? NEVER_ABORTED }));
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
    Promise.resolve(tool.execute(input, { ...base, signal: controller.signal })),
    timeout,
  ]).finally(() => {
    clearTimeout(timer);
    scope.signal?.removeEventListener("abort", onAbort);
  });
}

/** How a tool result is shown to the model in the conversation history. */
export function toToolResultOutput(
  record: ToolResultRecord,
): { type: "text"; value: string } | { type: "json"; value: any } | { type: "error-text"; value: string } {
  if (record.isError)
    return { type: "error-text", value: redactSecrets(record.error?.message ?? "Tool failed.") };
  if (typeof record.output === "string") return { type: "text", value: record.output };
  return { type: "json", value: toJsonValue(record.output) };
}

function toJsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) ?? null;
  } catch {
    return String(value);
  }
}
