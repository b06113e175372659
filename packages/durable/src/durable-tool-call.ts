import { ToolExecutionError, type ToolResultRecord } from "@flowmaestro/runtime";
import {
  fromStoredResult,
  type StoredToolResult,
  type ToolExecutionWrapper,
  toStoredResult,
} from "@flowmaestro/runtime/kit";
import type { Dbos } from "./dbos.js";
import { fromPortable, toPortable } from "./portable.js";

/**
 * Each tool call as a DBOS step (the kit's `executeTool` hook). The step records the outcome in
 * the form a suspended run stores it (`toStoredResult`), and both the first execution and a
 * replay hand the recorder that form decoded, so the tool message is the same bytes either way.
 *
 * A non-idempotent tool gets a `started` step first. Both steps are numbered synchronously, in
 * the order the model sent the calls (DBOS numbers a step when it is called), so parallel calls
 * replay in the same order. When a recovered run finds the `started` step recorded by an earlier
 * worker but no outcome, the worker died inside the call: its outcome is an interrupted
 * `TOOL_EXECUTION_FAILED` error, recorded, and the tool is not started again. @internal
 */
export function durableToolCall(
  dbos: Dbos,
  isNonIdempotent: (toolName: string) => boolean,
): ToolExecutionWrapper {
  return (call, execute) => {
    const run = async () => toPortable(toStoredResult(await execute()));
    let step: Promise<unknown>;
    if (!isNonIdempotent(call.toolName)) {
      step = dbos.runStep(run, { name: `flowmaestro.tool:${call.toolName}` });
    } else {
      let startedHere = false;
      const started = dbos.runStep(
        async () => {
          startedHere = true;
          return true;
        },
        { name: `flowmaestro.tool-start:${call.toolName}` },
      );
      step = dbos.runStep(
        async () => {
          await started;
          return startedHere ? run() : toPortable(toStoredResult(interrupted(call)));
        },
        { name: `flowmaestro.tool:${call.toolName}` },
      );
    }
    return step.then((stored) => fromStoredResult(fromPortable(stored) as StoredToolResult));
  };
}

/** The outcome of a non-idempotent call whose worker stopped while it ran. */
function interrupted(call: { toolCallId: string; toolName: string; input: unknown }): ToolResultRecord {
  return {
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    input: call.input,
    isError: true,
    error: new ToolExecutionError({
      toolName: call.toolName,
      toolCallId: call.toolCallId,
      cause: new Error(
        "the call was interrupted (the worker running it stopped) and was not run again because the tool is not idempotent; its effect may or may not have happened",
      ),
    }),
  };
}
