import type { JSONSchema7 } from "ai";
import type { AgentInput, MemoryOverrides, ResolvedAgentDefinition } from "../agent-definition.js";
import type { RunOptions, RunStream } from "../agent-runtime.js";
import { unknownKeyHint } from "../definition/did-you-mean.js";
import { AgentDepthExceededError } from "../errors/agent-depth-exceeded-error.js";
import { AgentToolFailedError } from "../errors/agent-tool-failed-error.js";
import { InvalidDefinitionError, type ValidationIssue } from "../errors/invalid-definition-error.js";
import { InvalidToolArgumentsError } from "../errors/invalid-tool-arguments-error.js";
import type { RunResult, RunStatus, TokenUsage } from "../run-result.js";
import type { AgentTool, ToolApprovalRequirement, ToolParseResult } from "./agent-tool.js";

/** Default of {@link AgentToolOptions.maxDepth}. */
export const DEFAULT_AGENT_TOOL_MAX_DEPTH = 3;

/** What the calling model sends an agent used as a tool. */
export interface AgentToolInput {
  /** The task, as a complete request: the agent does not see the calling conversation. */
  readonly message: string;
  /**
   * The agent's memory thread to continue (only offered when the agent has `memory`). It is
   * scoped to the calling run's `resourceId`, so it can only reach that resource's threads.
   */
  readonly threadId?: string;
}

/** What an agent used as a tool returns (`tool-result` events, `step.toolResults`). */
export interface AgentToolOutput {
  /** The agent's answer; the calling model is shown only this. */
  readonly text: string;
  /** Always `completed`: a run that ends otherwise is an `AGENT_TOOL_FAILED` tool error. */
  readonly status: RunStatus;
  /** Id of the agent's run. */
  readonly runId: string;
  /** What the agent's run used (counted in the calling run's usage too). */
  readonly usage: TokenUsage;
  /** Its cost in US dollars; `undefined` when a model it used has no price. */
  readonly costUsd: number | undefined;
}

/** Options of `agent.asTool()`. */
export interface AgentToolOptions {
  /**
   * Name the calling model uses. @default the agent's name, with every run of characters outside
   * `A-Z a-z 0-9 _ -` replaced by `_`, cut to 64 characters
   */
  name?: string;
  /** What the agent does and when to ask it; the calling model reads this. @default one derived from the agent's name */
  description?: string;
  /**
   * How deeply agents used as tools may nest: the run this tool starts is one deeper than the
   * run that calls it (a run a host starts has depth 0). A call that would go deeper is an
   * `AGENT_DEPTH_EXCEEDED` tool error, so agents that call each other cannot loop forever.
   * @default 3
   */
  maxDepth?: number;
  /** The call waits for a person's approval first (see `AgentTool.needsApproval`). @default false */
  needsApproval?: ToolApprovalRequirement<AgentToolInput>;
  /** Milliseconds before the call (and the agent's run, through its signal) is abandoned. */
  timeoutMs?: number;
  /** Options of the agent's runs: `memory` overrides, for calls that continue a thread. */
  runOptions?: { memory?: MemoryOverrides };
}

/** The parts of an `Agent` that {@link agentAsTool} uses. @internal */
export interface RunnableAgent {
  readonly name: string;
  readonly definition: ResolvedAgentDefinition;
  execute(input: AgentInput, options?: RunOptions): Promise<RunResult>;
  stream(input: AgentInput, options?: RunOptions): RunStream;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const OPTION_KEYS = ["name", "description", "maxDepth", "needsApproval", "timeoutMs", "runOptions"];
const MAX_THREAD_ID_LENGTH = 200;

/**
 * The agent as a tool for another agent (`agent.asTool()`); see {@link AgentToolOptions}. Each
 * call is one run of the agent with the message as its input, the calling run's signal (an abort,
 * the end of the calling run or the tool's timeout stops it), `context`, `resourceId` and depth
 * plus one. Inside a run its usage and cost count in the calling run, and its events are emitted
 * there as `subagent-event`s under the call; it streams when the calling run streams. Called
 * outside a run (`execute` with a context of your own) it runs at depth 1, reporting nothing.
 *
 * @throws {InvalidDefinitionError} for bad options.
 * @internal
 */
export function agentAsTool(
  agent: RunnableAgent,
  options: AgentToolOptions = {},
): AgentTool<AgentToolInput, AgentToolOutput> {
  checkOptions(options);
  const name = options.name ?? toolNameOf(agent.name);
  const maxDepth = options.maxDepth ?? DEFAULT_AGENT_TOOL_MAX_DEPTH;
  const hasMemory = agent.definition.memory !== undefined;
  const memoryOverrides = options.runOptions?.memory;
  const properties: Record<string, JSONSchema7> = {
    message: {
      type: "string",
      minLength: 1,
      description:
        "The task for the agent, complete with the context it needs: it does not see this conversation.",
    },
  };
  if (hasMemory) {
    properties.threadId = {
      type: "string",
      minLength: 1,
      maxLength: MAX_THREAD_ID_LENGTH,
      description: "Continue this earlier conversation with the agent (omit to start a new one).",
    };
  }
  const jsonSchema: JSONSchema7 = {
    type: "object",
    properties,
    required: ["message"],
    additionalProperties: false,
  };
  return {
    name,
    description:
      options.description ??
      `Delegates a task to the agent "${agent.name}" and returns its answer. Send everything it needs in \`message\`: it does not see this conversation.${hasMemory ? " Pass `threadId` to continue an earlier conversation with it." : ""}`,
    jsonSchema,
    parseInput: (input) => parseInput(input, hasMemory),
    execute: async (input, context) => {
      const hooks = context.run;
      const depth = (hooks?.depth ?? 0) + 1;
      if (depth > maxDepth) throw new AgentDepthExceededError({ agentName: agent.name, depth, maxDepth });
      if (input.threadId !== undefined && context.resourceId === undefined) {
        throw new InvalidToolArgumentsError({
          toolName: name,
          issues: [
            {
              field: "threadId",
              expected:
                "absent: this run has no resourceId, so no thread of the agent can be continued (start the run with a resourceId)",
            },
          ],
        });
      }
      const runOptions: RunOptions = {
        signal: context.signal,
        context: context.context,
        depth,
        ...(context.resourceId === undefined ? {} : { resourceId: context.resourceId }),
        ...(input.threadId === undefined
          ? {}
          : {
              threadId: input.threadId,
              ...(memoryOverrides === undefined ? {} : { memory: memoryOverrides }),
            }),
        ...(hooks ? { onEvent: (event) => hooks.emit(event) } : {}),
      };
      const result = hooks?.streaming
        ? await agent.stream(input.message, runOptions).result
        : await agent.execute(input.message, runOptions);
      hooks?.addUsage(result.usage, result.costUsd);
      if (result.status !== "completed") {
        throw new AgentToolFailedError({
          agentName: agent.name,
          runId: result.runId,
          status: result.status,
          cause: result.error,
        });
      }
      return {
        text: result.text,
        status: result.status,
        runId: result.runId,
        usage: result.usage,
        costUsd: result.costUsd,
      };
    },
    toModelOutput: (output) => ({ type: "text", value: output.text }),
    ...(options.needsApproval === undefined ? {} : { needsApproval: options.needsApproval }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
}

/** An agent's name as a tool name: runs of other characters become `_`, at most 64 characters. */
function toolNameOf(agentName: string): string {
  return agentName.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 64) || "agent";
}

function parseInput(input: unknown, hasMemory: boolean): ToolParseResult<AgentToolInput> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { success: false, issues: [{ field: "(root)", expected: "an object { message }" }] };
  }
  const { message, threadId, ...rest } = input as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if (typeof message !== "string" || message.length === 0) {
    issues.push({ field: "message", expected: "the task for the agent, as a non-empty string" });
  }
  if (threadId !== undefined) {
    if (!hasMemory) {
      issues.push({
        field: "threadId",
        expected: "absent: this agent has no memory, so there is no thread to continue",
      });
    } else if (
      typeof threadId !== "string" ||
      threadId.length === 0 ||
      threadId.length > MAX_THREAD_ID_LENGTH
    ) {
      issues.push({ field: "threadId", expected: `a thread id of 1 to ${MAX_THREAD_ID_LENGTH} characters` });
    }
  }
  const known = hasMemory ? ["message", "threadId"] : ["message"];
  for (const key of Object.keys(rest)) {
    issues.push({ field: key, expected: `absent: it is ${unknownKeyHint(key, known)}` });
  }
  if (issues.length > 0) return { success: false, issues };
  return {
    success: true,
    value:
      threadId === undefined
        ? { message: message as string }
        : { message: message as string, threadId: threadId as string },
  };
}

function checkOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalid([{ field: "options", expected: "an object of asTool options" }]);
  }
  const value = options as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(value)) {
    if (!OPTION_KEYS.includes(key)) {
      issues.push({ field: key, expected: `absent: it is ${unknownKeyHint(key, OPTION_KEYS)}` });
    }
  }
  const { name, description, maxDepth, needsApproval, timeoutMs, runOptions } = value;
  if (name !== undefined && (typeof name !== "string" || !TOOL_NAME.test(name))) {
    issues.push({ field: "name", expected: "a name of 1 to 64 characters from A-Z a-z 0-9 _ - (no spaces)" });
  }
  if (description !== undefined && typeof description !== "string") {
    issues.push({ field: "description", expected: "a string" });
  }
  if (maxDepth !== undefined && !(Number.isSafeInteger(maxDepth) && (maxDepth as number) >= 1)) {
    issues.push({ field: "maxDepth", expected: "a whole number of 1 or more" });
  }
  if (
    needsApproval !== undefined &&
    typeof needsApproval !== "boolean" &&
    typeof needsApproval !== "function"
  ) {
    issues.push({
      field: "needsApproval",
      expected: "true, false, or a function (input, context) => boolean",
    });
  }
  if (timeoutMs !== undefined && !(Number.isSafeInteger(timeoutMs) && (timeoutMs as number) > 0)) {
    issues.push({ field: "timeoutMs", expected: "a positive whole number of milliseconds" });
  }
  if (runOptions !== undefined) {
    const memory = (runOptions as { memory?: unknown } | null)?.memory;
    if (typeof runOptions !== "object" || runOptions === null || Array.isArray(runOptions)) {
      issues.push({ field: "runOptions", expected: "an object { memory? }" });
    } else {
      for (const key of Object.keys(runOptions)) {
        if (key !== "memory") {
          issues.push({
            field: `runOptions.${key}`,
            expected: `absent: it is ${unknownKeyHint(key, ["memory"])}`,
          });
        }
      }
      if (memory !== undefined && (typeof memory !== "object" || memory === null || Array.isArray(memory))) {
        issues.push({
          field: "runOptions.memory",
          expected: "an object of memory strategy overrides, e.g. { lastMessages: 5 }",
        });
      }
    }
  }
  if (issues.length > 0) throw invalid(issues);
}

function invalid(issues: ValidationIssue[]): InvalidDefinitionError {
  return new InvalidDefinitionError({ subject: "asTool options", issues });
}
