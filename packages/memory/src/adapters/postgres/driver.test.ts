import { NotFoundError, StorageError } from "@flowmaestro/runtime";
import { describe, expect, it, vi } from "vitest";
import { Driver, importPg, type PostgresPool, type PostgresPoolClient } from "./driver.js";

/** A scripted pool: `respond` decides each statement's outcome; releases are recorded. */
function fakePool(respond: (text: string, call: number) => unknown) {
  const log: string[] = [];
  const releases: Array<Error | boolean | undefined> = [];
  let calls = 0;
  const client: PostgresPoolClient = {
    async query(text) {
      log.push(text);
      const outcome = respond(text, calls++);
      if (outcome instanceof Error) throw outcome;
      return { rows: (outcome as unknown[]) ?? [], rowCount: 0 };
    },
    release(error) {
      releases.push(error);
    },
  };
  const pool: PostgresPool = { query: client.query, connect: async () => client };
  return { pool, log, releases };
}

const sqlError = (code: string) => Object.assign(new Error(`error ${code}`), { code });

describe("Driver", () => {
  it("returns a connection intact after a SQL error", async () => {
    const { pool, releases } = fakePool(() => sqlError("23505"));
    const driver = new Driver(async () => pool, []);
    const error = await driver.query("createThread", "INSERT").catch((caught: unknown) => caught);
    expect(StorageError.isInstance(error) && error.backendCode).toBe("23505");
    expect(releases).toEqual([undefined]);
  });

  it("destroys a connection after a connection error", async () => {
    const { pool, releases } = fakePool(() => sqlError("57P01"));
    const driver = new Driver(async () => pool, []);
    await expect(driver.query("getThread", "SELECT")).rejects.toMatchObject({ backendCode: "57P01" });
    expect(releases).toHaveLength(1);
    expect(releases[0]).toBeInstanceOf(Error);
  });

  it("retries a transaction after a serialization failure, then commits", async () => {
    let failures = 0;
    const { pool, log, releases } = fakePool((text) => {
      if (text === "COMMIT" && failures++ === 0) return sqlError("40001");
      return [];
    });
    const driver = new Driver(async () => pool, []);
    const body = vi.fn(async (tx: { query: (text: string) => Promise<unknown> }) => {
      await tx.query("UPDATE");
      return "done";
    });
    expect(await driver.transaction("appendMessages", body)).toBe("done");
    expect(body).toHaveBeenCalledTimes(2);
    expect(log).toEqual(["BEGIN", "UPDATE", "COMMIT", "ROLLBACK", "BEGIN", "UPDATE", "COMMIT"]);
    expect(releases).toEqual([undefined, undefined]);
  });

  it("rolls back and passes SDK errors from the body through", async () => {
    const { pool, log } = fakePool(() => []);
    const driver = new Driver(async () => pool, []);
    const notFound = new NotFoundError({ kind: "thread", id: "t" });
    await expect(
      driver.transaction("appendMessages", async () => {
        throw notFound;
      }),
    ).rejects.toBe(notFound);
    expect(log).toEqual(["BEGIN", "ROLLBACK"]);
  });

  it("maps a failure to check out a connection", async () => {
    const pool: PostgresPool = {
      query: async () => ({ rows: [], rowCount: 0 }),
      connect: async () => {
        throw Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:5432"), { code: "ECONNREFUSED" });
      },
    };
    const driver = new Driver(async () => pool, []);
    await expect(driver.query("init", "SELECT 1")).rejects.toMatchObject({
      code: "STORAGE_ERROR",
      operation: "init",
      backendCode: "ECONNREFUSED",
    });
  });
});

describe("importPg", () => {
  it("reports a missing pg as PROVIDER_NOT_INSTALLED", async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg'"), { code: "ERR_MODULE_NOT_FOUND" });
    const error = await importPg(() => Promise.reject(missing)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "PROVIDER_NOT_INSTALLED",
      provider: "Postgres storage",
      packageName: "pg",
    });
    expect((error as Error).message).toContain("npm install pg");
  });

  it("finds Pool on the CommonJS default export", async () => {
    const { Pool } = await importPg(() => import("pg"));
    expect(typeof Pool).toBe("function");
  });
});
