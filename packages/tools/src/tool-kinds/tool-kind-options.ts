import type { JSONSchema } from "../json-schema-tool/json-schema.js";

/** Options every tool kind takes, as a stored agent config holds them. */
export interface ToolKindOptions {
  /** Name the model calls the tool by: 1 to 64 characters of `A-Z a-z 0-9 _ -`. */
  name: string;
  /** What the tool does and when to use it; the model reads this. */
  description?: string;
  /** JSON Schema of the input (`"type": "object"`). Sent to the model; validates its arguments. */
  inputSchema: JSONSchema;
  /** Optional JSON Schema the result must satisfy; a mismatch is reported to the model. */
  outputSchema?: JSONSchema | boolean;
  /** Milliseconds before the call is abandoned with a `TOOL_TIMEOUT` tool error. No timeout when unset. */
  timeoutMs?: number;
  /**
   * Whether a person must approve each call: the run suspends before the call runs, until
   * `agent.resume` (the agent needs a run store).
   * @default false
   */
  needsApproval?: boolean;
}
