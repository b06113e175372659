import { describe, expect, it, vi } from "vitest";

// Counts evaluations of @libsql/client (the real module, passed through).
const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock("@libsql/client", async (importOriginal) => {
  loads.count++;
  return importOriginal();
});

describe("libSQL lazy import", () => {
  it("loads @libsql/client on first use, not on import or creation", async () => {
    const { createLibsqlStorage } = await import("./index.js");
    const storage = createLibsqlStorage({ url: ":memory:" });
    expect(loads.count).toBe(0);
    await storage.createThread({ resourceId: "r", id: "t" });
    expect(loads.count).toBe(1);
    await createLibsqlStorage({ url: ":memory:" }).init();
    expect(loads.count).toBe(1);
    await storage.close();
  });
});
