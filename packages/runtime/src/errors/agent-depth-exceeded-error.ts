import { AgentSdkError, hasCode } from "./agent-sdk-error.js";

/**
 * An agent used as a tool (`agent.asTool()`) was called deeper than its `maxDepth` of nested
 * agent runs (agents calling each other in a loop, or a chain too long). The inner run does not
 * start; the calling model gets this as a tool error and can answer without it.
 */
export class AgentDepthExceededError extends AgentSdkError {
  /** The agent that was not run. */
  readonly agentName: string;
  /** The depth its run would have had (the calling run's depth plus one). */
  readonly depth: number;
  readonly maxDepth: number;

  constructor(options: { agentName: string; depth: number; maxDepth: number }) {
    super({
      code: "AGENT_DEPTH_EXCEEDED",
      category: "tool",
      message: `Agent "${options.agentName}" was not run: it would be nested ${options.depth} agents deep, over its maxDepth of ${options.maxDepth}. Answer without it, or raise \`maxDepth\` in asTool({ maxDepth }) if the nesting is intended.`,
    });
    this.name = "AgentDepthExceededError";
    this.agentName = options.agentName;
    this.depth = options.depth;
    this.maxDepth = options.maxDepth;
  }

  static override isInstance = hasCode<AgentDepthExceededError>("AGENT_DEPTH_EXCEEDED");
}
