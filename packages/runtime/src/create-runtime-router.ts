import type { ResolvedAgentDefinition } from "./agent-definition.js";
import type { AgentRuntime } from "./agent-runtime.js";
import { InvalidDefinitionError } from "./errors/invalid-definition-error.js";

/** Options of {@link createRuntimeRouter}. */
export interface RuntimeRouterOptions<NAME extends string> {
  /** The runtimes to choose from, by name, e.g. `{ legacy: createLegacyRuntime(), mastra: createMastraRuntime() }`. */
  runtimes: Record<NAME, AgentRuntime>;
  /**
   * Picks the runtime for an agent, e.g. from a feature flag or a column of the agent's row.
   * Called on every run, so a flag flip takes effect on the next run.
   */
  select: (definition: ResolvedAgentDefinition) => NoInfer<NAME>;
}

/**
 * An {@link AgentRuntime} that delegates each run to one of several runtimes, chosen per agent
 * definition. Pass it as `runtime` to `createAgent` to switch agents between runtimes from a flag.
 *
 *
 * @example
 * ```ts
 * const runtime = createRuntimeRouter({
 *   runtimes: { legacy: createLegacyRuntime(), mastra: createMastraRuntime() },
 *   select: (definition) => (flags.mastraAgents.has(definition.id) ? "mastra" : "legacy"),
 * });
 * const agent = createAgent({ runtime, name: "support", model: "openai/gpt-4o-mini" });
 * ```
 */
export function createRuntimeRouter<NAME extends string>(options: RuntimeRouterOptions<NAME>): AgentRuntime {
  const names = Object.keys(options.runtimes) as NAME[];
  const first = options.runtimes[names[0] as NAME];
  if (!first) {
    throw new InvalidDefinitionError({
      subject: "runtime router",
      issues: [{ field: "runtimes", expected: "at least one runtime" }],
    });
  }
  const pick = (definition: ResolvedAgentDefinition): AgentRuntime => {
    const name = options.select(definition);
    const runtime = options.runtimes[name];
    if (!runtime) {
      throw new InvalidDefinitionError({
        subject: "runtime router",
        issues: [
          {
            field: "select",
            expected: `one of ${names.map((n) => `"${n}"`).join(", ")}`,
            received: JSON.stringify(name),
          },
        ],
      });
    }
    return runtime;
  };
  return {
    specificationVersion: "v1",
    name: `router(${names.join(",")})`,
    execute: (definition, input, runOptions) => {
      try {
        return pick(definition).execute(definition, input, runOptions);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    stream: (definition, input, runOptions) => pick(definition).stream(definition, input, runOptions),
  };
}
