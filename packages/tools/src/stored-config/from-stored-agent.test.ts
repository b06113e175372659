import { InvalidDefinitionError, resolveAgentDefinition, type ValidationIssue } from "@flowmaestro/runtime";
import { createInMemoryRunStore } from "@flowmaestro/runtime/testing";
import { describe, expect, it } from "vitest";
import { MissingToolResolverError } from "../errors/missing-tool-resolver-error.js";
import { UnknownFunctionError } from "../errors/unknown-function-error.js";
import { callTool } from "../tool-kinds/__fixtures__/call-tool.js";
import { createFunctionRegistry } from "../tool-kinds/function-registry.js";
import { DEFAULT_KNOWLEDGE_BASE_INPUT_SCHEMA } from "../tool-kinds/knowledge-base-tool.js";
import type { ToolImportContext } from "../tool-kinds/tool-import-context.js";
import { supportAgentContext, supportAgentRow } from "./__fixtures__/support-agent-row.js";
import { fromStoredAgent } from "./from-stored-agent.js";
import type { StoredAgentRecord } from "./stored-agent-record.js";

function importError(
  row: unknown,
  context: ToolImportContext = supportAgentContext().context,
): InvalidDefinitionError {
  try {
    fromStoredAgent(row as StoredAgentRecord, context);
  } catch (error) {
    if (InvalidDefinitionError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected fromStoredAgent to throw");
}

function withTool(index: number, patch: Record<string, unknown>): StoredAgentRecord {
  const row = supportAgentRow();
  const tools = [...(row.available_tools as unknown as Record<string, unknown>[])];
  tools[index] = { ...tools[index], ...patch };
  return { ...row, available_tools: tools as never };
}

function withConfig(index: number, patch: Record<string, unknown>): StoredAgentRecord {
  const row = supportAgentRow();
  const tool = (row.available_tools as unknown as Record<string, unknown>[])[index] as {
    config: Record<string, unknown>;
  };
  return withTool(index, { config: { ...tool.config, ...patch } });
}

describe("fromStoredAgent", () => {
  it("turns a stored row with all four tool kinds into a definition and memory settings", async () => {
    const { context, spies } = supportAgentContext();
    const { definition, memory } = fromStoredAgent(supportAgentRow(), context);
    expect(definition).toMatchObject({
      id: "4b1c2f4e-8a53-4a4e-9d44-6c2f0f6a7e10",
      name: "Support agent",
      model: "openai/gpt-4o",
      instructions: "You are a helpful support agent.",
      temperature: 0.7,
      maxOutputTokens: 1024,
      maxIterations: 6,
    });
    expect(Object.keys(definition).sort()).toEqual(
      [
        "id",
        "instructions",
        "maxIterations",
        "maxOutputTokens",
        "model",
        "name",
        "temperature",
        "tools",
      ].sort(),
    );
    expect(memory).toEqual({ type: "buffer", maxMessages: 20 });
    expect(
      definition.tools.map((tool) => [tool.name, tool.kind, tool.needsApproval, tool.timeoutMs]),
    ).toEqual([
      ["lookup_order", "function", false, 5_000],
      ["open_ticket", "workflow", false, undefined],
      ["search_policies", "knowledge_base", false, undefined],
      ["create_issue", "mcp", true, undefined],
    ]);
    expect(definition.tools[0]?.description).toBe("Finds an order by id");
    expect(definition.tools[2]?.jsonSchema).toEqual(DEFAULT_KNOWLEDGE_BASE_INPUT_SCHEMA);
    // The runtime accepts the definition as it is.
    // (With a run store: the row's create_issue needs approval.)
    expect(() => resolveAgentDefinition({ ...definition, runStore: createInMemoryRunStore() })).not.toThrow();
    expect(() => resolveAgentDefinition(definition)).toThrow(/create_issue/);

    const [lookup, ticket, search, issue] = definition.tools;
    expect(await callTool(lookup!, { orderId: "ord_1" })).toMatchObject({ output: { status: "shipped" } });
    expect(await callTool(ticket!, { subject: "Login broken" })).toMatchObject({
      output: { ticketId: "T-100" },
    });
    expect(await callTool(search!, { query: "refund" })).toMatchObject({
      output: [{ id: "policy#refunds" }],
    });
    expect(await callTool(issue!, { title: "Bug" })).toMatchObject({
      output: { content: [{ type: "text", text: 'Created issue "Bug" as #7' }] },
    });
    expect(spies.workflows).toHaveBeenCalledWith(
      "wf_tickets",
      { subject: "Login broken" },
      expect.anything(),
    );
    expect(spies.search).toHaveBeenCalledWith(
      { knowledgeBaseId: "kb_policies", query: "refund", topK: 3 },
      expect.anything(),
    );
    expect(spies.callTool).toHaveBeenCalledWith(
      { name: "issues.create", arguments: { title: "Bug" } },
      expect.anything(),
    );
  });

  it("accepts JSON text columns, NULLs, numeric strings, bigints and numeric ids", () => {
    const row = supportAgentRow();
    const { definition, memory } = fromStoredAgent(
      {
        ...row,
        id: 42,
        system_prompt: null,
        temperature: null,
        max_tokens: 2048n,
        max_iterations: " 3 ",
        available_tools: JSON.stringify([
          {
            name: "ticket",
            type: "workflow",
            description: null,
            schema: JSON.stringify({ type: "object" }),
            config: JSON.stringify({ workflowId: 9, timeoutMs: "2500" }),
          },
        ]),
        memory_config:
          '{"type":"summary","maxMessages":"10","summaryModel":"openai/gpt-4o-mini","extra":true}',
      },
      supportAgentContext().context,
    );
    expect(definition).toEqual({
      id: "42",
      name: "Support agent",
      model: "openai/gpt-4o",
      maxOutputTokens: 2048,
      maxIterations: 3,
      tools: [expect.objectContaining({ name: "ticket", kind: "workflow", timeoutMs: 2500 })],
    });
    expect(definition.tools[0]).not.toHaveProperty("description");
    expect(memory).toEqual({ type: "summary", maxMessages: 10, summaryModel: "openai/gpt-4o-mini" });
  });

  it("needs only name, provider and model", () => {
    const { definition, memory } = fromStoredAgent({
      name: "Bare",
      provider: "anthropic",
      model: "claude-sonnet-4",
    });
    expect(definition).toEqual({ name: "Bare", model: "anthropic/claude-sonnet-4", tools: [] });
    expect(memory).toBeUndefined();
  });

  it("keeps slashes in model ids (e.g. OpenRouter)", () => {
    const { definition } = fromStoredAgent({
      name: "R",
      provider: "openrouter",
      model: "meta-llama/llama-3-70b",
    });
    expect(definition.model).toBe("openrouter/meta-llama/llama-3-70b");
  });

  describe("memory_config", () => {
    const cases: [string, unknown, unknown][] = [
      ["buffer", { type: "buffer" }, { type: "buffer" }],
      ["buffer with a limit", { type: "buffer", maxMessages: 50 }, { type: "buffer", maxMessages: 50 }],
      [
        "summary",
        { type: "summary", maxMessages: 8, summaryModel: "openai/gpt-4o-mini" },
        { type: "summary", maxMessages: 8, summaryModel: "openai/gpt-4o-mini" },
      ],
      [
        "vector",
        { type: "vector", topK: 4, embeddingModel: "openai/text-embedding-3-small", scope: "resource" },
        { type: "vector", topK: 4, embeddingModel: "openai/text-embedding-3-small", scope: "resource" },
      ],
      ["vector with nulls", { type: "vector", topK: null, scope: null }, { type: "vector" }],
      ["absent (NULL)", null, undefined],
    ];
    it.each(cases)("accepts %s", (_label, memoryConfig, expected) => {
      const { memory } = fromStoredAgent(
        { ...supportAgentRow(), memory_config: memoryConfig as never },
        supportAgentContext().context,
      );
      expect(memory).toEqual(expected);
    });

    const bad: [string, unknown, ValidationIssue][] = [
      [
        "an unknown type",
        { type: "redis" },
        { field: "memory_config.type", expected: 'one of "buffer", "summary", "vector"' },
      ],
      [
        "a missing type",
        {},
        { field: "memory_config.type", expected: 'one of "buffer", "summary", "vector"' },
      ],
      [
        "maxMessages of 0",
        { type: "buffer", maxMessages: 0 },
        { field: "memory_config.maxMessages", expected: "greater than 0" },
      ],
      [
        "a fractional maxMessages",
        { type: "summary", maxMessages: 2.5 },
        { field: "memory_config.maxMessages", expected: "an integer", received: "number" },
      ],
      [
        "topK above 50",
        { type: "vector", topK: 51 },
        { field: "memory_config.topK", expected: "at most 50" },
      ],
      [
        "an unknown scope",
        { type: "vector", scope: "global" },
        { field: "memory_config.scope", expected: 'one of "thread", "resource"' },
      ],
      [
        "an empty summaryModel",
        { type: "summary", summaryModel: "" },
        { field: "memory_config.summaryModel", expected: "at least 1 characters long" },
      ],
      [
        "text that is not JSON",
        "{type: buffer}",
        { field: "memory_config", expected: "valid JSON (the text does not parse)" },
      ],
    ];
    it.each(bad)("rejects %s", (_label, memoryConfig, issue) => {
      expect(importError({ ...supportAgentRow(), memory_config: memoryConfig }).issues).toEqual([issue]);
    });
  });

  describe("bad fields", () => {
    const cases: [string, StoredAgentRecord | unknown, Partial<ValidationIssue>][] = [
      ["a row that is not an object", "agent", { field: "(root)", expected: "of type object" }],
      [
        "a missing name",
        { ...supportAgentRow(), name: undefined },
        { field: "name", expected: "of type string" },
      ],
      [
        "an empty name",
        { ...supportAgentRow(), name: "" },
        { field: "name", expected: "at least 1 characters long" },
      ],
      [
        "a provider with a slash",
        { ...supportAgentRow(), provider: "openai/x" },
        { field: "provider", expected: 'a provider id such as "openai" (no "/" or spaces)' },
      ],
      [
        "a missing model",
        { ...supportAgentRow(), model: null },
        { field: "model", expected: "of type string", received: "null" },
      ],
      [
        "a temperature above 2",
        { ...supportAgentRow(), temperature: "2.5" },
        { field: "temperature", expected: "at most 2" },
      ],
      [
        "a non-numeric temperature",
        { ...supportAgentRow(), temperature: "warm" },
        { field: "temperature", expected: "of type number", received: "string" },
      ],
      [
        "negative max_tokens",
        { ...supportAgentRow(), max_tokens: -1 },
        { field: "max_tokens", expected: "greater than 0" },
      ],
      [
        "max_iterations of 0",
        { ...supportAgentRow(), max_iterations: 0 },
        { field: "max_iterations", expected: "at least 1" },
      ],
      [
        "available_tools that is not a list",
        { ...supportAgentRow(), available_tools: { name: "x" } },
        { field: "available_tools", expected: "of type array", received: "object" },
      ],
      [
        "a tool of unknown type",
        withTool(2, { type: "builtin" }),
        {
          field: "available_tools.2.type",
          expected: 'one of "function", "workflow", "knowledge_base", "mcp"',
        },
      ],
      [
        "a tool name with spaces",
        withTool(0, { name: "lookup order" }),
        {
          field: "available_tools.0.name",
          expected: "a name of 1 to 64 characters from A-Z a-z 0-9 _ - (no spaces)",
        },
      ],
      [
        "a duplicate tool name",
        withTool(1, { name: "lookup_order" }),
        {
          field: "available_tools.1.name",
          expected: "unique among available_tools (also used by available_tools.0)",
        },
      ],
      [
        "a function tool without schema",
        withTool(0, { schema: null }),
        { field: "available_tools.0.schema", expected: "of type object" },
      ],
      [
        "a schema that is not an object schema",
        withTool(0, { schema: { type: "array" } }),
        { field: "available_tools.0.schema", expected: 'a JSON Schema object with "type": "object"' },
      ],
      [
        "a schema the converter rejects",
        withTool(3, { schema: { type: "object", properties: { title: { type: "text" } } } }),
        { field: "available_tools.3.schema.properties.title.type" },
      ],
      [
        "a tool without config",
        withTool(1, { config: undefined }),
        { field: "available_tools.1.config", expected: "of type object" },
      ],
      [
        "a function config without functionName",
        withConfig(0, { functionName: undefined }),
        { field: "available_tools.0.config.functionName", expected: "of type string" },
      ],
      [
        "an empty workflowId",
        withConfig(1, { workflowId: "" }),
        { field: "available_tools.1.config.workflowId" },
      ],
      [
        "a knowledge base topK of 0",
        withConfig(2, { topK: 0 }),
        { field: "available_tools.2.config.topK", expected: "at least 1" },
      ],
      [
        "a knowledge base without id",
        withConfig(2, { knowledgeBaseId: undefined }),
        { field: "available_tools.2.config.knowledgeBaseId" },
      ],
      [
        "an mcp config without serverId",
        withConfig(3, { serverId: undefined }),
        { field: "available_tools.3.config.serverId" },
      ],
      [
        "a negative timeoutMs",
        withConfig(0, { timeoutMs: -5 }),
        { field: "available_tools.0.config.timeoutMs", expected: "greater than 0" },
      ],
      [
        "a needsApproval that is not a boolean",
        withConfig(3, { needsApproval: "yes" }),
        { field: "available_tools.3.config.needsApproval", expected: "of type boolean" },
      ],
      [
        "an output schema that is not a schema",
        withConfig(1, { outputSchema: 7 }),
        {
          field: "available_tools.1.config.outputSchema",
          expected: "a JSON Schema (an object or a boolean)",
        },
      ],
      [
        "an output schema the converter rejects",
        withConfig(1, { outputSchema: { type: "object", required: "ticketId" } }),
        { field: "available_tools.1.config.outputSchema.required" },
      ],
    ];
    it.each(cases)("rejects %s", (_label, row, issue) => {
      const error = importError(row);
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]).toMatchObject(issue);
      expect(error.field).toBe(issue.field);
    });

    it("reports every bad field at once", () => {
      const row = { ...withTool(2, { type: "builtin" }), temperature: 9, max_tokens: "many" };
      const error = importError(row);
      expect(error.issues.map((issue) => issue.field)).toEqual([
        "temperature",
        "max_tokens",
        "available_tools.2.type",
      ]);
      expect(error.message).toMatch(/^Invalid stored agent record: `temperature` must be at most 2; /);
    });
  });

  describe("tool resolution", () => {
    it("throws UnknownFunctionError naming the row field and the registered functions", () => {
      const context = {
        ...supportAgentContext().context,
        functions: createFunctionRegistry({ refund: () => null }),
      };
      const error = importError(supportAgentRow(), context);
      expect(UnknownFunctionError.isInstance(error)).toBe(true);
      expect(error.field).toBe("available_tools.0.config.functionName");
      expect(error.message).toContain(
        'Tool "lookup_order" uses the host function "lookupOrder", which is not registered',
      );
      expect((error as UnknownFunctionError).registeredNames).toEqual(["refund"]);
    });

    it("throws MissingToolResolverError naming the tool and the option to pass", () => {
      const { mcpClients: _omitted, ...context } = supportAgentContext().context;
      const error = importError(supportAgentRow(), context);
      expect(MissingToolResolverError.isInstance(error)).toBe(true);
      expect((error as MissingToolResolverError).toolName).toBe("create_issue");
      expect((error as MissingToolResolverError).option).toBe("mcpClients");
      expect(error.field).toBe("available_tools.3.config.serverId");
    });

    it("combines several unresolvable tools into one error", () => {
      const error = importError(supportAgentRow(), {});
      expect(MissingToolResolverError.isInstance(error)).toBe(false);
      expect(error.issues.map((issue) => issue.field)).toEqual([
        "available_tools.0.config.functionName",
        "available_tools.1.config.workflowId",
        "available_tools.2.config.knowledgeBaseId",
        "available_tools.3.config.serverId",
      ]);
      expect(error.cause).toBeInstanceOf(AggregateError);
      expect((error.cause as AggregateError).errors).toHaveLength(4);
    });
  });
});
