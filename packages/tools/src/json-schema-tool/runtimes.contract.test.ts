import { createAgent } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { describeAgentRuntimeContract, type ToolFactory } from "@flowmaestro/runtime/testing/contract";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { describe, expect, it } from "vitest";
import { jsonSchemaTool } from "./json-schema-tool.js";

// The runtime conformance suite, with every tool case also run on tools built from JSON Schema.
const toolFactories: Record<string, ToolFactory> = {
  "json-schema": (spec) =>
    jsonSchemaTool({
      name: spec.name,
      description: spec.description,
      inputSchema: spec.jsonSchema as Parameters<typeof jsonSchemaTool>[0]["inputSchema"],
      execute: spec.execute,
    }),
};

const runtimes = { legacy: createLegacyRuntime, mastra: createMastraRuntime };

for (const [name, createRuntime] of Object.entries(runtimes)) {
  describeAgentRuntimeContract(`${name} with JSON Schema tools`, { createRuntime, toolFactories });

  describe(`JSON Schema tools on the ${name} runtime`, () => {
    it("validates what the model sent, as JSON Schema says, and never strips keys", async () => {
      const received: unknown[] = [];
      const tool = jsonSchemaTool({
        name: "book",
        inputSchema: {
          type: "object",
          properties: {
            date: { type: "string", format: "date" },
            seats: { type: "integer", minimum: 1, maximum: 8 },
            notes: { type: ["string", "null"] },
          },
          required: ["date", "seats"],
        },
        execute: (input) => {
          received.push(input);
          return { booked: true };
        },
      });
      const model = createScriptedModel({
        turns: [
          { toolCalls: [{ toolName: "book", input: { date: "2026-02-30", seats: 2 } }] },
          {
            toolCalls: [
              { toolName: "book", input: { date: "2026-02-28", seats: 2, notes: null, extra: "kept" } },
            ],
          },
          { text: "Booked." },
        ],
      });
      const agent = createAgent({ runtime: createRuntime(), name: "booker", model, tools: [tool] });
      const result = await agent.execute("Book 2 seats");
      expect(result.status).toBe("completed");
      expect(result.steps[0]!.toolResults[0]!.error?.code).toBe("INVALID_TOOL_ARGUMENTS");
      expect(result.steps[0]!.toolResults[0]!.error?.message).toContain("date");
      expect(received).toEqual([{ date: "2026-02-28", seats: 2, notes: null, extra: "kept" }]);
      expect(model.calls[0]!.options.tools?.[0]).toMatchObject({
        name: "book",
        inputSchema: { properties: { seats: { type: "integer", minimum: 1, maximum: 8 } } },
      });
    });
  });
}

for (const [name, createRuntime] of Object.entries(runtimes)) {
  describe(`provider compatibility on the ${name} runtime`, () => {
    it("sends OpenAI a strict schema and maps its nulls back before validation", async () => {
      const received: unknown[] = [];
      const tool = jsonSchemaTool({
        name: "search",
        inputSchema: {
          type: "object",
          properties: { query: { type: "string" }, limit: { type: "integer", minimum: 1 } },
          required: ["query"],
        },
        execute: (input) => {
          received.push(input);
          return [];
        },
      });
      const model = createScriptedModel({
        provider: "openai.responses",
        modelId: "gpt-4o-mini",
        turns: [
          { toolCalls: [{ toolName: "search", input: { query: "refunds", limit: null } }] },
          { text: "None." },
        ],
      });
      const agent = createAgent({ runtime: createRuntime(), name: "searcher", model, tools: [tool] });
      const result = await agent.execute("Search refunds");
      expect(result.status).toBe("completed");
      const sent = model.calls[0]!.options.tools?.[0] as unknown as {
        strict?: boolean;
        inputSchema: Record<string, unknown>;
      };
      expect(sent.strict).toBe(true);
      expect(sent.inputSchema).toMatchObject({ additionalProperties: false, required: ["query", "limit"] });
      // Strict mode made `limit` nullable; the model's null means "absent" to the tool.
      expect(received).toEqual([{ query: "refunds" }]);
      // The original schema is untouched.
      expect(tool.jsonSchema).toMatchObject({ required: ["query"] });
    });

    it("sends other providers the schema as written", async () => {
      const tool = jsonSchemaTool({
        name: "noop",
        inputSchema: { type: "object", properties: { a: { type: "string" } } },
        execute: () => "ok",
      });
      const model = createScriptedModel({ provider: "acme.chat", turns: [{ text: "ok" }] });
      const agent = createAgent({ runtime: createRuntime(), name: "plain", model, tools: [tool] });
      await agent.execute("Hi");
      expect(model.calls[0]!.options.tools?.[0]).toMatchObject({ inputSchema: tool.jsonSchema });
      expect(model.calls[0]!.options.tools?.[0]).not.toHaveProperty("strict");
    });
  });
}
