import type { AgentTool } from "@flowmaestro/runtime";
import type { ConversionWarning } from "../json-schema-to-zod/index.js";

/**
 * Where a {@link FlowMaestroTool} came from: `json-schema` for {@link jsonSchemaTool}, otherwise
 * the tool kind of a stored agent config.
 */
export type ToolKind = "json-schema" | "function" | "workflow" | "knowledge_base" | "mcp";

/** A conversion warning, tagged with the schema it came from. */
export interface ToolSchemaWarning extends ConversionWarning {
  /** `input` for the input schema, `output` for the output schema. */
  readonly schema: "input" | "output";
}

/**
 * An {@link AgentTool} built by `@flowmaestro/tools`. Every runtime runs it as a plain
 * `AgentTool`; the extra fields are for the host.
 */
export interface FlowMaestroTool<INPUT = any, OUTPUT = unknown> extends AgentTool<INPUT, OUTPUT> {
  /** How the tool was built. */
  readonly kind: ToolKind;
  /**
   * Whether a person should approve each call before it runs, as configured.
   *
   * Recorded only: no runtime honours it yet, so the tool runs without approval. Hosts that
   * need approval today must gate the call themselves (e.g. wrap `execute`).
   */
  readonly needsApproval: boolean;
  /** Keywords the converter skipped (only with `onUnsupported: "warn"`); empty otherwise. */
  readonly schemaWarnings: readonly ToolSchemaWarning[];
}
