import { InvalidDefinitionError, type ValidationIssue } from "@flowmaestro/runtime";

/**
 * A piece of a source text. `text` is exactly `source.slice(start, end)`, so offsets point back
 * into the source; the chunks of a source cover every one of its characters, in order.
 */
export interface TextChunk {
  /** The chunk's text (the source between `start` and `end`, untrimmed). */
  readonly text: string;
  /** Position of the chunk in the source's list of chunks, from 0. */
  readonly index: number;
  /** Offset of the chunk's first character in the source (UTF-16 code units). */
  readonly start: number;
  /** Offset just past the chunk's last character. */
  readonly end: number;
  /**
   * Titles of the markdown headings the chunk sits under, outermost first, e.g.
   * `["Install", "Linux"]` ({@link chunkMarkdown} only; `[]` before the first heading).
   */
  readonly headings?: readonly string[];
}

/** Options of {@link chunkText}. */
export interface ChunkTextOptions {
  /**
   * Longest chunk, in characters (UTF-16 code units).
   * @default 1000
   */
  size?: number;
  /**
   * Characters a chunk repeats from the end of the previous one, so a sentence cut at a boundary
   * is still whole in one of them. At most this many: the repeat starts at a word where it can.
   * Must be less than `size`.
   * @default 200
   */
  overlap?: number;
}

/** Options of {@link chunkMarkdown}. */
export interface ChunkMarkdownOptions {
  /**
   * Longest chunk, in characters. A section longer than this is split further.
   * @default 1500
   */
  maxSize?: number;
  /**
   * Characters a chunk repeats from the previous chunk of the same section (sections never
   * overlap each other). Must be less than `maxSize`.
   * @default 150
   */
  overlap?: number;
}

/** Default {@link ChunkTextOptions.size}. */
export const DEFAULT_CHUNK_SIZE = 1000;
/** Default {@link ChunkTextOptions.overlap}. */
export const DEFAULT_CHUNK_OVERLAP = 200;
/** Default {@link ChunkMarkdownOptions.maxSize}. */
export const DEFAULT_MARKDOWN_CHUNK_SIZE = 1500;
/** Default {@link ChunkMarkdownOptions.overlap}. */
export const DEFAULT_MARKDOWN_CHUNK_OVERLAP = 150;

/**
 * Splits plain text into chunks of at most `size` characters, each repeating up to `overlap`
 * characters of the previous one. A chunk ends at the best boundary in the second half of its
 * window: a paragraph break (blank line), else a line break, else a sentence end, else a space,
 * else exactly at `size` (a very long word); trailing whitespace stays with the chunk it follows.
 * A surrogate pair is never cut in two. Empty text gives no chunks.
 *
 * @throws {InvalidDefinitionError} unless `size` is a positive integer and `overlap` an integer
 * from 0 to `size - 1`.
 */
export function chunkText(text: string, options: ChunkTextOptions = {}): TextChunk[] {
  const size = options.size ?? DEFAULT_CHUNK_SIZE;
  const overlap = options.overlap ?? DEFAULT_CHUNK_OVERLAP;
  checkSizes("size", size, overlap);
  return splitRange(text, 0, text.length, size, overlap, []).map((range, index) => ({
    text: text.slice(range.start, range.end),
    index,
    start: range.start,
    end: range.end,
  }));
}

/**
 * Splits markdown by its heading structure: each ATX heading (`#` to `######`, outside code
 * fences) starts a section, and each chunk carries the path of headings it sits under
 * (`["Install", "Linux"]`). A heading with nothing under it but a deeper heading joins the
 * section that follows. A section longer than `maxSize` is split like {@link chunkText}, with
 * `overlap` between its own chunks; a fenced code block (```` ``` ```` or `~~~`) that fits in
 * `maxSize` is never split (only longer ones are cut, at line breaks where possible). Setext
 * headings (underlined with `===`) are treated as text.
 *
 * @throws {InvalidDefinitionError} unless `maxSize` is a positive integer and `overlap` an integer
 * from 0 to `maxSize - 1`.
 */
export function chunkMarkdown(text: string, options: ChunkMarkdownOptions = {}): TextChunk[] {
  const maxSize = options.maxSize ?? DEFAULT_MARKDOWN_CHUNK_SIZE;
  const overlap = options.overlap ?? DEFAULT_MARKDOWN_CHUNK_OVERLAP;
  checkSizes("maxSize", maxSize, overlap);
  const { sections, fences } = parseMarkdown(text);
  const fitting = fences.filter((fence) => fence.end - fence.start <= maxSize);
  const chunks: TextChunk[] = [];
  for (const section of sections) {
    const inside = fitting.filter((fence) => fence.start >= section.start && fence.end <= section.end);
    for (const range of splitRange(text, section.start, section.end, maxSize, overlap, inside)) {
      // In a merged section, a chunk sits under the last heading that starts before its end.
      const headings =
        section.joined.findLast((joined) => joined.start < range.end)?.headings ?? section.headings;
      chunks.push({
        text: text.slice(range.start, range.end),
        index: chunks.length,
        start: range.start,
        end: range.end,
        headings,
      });
    }
  }
  return chunks;
}

function checkSizes(sizeField: string, size: unknown, overlap: unknown): void {
  const issues: ValidationIssue[] = [];
  const sizeOk = typeof size === "number" && Number.isInteger(size) && size >= 1;
  if (!sizeOk) issues.push({ field: sizeField, expected: "a positive integer", received: String(size) });
  if (typeof overlap !== "number" || !Number.isInteger(overlap) || overlap < 0) {
    issues.push({ field: "overlap", expected: "an integer of 0 or more", received: String(overlap) });
  } else if (sizeOk && overlap >= (size as number)) {
    issues.push({
      field: "overlap",
      expected: `less than \`${sizeField}\` (${String(size)})`,
      received: String(overlap),
    });
  }
  if (issues.length > 0) throw new InvalidDefinitionError({ subject: "chunking options", issues });
}

interface Range {
  readonly start: number;
  readonly end: number;
}

// Boundary kinds, best first. A fence edge is as good as a paragraph break.
const FENCE_EDGE = 0;
const PARAGRAPH = 1;
const LINE = 2;
const SENTENCE = 3;
const WORD = 4;
const NONE = 5;
const SENTENCE_END = /[.!?…。！？]["'”’)\]]*$/u;
const CJK_SENTENCE_END = new Set(["。", "！", "？"]);

/**
 * Splits `text[from, to)` into ranges of at most `size`, overlapping by at most `overlap`, never
 * ending or starting strictly inside one of the `fences` (each of which is at most `size` long).
 */
function splitRange(
  text: string,
  from: number,
  to: number,
  size: number,
  overlap: number,
  fences: readonly Range[],
): Range[] {
  const ranges: Range[] = [];
  let start = from;
  while (start < to) {
    if (to - start <= size) {
      ranges.push({ start, end: to });
      break;
    }
    const end = chooseBreak(text, start, size, overlap, fences);
    ranges.push({ start, end });
    start = nextStart(text, start, end, overlap, size, fences);
  }
  return ranges;
}

function chooseBreak(
  text: string,
  start: number,
  size: number,
  overlap: number,
  fences: readonly Range[],
): number {
  const limit = start + size;
  // Prefer the second half of the window so chunks do not come out tiny.
  const preferredFrom = start + Math.max(overlap + 1, Math.floor(size / 2));
  const allowed = (position: number) =>
    !fences.some((fence) => fence.start < position && position < fence.end) &&
    !isLowSurrogate(text.charCodeAt(position));
  // The best boundary in [low, high]: lowest kind, then latest position.
  const best = (low: number, high: number): number | undefined => {
    let found: number | undefined;
    let foundKind = WORD + 1;
    for (let position = high; position >= low && foundKind > FENCE_EDGE; position--) {
      const kind = boundaryKind(text, position, fences);
      if (kind < foundKind && allowed(position)) {
        found = position;
        foundKind = kind;
      }
    }
    return found;
  };
  const hardCut = () => {
    for (let position = limit; position > start; position--) if (allowed(position)) return position;
    // Only for a size of 1 at a surrogate pair.
    return limit;
  };
  return (
    best(Math.max(preferredFrom, start + 1), limit) ??
    best(start + 1, Math.min(preferredFrom - 1, limit)) ??
    hardCut()
  );
}

/** How good a place `position` is to end a chunk (the chunk then is `text[.., position)`). */
function boundaryKind(text: string, position: number, fences: readonly Range[]): number {
  if (fences.some((fence) => fence.start === position || fence.end === position)) return FENCE_EDGE;
  const before = text[position - 1];
  if (before === undefined) return NONE;
  if (CJK_SENTENCE_END.has(before) && !isWhitespace(text[position])) return SENTENCE;
  // Otherwise only the end of a whitespace run is a boundary: whitespace stays with what it follows.
  if (!isWhitespace(before) || isWhitespace(text[position])) return NONE;
  let runStart = position - 1;
  while (runStart > 0 && isWhitespace(text[runStart - 1])) runStart--;
  const run = text.slice(runStart, position);
  const newlines = run.split("\n").length - 1;
  if (newlines >= 2) return PARAGRAPH;
  if (newlines === 1) return LINE;
  return SENTENCE_END.test(text.slice(Math.max(0, runStart - 4), runStart)) ? SENTENCE : WORD;
}

/** Where the chunk after `[chunkStart, end)` starts: after `chunkStart`, at or before `end`. */
function nextStart(
  text: string,
  chunkStart: number,
  end: number,
  overlap: number,
  size: number,
  fences: readonly Range[],
): number {
  if (overlap === 0) return end;
  // Start the repeat at a word in the overlap. Without one, repeat nothing after a boundary, and
  // the full overlap after a cut inside a word (a very long word or a text without spaces).
  const cutInsideWord = !isWhitespace(text[end - 1]) && !isWhitespace(text[end]);
  const from = Math.max(0, end - overlap);
  let start = cutInsideWord ? from : end;
  for (let position = from; position < end; position++) {
    if (position === 0 || (isWhitespace(text[position - 1]) && !isWhitespace(text[position]))) {
      start = position;
      break;
    }
  }
  // Always progress, even when the chunk is shorter than the overlap.
  start = Math.max(start, chunkStart + 1);
  // A fence right after the break must fit in the next chunk: shorten the repeat for it.
  const following = fences.find((fence) => fence.start >= end);
  if (following && following.end - start > size && following.start < start + size) {
    start = Math.min(end, Math.max(start, following.end - size));
  }
  // Never start inside a fence (the previous chunk holds all of it): start after it. Moving
  // forward keeps the following fence fitting.
  for (const fence of fences) {
    if (fence.start < start && start < fence.end) start = Math.min(fence.end, end);
  }
  if (isLowSurrogate(text.charCodeAt(start)) && start < end) start++;
  return start;
}

function isWhitespace(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  return code > 127 && /\s/u.test(char);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

interface Section extends Range {
  readonly headings: readonly string[];
  /** Blank sections merged into this one (their starts and heading paths), first first. */
  readonly joined: ReadonlyArray<{ readonly start: number; readonly headings: readonly string[] }>;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;

/** Sections (by ATX heading, outside fences) and fenced code blocks of a markdown text. */
function parseMarkdown(text: string): { sections: Section[]; fences: Range[] } {
  const fences: Range[] = [];
  const headings: Array<{ start: number; lineEnd: number; level: number; title: string }> = [];
  let fence: { start: number; marker: string } | undefined;
  for (let position = 0; position < text.length; ) {
    const newline = text.indexOf("\n", position);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    const line = text.slice(position, newline === -1 ? text.length : newline).replace(/\r$/, "");
    const marker = FENCE_OPEN.exec(line);
    if (fence) {
      const closes =
        marker !== null &&
        marker[1]?.[0] === fence.marker[0] &&
        (marker[1]?.length ?? 0) >= fence.marker.length &&
        line.slice(marker[0].length).trim() === "";
      if (closes) {
        fences.push({ start: fence.start, end: lineEnd });
        fence = undefined;
      }
    } else if (marker) {
      fence = { start: position, marker: marker[1] as string };
    } else {
      const heading = HEADING.exec(line);
      if (heading) {
        const title = (heading[2] ?? "").replace(/(?:^|[ \t]+)#+$/, "").trim();
        headings.push({ start: position, lineEnd, level: (heading[1] as string).length, title });
      }
    }
    position = lineEnd;
  }
  // An unclosed fence runs to the end of the text.
  if (fence) fences.push({ start: fence.start, end: text.length });

  const sections: Array<Omit<Section, "joined"> & { readonly blank: boolean }> = [];
  const firstHeading = headings[0]?.start ?? text.length;
  if (firstHeading > 0) {
    const blank = text.slice(0, firstHeading).trim() === "";
    sections.push({ start: 0, end: firstHeading, headings: [], blank });
  }
  const path: Array<{ level: number; title: string }> = [];
  for (const [index, heading] of headings.entries()) {
    while ((path.at(-1)?.level ?? 0) >= heading.level) path.pop();
    path.push({ level: heading.level, title: heading.title });
    const end = headings[index + 1]?.start ?? text.length;
    const blank = text.slice(heading.lineEnd, end).trim() === "";
    sections.push({ start: heading.start, end, headings: path.map((entry) => entry.title), blank });
  }
  // A blank preamble, or a heading with nothing but a deeper heading under it, joins the next section.
  const merged: Section[] = [];
  let pending: Array<{ start: number; headings: readonly string[] }> = [];
  for (const [index, section] of sections.entries()) {
    const next = sections[index + 1];
    const joinsNext =
      section.blank &&
      next !== undefined &&
      (section.headings.length === 0 || next.headings.length > section.headings.length);
    pending.push({ start: section.start, headings: section.headings });
    if (joinsNext) continue;
    merged.push({
      start: pending[0]?.start ?? section.start,
      end: section.end,
      headings: section.headings,
      joined: pending.length > 1 ? pending : [],
    });
    pending = [];
  }
  return { sections: merged, fences };
}
