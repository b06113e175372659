import { describe, expect, it } from "vitest";
import { canonicalJson, jsonEqual } from "./json-equal.js";

describe("JSON equality", () => {
  it("ignores key order and number spelling", () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1.0, 2], a: 1 })).toBe(true);
    expect(jsonEqual([1], [1, 2])).toBe(false);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(jsonEqual(0, false)).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
  });

  it("gives equal values equal canonical texts", () => {
    expect(canonicalJson({ b: 1, a: [-0] })).toBe(canonicalJson({ a: [0], b: 1.0 }));
    expect(canonicalJson("1")).not.toBe(canonicalJson(1));
  });
});
