import type {
  AgentDefinition,
  AgentInput,
  AgentOverrides,
  ResolvedAgentDefinition,
} from "./agent-definition.js";
import type { AgentRuntime, ResumeOptions, RunOptions, RunStream } from "./agent-runtime.js";
import { applyOverrides, resolveAgentDefinition } from "./definition/resolve-agent-definition.js";
import { validateRunOptions } from "./definition/validate-run-options.js";
import { InvalidDefinitionError } from "./errors/invalid-definition-error.js";
import { defaultProviderRegistry, type ProviderRegistry } from "./models/provider-registry.js";
import type { ApprovalDecision, RunResult } from "./run-result.js";
import {
  type AgentToolInput,
  type AgentToolOptions,
  type AgentToolOutput,
  agentAsTool,
} from "./tools/agent-as-tool.js";
import type { AgentTool } from "./tools/agent-tool.js";

/** Options of {@link createAgent}: a definition plus the runtime that runs it. */
export interface CreateAgentOptions extends AgentDefinition {
  /**
   * The runtime, e.g. `createLegacyRuntime()` or `createMastraRuntime()`. Switching an agent to
   * another runtime is this one option.
   */
  runtime: AgentRuntime;
  /**
   * Resolves `"provider/model"` strings, here and in per-run `overrides.model`.
   * @default defaultProviderRegistry
   */
  providers?: ProviderRegistry;
}

/** Options of one run of an {@link Agent}. */
export interface AgentRunOptions extends RunOptions {
  /** Per-run overrides of definition fields (validated like the definition). */
  overrides?: AgentOverrides;
}

/** An agent bound to a runtime. */
export interface Agent {
  readonly id: string;
  readonly name: string;
  /** The validated definition, defaults applied and models resolved. */
  readonly definition: ResolvedAgentDefinition;
  readonly runtime: AgentRuntime;
  /**
   * Runs to the end and resolves with the result. Never rejects for run failures (check
   * `status`); rejects with a typed error for invalid input or options.
   */
  execute(input: AgentInput, options?: AgentRunOptions): Promise<RunResult>;
  /** Runs and streams events; `await stream.result` for the result. Throws for invalid input or options. */
  stream(input: AgentInput, options?: AgentRunOptions): RunStream;
  /**
   * Continues a run that ended `suspended`, from any process that reaches the same run store:
   * one decision per pending approval (`result.pendingApprovals`). Approved calls run with the
   * arguments stored when they were requested; declined ones reach the model as declined, with
   * the reason. Resolves with the result of the continued run (which may suspend again).
   *
   * @throws {NotFoundError} no suspended run with this id for this `resourceId` (another tenant's
   *   run gives the same error).
   * @throws {RunNotSuspendedError} the run was resumed already, is being resumed, or was cancelled.
   * @throws {InvalidInputError} a pending approval has no decision, or a decision names none.
   */
  resume(runId: string, decisions: readonly ApprovalDecision[], options?: ResumeOptions): Promise<RunResult>;
  /** {@link resume}, streaming: resolves with the continued run's stream once the run is claimed. */
  resumeStream(
    runId: string,
    decisions: readonly ApprovalDecision[],
    options?: ResumeOptions,
  ): Promise<RunStream>;
  /**
   * Cancels a suspended run: it can no longer be resumed, and its pending calls never run.
   * @throws {NotFoundError} / {RunNotSuspendedError} as for {@link resume}.
   */
  cancel(runId: string, options?: { resourceId?: string }): Promise<void>;
  /** The same agent on another runtime. */
  withRuntime(runtime: AgentRuntime): Agent;
  /**
   * This agent as a tool for another agent (the router pattern: a cheap model delegating to an
   * expensive one). The calling model sends `{ message, threadId? }` (`threadId` only when this
   * agent has `memory`) and is shown the answer text; the tool's output is
   * `{ text, status, runId, usage, costUsd }`. Each call is one run of this agent with the calling
   * run's abort signal, `context`, `resourceId` (never from the arguments) and depth plus one. Its
   * usage and cost count in the calling run's `usage`, `costUsd` and budget (and the step's
   * `nestedUsage`); its events are emitted there as `subagent-event`s under the call. A run that
   * does not complete is an `AGENT_TOOL_FAILED` tool error naming this agent and the status;
   * nesting deeper than `maxDepth` (default 3) an `AGENT_DEPTH_EXCEEDED` one. Also usable outside
   * a run (an MCP server calls `execute` with its own context): depth 1, nothing to report to.
   *
   * @throws {InvalidDefinitionError} for bad options (a tool name outside `A-Z a-z 0-9 _ -`…).
   *
   * @example
   * ```ts
   * const expert = createAgent({ runtime, name: "expert", model: "anthropic/claude-opus-4-5" });
   * const router = createAgent({
   *   runtime,
   *   name: "router",
   *   model: "openai/gpt-4o-mini",
   *   instructions: "Answer simple questions yourself; ask the expert for hard ones.",
   *   tools: [expert.asTool({ description: "A careful expert for hard questions." })],
   * });
   * ```
   */
  asTool(options?: AgentToolOptions): AgentTool<AgentToolInput, AgentToolOutput>;
}

/**
 * Creates an agent. The definition is validated and its model strings resolved here, so a bad
 * definition or a missing provider package fails at start-up, not at the first request.
 *
 * @throws {InvalidDefinitionError} naming each bad field (e.g. `maxIterations`, `tools.0.name`,
 *   a misspelt key with a did-you-mean).
 * @throws {UnknownProviderError} for a `"provider/model"` string with an unregistered provider.
 * @throws {ProviderNotInstalledError} when that provider's package is not installed.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   runtime: createLegacyRuntime(),
 *   name: "assistant",
 *   instructions: "Be brief.",
 *   model: "openai/gpt-4o-mini",
 *   tools: [weather],
 * });
 * const result = await agent.execute("Weather in Paris?", { context: { tenantId: "acme" } });
 * ```
 */
export function createAgent(options: CreateAgentOptions): Agent {
  if (typeof options !== "object" || options === null) {
    throw new InvalidDefinitionError({ issues: [{ field: "(root)", expected: "an object" }] });
  }
  const { runtime, providers = defaultProviderRegistry, ...definition } = options;
  if (!isRuntime(runtime)) {
    throw new InvalidDefinitionError({
      issues: [{ field: "runtime", expected: "an AgentRuntime such as createLegacyRuntime()" }],
    });
  }
  if (!isRegistry(providers)) {
    throw new InvalidDefinitionError({
      issues: [{ field: "providers", expected: "a ProviderRegistry from createProviderRegistry()" }],
    });
  }
  return bind(resolveAgentDefinition(definition, { providers }), runtime, providers);
}

function bind(
  definition: ResolvedAgentDefinition,
  runtime: AgentRuntime,
  providers: ProviderRegistry,
): Agent {
  const prepare = (options: AgentRunOptions | undefined) => {
    const { overrides, ...runOptions } = validateRunOptions(options, ["overrides"]) as AgentRunOptions;
    return { definition: applyOverrides(definition, overrides, { providers }), runOptions };
  };
  const bound: Agent = {
    id: definition.id,
    name: definition.name,
    definition,
    runtime,
    execute: (input, options) => {
      try {
        const prepared = prepare(options);
        return runtime.execute(prepared.definition, input, prepared.runOptions);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    stream: (input, options) => {
      const prepared = prepare(options);
      return runtime.stream(prepared.definition, input, prepared.runOptions);
    },
    resumeStream: async (runId, decisions, options) => {
      if (typeof runtime.resume !== "function") throw cannotSuspend(runtime, "resume");
      return runtime.resume(definition, runId, decisions, options);
    },
    resume: async (runId, decisions, options) => (await bound.resumeStream(runId, decisions, options)).result,
    cancel: async (runId, options) => {
      if (typeof runtime.cancel !== "function") throw cannotSuspend(runtime, "cancel");
      return runtime.cancel(definition, runId, options);
    },
    withRuntime: (next) => {
      if (!isRuntime(next)) {
        throw new InvalidDefinitionError({ issues: [{ field: "runtime", expected: "an AgentRuntime" }] });
      }
      return bind(definition, next, providers);
    },
    asTool: (options) => agentAsTool(bound, options),
  };
  return bound;
}

function cannotSuspend(runtime: AgentRuntime, verb: "resume" | "cancel"): InvalidDefinitionError {
  return new InvalidDefinitionError({
    issues: [
      {
        field: "runtime",
        expected: `a runtime that can ${verb} suspended runs (the "${runtime.name}" runtime cannot; runtimes built with @flowmaestro/runtime/kit can)`,
      },
    ],
  });
}

function isRuntime(value: unknown): value is AgentRuntime {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as AgentRuntime).specificationVersion === "v1" &&
    typeof (value as AgentRuntime).execute === "function" &&
    typeof (value as AgentRuntime).stream === "function"
  );
}

function isRegistry(value: unknown): value is ProviderRegistry {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ProviderRegistry).resolve === "function" &&
    typeof (value as ProviderRegistry).has === "function"
  );
}
