import type { AgentRuntime, ResolvedAgentDefinition, RunOptions } from "@flowmaestro/runtime";
import { checkRuntimeOptions, createAgentRuntime } from "@flowmaestro/runtime/kit";
import type { Agent } from "@mastra/core/agent";
import type { Mastra } from "@mastra/core/mastra";
import { isFlowMaestroMemory } from "./mastra-memory/flowmaestro-memory.js";
import { loadMastra, type MastraModules } from "./mastra-runtime/load-mastra.js";
import { buildMastraAgent, type PreparedAgent } from "./mastra-runtime/mastra-agent.js";
import { withMemoryTools } from "./mastra-runtime/memory-tools.js";
import { runMastraAgent } from "./mastra-runtime/run-mastra-agent.js";

/** Options of {@link createMastraRuntime}. */
export interface MastraRuntimeOptions {
  /**
   * A Mastra instance the runtime's agents are attached to, so they use its logger and
   * observability. When unset, agents stand alone and Mastra writes nothing to the console.
   */
  mastra?: Mastra;
}

/** The Mastra runtime: an {@link AgentRuntime} plus access to the Mastra agents it builds. */
export interface MastraRuntime extends AgentRuntime {
  readonly name: "mastra";
  /**
   * Escape hatch: the Mastra `Agent` this runtime built (and caches) for a definition, e.g. to
   * register it with Mastra's server or playground. Runs through it bypass the FlowMaestro
   * contract (events, statuses, retries, fallbacks); use `execute`/`stream` for those.
   */
  getMastraAgent(definition: ResolvedAgentDefinition): Promise<Agent>;
}

/**
 * Creates the Mastra runtime: each agent definition runs on a `@mastra/core` `Agent` (built once
 * per agent and cached, shared by every run and every per-run override), with the same events,
 * statuses, tool errors and messages as every other runtime. `@mastra/core` is loaded on the
 * first run.
 *
 * @throws {InvalidDefinitionError} for an unknown option (`providers` moved to `createAgent`).
 *
 * @example
 * ```ts
 * const agent = createAgent({ runtime: createMastraRuntime(), name: "assistant", model: "openai/gpt-4o-mini" });
 * const result = await agent.execute("Hello!");
 * ```
 */
export function createMastraRuntime(options: MastraRuntimeOptions = {}): MastraRuntime {
  checkRuntimeOptions("Mastra", options, ["mastra"]);
  // One Mastra agent per tools array, id and name: per-run overrides (which produce a new
  // definition object) reuse it; the prompt, model and settings come from each run.
  const agents = new WeakMap<object, Map<string, PreparedAgent>>();

  const prepareAgent = async (
    definition: ResolvedAgentDefinition,
    { withMemory }: { readonly withMemory: boolean },
  ): Promise<{ prepared: PreparedAgent; modules: MastraModules }> => {
    const modules = await loadMastra();
    let byIdentity = agents.get(definition.tools);
    if (!byIdentity) {
      byIdentity = new Map();
      agents.set(definition.tools, byIdentity);
    }
    // Runs that continue a thread use a second agent, with memory (Mastra cannot run an agent
    // with memory without a thread).
    const key = `${definition.id}\u0000${definition.name}${withMemory ? "\u0000memory" : ""}`;
    let prepared = byIdentity.get(key);
    if (!prepared) {
      prepared = buildMastraAgent(definition, { modules, mastra: options.mastra, withMemory });
      byIdentity.set(key, prepared);
    }
    return { prepared, modules };
  };

  const kit = createAgentRuntime({
    name: "mastra",
    // Memory is @mastra/memory's, on the definition's FlowMaestro storage (see memory-run.ts).
    memory: "runtime",
    run: (prepared) => runMastraAgent({ ...prepared, prepare: prepareAgent }),
    extra: {
      async getMastraAgent(definition: ResolvedAgentDefinition) {
        return (await prepareAgent(definition, { withMemory: false })).prepared.agent;
      },
    },
  });
  const runtime: MastraRuntime = {
    ...kit,
    name: "mastra",
    execute: (definition, input, runOptions) =>
      kit.execute(withMemory(definition, runOptions), input, runOptions),
    stream: (definition, input, runOptions) =>
      kit.stream(withMemory(definition, runOptions), input, runOptions),
  };
  return runtime;
}

/**
 * The definition of a run that continues a thread, with the memory tools its settings turn on
 * (working memory: Mastra's `updateWorkingMemory`), so the run's recorder knows them. Anything wrong
 * (a memory not from `createMemory`, bad overrides) is left to the run, which fails with the typed
 * error, as memory failures do on every runtime.
 */
function withMemory(
  definition: ResolvedAgentDefinition,
  runOptions: RunOptions | undefined,
): ResolvedAgentDefinition {
  const memory = (definition as Partial<ResolvedAgentDefinition> | undefined)?.memory;
  if (runOptions?.threadId === undefined || !isFlowMaestroMemory(memory)) return definition;
  try {
    return withMemoryTools(definition, memory.resolveSettings(runOptions.memory));
  } catch {
    return definition;
  }
}
