import type { LanguageModelV4, LanguageModelV4FunctionTool } from "@ai-sdk/provider";
import type {
  AgentTool,
  ProviderRegistry,
  ResolvedAgentDefinition,
  ToolResultRecord,
} from "@flowmaestro/runtime";
import {
  createRunModel,
  executeToolCall,
  toFunctionTools,
  toToolResultOutput,
} from "@flowmaestro/runtime/kit";
import type { Agent } from "@mastra/core/agent";
import type { Mastra } from "@mastra/core/mastra";
import type { RequestContext } from "@mastra/core/request-context";
import type { MastraModules } from "./load-mastra.js";
import type { StepTracker } from "./step-tracker.js";

/** Key of the per-run state in Mastra's `RequestContext`. @internal */
export const RUN_CONTEXT_KEY = "flowmaestro.run";

/** What one run hands to the cached agent through the `RequestContext`. @internal */
export interface RunContext {
  readonly model: LanguageModelV4;
  readonly tracker: StepTracker;
}

/** A Mastra agent built for one definition, plus what every run of it needs. @internal */
export interface PreparedAgent {
  readonly agent: Agent;
  readonly tools: ReadonlyMap<string, AgentTool>;
  /**
   * Tool specs by name, exactly as the legacy runtime sends them to a provider (`toFunctionTools`,
   * cached per provider).
   */
  toolSpecs(provider: string): ReadonlyMap<string, LanguageModelV4FunctionTool>;
}

/** Settings shared by every agent of one runtime. @internal */
export interface AgentFactorySettings {
  readonly modules: MastraModules;
  readonly providers: ProviderRegistry;
  readonly mastra: Mastra | undefined;
}

/**
 * Builds the Mastra agent of a definition. Only what cannot change per call lives in the agent
 * (id, name, instructions, tools); the model is read from the run's `RequestContext`, so one agent
 * serves every run and every model override. Memory, processors, scorers, voice and workflows are
 * left unset: the runtime does not use them, and each costs time on every call.
 *
 * @internal
 */
export function buildMastraAgent(
  definition: ResolvedAgentDefinition,
  settings: AgentFactorySettings,
): PreparedAgent {
  const { modules, providers, mastra } = settings;
  const tools = new Map(definition.tools.map((tool) => [tool.name, tool]));
  const specsByProvider = new Map<string, ReadonlyMap<string, LanguageModelV4FunctionTool>>();
  const toolSpecs = (provider: string) => {
    let specs = specsByProvider.get(provider);
    if (!specs) {
      specs = new Map((toFunctionTools(definition.tools, provider) ?? []).map((spec) => [spec.name, spec]));
      specsByProvider.set(provider, specs);
    }
    return specs;
  };
  const mastraTools = Object.fromEntries(
    definition.tools.map((tool) => [tool.name, toMastraTool(tool, definition, tools, modules)]),
  );
  const agent = new modules.Agent({
    id: definition.id,
    name: definition.name,
    instructions: definition.instructions ?? "",
    // Cast: Mastra bundles an older copy of the v4 spec types, with `doGenerate` returning a
    // Promise where ours returns a PromiseLike; the objects are the same at runtime.
    model: (({ requestContext }: { requestContext: RequestContext }) =>
      runContextOf(requestContext)?.model ??
      createRunModel(definition.model, providers, definition.retry)) as unknown as AgentModel,
    tools: mastraTools,
    ...(mastra ? { mastra } : {}),
  });
  // Mastra logs through its default console logger unless told otherwise; hosts that want its
  // logs pass their own Mastra instance, whose logger the agent then uses.
  if (!mastra) agent.__setLogger(modules.noopLogger);
  return { agent, tools, toolSpecs };
}

/** The run's state, when the agent runs under this runtime (not through the escape hatch). */
export function runContextOf(requestContext: RequestContext | undefined): RunContext | undefined {
  return requestContext?.get(RUN_CONTEXT_KEY) as RunContext | undefined;
}

/**
 * A Standard Schema that accepts anything and shows the tool's JSON Schema: the model sees our
 * schema, Mastra validates nothing, and our `executeToolCall` validates with the tool's own
 * `parseInput`, so the same `INVALID_TOOL_ARGUMENTS` message reaches the model on every runtime.
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
  definition: ResolvedAgentDefinition,
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
      const run = runContextOf(context?.requestContext);
      const record: ToolResultRecord = run
        ? await run.tracker.runTool(toolCallId, tool.name, input)
        : await executeToolCall(
            { toolCallId, toolName: tool.name, input },
            {
              tools,
              runId: context?.runId ?? "",
              agentId: definition.id,
              signal: context?.abortSignal,
              messages: [],
            },
          );
      // The model-facing form; `toModelOutput` hands it to the model unchanged.
      return toToolResultOutput(record);
    },
    toModelOutput: (output: unknown) => output,
  } as never);
}

type AgentModel = ConstructorParameters<typeof Agent>[0]["model"];

/** The parts of Mastra's tool execution context we read. */
interface MastraToolContext {
  readonly requestContext?: RequestContext;
  readonly abortSignal?: AbortSignal;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly agent?: { readonly toolCallId?: string };
}
