import type { JSONSchema } from "../json-schema-tool/json-schema.js";
import type { MemorySettings } from "./memory-settings.js";

/** The tool kinds a stored agent config can hold. */
export type StoredToolType = "function" | "workflow" | "knowledge_base" | "mcp";

/** Config fields every stored tool kind accepts. */
export interface StoredToolConfigBase {
  /** Milliseconds before a call is abandoned with a `TOOL_TIMEOUT` tool error. No timeout when unset. */
  timeoutMs?: number | string | null;
  /** JSON Schema the tool's result must satisfy. */
  outputSchema?: JSONSchema | boolean | string | null;
  /** The tool's `needsApproval`: each call waits for a person's approval (the run suspends). */
  needsApproval?: boolean | null;
  /** Other keys are ignored. */
  readonly [key: string]: unknown;
}

/** Fields every stored tool has. */
export interface StoredToolRecordBase {
  /** The tool's row id; kept for reference, not used. */
  id?: string | number | null;
  /** Name the model calls the tool by: 1 to 64 characters of `A-Z a-z 0-9 _ -`. */
  name: string;
  /** What the tool does; the model reads this. */
  description?: string | null;
  /**
   * JSON Schema of the input (`"type": "object"`), or its JSON text. Required except for
   * `knowledge_base` tools, which default to `{ query: string, topK?: integer 1..50 }`.
   */
  schema?: JSONSchema | string | null;
  /** Other keys are ignored. */
  readonly [key: string]: unknown;
}

/** A `function` tool: runs the host function registered under `config.functionName`. */
export interface StoredFunctionToolRecord extends StoredToolRecordBase {
  type: "function";
  config: (StoredToolConfigBase & { functionName: string }) | string;
}

/** A `workflow` tool: runs the host workflow `config.workflowId`. */
export interface StoredWorkflowToolRecord extends StoredToolRecordBase {
  type: "workflow";
  config: (StoredToolConfigBase & { workflowId: string | number }) | string;
}

/** A `knowledge_base` tool: searches knowledge base `config.knowledgeBaseId`. */
export interface StoredKnowledgeBaseToolRecord extends StoredToolRecordBase {
  type: "knowledge_base";
  config:
    | (StoredToolConfigBase & {
        knowledgeBaseId: string | number;
        /** Results per search when the model does not say (1 to 50). @default 5 */
        topK?: number | string | null;
        /** Metadata filter applied to every search; wins over the model's `filter`. */
        filter?: Record<string, unknown> | null;
      })
    | string;
}

/** An `mcp` tool: calls tool `config.toolName` (default: `name`) on MCP server `config.serverId`. */
export interface StoredMcpToolRecord extends StoredToolRecordBase {
  type: "mcp";
  config: (StoredToolConfigBase & { serverId: string | number; toolName?: string | null }) | string;
}

/** One entry of a stored agent's `available_tools`. */
export type StoredToolRecord =
  | StoredFunctionToolRecord
  | StoredWorkflowToolRecord
  | StoredKnowledgeBaseToolRecord
  | StoredMcpToolRecord;

/**
 * An agent as FlowMaestro stores it: one database row, snake_case columns, JSON columns either
 * parsed or as JSON text, numbers possibly as numeric strings (Postgres `numeric` through `pg`).
 * Columns not listed here are ignored. See `docs/stored-agent-record.md`.
 */
export interface StoredAgentRecord {
  /** Row id; becomes the agent `id` (as a string). The agent id defaults to `name` without it. */
  id?: string | number | bigint | null;
  /** Agent name, 1 to 200 characters. */
  name: string;
  /** Provider id, e.g. `openai`; joined with `model` as `"provider/model"`. */
  provider: string;
  /** Model id at that provider, e.g. `gpt-4o`. */
  model: string;
  /** System instructions. */
  system_prompt?: string | null;
  /** Sampling temperature, 0 to 2. */
  temperature?: number | string | null;
  /** Cap on output tokens per model call; becomes `maxOutputTokens`. */
  max_tokens?: number | string | bigint | null;
  /** Most model calls in one run (1 to 10 000). */
  max_iterations?: number | string | bigint | null;
  /** Tools, or their JSON text. */
  available_tools?: readonly StoredToolRecord[] | string | null;
  /** Memory settings, or their JSON text. */
  memory_config?: MemorySettings | string | null;
  /** Other columns are ignored. */
  readonly [column: string]: unknown;
}
