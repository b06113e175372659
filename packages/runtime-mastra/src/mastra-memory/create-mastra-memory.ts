import { toToolResultOutput } from "@flowmaestro/runtime/kit";
import type { MemoryConfig } from "@mastra/core/memory";
import type { RequestContext } from "@mastra/core/request-context";
import { createTool } from "@mastra/core/tools";
import { Memory } from "@mastra/memory";
import { runContextOf } from "../mastra-runtime/mastra-agent.js";
import { toMastraEmbedder } from "./embedder-shim.js";
import type { FlowMaestroMemory, ResolvedMemorySettings } from "./flowmaestro-memory.js";
import { FlowMaestroMastraStore } from "./flowmaestro-memory-storage.js";
import { FlowMaestroVector } from "./flowmaestro-vector.js";

type ResolvedSettings = ResolvedMemorySettings;

/** A Mastra tool as `Memory.listTools` returns it (the parts we use). */
interface MastraMemoryTool {
  readonly id: string;
  readonly description?: string;
  readonly inputSchema?: {
    readonly "~standard"?: { jsonSchema?: { input?: (options: unknown) => unknown } };
  };
  execute?: (input: unknown, context: unknown) => Promise<unknown>;
}

/**
 * `@mastra/memory`'s `Memory` for the Mastra runtime. The only change: the tools it gives the agent
 * (`updateWorkingMemory`) hand Mastra the outcome the run's recorder recorded for the call, like
 * every other tool of this runtime, so the run's events and messages show the call exactly once.
 * The recorder runs Mastra's own tool (see {@link FlowMaestroMastraMemory.mastraTools}). Outside a
 * run of this runtime (a host calling the agent directly) the tools run as Mastra's do.
 *
 * @internal
 */
export class FlowMaestroMastraMemory extends Memory {
  override listTools(config?: MemoryConfig): Record<string, never> {
    const tools = super.listTools(config) as Record<string, MastraMemoryTool>;
    return Object.fromEntries(
      Object.entries(tools).map(([name, tool]) => [name, recorderBackedTool(tool)]),
    ) as Record<string, never>;
  }

  /** Mastra's own memory tools, by wire name (`updateWorkingMemory`). */
  mastraTools(config?: MemoryConfig): Readonly<Record<string, MastraMemoryTool>> {
    return super.listTools(config) as Record<string, MastraMemoryTool>;
  }
}

function recorderBackedTool(tool: MastraMemoryTool) {
  const standard = tool.inputSchema?.["~standard"];
  return createTool({
    id: tool.id,
    description: tool.description ?? "",
    // Shows Mastra's schema; validation is the recorder's (a permissive schema, as for every tool).
    inputSchema: {
      "~standard": {
        version: 1,
        vendor: "flowmaestro",
        validate: (value: unknown) => ({ value }),
        jsonSchema: {
          input: (options: unknown) => standard?.jsonSchema?.input?.(options) ?? { type: "object" },
          output: (options: unknown) => standard?.jsonSchema?.input?.(options) ?? { type: "object" },
        },
      },
    },
    strict: false,
    execute: async (input: unknown, context: MastraToolContext) => {
      const toolCallId = context?.agent?.toolCallId ?? context?.toolCallId ?? "";
      const recorder = runContextOf(context?.requestContext)?.recorder;
      const running = recorder?.outcomeOf(toolCallId);
      if (running) return toToolResultOutput(await running);
      if (recorder?.isFinished)
        return { type: "error-text", value: "The run ended before this tool call started." };
      const output = await tool.execute?.(input, context);
      return typeof output === "string"
        ? { type: "text", value: output }
        : { type: "json", value: output ?? null };
    },
    toModelOutput: (output: unknown) => output,
  } as never);
}

interface MastraToolContext {
  readonly requestContext?: RequestContext;
  readonly toolCallId?: string;
  readonly agent?: { readonly toolCallId?: string };
}

/**
 * `@mastra/memory` options for FlowMaestro memory settings:
 * - `lastMessages` → `lastMessages` (Mastra counts its messages: a user turn, or a whole response
 *   with all its steps and tool results);
 * - `maxHistoryTokens` → `messageHistory: { maxTokens, atMaxRemoveTokens: 0 }` (Mastra's budget
 *   counts the system prompt and the current turn too, with its own token counter);
 * - `semanticRecall` → `semanticRecall` (same fields; our defaults always passed);
 * - `workingMemory` → `workingMemory: { enabled, scope, template | schema }` (our default template);
 * - `summary`: no equivalent (Mastra's observational memory is another mechanism); not applied.
 * Thread titles are never generated.
 *
 * @internal
 */
export function toMastraMemoryOptions(settings: ResolvedSettings): MemoryConfig {
  const recall = settings.semanticRecall;
  const working = settings.workingMemory;
  return {
    lastMessages: settings.lastMessages,
    ...(settings.maxHistoryTokens === undefined
      ? {}
      : { messageHistory: { maxTokens: settings.maxHistoryTokens, atMaxRemoveTokens: 0 } }),
    semanticRecall: recall
      ? {
          topK: recall.topK,
          messageRange: { before: recall.messageRange.before, after: recall.messageRange.after },
          scope: recall.scope,
        }
      : false,
    workingMemory: working
      ? working.schema !== undefined
        ? { enabled: true, scope: working.scope, schema: working.schema as never }
        : { enabled: true, scope: working.scope, template: working.template }
      : { enabled: false },
    generateTitle: false,
  } as MemoryConfig;
}

/** What one FlowMaestro memory shares across its Mastra memories (one per effective settings). */
interface MemoryEntry {
  readonly store: FlowMaestroMastraStore;
  readonly vector: FlowMaestroVector | undefined;
  readonly bySettings: Map<string, FlowMaestroMastraMemory>;
}

const entries = new WeakMap<FlowMaestroMemory, MemoryEntry>();

/**
 * The Mastra memory of a FlowMaestro memory for a run's effective settings: built once per memory
 * and settings, and cached (a Mastra `Memory` keeps per-instance caches: embeddings, working
 * memory locks). Every Mastra memory of one FlowMaestro memory shares one bridge store and vector.
 *
 * @internal
 */
export function getMastraMemory(
  memory: FlowMaestroMemory,
  settings: ResolvedSettings,
): { readonly memory: FlowMaestroMastraMemory; readonly store: FlowMaestroMastraStore } {
  let entry = entries.get(memory);
  if (!entry) {
    const storage = memory.storage;
    entry = {
      store: new FlowMaestroMastraStore(storage),
      vector:
        memory.embedder && storage.vectors
          ? new FlowMaestroVector({ storage, indexNameFor: (dimension) => memory.recallIndexName(dimension) })
          : undefined,
      bySettings: new Map(),
    };
    entries.set(memory, entry);
  }
  const key = settingsKey(settings);
  let built = entry.bySettings.get(key);
  if (!built) {
    const recall =
      Boolean(settings.semanticRecall) && entry.vector !== undefined && memory.embedder !== undefined;
    const options = toMastraMemoryOptions(recall ? settings : { ...settings, semanticRecall: false });
    built = new FlowMaestroMastraMemory({
      storage: entry.store,
      ...(recall && entry.vector && memory.embedder
        ? { vector: entry.vector, embedder: toMastraEmbedder(memory.embedder) as never }
        : {}),
      options: options as never,
    });
    entry.bySettings.set(key, built);
  }
  return { memory: built, store: entry.store };
}

/** A stable key of the settings Mastra's memory depends on (the summary model is not one of them). */
function settingsKey(settings: ResolvedSettings): string {
  const { summary: _summary, ...rest } = settings;
  return JSON.stringify(rest, (_key, value: unknown) =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : value,
  );
}
