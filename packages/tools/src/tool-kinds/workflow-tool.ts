import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { MissingToolResolverError } from "../errors/missing-tool-resolver-error.js";
import type { FlowMaestroTool } from "../json-schema-tool/flow-maestro-tool.js";
import { createJsonSchemaTool } from "../json-schema-tool/json-schema-tool.js";
import { type ToolFieldNames, toolFieldNames } from "../json-schema-tool/tool-field-names.js";
import type { ToolImportContext } from "./tool-import-context.js";
import type { ToolKindOptions } from "./tool-kind-options.js";

/** Options of {@link workflowTool}. */
export interface WorkflowToolOptions extends ToolKindOptions {
  /** Id of the workflow to run, passed to `context.workflows`. */
  workflowId: string;
}

/**
 * A `workflow` tool: calls the host's {@link WorkflowExecutor} (`context.workflows`) with the
 * configured workflow id and the model's validated input; the workflow's result goes back to
 * the model.
 *
 * @throws {MissingToolResolverError} when `context.workflows` is not set.
 * @throws {InvalidDefinitionError} for an empty `workflowId`, a bad name, schema or timeout.
 */
export function workflowTool(options: WorkflowToolOptions, context: ToolImportContext): FlowMaestroTool {
  return buildWorkflowTool(options, context, toolFieldNames(options.name));
}

/** @internal {@link workflowTool} with the field names to use in errors. */
export function buildWorkflowTool(
  options: WorkflowToolOptions,
  context: ToolImportContext,
  fields: ToolFieldNames,
): FlowMaestroTool {
  const workflows = context.workflows;
  if (typeof workflows !== "function") {
    throw new MissingToolResolverError({
      toolName: options.name,
      kind: "workflow",
      option: "workflows",
      expected: "a WorkflowExecutor function (workflowId, input, context) => Promise<result>",
      field: fields("workflowId"),
    });
  }
  const { workflowId } = options;
  if (typeof workflowId !== "string" || workflowId.length === 0) {
    throw new InvalidDefinitionError({
      subject: "tool",
      issues: [
        { field: fields("workflowId"), expected: "a non-empty string", received: JSON.stringify(workflowId) },
      ],
    });
  }
  return createJsonSchemaTool<Record<string, unknown>, unknown>(
    {
      ...options,
      conversion: context.conversion,
      execute: (input, toolContext) => workflows(workflowId, input, toolContext),
    },
    "workflow",
    fields,
  );
}
