import * as memoryPackage from "@flowmaestro/memory";
import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import * as tools from "../index.js";
import { memorySettingsSchema, parseMemorySettings } from "./memory-settings.js";

describe("parseMemorySettings", () => {
  it("returns typed settings without unknown keys or absent fields", () => {
    expect(
      parseMemorySettings({ type: "vector", topK: "8", scope: "thread", embeddingModel: null, legacy: 1 }),
    ).toEqual({
      type: "vector",
      topK: 8,
      scope: "thread",
    });
  });

  it("names the field under the given prefix", () => {
    let error: unknown;
    try {
      parseMemorySettings({ type: "buffer", maxMessages: -1 }, "agents.3.memory");
    } catch (caught) {
      error = caught;
    }
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    expect((error as InvalidDefinitionError).issues).toEqual([
      { field: "agents.3.memory.maxMessages", expected: "greater than 0" },
    ]);
    expect((error as Error).message).toBe(
      "Invalid memory settings: `agents.3.memory.maxMessages` must be greater than 0.",
    );
  });

  it("is the implementation of @flowmaestro/memory, re-exported unchanged", () => {
    expect(parseMemorySettings).toBe(memoryPackage.parseMemorySettings);
    expect(tools.parseMemorySettings).toBe(memoryPackage.parseMemorySettings);
    expect(memorySettingsSchema).toBe(memoryPackage.storedMemorySettingsSchema);
  });
});
