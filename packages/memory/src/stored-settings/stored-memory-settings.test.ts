import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { parseMemorySettings, storedMemorySettingsSchema } from "./stored-memory-settings.js";

function issuesOf(value: unknown, field?: string) {
  try {
    parseMemorySettings(value, field);
  } catch (error) {
    if (InvalidDefinitionError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error("expected an InvalidDefinitionError");
}

describe("parseMemorySettings", () => {
  it("accepts each kind, leniently as SQL drivers return values", () => {
    expect(parseMemorySettings({ type: "buffer", maxMessages: "20" })).toEqual({
      type: "buffer",
      maxMessages: 20,
    });
    expect(parseMemorySettings({ type: "buffer", maxMessages: null })).toEqual({ type: "buffer" });
    expect(
      parseMemorySettings({ type: "summary", maxMessages: 10n, summaryModel: "openai/gpt-4o-mini" }),
    ).toEqual({
      type: "summary",
      maxMessages: 10,
      summaryModel: "openai/gpt-4o-mini",
    });
    expect(
      parseMemorySettings({ type: "vector", topK: "8", scope: "thread", embeddingModel: null, legacy: 1 }),
    ).toEqual({
      type: "vector",
      topK: 8,
      scope: "thread",
    });
  });

  it("names each bad field under the given prefix", () => {
    expect(issuesOf({ type: "memory" })).toEqual([
      { field: "memory_config.type", expected: 'one of "buffer", "summary", "vector"' },
    ]);
    expect(issuesOf({ type: "buffer", maxMessages: 1.5 }, "agents.3.memory")).toEqual([
      { field: "agents.3.memory.maxMessages", expected: "an integer", received: "number" },
    ]);
    expect(issuesOf({ type: "vector", topK: 51, scope: "world" })).toEqual([
      { field: "memory_config.topK", expected: "at most 50" },
      { field: "memory_config.scope", expected: 'one of "thread", "resource"' },
    ]);
  });

  it("exports its Zod schema for hosts that validate whole records", () => {
    expect(storedMemorySettingsSchema.safeParse({ type: "buffer" }).success).toBe(true);
    expect(storedMemorySettingsSchema.safeParse({ type: "nope" }).success).toBe(false);
  });
});
