import { type AgentDefinition, InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";
import type { FlowMaestroTool } from "../json-schema-tool/flow-maestro-tool.js";
import { toValidationIssues } from "../json-schema-tool/to-validation-issues.js";
import type { ToolFieldNames } from "../json-schema-tool/tool-field-names.js";
import { buildFunctionTool } from "../tool-kinds/function-tool.js";
import { buildKnowledgeBaseTool } from "../tool-kinds/knowledge-base-tool.js";
import { buildMcpTool } from "../tool-kinds/mcp-tool.js";
import type { ToolImportContext } from "../tool-kinds/tool-import-context.js";
import type { ToolKindOptions } from "../tool-kinds/tool-kind-options.js";
import { buildWorkflowTool } from "../tool-kinds/workflow-tool.js";
import { type MemorySettings, withoutUndefined } from "./memory-settings.js";
import type { StoredAgentRecord } from "./stored-agent-record.js";
import {
  type ParsedStoredTool,
  storedAgentRowSchema,
  storedToolSchema,
} from "./stored-agent-record-schema.js";

/** What {@link fromStoredAgent} returns. */
export interface StoredAgentImport {
  /**
   * The agent definition: `model` as `"provider/model"`, `instructions` from `system_prompt`,
   * `maxOutputTokens` from `max_tokens`, tools built by their kinds. Pass it to `createAgent`
   * with a runtime.
   */
  readonly definition: Omit<AgentDefinition, "tools"> & { readonly tools: readonly FlowMaestroTool[] };
  /**
   * Validated `memory_config`; `undefined` when the column is empty. Turn it into `createMemory`
   * options with `memoryStrategiesFromStored` from `@flowmaestro/memory`.
   */
  readonly memory: MemorySettings | undefined;
}

/**
 * Turns a stored agent record (one database row, snake_case columns; see
 * {@link StoredAgentRecord} and `docs/stored-agent-record.md`) into an agent definition and its
 * memory settings. Every tool is built here, with its kind's resolver from `context`, so a bad
 * record fails at import, not at the first request.
 *
 * Lenient where SQL drivers differ: `null` counts as absent, numbers may come as numeric strings
 * (`"0.7"` from a Postgres `numeric` column) or `bigint`s, JSON columns may come as JSON text.
 * Unknown columns and unknown keys inside `config` and `memory_config` are ignored.
 *
 * @throws {InvalidDefinitionError} naming every bad field by its place in the record, e.g.
 * `temperature` or `available_tools.2.type`. When the only problem is one tool that cannot be
 * resolved, that tool's own error is thrown instead: {@link UnknownFunctionError} or
 * {@link MissingToolResolverError} (both are `InvalidDefinitionError`s).
 *
 * @example
 * ```ts
 * const row = await db.query("select * from agents where id = $1", [id]).then((r) => r.rows[0]);
 * const { definition, memory } = fromStoredAgent(row, { functions, workflows, knowledgeBases, mcpClients });
 * const { strategies } = memory ? memoryStrategiesFromStored(memory) : { strategies: {} };
 * const agent = createAgent({ ...definition, memory: createMemory(strategies), runtime: createLegacyRuntime() });
 * ```
 */
export function fromStoredAgent(row: StoredAgentRecord, context: ToolImportContext = {}): StoredAgentImport {
  const issues: ValidationIssue[] = [];
  const toolErrors: InvalidDefinitionError[] = [];

  const parsed = storedAgentRowSchema.safeParse(row, { reportInput: true });
  if (!parsed.success) issues.push(...toValidationIssues(parsed.error.issues));

  // Tools are checked one by one, whatever the other columns hold, so every bad field is reported at once.
  const rawTools = parsed.success ? (parsed.data.available_tools ?? []) : toolList(row);
  const tools: FlowMaestroTool[] = [];
  const seen = new Map<string, number>();
  rawTools.forEach((raw, index) => {
    const prefix = `available_tools.${index}`;
    const tool = storedToolSchema.safeParse(raw, { reportInput: true });
    if (!tool.success) {
      issues.push(...toValidationIssues(tool.error.issues, prefix));
      return;
    }
    const first = seen.get(tool.data.name);
    if (first !== undefined) {
      issues.push({
        field: `${prefix}.name`,
        expected: `unique among available_tools (also used by available_tools.${first})`,
        received: JSON.stringify(tool.data.name),
      });
      return;
    }
    seen.set(tool.data.name, index);
    try {
      tools.push(buildStoredTool(tool.data, context, storedToolFieldNames(prefix)));
    } catch (error) {
      if (!InvalidDefinitionError.isInstance(error)) throw error;
      toolErrors.push(error);
      issues.push(...error.issues);
    }
  });

  if (issues.length > 0 || !parsed.success) {
    const only = toolErrors[0];
    if (toolErrors.length === 1 && only !== undefined && issues.length === only.issues.length) throw only;
    throw new InvalidDefinitionError({
      subject: "stored agent record",
      issues,
      ...(toolErrors.length === 0
        ? {}
        : { cause: toolErrors.length === 1 ? toolErrors[0] : new AggregateError(toolErrors) }),
    });
  }

  const data = parsed.data;
  const definition: Omit<AgentDefinition, "tools"> & { tools: FlowMaestroTool[] } = {
    ...(data.id === undefined ? {} : { id: String(data.id) }),
    name: data.name,
    model: `${data.provider}/${data.model}`,
    ...(data.system_prompt ? { instructions: data.system_prompt } : {}),
    ...(data.temperature === undefined ? {} : { temperature: data.temperature }),
    ...(data.max_tokens === undefined ? {} : { maxOutputTokens: data.max_tokens }),
    ...(data.max_iterations === undefined ? {} : { maxIterations: data.max_iterations }),
    tools,
  };
  return {
    definition,
    memory:
      data.memory_config === undefined ? undefined : (withoutUndefined(data.memory_config) as MemorySettings),
  };
}

/** Builds one validated stored tool with its kind. */
function buildStoredTool(
  tool: ParsedStoredTool,
  context: ToolImportContext,
  fields: ToolFieldNames,
): FlowMaestroTool {
  const common: Omit<ToolKindOptions, "inputSchema"> = {
    name: tool.name,
    ...(tool.description == null ? {} : { description: tool.description }),
    ...(tool.config.outputSchema === undefined ? {} : { outputSchema: tool.config.outputSchema }),
    ...(tool.config.timeoutMs === undefined ? {} : { timeoutMs: tool.config.timeoutMs }),
    ...(tool.config.needsApproval === undefined ? {} : { needsApproval: tool.config.needsApproval }),
  };
  switch (tool.type) {
    case "function":
      return buildFunctionTool(
        { ...common, inputSchema: tool.schema, functionName: tool.config.functionName },
        context,
        fields,
      );
    case "workflow":
      return buildWorkflowTool(
        { ...common, inputSchema: tool.schema, workflowId: tool.config.workflowId },
        context,
        fields,
      );
    case "knowledge_base":
      return buildKnowledgeBaseTool(
        {
          ...common,
          ...(tool.schema === undefined ? {} : { inputSchema: tool.schema }),
          knowledgeBaseId: tool.config.knowledgeBaseId,
          ...(tool.config.topK === undefined ? {} : { topK: tool.config.topK }),
          ...(tool.config.filter === undefined ? {} : { filter: tool.config.filter }),
        },
        context,
        fields,
      );
    case "mcp":
      return buildMcpTool(
        {
          ...common,
          inputSchema: tool.schema,
          serverId: tool.config.serverId,
          ...(tool.config.toolName === undefined ? {} : { toolName: tool.config.toolName }),
        },
        context,
        fields,
      );
  }
}

/** Names a stored tool's options by their place in the record. */
function storedToolFieldNames(prefix: string): ToolFieldNames {
  return (key) => {
    if (key === "name" || key === "description") return `${prefix}.${key}`;
    if (key === "inputSchema") return `${prefix}.schema`;
    return `${prefix}.config.${key}`;
  };
}

/** The tools of a row whose other columns failed validation, if the tools column itself is a list. */
function toolList(row: unknown): unknown[] {
  if (typeof row !== "object" || row === null) return [];
  let tools = (row as { available_tools?: unknown }).available_tools;
  if (typeof tools === "string") {
    try {
      tools = JSON.parse(tools);
    } catch {
      return [];
    }
  }
  return Array.isArray(tools) ? tools : [];
}
