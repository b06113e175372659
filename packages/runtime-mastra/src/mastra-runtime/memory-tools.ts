import {
  type AgentTool,
  InvalidDefinitionError,
  InvalidToolArgumentsError,
  type ResolvedAgentDefinition,
} from "@flowmaestro/runtime";
import { type BridgeScope, withBridgeScope } from "../mastra-memory/bridge-scope.js";
import type { ResolvedMemorySettings } from "../mastra-memory/flowmaestro-memory.js";

/** Wire name of Mastra's working-memory tool (`@mastra/memory` `createWorkingMemoryTool`). */
export const WORKING_MEMORY_TOOL_NAME = "updateWorkingMemory";

const MEMORY_TOOL = Symbol.for("flowmaestro.mastra.memoryTool");

/** A tool as `@mastra/memory`'s `listTools` gives it (the part the recorder calls). */
interface MastraToolLike {
  execute?: (input: unknown, context: unknown) => Promise<unknown>;
}

/** What a memory tool call needs of its run. @internal */
export interface ActiveMemoryRun {
  readonly memory: { mastraTools(): Readonly<Record<string, MastraToolLike>> };
  readonly agentId: string;
  readonly threadId: string;
  readonly resourceId: string;
  readonly requestContext: unknown;
  readonly scope: BridgeScope;
}

const activeRuns = new Map<string, ActiveMemoryRun>();

/** Makes a run's memory reachable from its memory tools; returns the unregister function. @internal */
export function registerMemoryRun(runId: string, run: ActiveMemoryRun): () => void {
  activeRuns.set(runId, run);
  return () => {
    if (activeRuns.get(runId) === run) activeRuns.delete(runId);
  };
}

/** Whether a tool is one this runtime adds for Mastra's memory (Mastra registers its own copy). @internal */
export function isMemoryTool(tool: AgentTool): boolean {
  return (tool as unknown as Record<symbol, unknown>)[MEMORY_TOOL] === true;
}

/**
 * The recorder's side of Mastra's `updateWorkingMemory` tool. The kit's recorder runs every tool
 * call of a run (events, outcome, timeout); for this one it runs Mastra's own tool (so the update
 * merges, validates and lands in storage exactly as Mastra does it), and the copy Mastra's agent
 * holds hands Mastra the recorded outcome (see `FlowMaestroMastraMemory.listTools`). Its schema is
 * never sent: the model sees Mastra's.
 */
function workingMemoryTool(schemaMode: boolean): AgentTool {
  const tool: AgentTool = {
    name: WORKING_MEMORY_TOOL_NAME,
    description: "Mastra's working-memory tool (@mastra/memory).",
    jsonSchema: {
      type: "object",
      properties: { memory: schemaMode ? { type: "object" } : { type: "string" } },
      required: ["memory"],
    },
    parseInput: (input: unknown) => ({ success: true, value: input }),
    async execute(input, context) {
      const active = activeRuns.get(context.runId);
      if (!active) {
        throw new Error(`${WORKING_MEMORY_TOOL_NAME} runs only in a run with memory on the Mastra runtime.`);
      }
      const mastraTool = active.memory.mastraTools()[WORKING_MEMORY_TOOL_NAME];
      if (!mastraTool?.execute) {
        throw new Error(`Working memory is off for this run: ${WORKING_MEMORY_TOOL_NAME} is not available.`);
      }
      const execute = mastraTool.execute;
      const output = await withBridgeScope(active.scope, () =>
        execute(input, {
          toolCallId: context.toolCallId,
          agent: {
            agentId: active.agentId,
            toolCallId: context.toolCallId,
            threadId: active.threadId,
            resourceId: active.resourceId,
            messages: [],
          },
          memory: active.memory,
          requestContext: active.requestContext,
          abortSignal: context.signal,
        }),
      );
      // Mastra's tools return (not throw) a validation error for input that fails their schema.
      if (isValidationError(output)) {
        throw new InvalidToolArgumentsError({
          toolName: WORKING_MEMORY_TOOL_NAME,
          issues: [
            { field: "(root)", expected: "arguments matching the tool's schema", received: output.message },
          ],
        });
      }
      return output;
    },
  };
  Object.defineProperty(tool, MEMORY_TOOL, { value: true });
  return tool;
}

const TEMPLATE_TOOL = workingMemoryTool(false);
const SCHEMA_TOOL = workingMemoryTool(true);

/** Definition tools plus the memory tools, one array per (tools, variant): the agent cache keys on it. */
const withTools = new WeakMap<readonly AgentTool[], Map<string, readonly AgentTool[]>>();

/**
 * The definition a run with memory hands the kit: its tools plus the memory tools the effective
 * settings turn on (working memory: `updateWorkingMemory`), so the run's recorder runs them and
 * reports them like any tool.
 *
 * @internal
 */
export function withMemoryTools(
  definition: ResolvedAgentDefinition,
  settings: ResolvedMemorySettings,
): ResolvedAgentDefinition {
  const working = settings.workingMemory;
  if (!working) return definition;
  const variant = working.schema === undefined ? "template" : "schema";
  let byVariant = withTools.get(definition.tools);
  if (!byVariant) {
    byVariant = new Map();
    withTools.set(definition.tools, byVariant);
  }
  let tools = byVariant.get(variant);
  if (!tools) {
    const conflict = memoryToolConflict(definition, settings);
    if (conflict) throw conflict;
    tools = [
      ...definition.tools.filter((tool) => !isMemoryTool(tool)),
      variant === "template" ? TEMPLATE_TOOL : SCHEMA_TOOL,
    ];
    byVariant.set(variant, tools);
  }
  return { ...definition, tools };
}

/** The error for a definition whose own tool takes the name of a memory tool the settings turn on. @internal */
export function memoryToolConflict(
  definition: Pick<ResolvedAgentDefinition, "tools">,
  settings: ResolvedMemorySettings,
): InvalidDefinitionError | undefined {
  if (!settings.workingMemory) return undefined;
  if (!definition.tools.some((tool) => tool.name === WORKING_MEMORY_TOOL_NAME && !isMemoryTool(tool)))
    return undefined;
  return new InvalidDefinitionError({
    issues: [
      {
        field: "tools",
        expected: `no tool named "${WORKING_MEMORY_TOOL_NAME}" while working memory is on: on the Mastra runtime that is the name of Mastra's working-memory tool`,
      },
    ],
  });
}

function isValidationError(value: unknown): value is { error: true; message: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { error?: unknown }).error === true &&
    typeof (value as { message?: unknown }).message === "string"
  );
}
