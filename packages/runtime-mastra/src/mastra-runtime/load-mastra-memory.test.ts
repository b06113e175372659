import { ProviderNotInstalledError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { createMastraMemoryLoader, loadMastraMemory } from "./load-mastra-memory.js";

describe("loadMastraMemory", () => {
  it("loads @mastra/memory on first use, once", async () => {
    const first = await loadMastraMemory();
    expect(typeof first.getMastraMemory).toBe("function");
    expect(await loadMastraMemory()).toBe(first);
  });

  it("names the package to install when @mastra/memory is missing, and tries again next time", async () => {
    let attempts = 0;
    const load = createMastraMemoryLoader(async () => {
      attempts++;
      throw Object.assign(
        new Error("Cannot find package '@mastra/memory' imported from /app/dist/chunk.js"),
        {
          code: "ERR_MODULE_NOT_FOUND",
        },
      );
    });
    const error = await load().catch((caught: unknown) => caught);
    expect(ProviderNotInstalledError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'The "mastra memory" provider needs the package @mastra/memory@1.31.0, which is not installed. Run: npm install @mastra/memory@1.31.0',
    );
    await load().catch(() => {});
    expect(attempts).toBe(2);
  });

  it("passes other failures through", async () => {
    const load = createMastraMemoryLoader(async () => {
      throw Object.assign(new Error("Cannot find package 'zod'"), { code: "ERR_MODULE_NOT_FOUND" });
    });
    await expect(load()).rejects.toThrow("Cannot find package 'zod'");
  });
});
