import { describe, expect, it } from "vitest";
import { compilePattern, hasBacktrackingHazard } from "./regex.js";

function test(source: string, input: string): boolean | undefined {
  const compiled = compilePattern(source);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.pattern.test(input);
}

describe("compilePattern", () => {
  it("uses RE2 for RE2-compatible patterns", () => {
    const compiled = compilePattern("^[a-z]+$");
    expect(compiled.ok && compiled.pattern.engine).toBe("re2");
  });

  it("keeps ECMA-262 semantics where RE2 differs", () => {
    expect(test("^\\s+$", "\u2003\ufeff")).toBe(true);
    expect(test("^.$", "\u2028")).toBe(false);
    expect(test("^\\u00e9$", "é")).toBe(true);
    expect(test("^\\uD83D\\uDE00$", "😀")).toBe(true);
    expect(test("^[^]$", "\n")).toBe(true);
    expect(test("[]", "a")).toBe(false);
    expect(test("^(?<word>\\w+)$", "abc")).toBe(true);
    expect(test("^\\p{Script=Greek}+$", "αβγ")).toBe(true);
    expect(test("^[\\s]$", "\u00a0")).toBe(true);
  });

  it("falls back to native RegExp for lookaround and backreferences without hazards", () => {
    const compiled = compilePattern("^(a)\\1$");
    expect(compiled.ok && compiled.pattern.engine).toBe("native");
    expect(test("^(a)\\1$", "aa")).toBe(true);
    expect(test("(?<!x)y", "zy")).toBe(true);
  });

  it("flags hazards and invalid patterns", () => {
    expect(hasBacktrackingHazard("(a+)+")).toBe(true);
    expect(hasBacktrackingHazard("(a|b)*")).toBe(true);
    expect(hasBacktrackingHazard("(ab)*c+")).toBe(false);
    expect(compilePattern("(?=(a+)+)")).toMatchObject({ ok: false, reason: "unsupported" });
    expect(compilePattern("(")).toMatchObject({ ok: false, reason: "invalid" });
  });
});
