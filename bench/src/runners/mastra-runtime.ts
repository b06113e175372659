import type { AgentRuntime } from "@flowmaestro/runtime";
import type { Runner } from "../scenarios.js";
import { prepareRuntimeRun } from "./legacy.js";

// A variable specifier keeps TypeScript from resolving the package at compile time: it is written
// in parallel with this bench and may have no build (or no types) yet.
const MASTRA_RUNTIME_PACKAGE = "@flowmaestro/runtime-mastra";

type CreateMastraRuntime = (options?: Record<string, unknown>) => AgentRuntime;

let createMastraRuntime: CreateMastraRuntime | undefined;

/** `createMastraRuntime`, once {@link mastraRuntimeRunner}'s `load()` succeeded. */
export const loadedMastraRuntime = (): CreateMastraRuntime | undefined => createMastraRuntime;

/** The Mastra runtime through the same `createAgent` facade as the legacy runner. */
export const mastraRuntimeRunner: Runner = {
  id: "mastra-runtime",
  label: "Mastra runtime",
  calls: { generate: "agent.execute()", stream: "agent.stream() events (every event)" },
  async load() {
    try {
      const module = (await import(MASTRA_RUNTIME_PACKAGE)) as { createMastraRuntime?: unknown };
      if (typeof module.createMastraRuntime !== "function") {
        return { ok: false, reason: `${MASTRA_RUNTIME_PACKAGE} does not export createMastraRuntime` };
      }
      createMastraRuntime = module.createMastraRuntime as CreateMastraRuntime;
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
    }
  },
  prepare(scenario, model) {
    if (!createMastraRuntime) throw new Error(`${MASTRA_RUNTIME_PACKAGE} is not loaded; call load() first.`);
    return prepareRuntimeRun(createMastraRuntime(), scenario, model);
  },
};
