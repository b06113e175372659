import { describe, expect, it } from "vitest";
import { accepts } from "../test-support/accepts.js";

describe("references", () => {
  it("resolves $defs, definitions and arbitrary pointers with escapes", () => {
    expect(accepts({ $defs: { a: { type: "string" } }, $ref: "#/$defs/a" }, "x")).toBe(true);
    expect(accepts({ definitions: { a: { type: "string" } }, $ref: "#/definitions/a" }, 1)).toBe(false);
    const escaped = {
      $defs: { "a/b": { type: "string" }, "c~d": { type: "number" }, "e%f": { type: "null" } },
    };
    expect(accepts({ ...escaped, $ref: "#/$defs/a~1b" }, "x")).toBe(true);
    expect(accepts({ ...escaped, $ref: "#/$defs/c~0d" }, 1)).toBe(true);
    expect(accepts({ ...escaped, $ref: "#/$defs/e%25f" }, null)).toBe(true);
    expect(
      accepts({ properties: { a: { type: "number" }, b: { $ref: "#/properties/a" } } }, { b: "x" }),
    ).toBe(false);
  });

  it("resolves $id-based references and anchors", () => {
    const schema = {
      $id: "https://example.com/root.json",
      $defs: {
        item: { $id: "item.json", type: "integer" },
        named: { $anchor: "named", type: "string" },
      },
      properties: {
        a: { $ref: "item.json" },
        b: { $ref: "#named" },
        c: { $ref: "https://example.com/item.json" },
      },
    };
    expect(accepts(schema, { a: 1, b: "x", c: 2 })).toBe(true);
    expect(accepts(schema, { a: "1" })).toBe(false);
    expect(accepts(schema, { b: 1 })).toBe(false);
    expect(accepts(schema, { c: 1.5 })).toBe(false);
  });

  it("supports recursive schemas through z.lazy", () => {
    const tree = {
      type: "object",
      properties: { value: { type: "number" }, children: { type: "array", items: { $ref: "#" } } },
      required: ["value"],
    };
    expect(accepts(tree, { value: 1, children: [{ value: 2, children: [{ value: 3 }] }] })).toBe(true);
    expect(accepts(tree, { value: 1, children: [{ children: [] }] })).toBe(false);
  });

  it("applies 2020-12 $ref siblings but draft-07 ignores them", () => {
    const schema = { $defs: { s: { type: "string" } }, $ref: "#/$defs/s", maxLength: 2 };
    expect(accepts(schema, "abc")).toBe(false);
    expect(
      accepts({ definitions: schema.$defs, $ref: "#/definitions/s", maxLength: 2 }, "abc", {
        draft: "draft-07",
      }),
    ).toBe(true);
  });

  it("loads remote schemas only from the remotes option", () => {
    const remotes = { "https://example.com/int.json": { type: "integer" } };
    expect(accepts({ $ref: "https://example.com/int.json" }, 1, { remotes })).toBe(true);
    expect(accepts({ $ref: "https://example.com/int.json" }, 1.5, { remotes })).toBe(false);
    expect(() => accepts({ $ref: "https://example.com/other.json" }, 1, { remotes })).toThrowError(/remotes/);
  });

  it("resolves the bundled meta-schemas", () => {
    expect(accepts({ $ref: "http://json-schema.org/draft-07/schema#" }, { minLength: 1 })).toBe(true);
    expect(accepts({ $ref: "http://json-schema.org/draft-07/schema#" }, { minLength: -1 })).toBe(false);
    expect(accepts({ $ref: "https://json-schema.org/draft/2020-12/schema" }, { type: "banana" })).toBe(false);
  });

  it("resolves $dynamicRef against the dynamic scope", () => {
    const genericList = {
      $id: "https://example.com/list",
      $defs: { item: { $dynamicAnchor: "item", not: true } },
      type: "array",
      items: { $dynamicRef: "#item" },
    };
    const stringList = {
      $id: "https://example.com/string-list",
      $ref: "list",
      $defs: { item: { $dynamicAnchor: "item", type: "string" } },
    };
    const remotes = { "https://example.com/list": genericList };
    expect(accepts(stringList, ["a", "b"], { remotes })).toBe(true);
    expect(accepts(stringList, ["a", 1], { remotes })).toBe(false);
  });
});
