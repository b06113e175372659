import {
  createHashEmbedder,
  createInMemoryStorage,
  createKnowledgeBase,
  type VectorKnowledgeBase,
} from "@flowmaestro/memory";
import { createAgent } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { callTool } from "./__fixtures__/call-tool.js";
import type { KnowledgeBase } from "./knowledge-base.js";
import { knowledgeBaseTool } from "./knowledge-base-tool.js";

// The memory package's knowledge base fits the tool kind's interface without depending on it.
expectTypeOf<VectorKnowledgeBase>().toExtend<KnowledgeBase>();

const documents = [
  {
    id: "refunds.md",
    text: "# Refunds\n\nRefunds are possible within 30 days of delivery. Open a ticket with the order id.",
    metadata: { tenant: "acme", lang: "en" },
  },
  {
    id: "shipping.md",
    text: "# Shipping\n\nStandard shipping takes 3 to 5 business days. Express shipping takes one day.",
    metadata: { tenant: "acme", lang: "en" },
  },
  {
    id: "refunds-globex.md",
    text: "# Refunds\n\nGlobex refunds are possible within 14 days of delivery.",
    metadata: { tenant: "globex", lang: "en" },
  },
];

describe("knowledgeBaseTool on a memory knowledge base", () => {
  let knowledgeBases: VectorKnowledgeBase;
  beforeAll(async () => {
    knowledgeBases = createKnowledgeBase({
      storage: createInMemoryStorage(),
      embedder: createHashEmbedder(),
    });
    await knowledgeBases.ingest({ knowledgeBaseId: "kb_policies", documents });
    await knowledgeBases.ingest({
      knowledgeBaseId: "kb_other",
      documents: [{ id: "refunds.md", text: "Refunds from another knowledge base." }],
    });
  });

  it("returns the top-k passages best first", async () => {
    const tool = knowledgeBaseTool(
      { name: "search_policies", knowledgeBaseId: "kb_policies" },
      { knowledgeBases },
    );
    const result = await callTool(tool, { query: "refund within days of delivery", topK: 2 });
    expect(result.isError).toBe(false);
    const hits = result.output as Array<{ id: string; score: number; text: string; metadata?: object }>;
    expect(hits).toHaveLength(2);
    expect(hits.map((hit) => hit.id).sort()).toEqual(["refunds-globex.md#0", "refunds.md#0"]);
    expect(hits[0]?.score).toBeGreaterThanOrEqual(hits[1]?.score ?? 0);
    expect(hits[0]?.metadata).toMatchObject({ documentId: expect.any(String), headings: ["Refunds"] });
    // Scores are rounded for the model.
    expect(Number.isInteger((hits[0]?.score ?? 0) * 1000)).toBe(true);

    const defaultTopK = await callTool(tool, { query: "shipping" });
    expect((defaultTopK.output as unknown[]).length).toBe(3); // every chunk of kb_policies, not kb_other
  });

  it("keeps the configured filter over the model's", async () => {
    const tool = knowledgeBaseTool(
      {
        name: "search_acme",
        knowledgeBaseId: "kb_policies",
        filter: { tenant: "acme" },
        inputSchema: {
          type: "object",
          properties: { query: { type: "string" }, filter: { type: "object" } },
          required: ["query"],
        },
      },
      { knowledgeBases },
    );
    const result = await callTool(tool, { query: "refunds", filter: { tenant: "globex", lang: "en" } });
    const hits = result.output as Array<{ id: string; metadata: { tenant: string } }>;
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((hit) => hit.metadata.tenant === "acme")).toBe(true);
    expect(hits[0]?.id).toBe("refunds.md#0");
  });

  it("reports a bad model filter as a tool error", async () => {
    const tool = knowledgeBaseTool(
      {
        name: "search",
        knowledgeBaseId: "kb_policies",
        inputSchema: {
          type: "object",
          properties: { query: { type: "string" }, filter: { type: "object" } },
          required: ["query"],
        },
      },
      { knowledgeBases },
    );
    const result = await callTool(tool, { query: "refunds", filter: { lang: { gt: 1 } } });
    expect(result.error?.code).toBe("TOOL_EXECUTION_FAILED");
    expect(result.error?.message).toContain("`filter.lang` must be");
  });

  it("gets the passages to the model, which answers from them", async () => {
    const model = createScriptedModel({
      turns: [
        { toolCalls: [{ toolName: "search_policies", input: { query: "refund policy", topK: 1 } }] },
        (call) => {
          const prompt = JSON.stringify(call.prompt);
          const days = /within (\d+) days/.exec(prompt)?.[1];
          return { text: `You can get a refund within ${days} days.` };
        },
      ],
    });
    const agent = createAgent({
      runtime: createLegacyRuntime(),
      name: "support",
      instructions: "Answer from the knowledge base.",
      model,
      tools: [
        knowledgeBaseTool(
          { name: "search_policies", knowledgeBaseId: "kb_policies", filter: { tenant: "acme" } },
          { knowledgeBases },
        ),
      ],
    });
    const result = await agent.execute("How long do I have to ask for a refund?");
    expect(result.status).toBe("completed");
    expect(result.text).toBe("You can get a refund within 30 days.");
    const secondPrompt = JSON.stringify(model.calls[1]?.options.prompt);
    expect(secondPrompt).toContain("refunds.md#0");
    expect(secondPrompt).toContain("Refunds are possible within 30 days of delivery.");
    model.assertAllTurnsUsed();
  });
});
