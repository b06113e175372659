import { defineTool, type ProviderToolVariant } from "@flowmaestro/runtime";
import { executeToolCall } from "@flowmaestro/runtime/kit";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { withProviderCompatibility } from "./with-provider-compatibility.js";

const search = defineTool({
  name: "search",
  description: "Search the catalogue.",
  inputSchema: z.object({
    query: z.string(),
    filters: z
      .object({ color: z.enum(["red", "blue"]).optional(), maxPrice: z.number().optional() })
      .optional(),
    limit: z.number().int().optional(),
  }),
  execute: async (input) => input,
});

function scope(provider: string, tool = withProviderCompatibility(search)) {
  return {
    tools: new Map([[tool.name, tool]]),
    runId: "run_1",
    agentId: "agent_1",
    signal: undefined,
    messages: [],
    context: {},
    provider,
  };
}

describe("withProviderCompatibility", () => {
  it("leaves the tool's own schema and behaviour untouched", () => {
    const before = structuredClone(search.jsonSchema);
    const tool = withProviderCompatibility(search);
    tool.forProvider!("openai.responses");
    tool.forProvider!("google.generative-ai");
    expect(tool.jsonSchema).toEqual(before);
    expect(search.jsonSchema).toEqual(before);
    expect(tool.name).toBe("search");
    expect(tool.parseInput({ query: "lamp" })).toEqual({ success: true, value: { query: "lamp" } });
    expect(search.forProvider).toBeUndefined();
  });

  it("serves a strict schema to OpenAI and one variant per family, cached", () => {
    const tool = withProviderCompatibility(search);
    const openai = tool.forProvider!("openai.responses")!;
    expect(openai.strict).toBe(true);
    expect(openai.jsonSchema).toMatchObject({
      required: ["query", "filters", "limit"],
      additionalProperties: false,
    });
    expect(tool.forProvider!("openai.chat")).toBe(openai);
    const gemini = tool.forProvider!("google.vertex.chat")!;
    expect(gemini.strict).toBe(false);
    expect(gemini.jsonSchema).not.toHaveProperty("additionalProperties");
    expect(tool.forProvider!("anthropic.messages")?.jsonSchema).toMatchObject({ type: "object" });
    expect(tool.forProvider!("groq.chat")).toBeUndefined();
  });

  it("maps strict-mode nulls back so the runtime's validation accepts them", async () => {
    // Runtimes parse the JSON arguments (parseToolArguments) before executeToolCall.
    const args = { query: "lamp", filters: { color: null, maxPrice: 30 }, limit: null };
    const record = await executeToolCall(
      { toolCallId: "call_1", toolName: "search", input: args },
      scope("openai.responses"),
    );
    expect(record.isError).toBe(false);
    expect(record.output).toEqual({ query: "lamp", filters: { maxPrice: 30 } });

    // Without the wrapper the same arguments fail validation.
    const plain = await executeToolCall(
      { toolCallId: "call_2", toolName: "search", input: args },
      scope("openai.responses", search),
    );
    expect(plain.isError).toBe(true);
  });

  it("lets a variant the tool already provides win", () => {
    const own: ProviderToolVariant = { jsonSchema: { type: "object" }, strict: false };
    const forProvider = vi.fn((provider: string) => (provider === "openai.chat" ? own : undefined));
    const tool = withProviderCompatibility({ ...search, forProvider });
    expect(tool.forProvider!("openai.chat")).toBe(own);
    expect(tool.forProvider!("openai.responses")?.strict).toBe(true);
    expect(forProvider).toHaveBeenCalledTimes(2);
  });
});
