import type { ProviderNotInstalledError } from "@flowmaestro/runtime";
import { describe, expect, it, vi } from "vitest";
import { createLibsqlStorage } from "./index.js";
import { expectCode } from "./test-utils.js";

// As if the optional peer were not installed.
vi.mock("@libsql/client", () => {
  const error = new Error("Cannot find package '@libsql/client' imported from driver.js") as Error & {
    code: string;
  };
  error.code = "ERR_MODULE_NOT_FOUND";
  throw error;
});

describe("libSQL without @libsql/client", () => {
  it("creates the adapter, then fails on first use with the install line", async () => {
    const storage = createLibsqlStorage({ url: ":memory:" });
    const error = await expectCode<ProviderNotInstalledError>(storage.init(), "PROVIDER_NOT_INSTALLED");
    expect(error).toMatchObject({ provider: "libSQL storage", packageName: "@libsql/client" });
    expect(error.message).toContain("npm install @libsql/client");
    await expectCode(storage.getClient(), "PROVIDER_NOT_INSTALLED");
    await expectCode(storage.vectors.describeIndex({ indexName: "docs" }), "PROVIDER_NOT_INSTALLED");
    await storage.close();
  });
});
