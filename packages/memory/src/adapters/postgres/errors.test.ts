import { inspect } from "node:util";
import { NotFoundError, StorageError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { isConnectionError, isRetryable, scrubText, secretsOf, toStorageError } from "./errors.js";

const pgError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: "ERROR" });

describe("toStorageError", () => {
  it.each([
    ["23505", "duplicate key value violates unique constraint", /unique constraint violated/],
    ["40001", "could not serialize access", /can be retried/],
    ["57P01", "terminating connection due to administrator command", /administrator shutdown/],
    ["ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432", /is the Postgres server running/],
  ])("maps %s with backendCode and cause", (code, message, hint) => {
    const original = pgError(code, message);
    const error = toStorageError("appendMessages", original) as StorageError;
    expect(StorageError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ adapter: "postgres", operation: "appendMessages", backendCode: code });
    expect(error.message).toContain(message);
    expect(error.message).toMatch(hint);
    expect((error.cause as Error).message).toBe(message);
  });

  it("takes the code of an AggregateError's first error (dual-stack connect)", () => {
    const aggregate = new AggregateError([pgError("ECONNREFUSED", "connect ECONNREFUSED ::1:5432")], "");
    expect((toStorageError("init", aggregate) as StorageError).backendCode).toBe("ECONNREFUSED");
  });

  it("passes SDK errors through unchanged", () => {
    const notFound = new NotFoundError({ kind: "thread", id: "t" });
    expect(toStorageError("getThread", notFound)).toBe(notFound);
  });

  it("scrubs secrets from the message and the whole cause chain", () => {
    const url = "postgres://app:hunter2-long@db.internal:5432/prod";
    const inner = Object.assign(new TypeError(`Invalid URL: ${url}`), { input: url });
    const outer = new Error("connect failed", { cause: inner });
    const error = toStorageError("init", outer, secretsOf(url));
    const printed = `${error.message}\n${inspect(error, { depth: 20 })}`;
    expect(printed).not.toContain("hunter2-long");
    expect(printed).toContain("[redacted]");
  });
});

describe("connection classification", () => {
  it("keeps connections after SQL errors, drops them after connection errors", () => {
    expect(isConnectionError(pgError("23505", "dup"))).toBe(false);
    expect(isConnectionError(pgError("0A000", "no extension"))).toBe(false);
    expect(isConnectionError(pgError("57P01", "shutdown"))).toBe(true);
    expect(isConnectionError(pgError("08006", "connection failure"))).toBe(true);
    expect(isConnectionError(pgError("ECONNRESET", "reset"))).toBe(true);
    expect(isConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionError(new NotFoundError({ kind: "thread", id: "t" }))).toBe(false);
  });

  it("retries only serialization failures and deadlocks", () => {
    expect(isRetryable(pgError("40001", ""))).toBe(true);
    expect(isRetryable(pgError("40P01", ""))).toBe(true);
    expect(isRetryable(pgError("23505", ""))).toBe(false);
  });
});

describe("secrets", () => {
  it("finds the password of URL and key=value connection strings", () => {
    expect(secretsOf("postgres://u:p%40ss%2Fword@h/db")).toEqual(
      expect.arrayContaining(["p%40ss%2Fword", "p@ss/word"]),
    );
    expect(secretsOf("postgres://h/db?password=fromquery")).toContain("fromquery");
    expect(secretsOf("host=h user=u password='kv secret' dbname=d")).toContain("kv secret");
    expect(secretsOf("postgres://u@h/db")).toEqual(["postgres://u@h/db"]);
    expect(secretsOf(undefined)).toEqual([]);
  });

  it("redacts URL credentials in any text, keeping the user name", () => {
    expect(scrubText("at postgres://app:s3cret@db:5432/x and redis://:tok@r", [])).toBe(
      "at postgres://app:[redacted]@db:5432/x and redis://:[redacted]@r",
    );
    expect(scrubText("postgres://app@db/x", [])).toBe("postgres://app@db/x");
  });
});
