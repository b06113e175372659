import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { ModelError } from "../errors/model-error.js";
import { ToolExecutionError } from "../errors/tool-execution-error.js";
import { toModelError } from "../kit/to-model-error.js";
import { redactSecrets, redactValue } from "./redact-secrets.js";

describe("secrets never leave the SDK", () => {
  afterEach(() => {
    delete process.env.ACME_API_KEY;
  });

  it("redacts key-shaped strings and secret environment values", () => {
    process.env.ACME_API_KEY = "acme-secret-value-123";
    const text = redactSecrets(
      "key sk-abcdefghijklmnop, env acme-secret-value-123, header Bearer abcdefghijklmnopqrstuv, url https://x.test/?key=AIzaSyA1234567890abcdefghijkl&alt=sse, x-api-key: abcdefgh12345678",
    );
    for (const secret of [
      "sk-abcdefghijklmnop",
      "acme-secret-value-123",
      "abcdefghijklmnopqrstuv",
      "AIzaSyA1234567890abcdefghijkl",
      "abcdefgh12345678",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("Bearer [redacted]");
    expect(text).toContain("?key=[redacted]&alt=sse");
    expect(redactSecrets("Basic information about the weather")).toBe("Basic information about the weather");
  });

  it("redacts passwords in URLs and connection strings, keeping user and host", () => {
    expect(redactSecrets("connect to postgres://app:s3cr3t-pw@db.internal:5432/prod failed")).toBe(
      "connect to postgres://app:[redacted]@db.internal:5432/prod failed",
    );
    expect(redactSecrets("mysql://root:p@ss@host/db")).not.toContain("p@ss");
    expect(redactSecrets("libsql://my-db.turso.io?authToken=eyJhbGciOi.abc")).toBe(
      "libsql://my-db.turso.io?authToken=[redacted]",
    );
    expect(redactSecrets("postgres://postgres@127.0.0.1:5432/test")).toBe(
      "postgres://postgres@127.0.0.1:5432/test",
    );
    expect(redactSecrets("see https://example.com/a:b")).toBe("see https://example.com/a:b");
  });

  it("copies a cause chain with every string redacted, keeping prototypes and markers", () => {
    const marker = Symbol.for("vercel.ai.error.AI_APICallError");
    class ApiError extends Error {
      readonly [marker] = true;
      constructor(
        message: string,
        readonly url: string,
        readonly responseHeaders: Record<string, string>,
      ) {
        super(message);
      }
    }
    const original = new ApiError(
      "bad key sk-live-1234567890abcdef",
      "https://x.test/?key=AIzaSyA1234567890abcdefghijkl",
      {
        authorization: "Bearer abcdefghijklmnopqrstuv",
      },
    );
    const cyclic = Object.assign(new Error("outer", { cause: original }), { self: undefined as unknown });
    cyclic.self = cyclic;
    const copy = redactValue(cyclic);
    const printed = inspect(copy, { depth: 10 });
    expect(printed).not.toContain("sk-live-1234567890abcdef");
    expect(printed).not.toContain("AIzaSyA1234567890abcdefghijkl");
    expect(printed).not.toContain("abcdefghijklmnopqrstuv");
    expect(copy.self).toBe(copy);
    const cause = copy.cause as ApiError;
    expect(cause).toBeInstanceOf(ApiError);
    expect(cause[marker]).toBe(true);
    expect(cause.message).toBe("bad key [redacted]");
    // The original is untouched.
    expect(original.message).toContain("sk-live-1234567890abcdef");
  });

  it("redacts SDK error messages and causes at construction", () => {
    const error = new ToolExecutionError({
      toolName: "t",
      toolCallId: "c",
      cause: new Error("token sk-live-1234567890abcdef"),
    });
    expect(error.message).not.toContain("sk-live");
    expect(inspect(error, { depth: 5 })).not.toContain("sk-live-1234567890abcdef");
    expect(JSON.stringify(error)).not.toContain("sk-live");
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
    const cut = toModelError(
      Object.assign(new TypeError("terminated"), {
        statusCode: 200,
        cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
      }),
      model,
    ) as ModelError;
    expect(cut.retryable).toBe(true);
    expect(cut.statusCode).toBeUndefined();
    expect(cut.message).toBe(
      "Model openai/gpt-4o failed: the connection broke or timed out: terminated: other side closed",
    );
  });
});
