import type { LanguageModelV4CallOptions, LanguageModelV4FunctionTool } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import {
  canonicalizeRequest,
  diffLines,
  formatDiff,
  hashRequest,
  stringifyCanonical,
  toCanonicalJson,
} from "./request-hash.js";

const weatherTool: LanguageModelV4FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

function request(overrides: Partial<LanguageModelV4CallOptions> = {}): LanguageModelV4CallOptions {
  return {
    prompt: [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
    ],
    tools: [weatherTool],
    temperature: 0,
    ...overrides,
  };
}

describe("toCanonicalJson", () => {
  it("sorts keys, encodes bytes, dates and URLs, and drops undefined", () => {
    const value = toCanonicalJson({
      b: 1,
      a: { z: undefined, y: new Date("2024-01-02T03:04:05.000Z"), x: new URL("https://example.com/a?b=c") },
      bytes: new Uint8Array([104, 105]),
      list: [undefined, 1, () => 2],
      nan: Number.NaN,
      big: 10n,
    });
    expect(stringifyCanonical(value ?? null)).toBe(
      '{"a":{"x":"https://example.com/a?b=c","y":"2024-01-02T03:04:05.000Z"},"b":1,"big":"10","bytes":"aGk=","list":[null,1,null],"nan":null}',
    );
  });

  it("marks cycles instead of overflowing", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(toCanonicalJson(cyclic)).toEqual({ name: "loop", self: "[Circular]" });
  });

  it("sorts integer-like keys as strings too", () => {
    expect(stringifyCanonical({ "10": 1, "2": 2, a: 3 })).toBe('{"10":1,"2":2,"a":3}');
  });

  it("pretty-prints with two-space indentation", () => {
    expect(stringifyCanonical({ b: [1, { c: true }], a: {} }, true)).toBe(
      '{\n  "a": {},\n  "b": [\n    1,\n    {\n      "c": true\n    }\n  ]\n}',
    );
  });
});

describe("hashRequest", () => {
  it("is a sha256 hex digest", () => {
    expect(hashRequest(request())).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignores key order", () => {
    const reordered: LanguageModelV4CallOptions = {
      temperature: 0,
      tools: [
        {
          inputSchema: { required: ["city"], properties: { city: { type: "string" } }, type: "object" },
          description: "Weather for a city",
          name: "get_weather",
          type: "function",
        },
      ],
      prompt: [
        { content: "Be brief.", role: "system" },
        { content: [{ text: "Weather in Paris?", type: "text" }], role: "user" },
      ],
    };
    expect(hashRequest(reordered)).toBe(hashRequest(request()));
  });

  it("ignores abortSignal, headers and includeRawChunks", () => {
    const withTransport = request({
      abortSignal: new AbortController().signal,
      headers: { authorization: "Bearer sk-test-not-a-real-key-123456" },
      includeRawChunks: true,
    });
    expect(hashRequest(withTransport)).toBe(hashRequest(request()));
  });

  it("ignores tool fields other than name, description and inputSchema", () => {
    const strict = request({ tools: [{ ...weatherTool, strict: true }] });
    expect(hashRequest(strict)).toBe(hashRequest(request()));
  });

  it("treats undefined settings as absent", () => {
    expect(hashRequest(request({ topP: undefined, seed: undefined }))).toBe(hashRequest(request()));
  });

  it("changes with the prompt, settings, tools and provider options", () => {
    const base = hashRequest(request());
    const variants = [
      request({ temperature: 0.5 }),
      request({ maxOutputTokens: 100 }),
      request({ topP: 0.9 }),
      request({ stopSequences: ["END"] }),
      request({ seed: 1 }),
      request({ toolChoice: { type: "required" } }),
      request({ responseFormat: { type: "json" } }),
      request({ providerOptions: { openai: { user: "u1" } } }),
      request({ tools: [{ ...weatherTool, description: "Weather" }] }),
      request({ prompt: [{ role: "user", content: [{ type: "text", text: "Weather in Rome?" }] }] }),
    ];
    const hashes = new Set(variants.map(hashRequest));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(base)).toBe(false);
  });

  it("hashes file bytes like their base64", () => {
    const bytes = request({
      prompt: [
        {
          role: "user",
          content: [
            { type: "file", mediaType: "image/png", data: { type: "data", data: new Uint8Array([1, 2, 3]) } },
          ],
        },
      ],
    });
    const base64 = request({
      prompt: [
        {
          role: "user",
          content: [{ type: "file", mediaType: "image/png", data: { type: "data", data: "AQID" } }],
        },
      ],
    });
    expect(hashRequest(bytes)).toBe(hashRequest(base64));
  });

  it("canonicalizes provider tools by id, name and args", () => {
    const canonical = canonicalizeRequest(
      request({
        tools: [{ type: "provider", id: "openai.web_search", name: "web_search", args: { size: "low" } }],
      }),
    );
    expect(canonical.tools).toEqual([
      { type: "provider", id: "openai.web_search", name: "web_search", args: { size: "low" } },
    ]);
  });
});

describe("diffLines / formatDiff", () => {
  it("marks removed and added lines around common ones", () => {
    const diff = diffLines("a\nb\nc\nd", "a\nB\nc\nd\ne");
    expect(diff).toEqual([
      { kind: " ", text: "a" },
      { kind: "-", text: "b" },
      { kind: "+", text: "B" },
      { kind: " ", text: "c" },
      { kind: " ", text: "d" },
      { kind: "+", text: "e" },
    ]);
  });

  it("shows context, elides distant lines and bounds the output", () => {
    const before = Array.from({ length: 200 }, (_, index) => `line ${index}`).join("\n");
    const after = before.replace("line 5\n", "line five\n").replace("line 100\n", "line hundred\n");
    const text = formatDiff(diffLines(before, after), { context: 1 });
    expect(text).toBe(
      [
        "  line 4",
        "- line 5",
        "+ line five",
        "  line 6",
        "  …",
        "  line 99",
        "- line 100",
        "+ line hundred",
        "  line 101",
      ].join("\n"),
    );
    const many = Array.from({ length: 100 }, (_, index) => `changed ${index}`).join("\n");
    const bounded = formatDiff(diffLines(before, many), { maxChangedLines: 10 });
    expect(bounded.split("\n").filter((line) => /^[-+] /.test(line))).toHaveLength(10);
    expect(bounded).toContain("… and 290 more changed line(s)");
  });

  it("cuts long lines around their first difference", () => {
    const long = "x".repeat(1000);
    const text = formatDiff(diffLines(`${long}old${long}`, `${long}new${long}`), { maxLineLength: 60 });
    const [removed, added] = text.split("\n");
    expect(removed).toMatch(/^- …x+oldx+…$/);
    expect(added).toMatch(/^\+ …x+newx+…$/);
    expect((removed ?? "").length).toBeLessThan(70);
  });

  it("says when nothing differs", () => {
    expect(formatDiff(diffLines("same", "same"))).toBe("  (no differences)");
  });
});
