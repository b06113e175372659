import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AgentRuntime } from "./agent-runtime.js";
import { createAgent } from "./create-agent.js";
import { AgentSdkError } from "./errors/agent-sdk-error.js";
import { InvalidDefinitionError } from "./errors/invalid-definition-error.js";
import { UnknownProviderError } from "./errors/unknown-provider-error.js";
import { createProviderRegistry } from "./models/provider-registry.js";
import { createScriptedModel } from "./testing/scripted-model.js";
import { defineTool } from "./tools/define-tool.js";

const fakeRuntime: AgentRuntime = {
  specificationVersion: "v1",
  name: "fake",
  providers: createProviderRegistry(),
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

  it("rejects an unknown provider with a typed error listing the known ones", () => {
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
    const v2 = { specificationVersion: "v2", doGenerate() {}, doStream() {} };
    expect(
      definitionError(() => createAgent({ runtime: fakeRuntime, name: "a", model: v2 as never })).field,
    ).toBe("model");
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
