/**
 * Test kit: a scripted model (AI SDK language-model spec), record/replay cassettes, and the runtime
 * conformance suite. The suite needs `vitest` (an optional peer).
 * @packageDocumentation
 */

export {
  type CassetteEntry,
  type CassetteFile,
  type CassetteMethod,
  type CassetteMiss,
  type CassetteMode,
  type CassetteModel,
  type CassetteModelOptions,
  createCassetteModel,
} from "./cassette-model.js";
export {
  type AgentRuntimeContractCase,
  type AgentRuntimeContractOptions,
  describeAgentRuntimeContract,
  expectValidEventOrder,
  type ToolFactory,
} from "./describe-agent-runtime-contract.js";
export {
  type CanonicalJsonValue,
  type CanonicalRequest,
  canonicalizeRequest,
  hashCanonicalRequest,
  hashRequest,
  stringifyCanonical,
  toCanonicalJson,
} from "./request-hash.js";
export {
  createScriptedModel,
  type ScriptedModel,
  type ScriptedModelCall,
  type ScriptedModelOptions,
  type ScriptedToolCall,
  type ScriptedTurn,
  type ScriptedTurnSpec,
} from "./scripted-model.js";
