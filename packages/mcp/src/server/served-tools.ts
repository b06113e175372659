import { type AgentTool, InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";

/** A tool the server serves: what `tools/list` shows and what `tools/call` runs. @internal */
export interface ServedTool {
  readonly kind: "agent" | "tool";
  readonly name: string;
  readonly tool: AgentTool;
  /** The tool alone, as the kit's `executeToolCall` looks tools up. */
  readonly scope: ReadonlyMap<string, AgentTool>;
  readonly listing: Tool;
}

/** Tool names as the MCP spec recommends them (and as `AgentTool` requires). */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks the tools to serve and builds their listings: each needs a valid, unique name, an
 * object input schema (MCP clients reject any other) and `parseInput`/`execute`. Every problem is
 * reported at once, by the option path (`tools.2.name`), when the server is created.
 * @internal
 */
export function serveTools(
  entries: ReadonlyArray<{
    kind: ServedTool["kind"];
    field: string;
    tool: AgentTool;
    outputSchema?: Tool["outputSchema"];
  }>,
): ReadonlyMap<string, ServedTool> {
  const issues: ValidationIssue[] = [];
  const served = new Map<string, ServedTool>();
  for (const { kind, field, tool, outputSchema } of entries) {
    const problems = toolIssues(tool, field);
    if (problems.length > 0) {
      issues.push(...problems);
      continue;
    }
    if (served.has(tool.name)) {
      issues.push({
        field: `${field}.name`,
        expected: "a name no other served tool or agent has",
        received: JSON.stringify(tool.name),
      });
      continue;
    }
    served.set(tool.name, {
      kind,
      name: tool.name,
      tool,
      scope: new Map([[tool.name, tool]]),
      listing: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        inputSchema: tool.jsonSchema as Tool["inputSchema"],
        ...(outputSchema === undefined ? {} : { outputSchema }),
      },
    });
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "MCP server", issues });
  return served;
}

function toolIssues(tool: AgentTool, field: string): ValidationIssue[] {
  if (typeof tool !== "object" || tool === null) {
    return [{ field, expected: "an AgentTool (defineTool, @flowmaestro/tools)" }];
  }
  const issues: ValidationIssue[] = [];
  if (typeof tool.name !== "string" || !TOOL_NAME.test(tool.name)) {
    issues.push({
      field: `${field}.name`,
      expected: "1 to 64 characters of A-Z a-z 0-9 _ -",
      received: typeof tool.name === "string" ? JSON.stringify(tool.name) : typeof tool.name,
    });
  }
  const schema = tool.jsonSchema as { type?: unknown } | undefined;
  if (typeof schema !== "object" || schema === null || schema.type !== "object") {
    issues.push({ field: `${field}.jsonSchema`, expected: 'a JSON Schema of type "object"' });
  }
  for (const method of ["parseInput", "execute"] as const) {
    if (typeof tool[method] !== "function")
      issues.push({ field: `${field}.${method}`, expected: "a function" });
  }
  return issues;
}
