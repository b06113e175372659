import {
  type AgentDefinition,
  type AgentInput,
  type ResolvedAgentDefinition,
  resolveAgentDefinition,
} from "./agent-definition.js";
import type { AgentRuntime, RunOptions, RunStream } from "./agent-runtime.js";
import { InvalidDefinitionError } from "./errors/invalid-definition-error.js";
import type { RunResult } from "./run-result.js";

/** Options of {@link createAgent}: a definition plus the runtime that runs it. */
export interface CreateAgentOptions extends AgentDefinition {
  /**
   * The runtime, e.g. `createLegacyRuntime()` or `createMastraRuntime()`. Switching an agent to
   * another runtime is this one option.
   */
  runtime: AgentRuntime;
}

/** An agent bound to a runtime. */
export interface Agent {
  readonly id: string;
  readonly name: string;
  /** The validated definition, defaults applied. */
  readonly definition: ResolvedAgentDefinition;
  readonly runtime: AgentRuntime;
  /** Runs to the end and resolves with the result (never rejects for run failures; check `status`). */
  execute(input: AgentInput, options?: RunOptions): Promise<RunResult>;
  /** Runs and streams events; `await stream.result` for the result. */
  stream(input: AgentInput, options?: RunOptions): RunStream;
  /** The same agent on another runtime. */
  withRuntime(runtime: AgentRuntime): Agent;
}

/**
 * Creates an agent. The definition is validated here, so a bad definition fails at start-up,
 * not at the first request.
 *
 * @throws {InvalidDefinitionError} naming each bad field (e.g. `maxIterations`, `tools.0.name`).
 * @throws {UnknownProviderError} for a `"provider/model"` string with an unregistered provider.
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
 * const result = await agent.execute("Weather in Paris?");
 * ```
 */
export function createAgent(options: CreateAgentOptions): Agent {
  if (typeof options !== "object" || options === null) {
    throw new InvalidDefinitionError({ issues: [{ field: "(root)", expected: "an object" }] });
  }
  const { runtime, ...definition } = options;
  if (!isRuntime(runtime)) {
    throw new InvalidDefinitionError({
      issues: [{ field: "runtime", expected: "an AgentRuntime such as createLegacyRuntime()" }],
    });
  }
  return bind(resolveAgentDefinition(definition, { providers: runtime.providers }), runtime);
}

function bind(definition: ResolvedAgentDefinition, runtime: AgentRuntime): Agent {
  return {
    id: definition.id,
    name: definition.name,
    definition,
    runtime,
    execute: (input, runOptions) => runtime.execute(definition, input, runOptions),
    stream: (input, runOptions) => runtime.stream(definition, input, runOptions),
    withRuntime: (next) => {
      if (!isRuntime(next)) {
        throw new InvalidDefinitionError({ issues: [{ field: "runtime", expected: "an AgentRuntime" }] });
      }
      return bind(resolveAgentDefinition(definition, { providers: next.providers }), next);
    },
  };
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
