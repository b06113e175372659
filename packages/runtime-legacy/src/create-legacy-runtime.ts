import type { AgentRuntime } from "@flowmaestro/runtime";
import { checkRuntimeOptions, createAgentRuntime, runReActLoop } from "@flowmaestro/runtime/kit";

/** Options of {@link createLegacyRuntime}: none yet (model strings are resolved by `createAgent`). */
export type LegacyRuntimeOptions = Record<string, never>;

/**
 * Creates the legacy runtime: FlowMaestro's own ReAct loop on the AI SDK language-model spec,
 * with no agent framework underneath. The lean, fastest path, and the fallback when a framework
 * runtime breaks. It writes nothing to the console.
 *
 * @throws {InvalidDefinitionError} for any option (it takes none; `providers` moved to `createAgent`).
 */
export function createLegacyRuntime(options: LegacyRuntimeOptions = {}): AgentRuntime {
  checkRuntimeOptions("legacy", options, []);
  return createAgentRuntime({ name: "legacy", run: (run) => runReActLoop(run) });
}
