/**
 * Test kit: a scripted model (AI SDK language-model spec), record/replay cassettes, and the runtime
 * conformance suite. The suite needs `vitest` (an optional peer).
 * @packageDocumentation
 */
export {
  type AgentRuntimeContractCase,
  type AgentRuntimeContractOptions,
  describeAgentRuntimeContract,
  expectValidEventOrder,
  type ToolFactory,
} from "./describe-agent-runtime-contract.js";
export {
  createScriptedModel,
  type ScriptedModel,
  type ScriptedModelCall,
  type ScriptedModelOptions,
  type ScriptedToolCall,
  type ScriptedTurn,
  type ScriptedTurnSpec,
} from "./scripted-model.js";
