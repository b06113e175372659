import type { JSONSchema7 } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFAULT_TIMEOUTS } from "../agent-definition.js";
import { createScriptedModel } from "../testing/scripted-model.js";
import type { AgentTool } from "../tools/agent-tool.js";
import { defineTool } from "../tools/define-tool.js";
import { createDefinitionModel } from "./run-model.js";
import { toFunctionTools } from "./to-function-tools.js";

const strictSchema: JSONSchema7 = { type: "object", properties: { a: { type: "number" } }, required: ["a"] };
const base = defineTool({
  name: "add",
  description: "Adds",
  inputSchema: z.object({ a: z.number() }),
  execute: ({ a }) => a,
});
const tools: AgentTool[] = [
  {
    ...base,
    forProvider: (provider) => (provider === "p2" ? { jsonSchema: strictSchema, strict: true } : undefined),
  },
];
const call = { prompt: [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }] };

describe("toFunctionTools", () => {
  it("sends a tool's provider variant, else its JSON Schema, and caches per provider", () => {
    const plain = toFunctionTools(tools, "p1");
    expect(plain).toEqual([
      { type: "function", name: "add", description: "Adds", inputSchema: base.jsonSchema },
    ]);
    expect(toFunctionTools(tools, "p2")).toEqual([
      { type: "function", name: "add", description: "Adds", inputSchema: strictSchema, strict: true },
    ]);
    expect(toFunctionTools(tools, "p1")).toBe(plain);
    expect(toFunctionTools([], "p1")).toBeUndefined();
  });
});

describe("createDefinitionModel", () => {
  const busy = Object.assign(new Error("Rate limit reached"), { statusCode: 429 });
  const setup = () => ({
    primary: createScriptedModel({ provider: "p1", modelId: "a", turns: [{ error: busy }] }),
    backup: createScriptedModel({ provider: "p2", modelId: "b", turns: [{ text: "ok" }] }),
  });

  it("gives a fallback model of another provider the tool specs shaped for it", async () => {
    const { primary, backup } = setup();
    const model = createDefinitionModel({
      models: [primary, backup],
      retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 },
      timeouts: DEFAULT_TIMEOUTS,
      tools,
    });
    expect(model.provider).toBe("p1");
    await model.generate({ ...call, tools: toFunctionTools(tools, model.provider) });
    expect(primary.calls[0]?.options.tools).toEqual(toFunctionTools(tools, "p1"));
    expect(backup.calls[0]?.options.tools).toEqual(toFunctionTools(tools, "p2"));
  });
});
