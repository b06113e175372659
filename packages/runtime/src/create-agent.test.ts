import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AgentRuntime } from "./agent-runtime.js";
import { createAgent } from "./create-agent.js";
import { AgentSdkError } from "./errors/agent-sdk-error.js";
import { InvalidDefinitionError } from "./errors/invalid-definition-error.js";
import { UnknownProviderError } from "./errors/unknown-provider-error.js";
import { createProviderRegistry } from "./models/provider-registry.js";
import type { RunResult } from "./run-result.js";
import { createScriptedModel } from "./testing/scripted-model.js";
import { defineTool } from "./tools/define-tool.js";

const fakeRuntime: AgentRuntime = {
  specificationVersion: "v1",
  name: "fake",
  execute: () => Promise.reject(new Error("not used")),
  stream: () => {
    throw new Error("not used");
  },
};
const model = createScriptedModel({ turns: [] });
const tool = defineTool({
  name: "echo",
  inputSchema: z.object({ text: z.string() }),
  execute: ({ text }) => text,
});

function definitionError(run: () => unknown): InvalidDefinitionError {
  try {
    run();
  } catch (error) {
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    return error as InvalidDefinitionError;
  }
  throw new Error("expected createAgent to throw");
}

describe("createAgent validation", () => {
  it("accepts a minimal definition and applies defaults", () => {
    const agent = createAgent({ runtime: fakeRuntime, name: "a", model, tools: [tool] });
    expect(agent.id).toBe("a");
    expect(agent.definition.maxIterations).toBe(10);
    expect(agent.runtime).toBe(fakeRuntime);
  });

  it("rejects a negative maxIterations, naming the field", () => {
    const error = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, maxIterations: -1 }),
    );
    expect(error.code).toBe("INVALID_DEFINITION");
    expect(error.field).toBe("maxIterations");
    expect(error.message).toMatch(/`maxIterations` must be at least 1/);
  });

  it("rejects a tool name with spaces, naming the tool's index", () => {
    const bad = { ...tool, name: "get weather" };
    const error = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, tools: [tool, bad] }),
    );
    expect(error.field).toBe("tools.1.name");
    expect(error.message).toContain("no spaces");
  });

  it("rejects duplicate tool names", () => {
    const error = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, tools: [tool, tool] }),
    );
    expect(error.field).toBe("tools.1.name");
  });

  it("rejects an unknown provider with a typed error listing the known ones, at any list index", () => {
    try {
      createAgent({ runtime: fakeRuntime, name: "a", model: [model, "acme/x"] });
      expect.unreachable();
    } catch (error) {
      expect((error as UnknownProviderError).field).toBe("model.1");
    }
    try {
      createAgent({ runtime: fakeRuntime, name: "a", model: "acme/turbo-1" });
      expect.unreachable();
    } catch (error) {
      expect(UnknownProviderError.isInstance(error)).toBe(true);
      expect((error as UnknownProviderError).field).toBe("model");
      expect((error as Error).message).toContain("openai");
    }
  });

  it("rejects malformed model strings and non-v4 model objects", () => {
    expect(
      definitionError(() => createAgent({ runtime: fakeRuntime, name: "a", model: "gpt-4o" })).field,
    ).toBe("model");
    const v2 = { specificationVersion: "v2", provider: "anthropic.messages", doGenerate() {}, doStream() {} };
    const error = definitionError(() => createAgent({ runtime: fakeRuntime, name: "a", model: v2 as never }));
    expect(error.field).toBe("model");
    expect(error.message).toContain('a v2 model (provider "anthropic.messages", AI SDK 5)');
    expect(error.message).toContain("npm install @ai-sdk/anthropic@^4");
  });

  it("says what a model must be, with the list index", () => {
    const expected =
      'must be a "provider/model" string such as "openai/gpt-4o" or an AI SDK v4 language model';
    const number = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model: 42 as never }),
    );
    expect(number.message).toContain(`\`model\` ${expected}`);
    expect(number.message).toContain("(received number)");
    const missing = definitionError(() => createAgent({ runtime: fakeRuntime, name: "a" } as never));
    expect(missing.field).toBe("model");
    expect(missing.message).toContain("`model` must be provided");
    const listed = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model: [model, 42 as never] }),
    );
    expect(listed.field).toBe("model.1");
    expect(listed.message).toContain(`\`model.1\` ${expected}`);
    const empty = definitionError(() => createAgent({ runtime: fakeRuntime, name: "a", model: [] }));
    expect(empty.message).toContain("a list of 1 to 10 models");
  });

  it("rejects NaN and Infinity as numbers, saying so", () => {
    const error = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, maxIterations: Number.NaN }),
    );
    expect(error.message).toContain("`maxIterations` must be a finite number (received NaN)");
    const infinite = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, temperature: Number.POSITIVE_INFINITY }),
    );
    expect(infinite.message).toContain("(received Infinity)");
  });

  it("rejects misspelt keys with a did-you-mean, in definitions and overrides", async () => {
    const error = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, maxIteration: 5 } as never),
    );
    expect(error.field).toBe("maxIteration");
    expect(error.message).toContain("did you mean `maxIterations`?");
    const nested = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, retry: { maxRetry: 1 } } as never),
    );
    expect(nested.field).toBe("retry.maxRetry");
    expect(nested.message).toContain("did you mean `maxRetries`?");
    const unrelated = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, zzz: 1 } as never),
    );
    expect(unrelated.message).toContain("not a known field (known:");
    const agent = createAgent({ runtime: fakeRuntime, name: "a", model, tools: [tool] });
    await expect(agent.execute("x", { overrides: { temprature: 1 } as never })).rejects.toThrow(
      /`overrides.temprature`.*did you mean `temperature`/,
    );
    await expect(agent.execute("x", { overrides: { tools: [] } as never })).rejects.toThrow(
      /`overrides.tools`.*cannot be overridden per run/,
    );
  });

  it("checks toolChoice against the agent's tools", () => {
    const error = definitionError(() =>
      createAgent({
        runtime: fakeRuntime,
        name: "a",
        model,
        tools: [tool],
        toolChoice: { type: "tool", toolName: "nope" },
      }),
    );
    expect(error.field).toBe("toolChoice.toolName");
    expect(error.message).toContain("echo");
  });

  it("resolves model strings when the agent is defined, and overrides per run", async () => {
    const providers = createProviderRegistry();
    const scripted = createScriptedModel({ turns: [] });
    const other = createScriptedModel({ turns: [] });
    providers.register("acme", (id) => (id === "other" ? other : scripted));
    const seen: unknown[] = [];
    const recording = {
      ...fakeRuntime,
      execute: (definition: unknown) => {
        seen.push(definition);
        return Promise.resolve({} as RunResult);
      },
    };
    const agent = createAgent({ runtime: recording, providers, name: "a", model: ["acme/main", scripted] });
    expect(agent.definition.models).toEqual([scripted, scripted]);
    await agent.execute("x", { overrides: { model: "acme/other", retry: { maxRetries: 0 } } });
    expect(seen[0]).toMatchObject({ models: [other], retry: { maxRetries: 0, initialDelayMs: 500 } });
    expect(() => createAgent({ runtime: fakeRuntime, name: "a", model: "acme/main" })).toThrow(
      /Unknown model provider "acme"/,
    );
  });

  it("reports every bad field at once", () => {
    const error = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "", model, temperature: 5, maxOutputTokens: 1.5 }),
    );
    expect(error.issues.map((issue) => issue.field).sort()).toEqual([
      "maxOutputTokens",
      "name",
      "temperature",
    ]);
  });

  it("says what it received, by type (never the value)", () => {
    const error = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, temperature: "hot" as never }),
    );
    expect(error.message).toContain("`temperature` must be of type number (received string)");
  });

  it("requires a runtime", () => {
    expect(definitionError(() => createAgent({ runtime: {} as never, name: "a", model })).field).toBe(
      "runtime",
    );
  });

  it("moves an agent to another runtime with one call", () => {
    const agent = createAgent({ runtime: fakeRuntime, name: "a", model });
    const other = { ...fakeRuntime, name: "other" };
    expect(agent.withRuntime(other).runtime.name).toBe("other");
  });
});

describe("cost budgets", () => {
  const priced = createScriptedModel({ turns: [], provider: "acme", modelId: "acme-large" });

  it("needs a price for every model, at createAgent", () => {
    const error = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model: priced, budget: { maxCostUsd: 1 } }),
    );
    expect(error.field).toBe("pricing");
    expect(error.message).toContain("acme/acme-large");
    expect(() =>
      createAgent({
        runtime: fakeRuntime,
        name: "a",
        model: priced,
        budget: { maxCostUsd: 1 },
        pricing: { "acme/acme-large": { input: 1, output: 2 } },
      }),
    ).not.toThrow();
    // A token budget needs no price.
    expect(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model: priced, budget: { maxTokens: 100 } }),
    ).not.toThrow();
  });

  it("checks a per-run cost budget the same way", async () => {
    const agent = createAgent({ runtime: fakeRuntime, name: "a", model: priced });
    const error = await agent.execute("Hi", { overrides: { budget: { maxCostUsd: 1 } } }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    expect((error as InvalidDefinitionError).issues[0]?.field).toBe("overrides.budget");
  });
});

describe("errors", () => {
  it("recognises SDK errors from any copy by marker, not instanceof", () => {
    const error = definitionError(() =>
      createAgent({ runtime: fakeRuntime, name: "a", model, maxIterations: 0 }),
    );
    // An error from another installed copy of the package carries the same global symbol.
    const fromOtherCopy = { [Symbol.for("flowmaestro.agent-sdk-error")]: true, code: "ABORTED" };
    expect(AgentSdkError.isInstance(error)).toBe(true);
    expect(AgentSdkError.isInstance(new Error("x"))).toBe(false);
    expect(AgentSdkError.isInstance(fromOtherCopy)).toBe(true);
    expect(AgentSdkError.isInstance({ code: "ABORTED" })).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: "INVALID_DEFINITION",
      category: "caller",
    });
  });
});
