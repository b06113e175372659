import { InvalidDefinitionError } from "@flowmaestro/runtime";
import { describe, expect, it } from "vitest";
import { chunkMarkdown, chunkText, type TextChunk } from "./chunking.js";

// Property tests: a fixed seed, a fixed number of cases and an explicit time budget.
const SEED = 0x5eed_2024;
const CASES = 300;
const TIME_BUDGET_MS = 15_000;

/** mulberry32: a tiny seeded PRNG, so every run checks the same cases. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Rng = () => number;
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

function word(rng: Rng): string {
  if (rng() < 0.03) return "🙂".repeat(int(rng, 1, 3)); // surrogate pairs
  if (rng() < 0.03) return "x".repeat(int(rng, 30, 80)); // longer than some windows
  return Array.from({ length: int(rng, 1, 12) }, () => String.fromCharCode(97 + int(rng, 0, 25))).join("");
}

function prose(rng: Rng, words: number): string {
  let text = "";
  for (let i = 0; i < words; i++) {
    text += word(rng);
    text += pick(rng, [" ", " ", " ", " ", ". ", ", ", "\n", "\n\n", "? "]);
  }
  return text;
}

/** A markdown text plus where its real headings are (not those inside fences). */
function markdown(rng: Rng): {
  text: string;
  headings: Array<{ start: number; level: number; title: string }>;
} {
  let text = "";
  const headings: Array<{ start: number; level: number; title: string }> = [];
  if (rng() < 0.5) text += `${prose(rng, int(rng, 0, 30))}\n\n`;
  const blocks = int(rng, 0, 12);
  for (let i = 0; i < blocks; i++) {
    const kind = rng();
    if (kind < 0.4) {
      const level = int(rng, 1, 4);
      const title = `${word(rng)} ${word(rng)}`;
      headings.push({ start: text.length, level, title });
      text += `${"#".repeat(level)} ${title}${rng() < 0.2 ? " ##" : ""}\n\n`;
    } else if (kind < 0.6) {
      const fence = rng() < 0.5 ? "```" : "~~~~";
      const lines = Array.from({ length: int(rng, 1, 15) }, () =>
        rng() < 0.1 ? "# not a heading" : prose(rng, int(rng, 1, 8)).replace(/\n/g, " "),
      );
      text += `${fence}ts\n${lines.join("\n")}\n${fence}\n\n`;
    } else {
      text += `${prose(rng, int(rng, 1, 60))}\n\n`;
    }
  }
  return { text, headings };
}

function checkCoverage(text: string, chunks: readonly TextChunk[], size: number, overlap: number): void {
  expect(
    coverageProblem(text, chunks, size, overlap),
    JSON.stringify({ text, size, overlap }),
  ).toBeUndefined();
}

/** What is wrong with `chunks` of `text`, or `undefined` (plain checks: thousands run per test). */
function coverageProblem(
  text: string,
  chunks: readonly TextChunk[],
  size: number,
  overlap: number,
): string | undefined {
  if (text.length === 0) return chunks.length === 0 ? undefined : "chunks for empty text";
  if (chunks[0]?.start !== 0) return "first chunk does not start at 0";
  if (chunks.at(-1)?.end !== text.length) return "last chunk does not end at the end";
  for (const [index, chunk] of chunks.entries()) {
    const at = `chunk ${index} [${chunk.start}, ${chunk.end})`;
    if (chunk.index !== index) return `${at}: index ${chunk.index}`;
    if (chunk.text !== text.slice(chunk.start, chunk.end)) return `${at}: text is not the source slice`;
    if (chunk.end <= chunk.start) return `${at}: empty`;
    if (chunk.end - chunk.start > size) return `${at}: longer than ${size}`;
    // Never between the two halves of a surrogate pair.
    if (isLowSurrogate(text.charCodeAt(chunk.start)) || isLowSurrogate(text.charCodeAt(chunk.end))) {
      return `${at}: splits a surrogate pair`;
    }
    const previous = chunks[index - 1];
    if (previous) {
      // No gap (every character covered), progress, and at most `overlap` repeated.
      if (chunk.start > previous.end) return `${at}: gap after the previous chunk`;
      if (chunk.start <= previous.start) return `${at}: no progress`;
      if (previous.end - chunk.start > overlap) return `${at}: overlap ${previous.end - chunk.start}`;
    }
  }
  return undefined;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

describe("chunkText", () => {
  it("splits at paragraph, then sentence, then word boundaries", () => {
    const text = "First paragraph here.\n\nSecond one is a bit longer. It has two sentences.";
    expect(chunkText(text, { size: 40, overlap: 0 }).map((chunk) => chunk.text)).toEqual([
      "First paragraph here.\n\n",
      "Second one is a bit longer. ",
      "It has two sentences.",
    ]);
    expect(chunkText("alpha beta gamma delta epsilon", { size: 12, overlap: 0 }).map((c) => c.text)).toEqual([
      "alpha beta ",
      "gamma delta ",
      "epsilon",
    ]);
  });

  it("repeats the overlap from a word start", () => {
    const chunks = chunkText("one two three four five six seven eight nine ten", { size: 20, overlap: 10 });
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      "one two three four ",
      "four five six seven ",
      "six seven eight ",
      "eight nine ten",
    ]);
    expect(chunks.map(({ start, end }) => [start, end])).toEqual([
      [0, 19],
      [14, 34],
      [24, 40],
      [34, 48],
    ]);
  });

  it("returns one chunk for short text and none for empty text", () => {
    expect(chunkText("short")).toEqual([{ text: "short", index: 0, start: 0, end: 5 }]);
    expect(chunkText("")).toEqual([]);
  });

  it("uses size 1000 and overlap 200 by default", () => {
    const chunks = chunkText("x".repeat(2500));
    expect(chunks.map(({ start, end }) => [start, end])).toEqual([
      [0, 1000],
      [800, 1800],
      [1600, 2500],
    ]);
  });

  it("validates the options", () => {
    expect(() => chunkText("x", { size: 100, overlap: 100 })).toThrow(
      "Invalid chunking options: `overlap` must be less than `size` (100) (received 100).",
    );
    for (const options of [{ size: 0 }, { size: 1.5 }, { overlap: -1 }, { size: 10, overlap: 20 }]) {
      expect(() => chunkText("x", options)).toThrow(InvalidDefinitionError);
    }
  });

  it(
    "covers every character, keeps chunks within size and overlap (seeded property)",
    () => {
      const rng = random(SEED);
      for (let n = 0; n < CASES; n++) {
        const text = prose(rng, int(rng, 0, 400));
        const size = int(rng, 8, 400);
        const overlap = rng() < 0.2 ? 0 : int(rng, 0, size - 1);
        checkCoverage(text, chunkText(text, { size, overlap }), size, overlap);
      }
    },
    TIME_BUDGET_MS,
  );

  it(
    "repeats exactly `overlap` characters in text without boundaries (seeded property)",
    () => {
      const rng = random(SEED + 1);
      for (let n = 0; n < CASES; n++) {
        const text = "ab".repeat(int(rng, 1, 1500));
        const size = int(rng, 2, 300);
        const overlap = int(rng, 0, size - 1);
        const chunks = chunkText(text, { size, overlap });
        checkCoverage(text, chunks, size, overlap);
        for (const [index, chunk] of chunks.entries()) {
          const previous = chunks[index - 1];
          if (previous) expect(previous.end - chunk.start).toBe(overlap);
          if (index < chunks.length - 1) expect(chunk.end - chunk.start).toBe(size);
        }
      }
    },
    TIME_BUDGET_MS,
  );
});

describe("chunkMarkdown", () => {
  const guide = [
    "Acme CLI guide.",
    "",
    "# Install",
    "",
    "## Linux",
    "",
    "Download the tarball.",
    "",
    "```sh",
    "# extract it (not a heading)",
    "tar xzf acme.tgz",
    "```",
    "",
    "## macOS",
    "",
    "Use Homebrew.",
    "",
    "# Usage #",
    "",
    "Run `acme help`.",
    "",
  ].join("\n");

  it("splits by headings and carries each chunk's heading path", () => {
    const chunks = chunkMarkdown(guide);
    expect(chunks.map((chunk) => [chunk.headings, chunk.text.split("\n")[0]])).toEqual([
      [[], "Acme CLI guide."],
      [["Install", "Linux"], "# Install"],
      [["Install", "macOS"], "## macOS"],
      [["Usage"], "# Usage #"],
    ]);
    expect(chunks[1]?.text).toContain("# extract it (not a heading)");
    checkCoverage(guide, chunks, 1500, 150);
  });

  it("splits a long section with overlap and never inside a code fence that fits", () => {
    const fence = ["```js", ...Array.from({ length: 8 }, (_, i) => `const line${i} = ${i};`), "```"].join(
      "\n",
    );
    const text = `# Long\n\n${"Some words in a sentence. ".repeat(12)}\n\n${fence}\n\n${"More text after. ".repeat(12)}`;
    const chunks = chunkMarkdown(text, { maxSize: 250, overlap: 40 });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((chunk) => chunk.headings?.join() === "Long")).toBe(true);
    expect(chunks.some((chunk) => chunk.text.includes(fence))).toBe(true);
    checkCoverage(text, chunks, 250, 40);
  });

  it("cuts a code fence longer than maxSize, within size", () => {
    const fence = `\`\`\`\n${"let x = 1;\n".repeat(40)}\`\`\`\n`;
    const chunks = chunkMarkdown(`# Code\n\n${fence}`, { maxSize: 100, overlap: 10 });
    expect(chunks.length).toBeGreaterThan(4);
    checkCoverage(`# Code\n\n${fence}`, chunks, 100, 10);
  });

  it("handles CRLF, closing hashes, empty text and text without headings", () => {
    const chunks = chunkMarkdown("# A ##\r\ntext\r\n## B\r\nmore\r\n");
    expect(chunks.map((chunk) => chunk.headings)).toEqual([["A"], ["A", "B"]]);
    expect(chunkMarkdown("")).toEqual([]);
    expect(chunkMarkdown("plain text")).toEqual([
      { text: "plain text", index: 0, start: 0, end: 10, headings: [] },
    ]);
    expect(() => chunkMarkdown("x", { maxSize: 10, overlap: 10 })).toThrow(
      "`overlap` must be less than `maxSize` (10)",
    );
  });

  it(
    "covers every character, keeps heading paths and fences whole (seeded property)",
    () => {
      const rng = random(SEED + 2);
      for (let n = 0; n < CASES; n++) {
        const { text, headings } = markdown(rng);
        const maxSize = int(rng, 40, 600);
        const overlap = rng() < 0.2 ? 0 : int(rng, 0, Math.min(maxSize - 1, 200));
        const chunks = chunkMarkdown(text, { maxSize, overlap });
        checkCoverage(text, chunks, maxSize, overlap);
        for (const [index, chunk] of chunks.entries()) {
          expect(chunk.headings, JSON.stringify({ text, maxSize, overlap, index })).toEqual(
            expectedPath(headings, chunk.end),
          );
        }
        for (const fence of fencesOf(text)) {
          if (fence.end - fence.start > maxSize) continue;
          const whole = chunks.some((chunk) => chunk.start <= fence.start && fence.end <= chunk.end);
          expect(whole, `fence at ${fence.start} of ${fence.end - fence.start} chars`).toBe(true);
          for (const chunk of chunks) {
            const cuts = [chunk.start, chunk.end].some(
              (offset) => fence.start < offset && offset < fence.end,
            );
            expect(cuts, JSON.stringify({ text, maxSize, overlap, chunk, fence })).toBe(false);
          }
        }
      }
    },
    TIME_BUDGET_MS,
  );
});

/** The heading path in force at the last heading that starts before `end`. */
function expectedPath(headings: ReadonlyArray<{ start: number; level: number; title: string }>, end: number) {
  const path: Array<{ level: number; title: string }> = [];
  for (const heading of headings) {
    if (heading.start >= end) break;
    while ((path.at(-1)?.level ?? 0) >= heading.level) path.pop();
    path.push(heading);
  }
  return path.map((entry) => entry.title);
}

/** Fenced blocks as the generator writes them: from an opening fence line to its closing line. */
function fencesOf(text: string): Array<{ start: number; end: number }> {
  const fences: Array<{ start: number; end: number }> = [];
  const pattern = /^(```|~~~~)ts\n[\s\S]*?\n\1\n/gm;
  for (const match of text.matchAll(pattern)) {
    fences.push({ start: match.index, end: match.index + match[0].length });
  }
  return fences;
}
