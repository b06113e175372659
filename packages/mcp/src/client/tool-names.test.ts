import { describe, expect, it } from "vitest";
import { type ToolNameRequest, toToolNames } from "./tool-names.js";

const RULE = /^[A-Za-z0-9_-]{1,64}$/;

/** Every order of a list (small lists only). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Names keyed by request key, so results of different orders compare. */
function byKey(requests: readonly ToolNameRequest[]): Record<string, string> {
  const names = toToolNames(requests);
  return Object.fromEntries(requests.map((request, index) => [request.key, names[index]!]));
}

describe("toToolNames", () => {
  it("keeps valid names and replaces other characters with _", () => {
    expect(
      toToolNames([
        { key: "a\u0000echo", wanted: "a_echo" },
        { key: "a\u0000get.weather", wanted: "a_get.weather" },
        { key: "a\u0000ünï cödé/x", wanted: "a_ünï cödé/x" },
        { key: "a\u0000", wanted: "" },
      ]),
    ).toEqual(["a_echo", "a_get_weather", "a__n__c_d__x", "tool"]);
  });

  it("cuts names longer than 64 characters and ends them in a hash of the full name", () => {
    const long = `server_${"x".repeat(100)}`;
    const [name] = toToolNames([{ key: "k", wanted: long }]);
    expect(name).toMatch(RULE);
    expect(name).toHaveLength(64);
    expect(name!.startsWith("server_xxx")).toBe(true);
    expect(name).toMatch(/_[0-9a-f]{8}$/);
    const [other] = toToolNames([{ key: "k", wanted: `${long}y` }]);
    expect(other).not.toBe(name);
  });

  it("makes colliding names unique: an exact name keeps it, the others get a hash of their key", () => {
    const names = toToolNames([
      { key: "s\u0000a.b", wanted: "s_a.b" },
      { key: "s\u0000a_b", wanted: "s_a_b" },
      { key: "s\u0000a b", wanted: "s_a b" },
    ]);
    expect(names[1]).toBe("s_a_b");
    expect(names[0]).toMatch(/^s_a_b_[0-9a-f]{8}$/);
    expect(names[2]).toMatch(/^s_a_b_[0-9a-f]{8}$/);
    expect(new Set(names).size).toBe(3);
  });

  it("gives every order of the same tools the same names (a resumed run finds its tools)", () => {
    const requests: ToolNameRequest[] = [
      { key: "one\u0000search", wanted: "search" },
      { key: "two\u0000search", wanted: "search" },
      { key: "three\u0000search", wanted: "search" },
      { key: "one\u0000search_ab12cd34", wanted: "search_ab12cd34" },
    ];
    const expected = byKey(requests);
    expect(expected["one\u0000search"]).toBe("search");
    for (const order of permutations(requests)) expect(byKey(order)).toEqual(expected);
    expect(new Set(Object.values(expected)).size).toBe(requests.length);
    for (const name of Object.values(expected)) expect(name).toMatch(RULE);
  });
});
