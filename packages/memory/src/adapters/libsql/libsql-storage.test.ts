import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { inspect } from "node:util";
import type { StorageError } from "@flowmaestro/runtime";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toStorageError } from "./errors.js";
import { createLibsqlStorage, DEFAULT_LIBSQL_URL, type LibsqlStorage } from "./index.js";
import { listMessagesStatement } from "./libsql-storage.js";
import { tableNames } from "./tables.js";
import { expectCode, fileUrl, tempDir } from "./test-utils.js";

const user = (content: string) => ({ message: { role: "user" as const, content } });

// A generous time budget for busy CI machines; nothing asserts on time.
describe("libSQL storage", { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const adapters: LibsqlStorage[] = [];
  const adapter = (options?: Parameters<typeof createLibsqlStorage>[0]) => {
    const created = createLibsqlStorage(options);
    adapters.push(created);
    return created;
  };

  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const created of adapters.splice(0)) await created.close();
    await dir.remove();
  });

  describe("options", () => {
    it("validates options when the adapter is created", () => {
      expect(() => createLibsqlStorage({ tablePrefix: "Bad-Prefix" })).toThrow(/tablePrefix/);
      expect(() => createLibsqlStorage({ tablePrefix: "1x" })).toThrow(/tablePrefix/);
      expect(() => createLibsqlStorage({ tablePrefix: "" })).toThrow(/tablePrefix/);
      expect(() => createLibsqlStorage({ busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs/);
      expect(() => createLibsqlStorage({ url: "" })).toThrow(/url/);
      const client = createClient({ url: ":memory:" });
      expect(() => createLibsqlStorage({ client, url: ":memory:" })).toThrow(/not both/);
      client.close();
      try {
        createLibsqlStorage({ tablePrefix: "X" });
      } catch (error) {
        expect((error as { code?: string }).code).toBe("INVALID_DEFINITION");
      }
      expect(createLibsqlStorage({ tablePrefix: "_my_app_2_" }).name).toBe("libsql");
    });

    it("opens nothing until first use, then creates the file's parent directories", async () => {
      const path = join(dir.path, "a", "b", "agent.db");
      const storage = adapter({ url: `file:${path}` });
      expect(existsSync(join(dir.path, "a"))).toBe(false);
      await storage.createThread({ resourceId: "r", id: "t" });
      expect(existsSync(path)).toBe(true);
      const client = await storage.getClient();
      expect((await client.execute("PRAGMA journal_mode")).rows[0]?.journal_mode).toBe("wal");
      expect(Number((await client.execute("PRAGMA busy_timeout")).rows[0]?.timeout)).toBe(5000);
    });

    it("uses ./.flowmaestro/agent.db under the working directory by default", async () => {
      expect(DEFAULT_LIBSQL_URL).toBe("file:./.flowmaestro/agent.db");
      const previous = process.cwd();
      process.chdir(dir.path);
      try {
        const storage = adapter();
        await storage.init();
        await storage.createThread({ resourceId: "r", id: "default" });
        await storage.close();
        expect(existsSync(join(dir.path, ".flowmaestro", "agent.db"))).toBe(true);
        const again = adapter();
        expect(await again.getThread({ resourceId: "r", threadId: "default" })).toBeDefined();
      } finally {
        process.chdir(previous);
      }
    });

    it("commits with synchronous=NORMAL by default (kill-safe with WAL) and FULL on request, after init too", async () => {
      const normal = adapter({ url: fileUrl(join(dir.path, "normal")) });
      await normal.init();
      await normal.createThread({ resourceId: "r", id: "t" });
      const client = await normal.getClient();
      // 1 = NORMAL, 2 = FULL; the pragma is per connection, so it must hold after migrations and writes.
      expect(Number((await client.execute("PRAGMA synchronous")).rows[0]?.synchronous)).toBe(1);
      const full = adapter({ url: fileUrl(join(dir.path, "full")), synchronous: "full" });
      await full.init();
      const fullClient = await full.getClient();
      expect(Number((await fullClient.execute("PRAGMA synchronous")).rows[0]?.synchronous)).toBe(2);
      expect(() => adapter({ synchronous: "off" as never })).toThrow(/synchronous/);
    });

    it("applies busyTimeoutMs to the client it opens", async () => {
      const storage = adapter({ url: fileUrl(dir.path), busyTimeoutMs: 1234 });
      const client = await storage.getClient();
      expect(Number((await client.execute("PRAGMA busy_timeout")).rows[0]?.timeout)).toBe(1234);
    });
  });

  describe("clients", () => {
    it("never closes a client the host passed in", async () => {
      const client = createClient({ url: ":memory:" });
      const storage = createLibsqlStorage({ client, tablePrefix: "host_" });
      await storage.createThread({ resourceId: "r", id: "t" });
      expect(await storage.getClient()).toBe(client);
      await storage.close();
      expect(client.closed).toBe(false);
      const rows = await client.execute("SELECT COUNT(*) AS n FROM host_threads");
      expect(Number(rows.rows[0]?.n)).toBe(1);
      client.close();
    });

    it("works with a host client that reads integers as bigint or string", async () => {
      for (const intMode of ["bigint", "string"] as const) {
        const client = createClient({ url: ":memory:", intMode });
        const storage = createLibsqlStorage({ client });
        await storage.createThread({ resourceId: "r", id: "t" });
        const [stored] = await storage.appendMessages({
          resourceId: "r",
          threadId: "t",
          messages: [user("hi")],
        });
        const [listed] = await storage.listMessages({ resourceId: "r", threadId: "t" });
        expect(listed?.position).toBe(stored?.position);
        expect(typeof listed?.position).toBe("number");
        expect(await storage.countMessages({ resourceId: "r", threadId: "t" })).toBe(1);
        expect(await storage.schemaVersion()).toBeTypeOf("number");
        await storage.vectors.createIndex({ indexName: "v", dimension: 2 });
        expect(await storage.vectors.describeIndex({ indexName: "v" })).toEqual({ dimension: 2, count: 0 });
        client.close();
      }
    });

    it("closes its own client, and fails clearly when used after close", async () => {
      const storage = createLibsqlStorage({ url: ":memory:" });
      const client = await storage.getClient();
      await storage.init();
      await storage.close();
      expect(client.closed).toBe(true);
      await storage.close();
      const error = await expectCode<StorageError>(
        storage.getThread({ resourceId: "r", threadId: "t" }),
        "STORAGE_ERROR",
      );
      expect(error.backendCode).toBe("CLIENT_CLOSED");
      expect(error.message).toMatch(/closed/);
    });
  });

  describe("errors", () => {
    it("never puts the auth token in an error, its cause chain or its JSON", async () => {
      const token = "eyJhbGciOi.turso-secret-token.abcdef123456";
      // A loopback port nobody listens on: the connection is refused, no network is used.
      const port = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
          const { port: free } = server.address() as { port: number };
          server.close(() => resolve(free));
        });
      });
      const storage = adapter({ url: `http://127.0.0.1:${port}`, authToken: token });
      const error = await expectCode<StorageError>(storage.init(), "STORAGE_ERROR");
      for (const view of [
        error.message,
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        String(error.stack),
      ]) {
        expect(view).not.toContain(token);
      }
      // The token in the URL is scrubbed too.
      const inUrl = adapter({ url: `libsql://127.0.0.1:${port}?tls=0&authToken=${token}` });
      const urlError = await expectCode<StorageError>(inUrl.init(), "STORAGE_ERROR");
      expect(inspect(urlError, { depth: 10 })).not.toContain(token);
    });

    it("scrubs secrets from a backend error's message, stack and nested causes", () => {
      const secret = "my-turso-token-0123456789";
      const nested = new Error(`inner ${secret}`);
      const backend = Object.assign(
        new Error(`SQLITE_AUTH: bad token ${secret} at libsql://h?authToken=${secret}`, { cause: nested }),
        {
          code: "SQLITE_AUTH",
          extendedCode: "SQLITE_AUTH_USER",
        },
      );
      const error = toStorageError("appendMessages", backend, {
        secrets: [secret],
        busyTimeoutMs: 5000,
      }) as StorageError;
      expect(error.backendCode).toBe("SQLITE_AUTH_USER");
      expect(error.operation).toBe("appendMessages");
      expect(error.message).toContain("bad token [redacted]");
      expect(error.message).not.toMatch(
        /Storage \(libsql\) failed in appendMessages \[SQLITE_AUTH_USER\]: SQLITE_AUTH:/,
      );
      expect(inspect(error, { depth: 10 })).not.toContain(secret);
      expect((error.cause as Error & { code: string }).code).toBe("SQLITE_AUTH");
    });

    // Also the regression test for the workaround of tursodatabase/libsql-client-ts#352: after a
    // busy failure the pooled connection could never COMMIT again, so the adapter replaces it.
    it("translates SQLITE_BUSY into a StorageError with the code, a hint and the cause", async () => {
      const url = fileUrl(dir.path);
      const storage = adapter({ url, busyTimeoutMs: 20 });
      await storage.createThread({ resourceId: "r", id: "busy" });
      // Another connection holds the write lock (as another process would).
      const holder = createClient({ url });
      const transaction = await holder.transaction("write");
      await transaction.execute("UPDATE fm_threads SET title = 'locked'");
      try {
        const error = await expectCode<StorageError>(
          storage.appendMessages({ resourceId: "r", threadId: "busy", messages: [user("hi")] }),
          "STORAGE_ERROR",
        );
        expect(error.backendCode).toMatch(/^SQLITE_BUSY/);
        expect(error.adapter).toBe("libsql");
        expect(error.message).toContain("busyTimeoutMs");
        expect((error.cause as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
      } finally {
        await transaction.rollback();
        holder.close();
      }
      // Nothing half-written, and the store works once the lock is gone.
      expect(await storage.countMessages({ resourceId: "r", threadId: "busy" })).toBe(0);
      await storage.appendMessages({ resourceId: "r", threadId: "busy", messages: [user("hi")] });
    });

    it("reports a duplicate thread as THREAD_EXISTS", async () => {
      const storage = adapter({ url: ":memory:" });
      await storage.createThread({ resourceId: "r", id: "t" });
      const error = await expectCode<StorageError>(
        storage.createThread({ resourceId: "r", id: "t" }),
        "STORAGE_ERROR",
      );
      expect(error.backendCode).toBe("THREAD_EXISTS");
      await storage.createThread({ resourceId: "other", id: "t" });
    });
  });

  describe("messages", () => {
    it("replaces a known id in place, keeping its position, and stores runId and step", async () => {
      const storage = adapter({ url: ":memory:" });
      await storage.createThread({ resourceId: "r", id: "t" });
      await storage.appendMessages({
        resourceId: "r",
        threadId: "t",
        messages: [
          { id: "a", ...user("one"), runId: "run-1", step: 0 },
          { id: "b", ...user("two") },
        ],
      });
      const [replaced, added] = await storage.appendMessages({
        resourceId: "r",
        threadId: "t",
        messages: [
          { id: "a", ...user("one, edited"), runId: "run-2", step: 3 },
          { id: "c", ...user("three") },
        ],
      });
      // The replaced message keeps its position; the new one goes after every stored one (a
      // batch reserves a position per message, so a replacement leaves a gap).
      expect(replaced?.position).toBe(0);
      expect(added?.position).toBeGreaterThan(1);
      const stored = await storage.listMessages({ resourceId: "r", threadId: "t" });
      expect(stored.map((m) => [m.id, m.position, m.message.content, m.runId, m.step])).toEqual([
        ["a", 0, "one, edited", "run-2", 3],
        ["b", 1, "two", undefined, undefined],
        ["c", added?.position, "three", undefined, undefined],
      ]);
      // A deleted last position is never handed out again.
      await storage.deleteMessages({ resourceId: "r", threadId: "t", ids: ["c"] });
      const [next] = await storage.appendMessages({
        resourceId: "r",
        threadId: "t",
        messages: [user("four")],
      });
      expect(next?.position).toBe((added?.position ?? 0) + 1);
    });

    it("serves windows from the position index: last 20 of 10,000 without scanning the thread", async () => {
      const storage = adapter({ url: ":memory:" });
      await storage.createThread({ resourceId: "r", id: "long" });
      for (let start = 0; start < 10_000; start += 2_000) {
        await storage.appendMessages({
          resourceId: "r",
          threadId: "long",
          messages: Array.from({ length: 2_000 }, (_, index) => ({
            id: `m${start + index}`,
            ...user(`#${start + index}`),
          })),
        });
      }
      const key = { resourceId: "r", threadId: "long" };
      const last = await storage.listMessages({ ...key, last: 20 });
      expect(last.map((m) => m.position)).toEqual(Array.from({ length: 20 }, (_, index) => 9_980 + index));
      expect(
        (await storage.listMessages({ ...key, last: 3, beforePosition: 100 })).map((m) => m.position),
      ).toEqual([97, 98, 99]);
      expect((await storage.listMessages({ ...key, afterPosition: 9_997 })).map((m) => m.position)).toEqual([
        9_998, 9_999,
      ]);
      expect(
        (await storage.listMessages({ ...key, ids: ["m5", "m2", "nope", "m9000"], afterPosition: 2 })).map(
          (m) => m.id,
        ),
      ).toEqual(["m5", "m9000"]);
      expect(await storage.listMessages({ ...key, last: 0 })).toEqual([]);
      expect(await storage.countMessages(key)).toBe(10_000);

      // The plans: index range scans in position order, no sort and no full scan.
      const client = await storage.getClient();
      const plan = async (window: Parameters<typeof listMessagesStatement>[1]) => {
        const statement = listMessagesStatement(tableNames("fm_"), window);
        const rows = await client.execute({
          sql: `EXPLAIN QUERY PLAN ${statement.sql}`,
          args: statement.args,
        });
        return rows.rows.map((row) => String(row.detail)).join("\n");
      };
      for (const window of [
        { ...key, last: 20 },
        { ...key, last: 20, beforePosition: 500 },
        { ...key, afterPosition: 9_000 },
      ]) {
        const detail = await plan(window);
        expect(detail).toMatch(/SEARCH .*fm_messages USING (COVERING )?INDEX fm_messages_by_position/);
        expect(detail).not.toContain("TEMP B-TREE");
        expect(detail).not.toMatch(/SCAN .*fm_messages/);
      }
      expect(await plan({ ...key, ids: ["m1"] })).not.toMatch(/SCAN .*fm_messages/);
    });

    it("keeps listThreads most recently updated first, with paging", async () => {
      const storage = adapter({ url: ":memory:" });
      for (const id of ["a", "b", "c"]) await storage.createThread({ resourceId: "r", id });
      await storage.appendMessages({ resourceId: "r", threadId: "a", messages: [user("bump")] });
      const ids = async (limit?: number, offset?: number) =>
        (await storage.listThreads({ resourceId: "r", limit, offset })).map((thread) => thread.id);
      expect(await ids()).toEqual(["a", "c", "b"]);
      expect(await ids(1, 1)).toEqual(["c"]);
      expect(await ids(0)).toEqual([]);
    });
  });

  describe("tenant isolation", () => {
    it("treats a wrong resourceId as not found on every path", async () => {
      const storage = adapter({ url: ":memory:" });
      const own = { resourceId: "tenant-a", threadId: "t" };
      const other = { resourceId: "tenant-b", threadId: "t" };
      await storage.createThread({ resourceId: own.resourceId, id: own.threadId, title: "secret" });
      await storage.appendMessages({ ...own, messages: [{ id: "m", ...user("private") }] });
      await storage.setWorkingMemory({ ...own, content: "thread memory" });
      await storage.setWorkingMemory({ resourceId: own.resourceId, content: "resource memory" });
      await storage.saveSnapshot({
        resourceId: own.resourceId,
        runId: "run",
        threadId: "t",
        state: { x: 1 },
      });

      expect(await storage.getThread(other)).toBeUndefined();
      expect(await storage.listThreads({ resourceId: other.resourceId })).toEqual([]);
      await expectCode(storage.updateThread({ ...other, title: "hijack" }), "NOT_FOUND");
      await expectCode(storage.appendMessages({ ...other, messages: [user("x")] }), "NOT_FOUND");
      await expectCode(storage.listMessages(other), "NOT_FOUND");
      await expectCode(storage.countMessages(other), "NOT_FOUND");
      await expectCode(storage.deleteMessages({ ...other, ids: ["m"] }), "NOT_FOUND");
      expect(await storage.getWorkingMemory(other)).toBeUndefined();
      expect(await storage.getWorkingMemory({ resourceId: other.resourceId })).toBeUndefined();
      await expectCode(storage.setWorkingMemory({ ...other, content: "x" }), "NOT_FOUND");
      expect(await storage.loadSnapshot({ resourceId: other.resourceId, runId: "run" })).toBeUndefined();
      await storage.deleteSnapshot({ resourceId: other.resourceId, runId: "run" });
      await storage.deleteThread(other);

      // Nothing of tenant A changed.
      expect((await storage.getThread(own))?.title).toBe("secret");
      expect((await storage.listMessages(own)).map((m) => m.message.content)).toEqual(["private"]);
      expect((await storage.getWorkingMemory(own))?.content).toBe("thread memory");
      expect((await storage.loadSnapshot({ resourceId: own.resourceId, runId: "run" }))?.state).toEqual({
        x: 1,
      });

      // Deleting the thread takes its messages, its working memory and its snapshots, nothing else.
      await storage.saveSnapshot({
        resourceId: own.resourceId,
        runId: "other-run",
        threadId: "elsewhere",
        state: 2,
      });
      await storage.deleteThread(own);
      expect(await storage.getThread(own)).toBeUndefined();
      expect(await storage.getWorkingMemory(own)).toBeUndefined();
      expect(await storage.loadSnapshot({ resourceId: own.resourceId, runId: "run" })).toBeUndefined();
      expect((await storage.getWorkingMemory({ resourceId: own.resourceId }))?.content).toBe(
        "resource memory",
      );
      expect((await storage.loadSnapshot({ resourceId: own.resourceId, runId: "other-run" }))?.state).toBe(2);
      const client = await storage.getClient();
      expect((await client.execute("SELECT COUNT(*) AS n FROM fm_messages")).rows[0]?.n).toBe(0);
    });
  });

  describe("snapshots and working memory", () => {
    it("replaces a snapshot keeping createdAt, and round-trips JSON state", async () => {
      const storage = adapter({ url: ":memory:" });
      const state = { step: 2, nested: { list: [1, "two", null, { $fm: "not a tag" }] }, flag: false };
      await storage.saveSnapshot({ resourceId: "r", runId: "run", state: 1 });
      const first = await storage.loadSnapshot({ resourceId: "r", runId: "run" });
      await storage.saveSnapshot({ resourceId: "r", runId: "run", threadId: "t", state });
      const second = await storage.loadSnapshot({ resourceId: "r", runId: "run" });
      expect(second).toMatchObject({ runId: "run", resourceId: "r", threadId: "t", state });
      expect(second?.createdAt.getTime()).toBe(first?.createdAt.getTime());
      expect(second!.updatedAt.getTime()).toBeGreaterThanOrEqual(first!.updatedAt.getTime());
      await storage.deleteSnapshot({ resourceId: "r", runId: "run" });
      expect(await storage.loadSnapshot({ resourceId: "r", runId: "run" })).toBeUndefined();
    });

    it("keeps resource and thread working memory apart", async () => {
      const storage = adapter({ url: ":memory:" });
      await storage.createThread({ resourceId: "r", id: "t" });
      await storage.setWorkingMemory({ resourceId: "r", content: "resource" });
      await storage.setWorkingMemory({ resourceId: "r", threadId: "t", content: "thread" });
      await storage.setWorkingMemory({ resourceId: "r", threadId: "t", content: "thread v2" });
      expect((await storage.getWorkingMemory({ resourceId: "r" }))?.content).toBe("resource");
      expect(await storage.getWorkingMemory({ resourceId: "r", threadId: "t" })).toMatchObject({
        resourceId: "r",
        threadId: "t",
        content: "thread v2",
      });
      await expectCode(
        storage.setWorkingMemory({ resourceId: "r", threadId: "missing", content: "x" }),
        "NOT_FOUND",
      );
    });
  });
});
