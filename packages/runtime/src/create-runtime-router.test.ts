import { describe, expect, it } from "vitest";
import type { AgentRuntime } from "./agent-runtime.js";
import { createAgent } from "./create-agent.js";
import { createRuntimeRouter } from "./create-runtime-router.js";
import { InvalidDefinitionError } from "./errors/invalid-definition-error.js";
import type { RunResult } from "./run-result.js";
import { createScriptedModel } from "./testing/scripted-model.js";

function fakeRuntime(name: string): AgentRuntime & { runs: string[] } {
  const runs: string[] = [];
  return {
    specificationVersion: "v1",
    name,
    runs,
    execute: async (definition) => {
      runs.push(definition.id);
      return { status: "completed", text: name } as RunResult;
    },
    stream: () => {
      throw new Error("not used");
    },
  };
}

describe("createRuntimeRouter", () => {
  it("routes each agent to the runtime its flag selects, on every run", async () => {
    const legacy = fakeRuntime("legacy");
    const mastra = fakeRuntime("mastra");
    const onMastra = new Set(["b"]);
    const runtime = createRuntimeRouter({
      runtimes: { legacy, mastra },
      select: (definition) => (onMastra.has(definition.id) ? "mastra" : "legacy"),
    });
    const model = createScriptedModel({ turns: [] });
    const a = createAgent({ runtime, id: "a", name: "A", model });
    const b = createAgent({ runtime, id: "b", name: "B", model });
    expect((await a.execute("hi")).text).toBe("legacy");
    expect((await b.execute("hi")).text).toBe("mastra");
    onMastra.add("a");
    expect((await a.execute("hi")).text).toBe("mastra");
    expect(legacy.runs).toEqual(["a"]);
    expect(mastra.runs).toEqual(["b", "a"]);
  });

  it("rejects a selection that names no runtime", async () => {
    const runtime = createRuntimeRouter({
      runtimes: { legacy: fakeRuntime("legacy") },
      select: () => "nope" as "legacy",
    });
    const agent = createAgent({ runtime, name: "A", model: createScriptedModel({ turns: [] }) });
    await expect(agent.execute("hi")).rejects.toSatisfy(InvalidDefinitionError.isInstance);
    await expect(agent.execute("hi")).rejects.toThrow(/one of "legacy"/);
  });
});
