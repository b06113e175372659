import { RE2JS } from "re2js";

/**
 * Compiles JSON Schema `pattern` / `patternProperties` regular expressions (ECMA-262 syntax with
 * the `u` flag) so that matching can never hang.
 *
 * Strategy:
 * 1. The pattern is translated to RE2 syntax, adjusting the places where ECMA-262 and RE2 differ
 *    (`\s` and `.` are Unicode-aware in ECMA-262, `\uXXXX` escapes, named groups, `[^]`...), and
 *    compiled with re2js, whose matching time is linear in the input.
 * 2. Patterns RE2 cannot express (lookaround, backreferences, some Unicode properties) fall back to
 *    the native `RegExp` only when they have no quantified group that itself contains a quantifier
 *    or an alternation (the shapes behind catastrophic backtracking), and only for inputs of at
 *    most {@link NATIVE_PATTERN_MAX_INPUT} UTF-16 code units; longer inputs fail validation.
 * 3. Anything else is reported as unsupported (the caller decides between error and warning).
 */

/** Longest input a native-`RegExp` fallback pattern is run against. */
export const NATIVE_PATTERN_MAX_INPUT = 1000;

/** A compiled, hang-free pattern. */
export interface CompiledPattern {
  /** The pattern as written in the schema. */
  readonly source: string;
  /** Which engine runs it. */
  readonly engine: "re2" | "native";
  /**
   * True when the pattern matches somewhere in `input` (patterns are not implicitly anchored),
   * false when it does not, undefined when the input is too long for a native fallback pattern.
   */
  test(input: string): boolean | undefined;
}

/** Outcome of {@link compilePattern}. */
export type PatternCompileResult =
  | { ok: true; pattern: CompiledPattern }
  | { ok: false; reason: "invalid" | "unsupported"; message: string };

/** ECMA-262 `\s`: WhiteSpace and LineTerminator code points, in RE2 class-member syntax. */
const WHITESPACE_MEMBERS =
  "\\t\\n\\x{B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

/** ECMA-262 `.` without the `s` flag: anything but a line terminator. */
const ANY_BUT_LINE_TERMINATOR = "[^\\n\\r\\x{2028}\\x{2029}]";

const GENERAL_CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  Letter: "L",
  Uppercase_Letter: "Lu",
  Lowercase_Letter: "Ll",
  Titlecase_Letter: "Lt",
  Modifier_Letter: "Lm",
  Other_Letter: "Lo",
  Mark: "M",
  Combining_Mark: "M",
  Nonspacing_Mark: "Mn",
  Spacing_Mark: "Mc",
  Enclosing_Mark: "Me",
  Number: "N",
  Decimal_Number: "Nd",
  digit: "Nd",
  Letter_Number: "Nl",
  Other_Number: "No",
  Punctuation: "P",
  punct: "P",
  Connector_Punctuation: "Pc",
  Dash_Punctuation: "Pd",
  Open_Punctuation: "Ps",
  Close_Punctuation: "Pe",
  Initial_Punctuation: "Pi",
  Final_Punctuation: "Pf",
  Other_Punctuation: "Po",
  Symbol: "S",
  Math_Symbol: "Sm",
  Currency_Symbol: "Sc",
  Modifier_Symbol: "Sk",
  Other_Symbol: "So",
  Separator: "Z",
  Space_Separator: "Zs",
  Line_Separator: "Zl",
  Paragraph_Separator: "Zp",
  Other: "C",
  Control: "Cc",
  cntrl: "Cc",
  Format: "Cf",
  Private_Use: "Co",
  Surrogate: "Cs",
};

const SHORT_GENERAL_CATEGORIES = new Set(
  "L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Co Cs".split(
    " ",
  ),
);

class Unsupported extends Error {}

function hex(codePoint: number): string {
  return `\\x{${codePoint.toString(16).toUpperCase()}}`;
}

/** Maps an ECMA-262 `\p{...}` body to the RE2 equivalent, or throws {@link Unsupported}. */
function translateProperty(body: string): string {
  const equalsIndex = body.indexOf("=");
  if (equalsIndex !== -1) {
    const name = body.slice(0, equalsIndex);
    const value = body.slice(equalsIndex + 1);
    if (name === "General_Category" || name === "gc") return translateProperty(value);
    if (name === "Script" || name === "sc") return value;
    throw new Unsupported(`Unicode property ${name} is not supported by RE2`);
  }
  if (SHORT_GENERAL_CATEGORIES.has(body)) return body;
  const alias = GENERAL_CATEGORY_ALIASES[body];
  if (alias !== undefined) return alias;
  throw new Unsupported(`Unicode property ${body} is not supported by RE2`);
}

/**
 * Translates an escape sequence starting at `characters[index]` (the backslash). Returns the RE2
 * text and the index after the escape.
 */
function translateEscape(characters: readonly string[], index: number, inClass: boolean): [string, number] {
  const next = characters[index + 1];
  if (next === undefined) throw new Unsupported("trailing backslash");
  switch (next) {
    case "d":
    case "D":
    case "w":
    case "W":
    case "t":
    case "n":
    case "r":
    case "f":
    case "v":
      return [`\\${next}`, index + 2];
    case "b":
      return [inClass ? hex(8) : "\\b", index + 2];
    case "B":
      if (inClass) throw new Unsupported("\\B in a class");
      return ["\\B", index + 2];
    case "s":
      return [inClass ? WHITESPACE_MEMBERS : `[${WHITESPACE_MEMBERS}]`, index + 2];
    case "S":
      if (inClass) throw new Unsupported("\\S inside a character class");
      return [`[^${WHITESPACE_MEMBERS}]`, index + 2];
    case "0":
      return [hex(0), index + 2];
    case "k":
      throw new Unsupported("backreference");
    case "c": {
      const letter = characters[index + 2] ?? "";
      return [hex(letter.charCodeAt(0) % 32), index + 3];
    }
    case "x": {
      const digits = characters.slice(index + 2, index + 4).join("");
      return [hex(Number.parseInt(digits, 16)), index + 4];
    }
    case "u": {
      if (characters[index + 2] === "{") {
        const close = characters.indexOf("}", index + 3);
        const digits = characters.slice(index + 3, close).join("");
        return [hex(Number.parseInt(digits, 16)), close + 1];
      }
      const unit = Number.parseInt(characters.slice(index + 2, index + 6).join(""), 16);
      // A \uD83D\uDE00 surrogate pair written as two escapes is one code point in `u` mode.
      if (
        unit >= 0xd800 &&
        unit <= 0xdbff &&
        characters[index + 6] === "\\" &&
        characters[index + 7] === "u"
      ) {
        const low = Number.parseInt(characters.slice(index + 8, index + 12).join(""), 16);
        if (low >= 0xdc00 && low <= 0xdfff) {
          return [hex((unit - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000), index + 12];
        }
      }
      return [hex(unit), index + 6];
    }
    case "p":
    case "P": {
      const close = characters.indexOf("}", index + 3);
      const body = characters.slice(index + 3, close).join("");
      return [`\\${next}{${translateProperty(body)}}`, close + 1];
    }
    default:
      if (/[1-9]/.test(next)) throw new Unsupported("backreference");
      // The `u` flag only allows identity escapes of syntax characters (and `-` in classes).
      return [`\\${next}`, index + 2];
  }
}

/** Translates a validated ECMA-262 (`u` flag) pattern to RE2 syntax, or throws {@link Unsupported}. */
function translateToRe2(source: string): string {
  const characters = Array.from(source);
  let output = "";
  let index = 0;
  while (index < characters.length) {
    const character = characters[index] as string;
    if (character === "\\") {
      const [text, nextIndex] = translateEscape(characters, index, false);
      output += text;
      index = nextIndex;
    } else if (character === "[") {
      index++;
      let negated = false;
      if (characters[index] === "^") {
        negated = true;
        index++;
      }
      if (characters[index] === "]") {
        // ECMA-262 `[]` matches nothing and `[^]` matches anything; RE2 has no such classes.
        output += negated ? "(?s:.)" : "[^\\x{0}-\\x{10FFFF}]";
        index++;
        continue;
      }
      let members = "";
      while (index < characters.length && characters[index] !== "]") {
        const member = characters[index] as string;
        if (member === "\\") {
          const [text, nextIndex] = translateEscape(characters, index, true);
          members += text;
          index = nextIndex;
        } else {
          // `[` starts a POSIX class in RE2 but is an ordinary member in ECMA-262.
          members += member === "[" ? "\\[" : member;
          index++;
        }
      }
      output += `[${negated ? "^" : ""}${members}]`;
      index++;
    } else if (character === "(") {
      if (characters[index + 1] === "?") {
        const marker = characters[index + 2];
        const afterMarker = characters[index + 3];
        if (
          marker === "=" ||
          marker === "!" ||
          (marker === "<" && (afterMarker === "=" || afterMarker === "!"))
        ) {
          throw new Unsupported("lookaround");
        }
        if (marker === "<") {
          output += "(?P<";
          index += 3;
          continue;
        }
      }
      output += "(";
      index++;
    } else if (character === ".") {
      output += ANY_BUT_LINE_TERMINATOR;
      index++;
    } else {
      output += character;
      index++;
    }
  }
  return output;
}

/**
 * True when a pattern has a quantified group containing a quantifier or an alternation, or a
 * quantified backreference: the shapes that make backtracking engines take exponential time.
 */
export function hasBacktrackingHazard(source: string): boolean {
  const characters = Array.from(source);
  const groupStack: boolean[] = [];
  let risky = false;
  let lastAtomWasRiskyGroup = false;
  let lastAtomWasBackreference = false;
  let index = 0;
  const markEnclosingGroup = () => {
    if (groupStack.length > 0) groupStack[groupStack.length - 1] = true;
  };
  while (index < characters.length) {
    const character = characters[index] as string;
    const isQuantifier =
      character === "*" ||
      character === "+" ||
      (character === "{" && /^\{\d+(?:,\d*)?\}/.test(characters.slice(index, index + 12).join("")));
    if (isQuantifier) {
      if (lastAtomWasRiskyGroup || lastAtomWasBackreference) risky = true;
      markEnclosingGroup();
      lastAtomWasRiskyGroup = false;
      lastAtomWasBackreference = false;
      index++;
      continue;
    }
    lastAtomWasRiskyGroup = false;
    lastAtomWasBackreference = false;
    if (character === "\\") {
      const next = characters[index + 1] ?? "";
      lastAtomWasBackreference = /[1-9k]/.test(next);
      index += 2;
    } else if (character === "[") {
      index++;
      while (index < characters.length && characters[index] !== "]") {
        index += characters[index] === "\\" ? 2 : 1;
      }
      index++;
    } else if (character === "(") {
      groupStack.push(false);
      index++;
    } else if (character === ")") {
      const inner = groupStack.pop() ?? false;
      if (inner) markEnclosingGroup();
      lastAtomWasRiskyGroup = inner;
      index++;
    } else if (character === "|") {
      markEnclosingGroup();
      index++;
    } else {
      index++;
    }
  }
  return risky;
}

function nativePattern(source: string, flags: string): CompiledPattern {
  const expression = new RegExp(source, flags);
  return {
    source,
    engine: "native",
    test(input: string): boolean | undefined {
      if (input.length > NATIVE_PATTERN_MAX_INPUT) return undefined;
      return expression.test(input);
    },
  };
}

/**
 * True when `source` is a valid ECMA-262 regular expression under the `u` flag (which rejects the
 * legacy Annex B leniencies such as `\\a`). Compiling never runs the expression, so this is safe.
 */
export function isValidEcmaRegex(source: string): boolean {
  try {
    new RegExp(source, "u");
    return true;
  } catch {
    return false;
  }
}

/** Compiles a schema pattern; see the module comment for the engine choice. */
export function compilePattern(source: string): PatternCompileResult {
  let unicodeValid = true;
  try {
    new RegExp(source, "u");
  } catch {
    unicodeValid = false;
  }
  if (unicodeValid) {
    try {
      const expression = RE2JS.compile(translateToRe2(source));
      return {
        ok: true,
        pattern: { source, engine: "re2", test: (input: string) => expression.test(input) },
      };
    } catch (error) {
      if (!(error instanceof Unsupported) && !(error instanceof Error)) throw error;
    }
  } else {
    try {
      // Annex B syntax (e.g. a literal `{`) is still a valid ECMA-262 pattern without `u`.
      new RegExp(source);
    } catch (error) {
      return { ok: false, reason: "invalid", message: (error as Error).message };
    }
  }
  if (hasBacktrackingHazard(source)) {
    return {
      ok: false,
      reason: "unsupported",
      message:
        "the pattern needs a backtracking engine (lookaround, backreference or non-RE2 syntax) and has nested quantifiers that could hang validation",
    };
  }
  return { ok: true, pattern: nativePattern(source, unicodeValid ? "u" : "") };
}
