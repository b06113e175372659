import { type AgentRuntime, defaultProviderRegistry, type ProviderRegistry } from "@flowmaestro/runtime";
import { createAgentRuntime } from "@flowmaestro/runtime/kit";
import { runLoop } from "./react-loop/run-loop.js";

/** Options of {@link createLegacyRuntime}. */
export interface LegacyRuntimeOptions {
  /** Resolves `"provider/model"` strings. @default defaultProviderRegistry */
  providers?: ProviderRegistry;
}

/**
 * Creates the legacy runtime: FlowMaestro's own ReAct loop on the AI SDK language-model spec,
 * with no agent framework underneath. The lean, fastest path, and the fallback when a framework
 * runtime breaks.
 */
export function createLegacyRuntime(options: LegacyRuntimeOptions = {}): AgentRuntime {
  return createAgentRuntime({
    name: "legacy",
    providers: options.providers ?? defaultProviderRegistry,
    run: runLoop,
  });
}
