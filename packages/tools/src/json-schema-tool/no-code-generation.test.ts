import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonSchemaTool } from "./json-schema-tool.js";

// Stored schemas are data from a database: their property names must never reach a code
// generator. Zod compiles object parsers with the Function constructor unless told not to.
describe("validation never generates code", () => {
  afterEach(() => vi.restoreAllMocks());

  it("parses objects with hostile keys without calling the Function constructor", () => {
    const hostile = `a"]; globalThis.pwned = true; //`;
    const tool = jsonSchemaTool({
      name: "store",
      inputSchema: {
        type: "object",
        properties: {
          [hostile]: { type: "string" },
          nested: { type: "object", properties: { x: { type: "integer" } } },
        },
        required: [hostile],
      },
      execute: () => "ok",
    });
    const spy = vi.spyOn(globalThis, "Function");
    expect(tool.parseInput({ [hostile]: "v", nested: { x: 1 } }).success).toBe(true);
    expect(tool.parseInput({ [hostile]: 5 }).success).toBe(false);
    expect(spy).not.toHaveBeenCalled();
    expect((globalThis as { pwned?: boolean }).pwned).toBeUndefined();
  });
});
