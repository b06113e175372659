import { describe, expect, it } from "vitest";
import { InvalidDefinitionError } from "../errors/invalid-definition-error.js";
import { checkRuntimeOptions } from "./check-runtime-options.js";

describe("checkRuntimeOptions", () => {
  it("accepts known keys and nothing", () => {
    expect(() => checkRuntimeOptions("Mastra", { mastra: {} }, ["mastra"])).not.toThrow();
    expect(() => checkRuntimeOptions("legacy", undefined, [])).not.toThrow();
    expect(() => checkRuntimeOptions("legacy", {}, [])).not.toThrow();
  });

  it("points `providers` to createAgent and misspellings to the known key", () => {
    const error = (() => {
      try {
        checkRuntimeOptions("Mastra", { providers: {}, mastr: {} }, ["mastra"]);
      } catch (caught) {
        return caught as InvalidDefinitionError;
      }
    })();
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    expect(error?.issues.map((issue) => issue.field)).toEqual(["providers", "mastr"]);
    expect(error?.message).toContain("pass `providers` to createAgent");
    expect(error?.message).toContain("did you mean `mastra`?");
  });
});
