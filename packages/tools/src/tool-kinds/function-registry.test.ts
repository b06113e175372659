import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { createFunctionRegistry } from "./function-registry.js";

describe("createFunctionRegistry", () => {
  it("registers, looks up and lists functions", () => {
    const add = () => 1;
    const subtract = () => 2;
    const registry = createFunctionRegistry({ add }).register("subtract", subtract);
    expect(registry.get("add")).toBe(add);
    expect(registry.get("subtract")).toBe(subtract);
    expect(registry.get("multiply")).toBeUndefined();
    expect(registry.names()).toEqual(["add", "subtract"]);
  });

  it("never resolves names through the object prototype", () => {
    const registry = createFunctionRegistry();
    expect(registry.get("constructor")).toBeUndefined();
    expect(registry.get("__proto__")).toBeUndefined();
    expect(registry.get("toString")).toBeUndefined();
  });

  it("rejects a second function under the same name", () => {
    const registry = createFunctionRegistry({ add: () => 1 });
    let error: unknown;
    try {
      registry.register("add", () => 2);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidDefinitionError.isInstance(error)).toBe(true);
    expect((error as InvalidDefinitionError).field).toBe("functions.add");
  });

  it("rejects empty names and non-functions", () => {
    const registry = createFunctionRegistry();
    expect(() => registry.register("", () => 1)).toThrow(/`functions\.` must be a non-empty function name/);
    expect(() => registry.register("code", "return 1" as never)).toThrow(
      /`functions\.code` must be a function \(received string\)/,
    );
  });
});
