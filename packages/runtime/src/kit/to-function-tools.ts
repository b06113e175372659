import type { LanguageModelV4FunctionTool } from "@ai-sdk/provider";
import type { AgentTool } from "../tools/agent-tool.js";

/** Specs are built once per tools array and provider, not per run or per step. */
const specsByTools = new WeakMap<readonly AgentTool[], Map<string, LanguageModelV4FunctionTool[]>>();

/**
 * The function tools a runtime sends to a provider: each tool's provider variant
 * ({@link AgentTool.forProvider}) when it has one, else its JSON Schema. Every runtime sends the
 * same specs this way, so a tool reads alike to the model whichever runtime runs it.
 *
 * The result is cached per `tools` array and provider and shared between callers: do not mutate it.
 *
 * @returns `undefined` when there are no tools (a call without a `tools` field).
 */
export function toFunctionTools(
  tools: readonly AgentTool[],
  provider: string,
): LanguageModelV4FunctionTool[] | undefined {
  if (tools.length === 0) return undefined;
  let byProvider = specsByTools.get(tools);
  if (!byProvider) {
    byProvider = new Map();
    specsByTools.set(tools, byProvider);
  }
  let specs = byProvider.get(provider);
  if (!specs) {
    specs = tools.map((tool) => toFunctionTool(tool, provider));
    byProvider.set(provider, specs);
  }
  return specs;
}

function toFunctionTool(tool: AgentTool, provider: string): LanguageModelV4FunctionTool {
  const variant = tool.forProvider?.(provider);
  return {
    type: "function",
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: variant?.jsonSchema ?? tool.jsonSchema,
    ...(variant?.strict ? { strict: true } : {}),
  };
}
