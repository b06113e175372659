/**
 * Partial JSON for streamed structured output: the value a JSON text prefix already shows, from a
 * single-pass, resumable parser (no `eval`, no recursion, linear in the text).
 *
 * What a prefix shows:
 * - open objects and arrays, as far as they go; a dangling key (`{"a"`, `{"a":`) or a trailing
 *   comma is dropped;
 * - an unterminated string, as far as it goes, without a half-received escape (`\`, `\u00`) or a
 *   lone high surrogate at its end (the low one is on its way);
 * - `true`, `false` and `null` only once complete; numbers inside an object or array only once
 *   terminated (by `,` `]` `}` or whitespace), so a partial never shows `1` that becomes `12`. A
 *   number that is the whole value has no terminator: it shows as far as it is valid (`-1.` → `-1`).
 *
 * Leading whitespace and an opening Markdown fence line (```` ```json ````) are skipped, and
 * anything after the complete value (a closing fence) is ignored. Text that cannot be the start
 * of a JSON value shows nothing from where it goes wrong on.
 */

/** Nothing to show (not `undefined`, which is the public "no value"). */
const NONE: unique symbol = Symbol("none");
type Shown = unknown | typeof NONE;

type ObjectState = "key-or-end" | "key" | "colon" | "value" | "comma-or-end";
type ArrayState = "value-or-end" | "value" | "comma-or-end";

interface ObjectFrame {
  readonly kind: "object";
  /** Completed members only; the member being built is added by {@link PartialJsonParser.snapshot}. */
  readonly value: Record<string, unknown>;
  state: ObjectState;
  key: string | undefined;
}

interface ArrayFrame {
  readonly kind: "array";
  /** Completed items only. */
  readonly value: unknown[];
  state: ArrayState;
}

type Frame = ObjectFrame | ArrayFrame;

type Token =
  | {
      readonly kind: "string";
      readonly isKey: boolean;
      text: string;
      /** A half-received escape (`\\u00`), or "". */
      escape: string;
      /** Whether `text` ends with a high surrogate (kept here: reading the end of a long string flattens it). */
      highEnd: boolean;
    }
  | { readonly kind: "number"; text: string }
  | { readonly kind: "literal"; readonly word: "true" | "false" | "null"; length: number };

type Phase = "prelude" | "fence" | "value" | "done" | "error";

const NUMBER_PREFIX = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
const HEX4 = /^[0-9A-Fa-f]{4}$/;

/**
 * @internal The resumable parser behind {@link parsePartialJson} and
 * {@link createPartialObjectTracker}: `write` text as it arrives, `snapshot` what it shows.
 */
export class PartialJsonParser {
  private phase: Phase = "prelude";
  private readonly stack: Frame[] = [];
  private token: Token | undefined;
  private root: unknown;
  /** Characters written so far. */
  length = 0;
  /** Whether what {@link snapshot} shows may have changed since `dirty` was last cleared. */
  dirty = false;

  /** Whether the value is complete (later text is ignored). */
  get done(): boolean {
    return this.phase === "done";
  }

  /** Whether the text cannot be the start of a JSON value (later text is ignored). */
  get failed(): boolean {
    return this.phase === "error";
  }

  /** Feeds the next part of the text. */
  write(chunk: string): void {
    this.length += chunk.length;
    let index = 0;
    while (index < chunk.length && this.phase !== "done" && this.phase !== "error") {
      const token = this.token;
      if (token?.kind === "string") {
        index = this.continueString(token, chunk, index);
        continue;
      }
      const char = chunk.charCodeAt(index);
      if (token?.kind === "number") {
        if (isNumberChar(char)) {
          token.text += chunk[index];
          if (this.stack.length === 0) this.dirty = true;
          index++;
          continue;
        }
        this.endNumber(token);
        continue; // the terminator is read again, outside the number
      }
      if (token?.kind === "literal") {
        if (char !== token.word.charCodeAt(token.length)) {
          this.fail();
          break;
        }
        token.length++;
        index++;
        if (token.length === token.word.length) {
          this.token = undefined;
          this.complete(token.word === "null" ? null : token.word === "true", true);
        }
        continue;
      }
      this.structural(char);
      index++;
    }
  }

  /**
   * What the text so far shows (see the module documentation), or `undefined` when it shows
   * nothing yet or has gone wrong before showing anything. Open objects and arrays are copied;
   * completed ones are shared between snapshots, and never change once completed.
   */
  snapshot(): unknown {
    if (this.phase === "done") return this.root;
    if (this.phase === "error") return undefined;
    let child: Shown = NONE;
    const token = this.token;
    if (token?.kind === "string" && !token.isKey)
      child = token.highEnd ? token.text.slice(0, -1) : token.text;
    else if (token?.kind === "number" && this.stack.length === 0) {
      const prefix = NUMBER_PREFIX.exec(token.text)?.[0];
      child = prefix === undefined ? NONE : Number(prefix);
    }
    for (let depth = this.stack.length - 1; depth >= 0; depth--) {
      const frame = this.stack[depth] as Frame;
      if (frame.kind === "array") {
        const copy = frame.value.slice();
        if (child !== NONE) copy.push(child);
        child = copy;
      } else {
        const copy = { ...frame.value };
        if (child !== NONE && frame.state === "value" && frame.key !== undefined)
          setMember(copy, frame.key, child);
        child = copy;
      }
    }
    return child === NONE ? undefined : child;
  }

  private structural(char: number): void {
    if (this.phase === "fence") {
      // The fence's backticks and language word, up to the end of its line.
      if (char === 0x0a) this.phase = "prelude";
      return;
    }
    if (isWhitespace(char)) return;
    if (this.phase === "prelude") {
      if (char === 0xfeff) return; // a byte order mark
      if (char === 0x60 /* ` */) {
        this.phase = "fence";
        return;
      }
      this.phase = "value";
    }
    const frame = this.stack.at(-1);
    if (frame === undefined) {
      this.value(char);
    } else if (frame.kind === "array") {
      if (frame.state === "comma-or-end") {
        if (char === 0x2c /* , */) frame.state = "value";
        else if (char === 0x5d /* ] */) this.close();
        else this.fail();
      } else if (char === 0x5d && frame.state === "value-or-end") {
        this.close();
      } else {
        this.value(char);
      }
    } else {
      switch (frame.state) {
        case "key-or-end":
        case "key":
          if (char === 0x22 /* " */)
            this.token = { kind: "string", isKey: true, text: "", escape: "", highEnd: false };
          else if (char === 0x7d /* } */ && frame.state === "key-or-end") this.close();
          else this.fail();
          return;
        case "colon":
          if (char === 0x3a /* : */) frame.state = "value";
          else this.fail();
          return;
        case "value":
          this.value(char);
          return;
        case "comma-or-end":
          if (char === 0x2c) frame.state = "key";
          else if (char === 0x7d) this.close();
          else this.fail();
          return;
      }
    }
  }

  /** The first character of a value. */
  private value(char: number): void {
    if (char === 0x7b /* { */) {
      this.stack.push({ kind: "object", value: {}, state: "key-or-end", key: undefined });
      this.dirty = true;
    } else if (char === 0x5b /* [ */) {
      this.stack.push({ kind: "array", value: [], state: "value-or-end" });
      this.dirty = true;
    } else if (char === 0x22) {
      this.token = { kind: "string", isKey: false, text: "", escape: "", highEnd: false };
      this.dirty = true;
    } else if (char === 0x2d /* - */ || (char >= 0x30 && char <= 0x39)) {
      this.token = { kind: "number", text: String.fromCharCode(char) };
      if (this.stack.length === 0) this.dirty = true;
    } else if (char === 0x74 /* t */) {
      this.token = { kind: "literal", word: "true", length: 1 };
    } else if (char === 0x66 /* f */) {
      this.token = { kind: "literal", word: "false", length: 1 };
    } else if (char === 0x6e /* n */) {
      this.token = { kind: "literal", word: "null", length: 1 };
    } else {
      this.fail();
    }
  }

  /** Reads string characters from `index`; returns where it stopped. */
  private continueString(token: Extract<Token, { kind: "string" }>, chunk: string, start: number): number {
    let index = start;
    while (index < chunk.length) {
      if (token.escape !== "") {
        token.escape += chunk[index];
        index++;
        const decoded = decodeEscape(token.escape);
        if (decoded === undefined) continue; // more to come (`\u00`)
        if (decoded === null) {
          this.fail();
          return chunk.length;
        }
        token.escape = "";
        this.append(token, decoded);
        continue;
      }
      let end = index;
      while (end < chunk.length) {
        const char = chunk.charCodeAt(end);
        if (char === 0x22 || char === 0x5c /* \ */) break;
        end++;
      }
      if (end > index) this.append(token, chunk.slice(index, end));
      if (end === chunk.length) return end;
      if (chunk.charCodeAt(end) === 0x5c) {
        token.escape = "\\";
        index = end + 1;
        continue;
      }
      // The closing quote.
      this.token = undefined;
      if (token.isKey) {
        const frame = this.stack.at(-1) as ObjectFrame;
        frame.key = token.text;
        frame.state = "colon";
      } else {
        // A lone high surrogate at the end was hidden until now.
        this.complete(token.text, token.highEnd);
      }
      return end + 1;
    }
    return index;
  }

  private append(token: Extract<Token, { kind: "string" }>, text: string): void {
    const hiddenBefore = token.highEnd;
    token.text += text;
    token.highEnd = isHighSurrogate(text.charCodeAt(text.length - 1));
    // Shown unless all it adds is a hidden high surrogate (a hidden one before it now shows too).
    if (!token.isKey && (hiddenBefore || text.length > 1 || !token.highEnd)) this.dirty = true;
  }

  private endNumber(token: Extract<Token, { kind: "number" }>): void {
    this.token = undefined;
    if (!NUMBER.test(token.text)) {
      this.fail();
      return;
    }
    this.complete(Number(token.text), true);
  }

  /** Closes the innermost object or array and puts it where it belongs. */
  private close(): void {
    const frame = this.stack.pop() as Frame;
    // Already shown while open: completing it shows nothing new.
    this.complete(frame.value, false);
  }

  /** Puts a finished value where it belongs: the root, the next item or the pending member. */
  private complete(value: unknown, shown: boolean): void {
    if (shown) this.dirty = true;
    const frame = this.stack.at(-1);
    if (frame === undefined) {
      this.root = value;
      this.phase = "done";
    } else if (frame.kind === "array") {
      frame.value.push(value);
      frame.state = "comma-or-end";
    } else {
      setMember(frame.value, frame.key as string, value);
      frame.key = undefined;
      frame.state = "comma-or-end";
    }
  }

  private fail(): void {
    this.phase = "error";
    this.token = undefined;
  }

  /** @internal Ends a top-level number at the end of the text (it has no terminator). */
  end(): void {
    if (this.phase === "fence" || this.phase === "prelude") return;
    const token = this.token;
    if (token?.kind === "number" && this.stack.length === 0) this.endNumber(token);
  }
}

/**
 * The value a prefix of a JSON text shows: objects, arrays and strings as far as they go, a
 * dangling key or trailing comma dropped, literals and numbers once complete (see the module
 * documentation). `undefined` when the text shows no value yet, or is not the start of a JSON value.
 * Linear in the text; never evaluates it.
 *
 * @example
 * ```ts
 * parsePartialJson('{"city": "Par');        // { city: "Par" }
 * parsePartialJson('{"tags": ["a", "b"], "n'); // { tags: ["a", "b"] }
 * parsePartialJson('{"celsius": 2');         // {} (2 may be the start of 21)
 * ```
 */
export function parsePartialJson(text: string): unknown {
  const parser = new PartialJsonParser();
  parser.write(text);
  return parser.snapshot();
}

/** Follows a streamed JSON answer; see {@link createPartialObjectTracker}. */
export interface PartialObjectTracker {
  /**
   * Feeds the next text delta. Returns the partial value when it differs from the last one
   * returned, otherwise `undefined` (nothing new, or not yet: see {@link createPartialObjectTracker}).
   */
  push(delta: string): unknown;
  /** The partial value if it changed since the last one returned, ignoring the pacing; else `undefined`. */
  flush(): unknown;
  /** Whether the JSON value is complete. */
  readonly done: boolean;
  /** Whether the text is not JSON (nothing more will be returned). */
  readonly failed: boolean;
  /** @internal Work done so far, for the complexity tests. */
  readonly stats: PartialObjectTrackerStats;
}

/** @internal */
export interface PartialObjectTrackerStats {
  /** Partial values returned. */
  emitted: number;
  /** Sum of the text length at each returned value: a bound on the size of all values returned. */
  emittedTextLength: number;
}

/** Text length "paid for" by every character received; see {@link createPartialObjectTracker}. */
const CREDIT_PER_CHARACTER = 16;
/** Credit to start with, so that small answers show every change. */
const INITIAL_CREDIT = 32_768;

/**
 * Follows a JSON answer streamed in text deltas and returns its partial value whenever it changes
 * (see {@link parsePartialJson} for what a prefix shows). Parsing is incremental: each delta is
 * read once, and a delta that cannot change the value (a key, a colon, whitespace, a digit inside
 * an object) returns `undefined` without building anything.
 *
 * Pacing: a partial value costs its consumer about the text length to read (to serialise it for a
 * UI, to diff it), so a new one is returned only while the total of those lengths stays within
 * 32,768 + 16 × the text received. Small answers (up to a few thousand characters) show every
 * change; a long one shows a change at least every 1/16 of its length, and the whole stream stays
 * linear in its length. The complete value is always returned, once, when it closes; call
 * {@link PartialObjectTracker.flush} at the end of a stream that stopped short.
 *
 * Top-level arrays and objects are the common case; a value that is a bare number has no
 * terminator, so it shows as far as it is valid and may change in ways a prefix does not
 * (`1` → `12`); call `flush` at the end to get it.
 *
 * @example
 * ```ts
 * const tracker = createPartialObjectTracker();
 * for await (const delta of textDeltas) {
 *   const partial = tracker.push(delta);
 *   if (partial !== undefined) render(partial);
 * }
 * ```
 */
export function createPartialObjectTracker(): PartialObjectTracker {
  const parser = new PartialJsonParser();
  const stats: PartialObjectTrackerStats = { emitted: 0, emittedTextLength: 0 };
  let credit = INITIAL_CREDIT;
  let last: unknown;
  const emit = (): unknown => {
    parser.dirty = false;
    const value = parser.snapshot();
    if (value === undefined) return undefined;
    // Containers are rebuilt only when something in them changed; primitives may repeat (`1.` → 1).
    if ((typeof value !== "object" || value === null) && Object.is(value, last)) return undefined;
    credit -= parser.length;
    stats.emitted++;
    stats.emittedTextLength += parser.length;
    last = value;
    return value;
  };
  return {
    push(delta) {
      if (typeof delta !== "string" || delta.length === 0) return undefined;
      const wasDone = parser.done;
      parser.write(delta);
      credit += CREDIT_PER_CHARACTER * delta.length;
      if (!parser.dirty) return undefined;
      // The closing of the value is always shown; anything else when the pacing allows.
      if (!(parser.done && !wasDone) && parser.length > credit) return undefined;
      return emit();
    },
    flush() {
      parser.end();
      return parser.dirty ? emit() : undefined;
    },
    get done() {
      return parser.done;
    },
    get failed() {
      return parser.failed;
    },
    stats,
  };
}

/** An escape sequence so far: its text, `undefined` when incomplete, `null` when invalid. */
function decodeEscape(sequence: string): string | undefined | null {
  const kind = sequence[1] as string;
  if (kind !== "u") return ESCAPES[kind] ?? null;
  if (sequence.length < 6) return /^[0-9A-Fa-f]*$/.test(sequence.slice(2)) ? undefined : null;
  const hex = sequence.slice(2, 6);
  return HEX4.test(hex) ? String.fromCharCode(Number.parseInt(hex, 16)) : null;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isWhitespace(char: number): boolean {
  return char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09;
}

function isNumberChar(char: number): boolean {
  return (
    (char >= 0x30 && char <= 0x39) ||
    char === 0x2d ||
    char === 0x2b ||
    char === 0x2e ||
    char === 0x65 ||
    char === 0x45
  );
}

/** Sets a member as `JSON.parse` does: `__proto__` is an own property, not the prototype. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
