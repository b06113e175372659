// Both runtimes against the real provider packages talking HTTP to the fakes: the same tool loops
// as ai-sdk-reference.test.ts, through `createAgent`, for `execute` and `stream`, with the provider
// options on the definition (`providerOptions`) and, separately, baked into the model (so the
// message round trip is tested apart from how options reach the provider), plus a conversation
// continued on the other runtime. Each run happens once in `beforeAll`; the `it`s check one
// property each, so a report shows which part of the round trip breaks.
import {
  type AgentEvent,
  type AgentRuntime,
  createAgent,
  defineTool,
  type RunResult,
} from "@flowmaestro/runtime";
import { createLegacyRuntime } from "@flowmaestro/runtime-legacy";
import { createMastraRuntime } from "@flowmaestro/runtime-mastra";
import { defaultSettingsMiddleware, type ModelMessage, wrapLanguageModel } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeServer, SCRIPT } from "./fake-servers/index.js";
import { type ReferenceRun, runReference, weatherFor } from "./reference-loop.js";
import {
  comparableMessages,
  isScenarioWarning,
  SCENARIOS,
  type WireFake,
  type WireScenario,
} from "./scenarios.js";

const TIMEOUT = 20_000;
const QUESTION = "Weather in Paris?";
const FOLLOW_UP = "And tomorrow?";

const RUNTIMES = [
  { name: "legacy", create: (): AgentRuntime => createLegacyRuntime() },
  { name: "mastra", create: (): AgentRuntime => createMastraRuntime() },
] as const;

const weatherTool = defineTool({
  name: "get_weather",
  description: "Current weather for a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => weatherFor(city),
});

const servers: FakeServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function startFake(scenario: WireScenario<any>): Promise<WireFake<any>> {
  const fake = await scenario.start();
  servers.push(fake);
  return fake;
}

/**
 * Where the scenario's provider options go: the definition's `providerOptions` (and
 * `temperature`), or baked into the model with the AI SDK's `defaultSettingsMiddleware`, which
 * keeps the message round trip testable apart from how options reach the provider.
 */
type OptionsOn = "definition" | "model";

function agentFor(
  runtime: AgentRuntime,
  scenario: WireScenario<any>,
  fake: FakeServer,
  optionsOn: OptionsOn,
) {
  if (optionsOn === "model")
    return createAgent({
      runtime,
      name: "wire",
      model: wrapLanguageModel({
        model: scenario.model(fake.url),
        middleware: defaultSettingsMiddleware({
          settings: { providerOptions: scenario.providerOptions, temperature: scenario.temperature },
        }),
      }),
      tools: [weatherTool],
      retry: { maxRetries: 0 },
    });
  return createAgent({
    runtime,
    name: "wire",
    model: scenario.model(fake.url),
    tools: [weatherTool],
    providerOptions: scenario.providerOptions,
    ...(scenario.temperature !== undefined && { temperature: scenario.temperature }),
    retry: { maxRetries: 0 },
  });
}

/** One run through the SDK; `thrown` is set if `execute`/`stream` threw, which they must not. */
interface SdkRun {
  result?: RunResult;
  events: AgentEvent[];
  thrown?: unknown;
}

async function runSdk(
  runtime: AgentRuntime,
  scenario: WireScenario<any>,
  fake: FakeServer,
  mode: "execute" | "stream",
  input: string | ModelMessage[],
  optionsOn: OptionsOn = "definition",
): Promise<SdkRun> {
  const agent = agentFor(runtime, scenario, fake, optionsOn);
  const events: AgentEvent[] = [];
  try {
    if (mode === "execute") return { result: await agent.execute(input), events };
    const stream = agent.stream(input);
    for await (const event of stream) events.push(event);
    return { result: await stream.result, events };
  } catch (thrown) {
    return { events, thrown };
  }
}

/** What to print when a run did not complete: its status and typed error. */
function describeRun(run: SdkRun | undefined): string {
  if (run === undefined) return "the run did not happen";
  if (run.thrown !== undefined) return `threw: ${String(run.thrown)}`;
  const error = run.result?.error;
  return `status ${run.result?.status}${error ? `, ${error.code}: ${error.message}` : ""}`;
}

const scenarioWarnings = (scenario: WireScenario<any>, warnings: readonly unknown[] | undefined) =>
  (warnings ?? []).filter((warning) => isScenarioWarning(scenario, warning));

describe.each(RUNTIMES)("$name runtime", (runtime) => {
  describe.each(["execute", "stream"] as const)("%s", (mode) => {
    describe.each(SCENARIOS)("$name", (scenario) => {
      let fake: WireFake<any>;
      let run: SdkRun | undefined;
      let reference: ReferenceRun;

      beforeAll(async () => {
        const referenceFake = await startFake(scenario);
        reference = await runReference(
          scenario,
          scenario.model(referenceFake.url),
          mode === "execute" ? "generate" : "stream",
          QUESTION,
        );
        fake = await startFake(scenario);
        run = await runSdk(runtime.create(), scenario, fake, mode, QUESTION);
      }, TIMEOUT);

      it("completes the tool loop", () => {
        expect(run?.result?.status, describeRun(run)).toBe("completed");
        expect(run?.result?.text).toBe(SCRIPT.answer);
        expect(fake.requests).toHaveLength(2);
      });

      it("sends the definition's providerOptions with every call", () => {
        expect(fake.requests.length, "requests").toBeGreaterThanOrEqual(1);
        for (const request of fake.requests) scenario.expectProviderOptions(request.body);
      });

      it("sends the provider's reasoning back in the second request", () => {
        expect(fake.issued.length, "the fake issued a tool call").toBeGreaterThanOrEqual(1);
        expect(fake.requests.length, "a second request was made").toBeGreaterThanOrEqual(2);
        scenario.expectReplay(fake.requests[1]?.body, fake.issued[0]);
      });

      it("keeps the reasoning parts and their providerOptions in result.messages", () => {
        const messages = run?.result?.messages ?? [];
        expect(messages[0]?.role, describeRun(run)).toBe("assistant");
        scenario.expectReasoningParts(messages[0], fake.issued[0]);
      });

      it("returns the same messages as the AI SDK's loop", () => {
        expect(comparableMessages(run?.result?.messages ?? [])).toEqual(
          comparableMessages(reference.messages),
        );
      });

      it("reports the provider's warnings in result.warnings and per step", () => {
        const result = run?.result;
        expect(scenarioWarnings(scenario, result?.warnings), "result.warnings").toHaveLength(2);
        expect(result?.steps).toHaveLength(2);
        for (const step of result?.steps ?? [])
          expect(scenarioWarnings(scenario, step.warnings), `steps[${step.index}].warnings`).toHaveLength(1);
        if (mode === "stream") {
          const stepEnds = run?.events.filter((event) => event.type === "step-end") ?? [];
          expect(stepEnds).toHaveLength(2);
          for (const event of stepEnds)
            expect(
              scenarioWarnings(scenario, event.warnings),
              `step-end ${event.step} warnings`,
            ).toHaveLength(1);
        }
      });

      if (mode === "stream" && scenario.reasoning)
        it("streams the reasoning as reasoning-delta events of step 0", () => {
          const deltas = (run?.events ?? []).filter((event) => event.type === "reasoning-delta");
          expect(deltas.length, "reasoning-delta events").toBeGreaterThanOrEqual(1);
          for (const event of deltas) expect(event).toMatchObject({ type: "reasoning-delta", step: 0 });
          for (const event of deltas) expect(typeof event.delta).toBe("string");
          expect(deltas.map((event) => event.delta).join("")).toBe(scenario.reasoningText);
          const order = (run?.events ?? []).map((event) => event.type);
          expect(order.indexOf("reasoning-delta")).toBeLessThan(order.indexOf("tool-call"));
        });
    });
  });

  describe.each(["execute", "stream"] as const)("%s, provider options on the model", (mode) => {
    describe.each(SCENARIOS.filter((scenario) => scenario.reasoning))("$name", (scenario) => {
      let fake: WireFake<any>;
      let run: SdkRun | undefined;

      beforeAll(async () => {
        fake = await startFake(scenario);
        run = await runSdk(runtime.create(), scenario, fake, mode, QUESTION, "model");
      }, TIMEOUT);

      it("completes the tool loop", () => {
        expect(run?.result?.status, describeRun(run)).toBe("completed");
        expect(run?.result?.text).toBe(SCRIPT.answer);
        for (const request of fake.requests) scenario.expectProviderOptions(request.body);
      });

      it("sends the provider's reasoning back in the second request", () => {
        expect(fake.requests.length, "a second request was made").toBeGreaterThanOrEqual(2);
        scenario.expectReplay(fake.requests[1]?.body, fake.issued[0]);
      });

      it("keeps the reasoning parts and their providerOptions in result.messages", () => {
        scenario.expectReasoningParts(run?.result?.messages[0], fake.issued[0]);
      });
    });
  });

  const other = RUNTIMES.find((candidate) => candidate.name !== runtime.name) ?? runtime;
  describe.each(SCENARIOS)(`conversation continued on the ${other.name} runtime: $name`, (scenario) => {
    let fake: WireFake<any>;
    let first: SdkRun | undefined;
    let second: SdkRun | undefined;

    beforeAll(async () => {
      fake = await startFake(scenario);
      first = await runSdk(runtime.create(), scenario, fake, "execute", QUESTION);
      second = await runSdk(other.create(), scenario, fake, "execute", [
        { role: "user", content: QUESTION },
        ...(first.result?.messages ?? []),
        { role: "user", content: FOLLOW_UP },
      ]);
    }, TIMEOUT);

    it(`completes on ${runtime.name}, then on ${other.name}`, () => {
      expect(first?.result?.status, `first run: ${describeRun(first)}`).toBe("completed");
      expect(second?.result?.status, `continued run: ${describeRun(second)}`).toBe("completed");
      expect(second?.result?.text).toBe(SCRIPT.answer);
      expect(fake.requests).toHaveLength(4);
    });

    it("sends the first run's reasoning again, and the new turn's", () => {
      expect(fake.requests.length, "the continued run reached the fake").toBeGreaterThanOrEqual(3);
      scenario.expectReplay(fake.requests[2]?.body, fake.issued[0]);
      expect(fake.requests.length, "the continued run made its second request").toBeGreaterThanOrEqual(4);
      scenario.expectReplay(fake.requests[3]?.body, fake.issued[0]);
      scenario.expectReplay(fake.requests[3]?.body, fake.issued[1]);
    });
  });
});
