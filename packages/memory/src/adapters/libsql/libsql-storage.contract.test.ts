import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll } from "vitest";
import { describeStorageAdapterContract } from "../../testing/index.js";
import { createLibsqlStorage } from "./index.js";

// Known gaps: none. Each configuration runs the whole suite.

describeStorageAdapterContract("libsql :memory:", {
  // A fresh private database per adapter.
  createAdapter: () => createLibsqlStorage({ url: ":memory:" }),
});

// One temporary file shared by every adapter the suite creates, as several processes would share it.
const dir = mkdtempSync(join(tmpdir(), "fm-libsql-contract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStorageAdapterContract("libsql file", {
  createAdapter: () => createLibsqlStorage({ url: `file:${join(dir, "nested", "agent.db")}` }),
});

// The host's own client, shared by every adapter; the adapters must leave it open.
const client = createClient({ url: `file:${join(dir, "own-client.db")}` });
afterAll(() => client.close());

describeStorageAdapterContract("libsql own client, custom prefix", {
  createAdapter: () => createLibsqlStorage({ client, tablePrefix: "agent_mem_" }),
});
