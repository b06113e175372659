import { afterEach, describe, expect, it } from "vitest";
import { ModelError } from "../errors/model-error.js";
import { redactSecrets } from "./redact-secrets.js";
import { toModelError } from "./to-model-error.js";

describe("secrets never reach error messages", () => {
  afterEach(() => {
    delete process.env.ACME_API_KEY;
  });

  it("redacts key-shaped strings and secret environment values", () => {
    process.env.ACME_API_KEY = "acme-secret-value-123";
    const text = redactSecrets(
      "key sk-abcdefghijklmnop, env acme-secret-value-123, header Bearer abcdefghijklmnopqrstuv",
    );
    expect(text).not.toContain("sk-abcdefghijklmnop");
    expect(text).not.toContain("acme-secret-value-123");
    expect(text).not.toContain("abcdefghijklmnopqrstuv");
    expect(text).toContain("Bearer [redacted]");
  });

  it("classifies model failures as retryable or not, without leaking the key", () => {
    const model = { provider: "openai", modelId: "gpt-4o" };
    const unauthorized = toModelError(
      Object.assign(new Error("Incorrect API key provided: sk-live-1234567890abcdef"), { statusCode: 401 }),
      model,
    );
    expect(ModelError.isInstance(unauthorized)).toBe(true);
    expect((unauthorized as ModelError).retryable).toBe(false);
    expect(unauthorized.message).not.toContain("sk-live-1234567890abcdef");
    expect(
      (toModelError(Object.assign(new Error("busy"), { statusCode: 429 }), model) as ModelError).retryable,
    ).toBe(true);
    expect(
      (toModelError(Object.assign(new Error("oops"), { statusCode: 503 }), model) as ModelError).retryable,
    ).toBe(true);
    const network = new TypeError("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "ECONNRESET" }),
    });
    expect((toModelError(network, model) as ModelError).retryable).toBe(true);
  });
});
