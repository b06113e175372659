import { describe, expect, it } from "vitest";
import { accepts } from "../test-support/accepts.js";

describe("array keywords", () => {
  it("validates items, prefixItems and closing items", () => {
    const tuple = { prefixItems: [{ type: "string" }, { type: "number" }], items: false };
    expect(accepts(tuple, ["a", 1])).toBe(true);
    expect(accepts(tuple, ["a"])).toBe(true);
    expect(accepts(tuple, [])).toBe(true);
    expect(accepts(tuple, ["a", 1, 2])).toBe(false);
    expect(accepts(tuple, [1])).toBe(false);
    expect(accepts({ items: { type: "integer" } }, [1, 2, 3])).toBe(true);
    expect(accepts({ items: { type: "integer" } }, [1, "2"])).toBe(false);
  });

  it("supports draft-07 array items with additionalItems", () => {
    const schema = { items: [{ type: "string" }], additionalItems: { type: "number" } };
    expect(accepts(schema, ["a", 1, 2], { draft: "draft-07" })).toBe(true);
    expect(accepts(schema, ["a", "b"], { draft: "draft-07" })).toBe(false);
    expect(accepts(schema, ["a", "b"])).toBe(false); // auto mode honours the draft-07 form
  });

  it("enforces item counts", () => {
    expect(accepts({ minItems: 2 }, [1])).toBe(false);
    expect(accepts({ maxItems: 1 }, [1, 2])).toBe(false);
    expect(accepts({ prefixItems: [true], minItems: 2 }, [1])).toBe(false);
  });

  it("checks uniqueItems with JSON equality", () => {
    expect(accepts({ uniqueItems: true }, [1, 1.0])).toBe(false);
    expect(
      accepts({ uniqueItems: true }, [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ]),
    ).toBe(false);
    expect(accepts({ uniqueItems: true }, [1, "1", true, null, [1], { a: 1 }])).toBe(true);
    expect(accepts({ uniqueItems: true }, [0, false])).toBe(true);
    expect(accepts({ uniqueItems: false }, [1, 1])).toBe(true);
  });

  it("checks contains with minContains and maxContains", () => {
    expect(accepts({ contains: { const: 1 } }, [2, 1])).toBe(true);
    expect(accepts({ contains: { const: 1 } }, [2, 3])).toBe(false);
    expect(accepts({ contains: { const: 1 }, minContains: 2 }, [1, 2, 1])).toBe(true);
    expect(accepts({ contains: { const: 1 }, maxContains: 1 }, [1, 1])).toBe(false);
    expect(accepts({ contains: { const: 1 }, minContains: 0 }, [])).toBe(true);
    expect(accepts({ contains: { const: 1 }, minContains: 2 }, [1], { draft: "draft-07" })).toBe(true);
  });
});
