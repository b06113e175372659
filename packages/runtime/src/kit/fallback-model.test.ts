import { describe, expect, it } from "vitest";
import { ModelError } from "../errors/model-error.js";
import { createProviderRegistry } from "../models/provider-registry.js";
import { createScriptedModel } from "../testing/scripted-model.js";
import { createFallbackModel } from "./fallback-model.js";

const providers = createProviderRegistry();
const call = { prompt: [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }] };
const httpError = (statusCode: number, message = `HTTP ${statusCode}`) =>
  Object.assign(new Error(message), { statusCode });
const noWait = async () => {};

describe("model fallback", () => {
  const retryable: Array<[string, unknown]> = [
    ["429", httpError(429)],
    ["500", httpError(500)],
    ["503", httpError(503)],
    ["timeout", Object.assign(new Error("The operation timed out"), { name: "TimeoutError" })],
    [
      "network",
      new TypeError("fetch failed", { cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) }),
    ],
  ];
  for (const [label, error] of retryable) {
    it(`retries a ${label} failure, then falls back to the next model`, async () => {
      const primary = createScriptedModel({
        provider: "p1",
        modelId: "a",
        turns: [{ error }, { error }, { error }],
      });
      const fallback = createScriptedModel({ provider: "p2", modelId: "b", turns: [{ text: "from b" }] });
      const delays: number[] = [];
      const model = createFallbackModel([primary, fallback], {
        providers,
        retry: { maxRetries: 2, initialDelayMs: 100 },
        sleep: async (ms) => void delays.push(ms),
      });
      const result = await model.doGenerate(call);
      expect(result.content).toEqual([{ type: "text", text: "from b" }]);
      expect(primary.calls).toHaveLength(3);
      expect(delays).toHaveLength(2);
      expect(delays[1]).toBeGreaterThanOrEqual(100); // backoff grows: second delay is from 200 ms ± jitter
      expect(model.answeredBy).toEqual({ provider: "p2", modelId: "b" });
      expect(model.attempts.map((attempt) => attempt.model.modelId)).toEqual(["a", "a", "a"]);
    });
  }

  it("succeeds on a retry without falling back", async () => {
    const primary = createScriptedModel({
      provider: "p1",
      modelId: "a",
      turns: [{ error: httpError(429) }, { text: "ok" }],
    });
    const fallback = createScriptedModel({ provider: "p2", modelId: "b", turns: [] });
    const model = createFallbackModel([primary, fallback], { providers, sleep: noWait });
    const { stream } = await model.doStream(call);
    expect(stream).toBeInstanceOf(ReadableStream);
    expect(model.answeredBy?.modelId).toBe("a");
    expect(fallback.calls).toHaveLength(0);
  });

  for (const status of [400, 401, 403, 404]) {
    it(`fails fast on HTTP ${status} without trying the next model`, async () => {
      const primary = createScriptedModel({ turns: [{ error: httpError(status, "bad request") }] });
      const fallback = createScriptedModel({ turns: [{ text: "never" }] });
      const model = createFallbackModel([primary, fallback], { providers, sleep: noWait });
      const failure = await Promise.resolve(model.doGenerate(call)).catch((error: unknown) => error);
      expect(ModelError.isInstance(failure)).toBe(true);
      expect((failure as ModelError).statusCode).toBe(status);
      expect((failure as ModelError).retryable).toBe(false);
      expect(primary.calls).toHaveLength(1);
      expect(fallback.calls).toHaveLength(0);
    });
  }

  it("reports every model tried when all of them fail", async () => {
    const a = createScriptedModel({ modelId: "a", turns: [{ error: httpError(503) }] });
    const b = createScriptedModel({ modelId: "b", turns: [{ error: httpError(502) }] });
    const model = createFallbackModel([a, b], { providers, retry: { maxRetries: 0 }, sleep: noWait });
    const failure = (await Promise.resolve(model.doGenerate(call)).catch(
      (error: unknown) => error,
    )) as ModelError;
    expect(failure.code).toBe("MODEL_ERROR");
    expect(failure.message).toMatch(/All models failed after 2 attempt\(s\) \(scripted\/a, scripted\/b\)/);
  });

  it("honours retry-after, capped by maxDelayMs", async () => {
    const limited = Object.assign(httpError(429), { responseHeaders: { "retry-after": "120" } });
    const primary = createScriptedModel({ turns: [{ error: limited }, { text: "ok" }] });
    const delays: number[] = [];
    const model = createFallbackModel([primary], {
      providers,
      retry: { maxDelayMs: 2_000 },
      sleep: async (ms) => void delays.push(ms),
    });
    await model.doGenerate(call);
    expect(delays).toEqual([2_000]);
  });

  it("resolves fallback model strings only when needed", async () => {
    const registry = createProviderRegistry();
    let resolved = 0;
    registry.register("lazy", () => {
      resolved++;
      return createScriptedModel({ turns: [{ text: "lazy" }] });
    });
    const primary = createScriptedModel({ turns: [{ text: "primary" }] });
    const model = createFallbackModel([primary, "lazy/x"], { providers: registry, sleep: noWait });
    await model.doGenerate(call);
    expect(resolved).toBe(0);
  });
});

describe("model fallback within a run", () => {
  it("stays on the model that answered for later calls", async () => {
    const primary = createScriptedModel({ modelId: "a", turns: [{ error: httpError(503) }] });
    const backup = createScriptedModel({ modelId: "b", turns: [{ text: "1" }, { text: "2" }] });
    const model = createFallbackModel([primary, backup], {
      providers,
      retry: { maxRetries: 0 },
      sleep: noWait,
    });
    await model.doGenerate(call);
    await model.doGenerate(call);
    expect(primary.calls).toHaveLength(1);
    expect(backup.calls).toHaveLength(2);
  });
});
