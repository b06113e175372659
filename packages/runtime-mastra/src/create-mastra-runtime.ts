import {
  type AgentRuntime,
  defaultProviderRegistry,
  type ProviderRegistry,
  type ResolvedAgentDefinition,
} from "@flowmaestro/runtime";
import { createAgentRuntime } from "@flowmaestro/runtime/kit";
import type { Agent } from "@mastra/core/agent";
import type { Mastra } from "@mastra/core/mastra";
import { loadMastra, type MastraModules } from "./mastra-runtime/load-mastra.js";
import { buildMastraAgent, type PreparedAgent } from "./mastra-runtime/mastra-agent.js";
import { runMastraAgent } from "./mastra-runtime/run-mastra-agent.js";

/** Options of {@link createMastraRuntime}. */
export interface MastraRuntimeOptions {
  /** Resolves `"provider/model"` strings. @default defaultProviderRegistry */
  providers?: ProviderRegistry;
  /**
   * A Mastra instance the runtime's agents are attached to, so they use its logger and
   * observability. When unset, agents stand alone and Mastra's logging is silenced.
   */
  mastra?: Mastra;
}

/** The Mastra runtime: an {@link AgentRuntime} plus access to the Mastra agents it builds. */
export interface MastraRuntime extends AgentRuntime {
  readonly name: "mastra";
  /**
   * Escape hatch: the Mastra `Agent` this runtime built (and caches) for a definition, e.g. to
   * register it with Mastra's server or playground. Runs through it bypass the FlowMaestro
   * contract (events, statuses); use `execute`/`stream` for those.
   */
  getMastraAgent(definition: ResolvedAgentDefinition): Promise<Agent>;
}

/**
 * Creates the Mastra runtime: each agent definition runs on a `@mastra/core` `Agent` (built once
 * per definition object and cached), with the same events, statuses, tool errors and messages as
 * every other runtime. `@mastra/core` is loaded on the first run.
 *
 * @example
 * ```ts
 * const agent = createAgent({ runtime: createMastraRuntime(), name: "assistant", model: "openai/gpt-4o-mini" });
 * const result = await agent.execute("Hello!");
 * ```
 */
export function createMastraRuntime(options: MastraRuntimeOptions = {}): MastraRuntime {
  const providers = options.providers ?? defaultProviderRegistry;
  const agents = new WeakMap<ResolvedAgentDefinition, PreparedAgent>();

  const prepareAgent = async (
    definition: ResolvedAgentDefinition,
  ): Promise<{ prepared: PreparedAgent; modules: MastraModules }> => {
    const modules = await loadMastra();
    let prepared = agents.get(definition);
    if (!prepared) {
      prepared = buildMastraAgent(definition, { modules, providers, mastra: options.mastra });
      agents.set(definition, prepared);
    }
    return { prepared, modules };
  };

  const runtime = createAgentRuntime({
    name: "mastra",
    providers,
    run: (prepared) => runMastraAgent({ ...prepared, prepare: prepareAgent }),
    extra: {
      async getMastraAgent(definition: ResolvedAgentDefinition) {
        return (await prepareAgent(definition)).prepared.agent;
      },
    },
  });
  return runtime as MastraRuntime;
}
