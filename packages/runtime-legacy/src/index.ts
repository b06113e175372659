/**
 * FlowMaestro's own ReAct loop on the AI SDK language-model spec. Never imports `@mastra/*`.
 * @packageDocumentation
 */
export { createLegacyRuntime, type LegacyRuntimeOptions } from "./create-legacy-runtime.js";
