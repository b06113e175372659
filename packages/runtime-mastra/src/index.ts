/**
 * The FlowMaestro agent runtime contract on `@mastra/core` agents.
 * @packageDocumentation
 */
export {
  createMastraRuntime,
  type MastraRuntime,
  type MastraRuntimeOptions,
} from "./create-mastra-runtime.js";
