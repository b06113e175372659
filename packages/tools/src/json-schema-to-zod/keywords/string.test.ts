import { describe, expect, it } from "vitest";
import { accepts } from "../test-support/accepts.js";
import { codePointLength } from "./string.js";

describe("string keywords", () => {
  it("counts length in code points", () => {
    expect(codePointLength("💩💩")).toBe(2);
    expect(accepts({ maxLength: 2 }, "💩💩")).toBe(true);
    expect(accepts({ minLength: 3 }, "💩💩")).toBe(false);
    expect(accepts({ minLength: 2, maxLength: 2 }, "ab")).toBe(true);
  });

  it("matches patterns anywhere, with ECMA-262 semantics", () => {
    expect(accepts({ pattern: "a+" }, "xxaxx")).toBe(true);
    expect(accepts({ pattern: "^a+$" }, "xxaxx")).toBe(false);
    expect(accepts({ pattern: "^\\s$" }, "\u00a0")).toBe(true);
    expect(accepts({ pattern: "^.$" }, "\n")).toBe(false);
    expect(accepts({ pattern: "^🐲*$" }, "🐲🐲")).toBe(true);
    expect(accepts({ pattern: "^\\p{Letter}+$" }, "héllo")).toBe(true);
    expect(accepts({ pattern: "^\\d+$" }, "১২")).toBe(false);
  });

  it("validates formats and ignores unknown ones", () => {
    expect(accepts({ format: "email" }, "a@example.com")).toBe(true);
    expect(accepts({ format: "email" }, "not an email")).toBe(false);
    expect(accepts({ format: "date-time" }, "2024-02-29T12:00:00Z")).toBe(true);
    expect(accepts({ format: "date-time" }, "2023-02-29T12:00:00Z")).toBe(false);
    expect(accepts({ format: "uuid" }, "123e4567-e89b-12d3-a456-426614174000")).toBe(true);
    expect(accepts({ format: "no-such-format" }, "anything")).toBe(true);
    expect(accepts({ format: "email" }, 12)).toBe(true);
  });

  it("can treat format as an annotation", () => {
    expect(accepts({ format: "email" }, "nope", { formats: "ignore" })).toBe(true);
  });
});
