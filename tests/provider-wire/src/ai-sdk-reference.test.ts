// The reference: the AI SDK's own tool loop (`generateText`, `streamText`) with the real provider
// packages against the fakes. It must pass, which shows the fakes speak the wire formats the
// packages parse and accept what the packages send; and the fakes must reject a continuation that
// lost the provider's reasoning, which shows the runtime tests can fail.
import { APICallError, type ModelMessage } from "ai";
import { afterAll, describe, expect, it } from "vitest";
import { type FakeServer, SCRIPT } from "./fake-servers/index.js";
import { runReference } from "./reference-loop.js";
import { isScenarioWarning, SCENARIOS, type WireFake, type WireScenario } from "./scenarios.js";

const TIMEOUT = 20_000;
const QUESTION = "Weather in Paris?";
const FOLLOW_UP = "And tomorrow?";

const servers: FakeServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function startFake(scenario: WireScenario<any>): Promise<WireFake<any>> {
  const fake = await scenario.start();
  servers.push(fake);
  return fake;
}

/** Removes every `providerOptions` from the messages, as a host or runtime that drops them would. */
function withoutProviderOptions(messages: readonly ModelMessage[]): ModelMessage[] {
  return messages.map((message) =>
    Array.isArray(message.content)
      ? ({
          ...message,
          content: message.content.map(({ providerOptions: _dropped, ...part }: any) => part),
        } as ModelMessage)
      : message,
  );
}

/** Runs one tool turn, then continues it with every `providerOptions` removed from the messages. */
async function continueWithoutProviderOptions(scenario: WireScenario<any>) {
  const fake = await startFake(scenario);
  const model = scenario.model(fake.url);
  const first = await runReference(scenario, model, "generate", QUESTION);
  return runReference(scenario, model, "generate", [
    { role: "user", content: QUESTION },
    ...withoutProviderOptions(first.messages.slice(0, 2)),
  ]);
}

describe.each(SCENARIOS)("AI SDK reference: $name", (scenario) => {
  describe.each(["generate", "stream"] as const)("%sText", (mode) => {
    it(
      "completes the tool loop, replaying what the provider issued",
      async () => {
        const fake = await startFake(scenario);
        const run = await runReference(scenario, scenario.model(fake.url), mode, QUESTION);

        expect(run.text).toBe(SCRIPT.answer);
        expect(fake.requests).toHaveLength(2);
        expect(fake.issued).toHaveLength(1);
        for (const request of fake.requests) scenario.expectProviderOptions(request.body);
        scenario.expectReplay(fake.requests[1]?.body, fake.issued[0]);
        expect(run.messages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
        scenario.expectReasoningParts(run.messages[0], fake.issued[0]);
        expect(run.stepWarnings).toHaveLength(2);
        for (const warnings of run.stepWarnings)
          expect(warnings.filter((warning) => isScenarioWarning(scenario, warning))).toHaveLength(1);
        expect(run.warnings.filter((warning) => isScenarioWarning(scenario, warning))).toHaveLength(2);
        if (mode === "stream" && scenario.reasoning)
          expect(run.reasoningDeltas.join("")).toBe(scenario.reasoningText);
      },
      TIMEOUT,
    );

    it(
      "continues the conversation with the response messages",
      async () => {
        const fake = await startFake(scenario);
        const model = scenario.model(fake.url);
        const first = await runReference(scenario, model, mode, QUESTION);
        const second = await runReference(scenario, model, mode, [
          { role: "user", content: QUESTION },
          ...first.messages,
          { role: "user", content: FOLLOW_UP },
        ]);

        expect(second.text).toBe(SCRIPT.answer);
        expect(fake.requests).toHaveLength(4);
        expect(fake.issued).toHaveLength(2);
        scenario.expectReplay(fake.requests[2]?.body, fake.issued[0]);
        scenario.expectReplay(fake.requests[3]?.body, fake.issued[0]);
        scenario.expectReplay(fake.requests[3]?.body, fake.issued[1]);
      },
      TIMEOUT,
    );
  });

  it(
    "the fake rejects the continuing request once the issued reasoning is taken out",
    async () => {
      const fake = await startFake(scenario);
      await runReference(scenario, scenario.model(fake.url), "generate", QUESTION);
      const continuing = fake.requests[1];
      expect(continuing).toBeDefined();
      if (continuing === undefined) return;
      const send = (body: unknown) =>
        fetch(`${fake.url}${continuing.path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });

      const rejected = await send(scenario.stripReplay(continuing.body));
      expect(rejected.status).toBe(400);
      expect(JSON.stringify(await rejected.json())).toMatch(scenario.rejection);
      const accepted = await send(continuing.body);
      expect(accepted.status).toBe(200);
    },
    TIMEOUT,
  );

  if (scenario.reasoning)
    it(
      "the AI SDK's own loop fails with a 400 when the messages lose their providerOptions",
      async () => {
        const failure = await continueWithoutProviderOptions(scenario).then(
          () => undefined,
          (error: unknown) => error,
        );

        expect(APICallError.isInstance(failure), String(failure)).toBe(true);
        if (!APICallError.isInstance(failure)) return;
        expect(failure.statusCode).toBe(400);
        expect(failure.responseBody).toMatch(scenario.rejection);
      },
      TIMEOUT,
    );
  else
    it(
      "without reasoning, the loop does not depend on providerOptions (baseline)",
      async () => {
        const run = await continueWithoutProviderOptions(scenario);
        expect(run.text).toBe(SCRIPT.answer);
      },
      TIMEOUT,
    );
});
