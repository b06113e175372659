import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPartialObjectTracker, parsePartialJson } from "./partial-json.js";

/** Fixed, so every run tries the same cases (override locally with FLOWMAESTRO_FC_SEED). */
const SEED = Number(process.env.FLOWMAESTRO_FC_SEED ?? 9_011);

/**
 * Whether `partial` is what a prefix of `final`'s text may show: the same kind of value; strings
 * a prefix; arrays no longer, every item but the last equal and the last itself consistent;
 * objects with a subset of the keys, every member consistent and at most one not yet equal;
 * numbers and literals equal (a bare top-level number may show any number: it has no end).
 */
function isPrefixConsistent(partial: unknown, final: unknown, top = true): boolean {
  if (typeof final === "string") return typeof partial === "string" && final.startsWith(partial);
  if (typeof final === "number") return typeof partial === "number" && (top || Object.is(partial, final));
  if (final === null || typeof final === "boolean") return Object.is(partial, final);
  if (Array.isArray(final)) {
    if (!Array.isArray(partial) || partial.length > final.length) return false;
    return partial.every((item, index) =>
      index < partial.length - 1 ? equal(item, final[index]) : isPrefixConsistent(item, final[index], false),
    );
  }
  if (typeof partial !== "object" || partial === null || Array.isArray(partial)) return false;
  const finalObject = final as Record<string, unknown>;
  let unfinished = 0;
  for (const key of Object.keys(partial)) {
    if (!Object.hasOwn(finalObject, key)) return false;
    const value = (partial as Record<string, unknown>)[key];
    if (!isPrefixConsistent(value, finalObject[key], false)) return false;
    if (!equal(value, finalObject[key])) unfinished++;
  }
  return unfinished <= 1;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Splits a text at the given (sorted, deduplicated) cut points. */
function split(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = 0;
  for (const point of points) {
    parts.push(text.slice(start, point));
    start = point;
  }
  parts.push(text.slice(start));
  return parts;
}

/** Every partial returned for `deltas`, then the final one (`flush`, or the last returned). */
function track(deltas: readonly string[]): { partials: unknown[]; final: unknown } {
  const tracker = createPartialObjectTracker();
  const partials: unknown[] = [];
  for (const delta of deltas) {
    const partial = tracker.push(delta);
    if (partial !== undefined) partials.push(partial);
  }
  const flushed = tracker.flush();
  if (flushed !== undefined) partials.push(flushed);
  return { partials, final: partials.at(-1) };
}

describe("parsePartialJson", () => {
  it.each([
    ["", undefined],
    ["   ", undefined],
    ["{", {}],
    ['{"ci', {}],
    ['{"city"', {}],
    ['{"city":', {}],
    ['{"city": "Par', { city: "Par" }],
    ['{"city": "Paris",', { city: "Paris" }],
    ['{"city": "Paris", "celsius": 2', { city: "Paris" }],
    ['{"city": "Paris", "celsius": 21 ', { city: "Paris", celsius: 21 }],
    ['{"city": "Paris", "celsius": 21}', { city: "Paris", celsius: 21 }],
    ["[", []],
    ["[1, 2", [1]],
    ["[1, 2,", [1, 2]],
    ["[1, [2, [3", [1, [2, []]]],
    ['[{"a": [{"b": "c', [{ a: [{ b: "c" }] }]],
    ["[tr", []],
    ["[true, fals", [true]],
    ["[true, false, nul", [true, false]],
    ["[null]", [null]],
    ["-", undefined],
    ["-1.", -1],
    ["12e", 12],
    ["12e+3", 12_000],
    ["tru", undefined],
    ["true", true],
    ['"', ""],
    ['"abc', "abc"],
    ['"a\\', "a"],
    ['"a\\n', "a\n"],
    ['"a\\u00', "a"],
    ['"a\\u00e9', "aé"],
    ['"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\/\b\f\n\r\t'],
    ['"\\ud83d', ""],
    ['"\\ud83d\\ude00', "😀"],
    ['"\ud83d', ""],
    ['"\ud83d\ude00 ok', "😀 ok"],
    ['"\\ud83d"', "\ud83d"], // a lone surrogate the text really ends the string with
    ['```json\n{"a": "b', { a: "b" }],
    ["```\n[1, 2]\n```", [1, 2]],
    ["```json", undefined],
    ['\ufeff {"a": 1}', { a: 1 }],
    ['{"a": 1} and some prose', { a: 1 }],
  ])("%j shows %j", (text, expected) => {
    expect(parsePartialJson(text)).toStrictEqual(expected);
  });

  it.each([
    ["{]"],
    ["[1 2]"],
    ['{"a" 1}'],
    ["{'a': 1}"],
    ["[01]"],
    ["[1.]"],
    ["[-]"],
    ["[truth]"],
    ['"\\x"'],
    ['"\\u12g4"'],
    ["{,}"],
    ["[1,]"],
    ["Here is the JSON: {}"],
  ])("%j is not JSON: shows nothing", (text) => {
    expect(parsePartialJson(text)).toBeUndefined();
  });

  it("keeps a `__proto__` key as an own member, as JSON.parse does", () => {
    const text = '{"__proto__": {"polluted": true}, "a": {"__proto__": 1}}';
    const value = parsePartialJson(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__", "a"]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.stringify(value)).toBe(JSON.stringify(JSON.parse(text)));
    const partial = parsePartialJson('{"__proto__": {"x": "y') as Record<string, unknown>;
    expect(Object.keys(partial)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(partial)).toBe(Object.prototype);
  });

  it("takes the last of duplicate keys, as JSON.parse does", () => {
    expect(parsePartialJson('{"a": 1, "a": 2}')).toEqual({ a: 2 });
  });

  it("reads deep nesting without recursion", () => {
    const depth = 50_000;
    let value = parsePartialJson("[".repeat(depth)) as unknown[];
    let levels = 1;
    while (value.length > 0) {
      value = value[0] as unknown[];
      levels++;
    }
    expect(levels).toBe(depth);
  });

  it("equals JSON.parse on any complete JSON text, however indented", () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }),
        fc.constantFrom(undefined, 2, "\t"),
        (value, indent) => {
          const text = JSON.stringify(value, null, indent);
          expect(equal(parsePartialJson(text), JSON.parse(text))).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("shows a prefix-consistent value for every prefix of any JSON text", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3, stringUnit: "binary" }), (value) => {
        const text = JSON.stringify(value, null, 1);
        const final = JSON.parse(text);
        for (let end = 0; end <= text.length; end++) {
          const partial = parsePartialJson(text.slice(0, end));
          if (partial !== undefined)
            expect(isPrefixConsistent(partial, final), text.slice(0, end)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe("createPartialObjectTracker", () => {
  it("returns a partial only when it changed", () => {
    const tracker = createPartialObjectTracker();
    const returned = ['{"city":', '"Paris",', ' "celsius":', " 2", "1", "}", " \n```"].map((delta) =>
      tracker.push(delta),
    );
    expect(returned).toEqual([
      {},
      { city: "Paris" },
      undefined, // a key
      undefined, // a number that may go on
      undefined,
      { city: "Paris", celsius: 21 },
      undefined, // after the value
    ]);
    expect(tracker.done).toBe(true);
    expect(tracker.flush()).toBeUndefined();
  });

  it("returns a bare number from flush, which has no terminator", () => {
    const tracker = createPartialObjectTracker();
    expect(tracker.push("4")).toBe(4);
    expect(tracker.push("2")).toBe(42);
    expect(tracker.push(".")).toBeUndefined(); // still 42
    expect(tracker.push("5")).toBe(42.5);
    expect(tracker.done).toBe(false);
    expect(tracker.flush()).toBeUndefined(); // 42.5 again
    expect(tracker.done).toBe(true);
  });

  it("stops at text that is not JSON", () => {
    const tracker = createPartialObjectTracker();
    expect(tracker.push('{"a": 1, ')).toEqual({ a: 1 });
    expect(tracker.push("oops")).toBeUndefined();
    expect(tracker.failed).toBe(true);
    expect(tracker.push('"b": 2}')).toBeUndefined();
    expect(tracker.flush()).toBeUndefined();
  });

  it("never changes a partial it has returned", () => {
    const tracker = createPartialObjectTracker();
    const seen: Array<{ value: unknown; text: string }> = [];
    for (const delta of '{"a": [1, {"b": "xy"}, [2]], "c": {"d": "e"}}'.split("")) {
      const partial = tracker.push(delta);
      if (partial !== undefined) seen.push({ value: partial, text: JSON.stringify(partial) });
    }
    expect(seen.length).toBeGreaterThan(5);
    for (const { value, text } of seen) expect(JSON.stringify(value)).toBe(text);
  });

  it("for any JSON value and any split into deltas, ends with the value and only shows prefix-consistent ones", () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }),
        fc.constantFrom(undefined, 2),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.boolean(),
        (value, indent, cuts, fenced) => {
          const json = JSON.stringify(value, null, indent);
          const text = fenced ? `\`\`\`json\n${json}\n\`\`\`` : json;
          const final = JSON.parse(json);
          const { partials, final: last } = track(split(text, cuts));
          expect(equal(last, final)).toBe(true);
          for (const [index, partial] of partials.entries()) {
            expect(isPrefixConsistent(partial, final)).toBe(true);
            // Each is a change, and the next one goes on from it.
            const next = partials[index + 1];
            if (next !== undefined) {
              expect(equal(partial, next)).toBe(false);
              if (typeof final === "object" && final !== null)
                expect(isPrefixConsistent(partial, next)).toBe(true);
            }
          }
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("follows 100,000 deltas in linear work", () => {
    const value = {
      items: Array.from({ length: 1_500 }, (_, index) => ({
        id: index,
        name: `item ${index} ☃ \u{1F600}`,
        tags: ["a", "b\n", index % 2 === 0],
        score: index / 7,
      })),
      note: "x".repeat(5_000),
    };
    const text = JSON.stringify(value);
    expect(text.length).toBeGreaterThan(100_000);
    // 100,000 deltas: the first ones one character each (surrogate pairs split), then the rest in bigger ones.
    const deltas = text.slice(0, 99_990).split("");
    const rest = text.slice(99_990);
    for (let index = 0; index < 10; index++) {
      deltas.push(rest.slice((index * rest.length) / 10, ((index + 1) * rest.length) / 10));
    }
    expect(deltas).toHaveLength(100_000);
    const tracker = createPartialObjectTracker();
    let last: unknown;
    for (const delta of deltas) {
      const partial = tracker.push(delta);
      if (partial !== undefined) last = partial;
    }
    expect(last).toEqual(value);
    // Everything returned adds up to at most the starting credit plus 16× the text, plus the final value.
    expect(tracker.stats.emittedTextLength).toBeLessThanOrEqual(32_768 + 17 * text.length);
    // …while still showing the answer grow often.
    expect(tracker.stats.emitted).toBeGreaterThan(200);
  });
});
