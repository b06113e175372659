import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { createAgent } from "../create-agent.js";
import { createScriptedModel } from "../testing/scripted-model.js";
import { createAgentRuntime } from "./create-agent-runtime.js";
import { runReActLoop } from "./react-loop.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Runs one agent to the end in its own scope; weak references to it and to its model. */
async function finishedAgent(): Promise<Array<WeakRef<object>>> {
  const runtime = createAgentRuntime({ name: "retention", run: (run) => runReActLoop(run) });
  const model = createScriptedModel({ turns: [{ text: "done" }] });
  const agent = createAgent({ runtime, name: "retention", model });
  const result = await agent.execute("Hi");
  expect(result.status).toBe("completed");
  return [new WeakRef(agent), new WeakRef(agent.definition), new WeakRef(model)];
}

describe("what a finished run keeps alive", () => {
  it("nothing of the first run's agent: it can be collected once the host drops it", async () => {
    // The first run in a process makes the shared "run ended" reason; it must not pin that run.
    const refs = [...(await finishedAgent()), ...(await finishedAgent())];
    const alive = () => refs.filter((ref) => ref.deref() !== undefined).length;
    for (let attempt = 0; attempt < 10 && alive() > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
    }
    expect(alive()).toBe(0);
  });
});
