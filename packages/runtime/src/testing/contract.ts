/**
 * The runtime conformance suite: every runtime calls {@link describeAgentRuntimeContract} from
 * one test file and must pass it unchanged. Needs `vitest` (an optional peer).
 * @packageDocumentation
 */

export {
  type AgentRuntimeContractCase,
  type AgentRuntimeContractOptions,
  describeAgentRuntimeContract,
  expectValidEventOrder,
  type ToolFactory,
} from "./describe-agent-runtime-contract.js";
