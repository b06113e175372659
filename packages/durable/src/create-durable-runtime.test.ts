import { DBOS } from "@dbos-inc/dbos-sdk";
import { createAgent, InvalidDefinitionError } from "@flowmaestro/runtime";
import { createScriptedModel } from "@flowmaestro/runtime/testing";
import { describe, expect, it } from "vitest";
import { createDurableRuntime } from "./index.js";

/** What a typed error says, for assertions on the field it names. */
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
};

let workflows = 0;
const runtimeOf = () => createDurableRuntime({ dbos: DBOS, workflowName: `unit-${++workflows}` });
const agentOn = (runtime: ReturnType<typeof runtimeOf>, id = "unit-agent") =>
  createAgent({ runtime, id, name: "unit agent", model: createScriptedModel({ turns: [{ text: "hi" }] }) });

describe("createDurableRuntime (no database)", () => {
  it("needs the host's DBOS class, and says how to get it", () => {
    for (const dbos of [undefined, {}, { registerWorkflow: () => {} }]) {
      const error = failure(() => createDurableRuntime({ dbos } as never));
      expect(InvalidDefinitionError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain("dbos");
      expect((error as Error).message).toContain("@dbos-inc/dbos-sdk");
    }
  });

  it("rejects a decision wait that is not a positive number of seconds", () => {
    for (const decisionPollSeconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, "60"]) {
      const error = failure(() => createDurableRuntime({ dbos: DBOS, decisionPollSeconds } as never));
      expect((error as Error).message).toContain("decisionPollSeconds");
    }
  });

  it("runs only registered agents, without per-run overrides or unsupported options", async () => {
    const runtime = runtimeOf();
    const agent = agentOn(runtime);
    await expect(agent.execute("hi")).rejects.toThrow(/runtime\.register\(agent\).*"unit-agent" is not/);
    runtime.register(agent);
    await expect(agent.execute("hi", { signal: new AbortController().signal })).rejects.toMatchObject({
      code: "INVALID_DEFINITION",
      message: expect.stringContaining("options.signal"),
    });
    await expect(
      agent.execute("hi", { overrides: { instructions: "other" } } as never),
    ).rejects.toMatchObject({
      code: "INVALID_DEFINITION",
    });
    expect(() => agent.stream("hi")).toThrow(/durable runs do not stream yet/);
    await expect(agent.resume("", [])).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("runId"),
    });
  });
});
