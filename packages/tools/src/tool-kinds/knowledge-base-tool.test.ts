import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { describe, expect, it, vi } from "vitest";
import { MissingToolResolverError } from "../errors/missing-tool-resolver-error.js";
import { callTool, sleep } from "./__fixtures__/call-tool.js";
import type { KnowledgeBase } from "./knowledge-base.js";
import { DEFAULT_KNOWLEDGE_BASE_INPUT_SCHEMA, knowledgeBaseTool } from "./knowledge-base-tool.js";

function fakeKnowledgeBase(
  results = [
    {
      id: "doc-1#3",
      text: "Refunds are possible within 30 days.",
      score: 0.91234,
      metadata: { source: "policy.md" },
    },
    { id: "doc-2#1", text: "Shipping takes 2 days.", score: 0.5, metadata: {} },
  ],
) {
  const search = vi.fn<KnowledgeBase["search"]>(async (query) => results.slice(0, query.topK));
  return { search };
}

describe("knowledgeBaseTool", () => {
  it("uses the default input schema and returns a compact list, best first", async () => {
    const knowledgeBases = fakeKnowledgeBase();
    const tool = knowledgeBaseTool(
      { name: "search_policies", knowledgeBaseId: "kb_policies" },
      { knowledgeBases },
    );
    expect(tool.kind).toBe("knowledge_base");
    expect(tool.jsonSchema).toEqual(DEFAULT_KNOWLEDGE_BASE_INPUT_SCHEMA);
    const result = await callTool(tool, { query: "refund" });
    expect(result).toMatchObject({
      isError: false,
      output: [
        {
          id: "doc-1#3",
          score: 0.912,
          text: "Refunds are possible within 30 days.",
          metadata: { source: "policy.md" },
        },
        { id: "doc-2#1", score: 0.5, text: "Shipping takes 2 days." },
      ],
    });
    expect((result.output as object[])[1]).not.toHaveProperty("metadata");
    expect(knowledgeBases.search).toHaveBeenCalledWith(
      { knowledgeBaseId: "kb_policies", query: "refund", topK: 5 },
      expect.objectContaining({ toolCallId: "call_1" }),
    );
  });

  it("takes topK from the input, else from the config", async () => {
    const knowledgeBases = fakeKnowledgeBase();
    const tool = knowledgeBaseTool({ name: "search", knowledgeBaseId: "kb", topK: 1 }, { knowledgeBases });
    expect(await callTool(tool, { query: "refund" })).toMatchObject({ output: [{ id: "doc-1#3" }] });
    await callTool(tool, { query: "refund", topK: 2 });
    expect(knowledgeBases.search.mock.calls.map(([query]) => query.topK)).toEqual([1, 2]);
  });

  it("returns an empty list when nothing matches", async () => {
    const tool = knowledgeBaseTool(
      { name: "search", knowledgeBaseId: "kb" },
      { knowledgeBases: fakeKnowledgeBase([]) },
    );
    expect(await callTool(tool, { query: "nothing" })).toMatchObject({ isError: false, output: [] });
  });

  it("keeps the configured filter over the model's", async () => {
    const knowledgeBases = fakeKnowledgeBase();
    const tool = knowledgeBaseTool(
      {
        name: "search",
        knowledgeBaseId: "kb",
        filter: { tenant: "acme" },
        inputSchema: {
          type: "object",
          properties: { query: { type: "string" }, filter: { type: "object" } },
          required: ["query"],
        },
      },
      { knowledgeBases },
    );
    await callTool(tool, { query: "q", filter: { tenant: "other", lang: "en" } });
    expect(knowledgeBases.search.mock.calls[0]?.[0].filter).toEqual({ tenant: "acme", lang: "en" });
  });

  it("rejects invalid input naming the field", async () => {
    const knowledgeBases = fakeKnowledgeBase();
    const tool = knowledgeBaseTool({ name: "search", knowledgeBaseId: "kb" }, { knowledgeBases });
    const tooMany = await callTool(tool, { query: "refund", topK: 51 });
    expect(tooMany.error?.code).toBe("INVALID_TOOL_ARGUMENTS");
    expect(tooMany.error?.message).toBe('Invalid arguments for tool "search": `topK` must be at most 50.');
    const missing = await callTool(tool, {});
    expect(missing.error?.message).toContain("`query` must be of type string");
    expect(knowledgeBases.search).not.toHaveBeenCalled();
  });

  it("validates the list against an output schema", async () => {
    const tool = knowledgeBaseTool(
      { name: "search", knowledgeBaseId: "kb", outputSchema: { type: "array", maxItems: 1 } },
      { knowledgeBases: fakeKnowledgeBase() },
    );
    const result = await callTool(tool, { query: "refund" });
    expect(result.error?.code).toBe("INVALID_TOOL_OUTPUT");
    expect(result.error?.message).toContain("`(root)` must be at most 1 items long");
  });

  it("times out a slow search", async () => {
    const tool = knowledgeBaseTool(
      { name: "search", knowledgeBaseId: "kb", timeoutMs: 15 },
      {
        knowledgeBases: {
          search: async (_query, context) => {
            await sleep(1_000, context.signal);
            return [];
          },
        },
      },
    );
    expect((await callTool(tool, { query: "q" })).error?.code).toBe("TOOL_TIMEOUT");
  });

  it("reports a failed search as a tool error", async () => {
    const tool = knowledgeBaseTool(
      { name: "search", knowledgeBaseId: "kb" },
      {
        knowledgeBases: {
          search: async () => {
            throw new Error("vector index offline");
          },
        },
      },
    );
    const result = await callTool(tool, { query: "q" });
    expect(result.error?.code).toBe("TOOL_EXECUTION_FAILED");
    expect(result.error?.message).toBe('Tool "search" failed: vector index offline');
  });

  it("fails at build time without a knowledge base", () => {
    let error: unknown;
    try {
      knowledgeBaseTool({ name: "search", knowledgeBaseId: "kb" }, {});
    } catch (caught) {
      error = caught;
    }
    expect(MissingToolResolverError.isInstance(error)).toBe(true);
    expect((error as MissingToolResolverError).option).toBe("knowledgeBases");
  });

  it("fails at build time for a bad topK or a schema without query", () => {
    let error: unknown;
    try {
      knowledgeBaseTool(
        {
          name: "search",
          knowledgeBaseId: "kb",
          topK: 0,
          inputSchema: { type: "object", properties: { q: { type: "string" } } },
        },
        { knowledgeBases: fakeKnowledgeBase() },
      );
    } catch (caught) {
      error = caught;
    }
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    expect((error as InvalidDefinitionError).issues.map((issue) => issue.field)).toEqual([
      "tools.search.topK",
      "tools.search.inputSchema",
    ]);
  });
});
