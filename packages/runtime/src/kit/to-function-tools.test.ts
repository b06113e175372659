import type { JSONSchema7 } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createProviderRegistry } from "../models/provider-registry.js";
import { createScriptedModel } from "../testing/scripted-model.js";
import type { AgentTool } from "../tools/agent-tool.js";
import { defineTool } from "../tools/define-tool.js";
import { createDefinitionModel } from "./resolve-model.js";
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
    const model = createDefinitionModel(
      { model: [primary, backup], retry: { maxRetries: 0 }, tools },
      createProviderRegistry(),
    );
    expect(model.provider).toBe("p1");
    await model.doGenerate({ ...call, tools: toFunctionTools(tools, model.provider) });
    expect(primary.calls[0]?.options.tools).toEqual(toFunctionTools(tools, "p1"));
    expect(backup.calls[0]?.options.tools).toEqual(toFunctionTools(tools, "p2"));
  });

  it("lets the runtime reshape the call's own tool list", async () => {
    const { primary, backup } = setup();
    const seen: string[] = [];
    const model = createDefinitionModel(
      { model: [primary, backup], retry: { maxRetries: 0 }, tools },
      createProviderRegistry(),
      {
        reshapeTools: (callTools, provider) => {
          seen.push(provider);
          return callTools;
        },
      },
    );
    const callTools = toFunctionTools(tools, "p1");
    await model.doGenerate({ ...call, tools: callTools });
    expect(seen).toEqual(["p2"]);
    expect(backup.calls[0]?.options.tools).toBe(callTools);
  });
});
