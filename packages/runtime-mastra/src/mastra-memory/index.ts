/**
 * The Mastra runtime's memory: `@mastra/memory` on FlowMaestro storage. Loaded on the first run
 * that uses memory (it imports `@mastra/memory`, an optional peer).
 * @internal
 */
export {
  FlowMaestroMastraMemory,
  getMastraMemory,
  toMastraMemoryOptions,
} from "./create-mastra-memory.js";
export { toMastraEmbedder } from "./embedder-shim.js";
export { FlowMaestroMastraStore, FlowMaestroMemoryStorage } from "./flowmaestro-memory-storage.js";
export { FlowMaestroVector, type FlowMaestroVectorOptions } from "./flowmaestro-vector.js";
