import type { Memory, ResolvedMemorySettings } from "@flowmaestro/memory";

/** A FlowMaestro memory (`createMemory` from `@flowmaestro/memory`). @internal */
export type FlowMaestroMemory = Memory;
export type { ResolvedMemorySettings };

const MEMORY_MARKER = Symbol.for("flowmaestro.memory");

/**
 * Whether an agent's memory is a FlowMaestro memory: the check `isMemory` from `@flowmaestro/memory`
 * makes (the same global marker, so any installed copy of the package passes), without loading that
 * package's entry point on the runtime's start-up path.
 *
 * @internal
 */
export function isFlowMaestroMemory(value: unknown): value is FlowMaestroMemory {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[MEMORY_MARKER] === true &&
    (value as { specificationVersion?: unknown }).specificationVersion === "v1"
  );
}
