/**
 * The runtime conformance suite: every runtime calls {@link describeAgentRuntimeContract} from
 * one test file and must pass it unchanged. Needs `vitest` (an optional peer). Its tracing cases
 * record spans with {@link createRecordingTracerProvider} (`@opentelemetry/api` only), which
 * runtimes' own tests can use too, with {@link spanTrees} to compare runs.
 * @packageDocumentation
 */

export {
  createRecordingTracerProvider,
  type RecordedInstrumentationScope,
  type RecordedSpan,
  type RecordedSpanEvent,
  type RecordingTracerProvider,
  type RecordingTracerProviderOptions,
} from "./contract/recording-tracer.js";
export { type SpanTree, spanTrees, type TreeSpan } from "./contract/span-trees.js";
export {
  type AgentRuntimeContractCase,
  type AgentRuntimeContractOptions,
  describeAgentRuntimeContract,
  expectValidEventOrder,
  type ToolFactory,
} from "./describe-agent-runtime-contract.js";
