import type { LanguageModelV4FunctionTool } from "@ai-sdk/provider";
import type { AgentTool, ResolvedAgentDefinition, ToolResultRecord } from "@flowmaestro/runtime";
import {
  executeToolCall,
  type RunRecorder,
  toFunctionTools,
  toToolResultOutput,
} from "@flowmaestro/runtime/kit";
import type { Agent } from "@mastra/core/agent";
import type { Mastra } from "@mastra/core/mastra";
import type { RequestContext } from "@mastra/core/request-context";
import type { MastraModules } from "./load-mastra.js";
import { isMemoryTool } from "./memory-tools.js";

/** Key of the per-run state in Mastra's `RequestContext`. @internal */
export const RUN_CONTEXT_KEY = "flowmaestro.run";

/** What one run hands to the cached agent through the `RequestContext`. @internal */
export interface RunContext {
  /** The observed model of the run (what Mastra calls). */
  readonly model: unknown;
  readonly recorder: RunRecorder;
  /** The run's Mastra memory, when it continues a thread (the memory agent reads it per run). */
  readonly memory?: unknown;
}

/** A Mastra agent built for one definition's tools, plus what every run of it needs. @internal */
export interface PreparedAgent {
  readonly agent: Agent;
  /**
   * Tool specs by name, exactly as the legacy runtime sends them to a provider (`toFunctionTools`,
   * cached per provider).
   */
  toolSpecs(provider: string): ReadonlyMap<string, LanguageModelV4FunctionTool>;
}

/** Settings shared by every agent of one runtime. @internal */
export interface AgentFactorySettings {
  readonly modules: MastraModules;
  readonly mastra: Mastra | undefined;
  /**
   * Build the agent that runs with memory: its `memory` is read from each run's context (one agent
   * serves every memory and setting). Mastra cannot run an agent with memory without a thread, so
   * runs without one use the agent built without.
   */
  readonly withMemory?: boolean;
}

/**
 * Builds the Mastra agent of a definition. Only what cannot change per run lives in the agent (id,
 * name, tools); the model is read from the run's `RequestContext`, so one agent serves every run
 * and every override, and the prompt each call sends is built by the run (instructions included).
 * Processors, scorers, voice and workflows are left unset: the runtime does not use them, and each
 * costs time on every call. Memory is set only on the agent built `withMemory` (runs that continue
 * a thread), as a function of the run's context.
 *
 * @internal
 */
export function buildMastraAgent(
  definition: Pick<ResolvedAgentDefinition, "id" | "name" | "tools" | "models">,
  settings: AgentFactorySettings,
): PreparedAgent {
  const { modules, mastra } = settings;
  // Memory tools are Mastra's own (its memory registers them); the recorder runs ours.
  const ownTools = definition.tools.filter((tool) => !isMemoryTool(tool));
  const tools = new Map(ownTools.map((tool) => [tool.name, tool]));
  const specsByProvider = new Map<string, ReadonlyMap<string, LanguageModelV4FunctionTool>>();
  const toolSpecs = (provider: string) => {
    let specs = specsByProvider.get(provider);
    if (!specs) {
      specs = new Map((toFunctionTools(ownTools, provider) ?? []).map((spec) => [spec.name, spec]));
      specsByProvider.set(provider, specs);
    }
    return specs;
  };
  const mastraTools = Object.fromEntries(
    ownTools.map((tool) => [tool.name, toMastraTool(tool, definition.id, tools, modules)]),
  );
  const agent = new modules.Agent({
    id: definition.id,
    name: definition.name,
    // The run builds each call's prompt, instructions included (see observeModel).
    instructions: "",
    // Cast: Mastra bundles an older copy of the v4 spec types, with `doGenerate` returning a
    // Promise where ours returns a PromiseLike; the objects are the same at runtime.
    model: (({ requestContext }: { requestContext: RequestContext }) =>
      runContextOf(requestContext)?.model ?? definition.models[0]) as unknown as AgentModel,
    tools: mastraTools,
    ...(settings.withMemory
      ? {
          memory: (({ requestContext }: { requestContext: RequestContext }) =>
            runContextOf(requestContext)?.memory) as unknown as AgentMemoryConfig,
        }
      : {}),
    ...(mastra ? { mastra } : {}),
  });
  // Mastra logs through console loggers unless told otherwise, including from the model layer it
  // builds per call (which takes the agent's primitives, not its logger). Hosts that want its logs
  // pass their own Mastra instance, whose logger the agent then uses.
  if (!mastra) agent.__registerPrimitives({ logger: modules.noopLogger } as never);
  return { agent, toolSpecs };
}

/** The run's state, when the agent runs under this runtime (not through the escape hatch). */
export function runContextOf(requestContext: RequestContext | undefined): RunContext | undefined {
  return requestContext?.get(RUN_CONTEXT_KEY) as RunContext | undefined;
}

/**
 * A Standard Schema that accepts anything and shows the tool's JSON Schema: the model sees our
 * schema, Mastra validates nothing, and the kit validates with the tool's own `parseInput`, so the
 * same `INVALID_TOOL_ARGUMENTS` message reaches the model on every runtime.
 */
function permissiveSchema(tool: AgentTool) {
  const jsonSchema = () => tool.jsonSchema as Record<string, unknown>;
  return {
    "~standard": {
      version: 1 as const,
      vendor: "flowmaestro",
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: jsonSchema, output: jsonSchema },
    },
  };
}

function toMastraTool(
  tool: AgentTool,
  agentId: string,
  tools: ReadonlyMap<string, AgentTool>,
  modules: MastraModules,
) {
  return modules.createTool({
    id: tool.name,
    description: tool.description ?? "",
    inputSchema: permissiveSchema(tool),
    // Opts out of Mastra's per-provider schema rewriting (and its cost); see observeModel.
    strict: false,
    execute: async (input: unknown, context: MastraToolContext): Promise<unknown> => {
      const toolCallId = context?.agent?.toolCallId ?? context?.toolCallId ?? "";
      // Under this runtime the recorder started the call when the model sent it; Mastra gets its
      // recorded outcome (an ABORTED one when the run ends first, so Mastra's loop never waits for
      // a tool that ignores the abort). Through the escape hatch (no run), the tool runs here.
      const recorder = runContextOf(context?.requestContext)?.recorder;
      const running = recorder?.outcomeOf(toolCallId);
      // A call the recorder never saw, after the run ended: nothing runs once a run is over.
      if (!running && recorder?.isFinished) {
        return { type: "error-text", value: "The run ended before this tool call started." };
      }
      const record: ToolResultRecord = await (running ??
        executeToolCall(
          { toolCallId, toolName: tool.name, input },
          {
            tools,
            runId: context?.runId ?? "",
            agentId,
            signal: context?.abortSignal,
            messages: [],
            context: {},
          },
        ));
      // The model-facing form; `toModelOutput` hands it to the model unchanged.
      return toToolResultOutput(record);
    },
    toModelOutput: (output: unknown) => output,
  } as never);
}

type AgentModel = ConstructorParameters<typeof Agent>[0]["model"];
type AgentMemoryConfig = ConstructorParameters<typeof Agent>[0]["memory"];

/** The parts of Mastra's tool execution context we read. */
interface MastraToolContext {
  readonly requestContext?: RequestContext;
  readonly abortSignal?: AbortSignal;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly agent?: { readonly toolCallId?: string };
}
