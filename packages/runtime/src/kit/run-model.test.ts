import { describe, expect, it } from "vitest";
import { ModelError } from "../errors/model-error.js";
import { createScriptedModel } from "../testing/scripted-model.js";
import { createRunModel, retryAfterMs } from "./run-model.js";

const call = { prompt: [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }] };
const httpError = (statusCode: number, message = `HTTP ${statusCode}`) =>
  Object.assign(new Error(message), { statusCode });
const noWait = async () => {};

type Models = Parameters<typeof createRunModel>[0]["models"];
const createFallbackModel = (
  models: Models,
  options: Omit<Parameters<typeof createRunModel>[0], "models"> = {},
) => createRunModel({ models, ...options });

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
        retry: { maxRetries: 2, initialDelayMs: 100 },
        sleep: async (ms) => void delays.push(ms),
      });
      const result = await model.generate(call);
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
    const model = createFallbackModel([primary, fallback], { sleep: noWait });
    const { stream } = await model.stream(call);
    expect(stream).toBeInstanceOf(ReadableStream);
    expect(model.answeredBy?.modelId).toBe("a");
    expect(fallback.calls).toHaveLength(0);
  });

  for (const status of [400, 401, 403, 404]) {
    it(`fails fast on HTTP ${status} without trying the next model`, async () => {
      const primary = createScriptedModel({ turns: [{ error: httpError(status, "bad request") }] });
      const fallback = createScriptedModel({ turns: [{ text: "never" }] });
      const model = createFallbackModel([primary, fallback], { sleep: noWait });
      const failure = await Promise.resolve(model.generate(call)).catch((error: unknown) => error);
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
    const model = createFallbackModel([a, b], { retry: { maxRetries: 0 }, sleep: noWait });
    const failure = (await Promise.resolve(model.generate(call)).catch(
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
      retry: { maxDelayMs: 2_000 },
      sleep: async (ms) => void delays.push(ms),
    });
    await model.generate(call);
    expect(delays).toEqual([2_000]);
  });
});

describe("model fallback within a run", () => {
  it("stays on the model that answered for later calls", async () => {
    const primary = createScriptedModel({ modelId: "a", turns: [{ error: httpError(503) }] });
    const backup = createScriptedModel({ modelId: "b", turns: [{ text: "1" }, { text: "2" }] });
    const model = createFallbackModel([primary, backup], {
      retry: { maxRetries: 0 },
      sleep: noWait,
    });
    await model.generate(call);
    await model.generate(call);
    expect(primary.calls).toHaveLength(1);
    expect(backup.calls).toHaveLength(2);
  });
});

describe("retry-after", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  it("reads milliseconds, seconds and HTTP dates, case-insensitively", () => {
    expect(retryAfterMs({ "retry-after-ms": "250" }, now)).toBe(250);
    expect(retryAfterMs({ "Retry-After": "3" }, now)).toBe(3_000);
    expect(retryAfterMs({ "retry-after": "Tue, 01 Dec 2026 12:00:05 GMT" }, now)).toBe(5_000);
    expect(retryAfterMs({ "retry-after": "Tue, 01 Dec 2026 11:59:00 GMT" }, now)).toBe(0);
    expect(retryAfterMs({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it("waits until an HTTP-date retry-after, capped by maxDelayMs", async () => {
    const at = new Date(Date.now() + 4_000).toUTCString();
    const limited = Object.assign(httpError(429), { responseHeaders: { "retry-after": at } });
    const primary = createScriptedModel({ turns: [{ error: limited }, { text: "ok" }] });
    const delays: number[] = [];
    const model = createFallbackModel([primary], {
      retry: { maxDelayMs: 10_000, initialDelayMs: 1 },
      sleep: async (ms) => void delays.push(ms),
    });
    await model.generate(call);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(2_500);
    expect(delays[0]).toBeLessThanOrEqual(4_000);
  });
});

describe("timeouts and stream failures", () => {
  it("times a hanging call out as a retryable model error, then retries", async () => {
    const model = createFallbackModel(
      [createScriptedModel({ turns: [{ hang: "call" }, { text: "second" }] })],
      { timeouts: { modelCallMs: 20 }, retry: { maxRetries: 1, initialDelayMs: 1 } },
    );
    const result = await model.generate(call);
    expect(result.content).toEqual([{ type: "text", text: "second" }]);
    expect(model.attempts).toHaveLength(1);
    expect(model.attempts[0]!.error.message).toContain("timeouts.modelCallMs");
    expect((model.attempts[0]!.error as ModelError).retryable).toBe(true);
  });

  it("turns an error part into a stream error with a typed error, after telling the observer", async () => {
    const failure = httpError(500, "overloaded");
    const model = createFallbackModel(
      [createScriptedModel({ turns: [{ text: "partial", streamError: failure }] })],
      {
        retry: { maxRetries: 0 },
      },
    );
    const seen: string[] = [];
    const errors: unknown[] = [];
    const { stream } = await model.stream(call, {
      onPart: (part) => void seen.push(part.type),
      onError: (error) => void errors.push(error),
    });
    const reader = stream.getReader();
    const failed = await (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return undefined;
      }
    })().catch((error: unknown) => error);
    expect(ModelError.isInstance(failed)).toBe(true);
    expect(errors).toEqual([failed]);
    expect(seen).toContain("text-delta");
    expect(seen).not.toContain("error");
  });

  it("lets an observer drop and replace parts", async () => {
    const model = createFallbackModel([createScriptedModel({ turns: [{ text: ["a", "b"] }] })]);
    const { stream } = await model.stream(call, {
      onPart: (part) =>
        part.type === "text-delta" ? (part.delta === "a" ? null : { ...part, delta: "B" }) : undefined,
    });
    const deltas: string[] = [];
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.type === "text-delta") deltas.push(value.delta);
    }
    expect(deltas).toEqual(["B"]);
  });

  it("fails a stream that ends without a finish part", async () => {
    const model = createFallbackModel([createScriptedModel({ turns: [{ text: "cut", omitFinish: true }] })], {
      retry: { maxRetries: 0 },
    });
    const { stream } = await model.stream(call);
    const reader = stream.getReader();
    const failed = await (async () => {
      for (;;) if ((await reader.read()).done) return undefined;
    })().catch((error: unknown) => error);
    expect((failed as Error).message).toContain("no finish part");
  });
});
