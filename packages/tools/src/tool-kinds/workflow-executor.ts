import type { ToolExecutionContext } from "@flowmaestro/runtime";

/**
 * Runs a host workflow for a `workflow` tool: called with the workflow id from the tool's config
 * and the model's validated input; resolves with the workflow's result, which goes back to the
 * model. Reject (throw) to report a tool error; honour `context.signal` to stop on timeout or abort.
 */
export type WorkflowExecutor = (
  workflowId: string,
  input: Record<string, unknown>,
  context: ToolExecutionContext,
) => Promise<unknown>;
