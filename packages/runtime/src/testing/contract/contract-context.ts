import type { z } from "zod";
import type { AgentRuntime } from "../../agent-runtime.js";
import type { Agent, CreateAgentOptions } from "../../create-agent.js";
import type { AgentTool } from "../../tools/agent-tool.js";
import type { ScriptedModel, ScriptedTurn } from "../scripted-model.js";

/** Names of the contract's test cases, for `skip`. */
export type AgentRuntimeContractCase =
  | "plain answer"
  | "one tool"
  | "several steps"
  | "concurrent tool calls"
  | "invalid tool arguments"
  | "malformed tool arguments"
  | "throwing tool"
  | "unknown tool"
  | "tool timeout"
  | "max iterations"
  | "abort mid-stream"
  | "abort before start"
  | "event order"
  | "usage summed"
  | "execute and stream agree"
  | "model error"
  | "continue a conversation"
  | "invalid input"
  | "onEvent callback"
  | "text stream"
  | "extra tools"
  | "history structure"
  | "model fallback"
  | "non-retryable model error"
  | "tool input in many deltas"
  | "tool parts in separate chunks"
  | "interleaved tool calls"
  | "tool input that never ends"
  | "provider metadata and reasoning round-trip"
  | "provider warnings"
  | "prompt never changes after the call"
  | "non-serialisable tool output"
  | "failed run leaves a safe conversation"
  | "model call timeout"
  | "stream stall before content"
  | "stream stall after content"
  | "abort while the model ignores the signal"
  | "deeply nested tool arguments"
  | "hostile tool arguments (fuzz)"
  | "invalid run options"
  | "no secrets in events, results or causes"
  | "provider faults are model errors"
  | "retry-after as an HTTP date"
  | "run context reaches tools"
  | "provider options and tool choice";

/** Builds a tool of a given shape for the contract's tool cases. */
export type ToolFactory = (spec: {
  name: string;
  description: string;
  /** JSON Schema of the input object. */
  jsonSchema: Record<string, unknown>;
  /** The equivalent Zod schema. */
  zodSchema: z.ZodType;
  execute: (input: any) => unknown;
}) => AgentTool;

/** Options of `describeAgentRuntimeContract`. */
export interface AgentRuntimeContractOptions {
  /** Returns a fresh runtime for each test. */
  createRuntime: () => AgentRuntime | Promise<AgentRuntime>;
  /**
   * Known gaps: case name → why. Each becomes a skipped test that names the reason. Every gap
   * must also be documented in the runtime's README.
   */
  skip?: Partial<Record<AgentRuntimeContractCase, string>>;
  /** Extra tool builders to run the tool cases with (e.g. JSON Schema tools from `@flowmaestro/tools`). */
  toolFactories?: Record<string, ToolFactory>;
}

/** What every group of contract cases gets. @internal */
export interface ContractContext {
  readonly options: AgentRuntimeContractOptions;
  /** Declares one case (skipped with its reason when listed in `skip`). */
  readonly test: (caseName: AgentRuntimeContractCase, body: () => Promise<void>) => void;
  /** An agent on a fresh runtime with a scripted model playing `turns`. */
  readonly agentWith: (
    turns: readonly ScriptedTurn[],
    extra?: Partial<Omit<CreateAgentOptions, "runtime" | "model">>,
  ) => Promise<{ agent: Agent; model: ScriptedModel }>;
  /** Adds two numbers: `{ a, b }` → `{ sum }`. */
  readonly addTool: AgentTool;
}
