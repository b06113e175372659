import { decodePunycode, encodePunycode } from "./punycode.js";

/**
 * `hostname` (RFC 1123 labels, with RFC 5890 A-labels checked after decoding) and `idn-hostname`
 * (RFC 5890-5893: IDNA2008 code point rules approximated with Unicode properties, the contextual
 * rules of RFC 5892 appendix A, and the Bidi rule of RFC 5893).
 */

const ASCII_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IDN_SEPARATORS = /[.\u3002\uff0e\uff61]/;
const MARK = /^\p{M}/u;
const VIRAMAS = new Set([
  0x94d, 0x9cd, 0xa4d, 0xacd, 0xb4d, 0xbcd, 0xc4d, 0xccd, 0xd3b, 0xd3c, 0xd4d, 0xdca, 0xe3a, 0xeba, 0xf84,
  0x1039, 0x103a, 0x1714, 0x1734, 0x17d2, 0x1a60, 0x1b44, 0x1baa, 0x1bab, 0x1bf2, 0x1bf3, 0x2d7f, 0xa806,
  0xa8c4, 0xa953, 0xa9c0, 0xaaf6, 0xabed, 0x10a3f, 0x11046, 0x1107f, 0x110b9, 0x11133, 0x11134, 0x111c0,
  0x11235, 0x112ea, 0x1134d, 0x11442, 0x114c2, 0x115bf, 0x1163f, 0x116b6, 0x1172b, 0x11839, 0x119e0, 0x11a34,
  0x11a47, 0x11a99, 0x11c3f, 0x11d44, 0x11d45, 0x11d97,
]);
/** RFC 5892 section 2.6: exceptions that are always allowed. */
const PVALID_EXCEPTIONS = new Set([0xdf, 0x3c2, 0x6fd, 0x6fe, 0xf0b, 0x3007]);
/** RFC 5892 section 2.6: exceptions that are never allowed. */
const DISALLOWED_EXCEPTIONS = new Set([
  0x640, 0x7fa, 0x302e, 0x302f, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303b,
]);

const GREEK = /\p{Script=Greek}/u;
const HEBREW = /\p{Script=Hebrew}/u;
const HIRAGANA_KATAKANA_HAN = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;
const ALLOWED_GENERAL = /^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}]$/u;
const ARABIC_LETTER = /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const NONSPACING = /^[\p{Mn}\p{Me}]$/u;
const JOINING_TRANSPARENT = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

function isAscii(value: string): boolean {
  for (let index = 0; index < value.length; index++) if (value.charCodeAt(index) >= 0x80) return false;
  return true;
}

type BidiClass = "L" | "R" | "AL" | "AN" | "EN" | "NSM" | "BN" | "ON";

/** Approximate Unicode Bidi_Class, enough for the RFC 5893 rule. */
function bidiClass(character: string): BidiClass {
  const codePoint = character.codePointAt(0) as number;
  if (
    (codePoint >= 0x660 && codePoint <= 0x669) ||
    (codePoint >= 0x600 && codePoint <= 0x605) ||
    codePoint === 0x6dd
  ) {
    return "AN";
  }
  if ((codePoint >= 0x30 && codePoint <= 0x39) || (codePoint >= 0x6f0 && codePoint <= 0x6f9)) return "EN";
  if (codePoint === 0x200c || codePoint === 0x200d) return "BN";
  if (NONSPACING.test(character)) return "NSM";
  if (HEBREW.test(character)) return "R";
  if (ARABIC_LETTER.test(character)) return "AL";
  if (/\p{L}|\p{Mc}|\p{Nd}/u.test(character)) return "L";
  return "ON";
}

/** RFC 5893 section 2, applied to one label of a domain that contains right-to-left text. */
function satisfiesBidiRule(codePoints: readonly string[]): boolean {
  const classes = codePoints.map(bidiClass);
  const first = classes[0];
  let end = classes.length - 1;
  while (end > 0 && classes[end] === "NSM") end--;
  const last = classes[end];
  if (first === "R" || first === "AL") {
    if (!classes.every((kind) => kind !== "L")) return false;
    if (!(last === "R" || last === "AL" || last === "EN" || last === "AN")) return false;
    return !(classes.includes("EN") && classes.includes("AN"));
  }
  if (first !== "L") return false;
  if (!classes.every((kind) => kind !== "R" && kind !== "AL" && kind !== "AN")) return false;
  return last === "L" || last === "EN";
}

function isRightToLeftLabel(codePoints: readonly string[]): boolean {
  return codePoints.some((character) => {
    const kind = bidiClass(character);
    return kind === "R" || kind === "AL" || kind === "AN";
  });
}

/** RFC 5892 appendix A contextual rules, plus the code point classification of section 2. */
function hasValidCodePoints(codePoints: readonly string[]): boolean {
  for (let index = 0; index < codePoints.length; index++) {
    const character = codePoints[index] as string;
    const codePoint = character.codePointAt(0) as number;
    const before = codePoints[index - 1];
    const after = codePoints[index + 1];
    if (DISALLOWED_EXCEPTIONS.has(codePoint)) return false;
    if (PVALID_EXCEPTIONS.has(codePoint)) continue;
    switch (codePoint) {
      case 0x2d:
        continue;
      case 0xb7:
        if (before !== "l" || after !== "l") return false;
        continue;
      case 0x375:
        if (after === undefined || !GREEK.test(after)) return false;
        continue;
      case 0x5f3:
      case 0x5f4:
        if (before === undefined || !HEBREW.test(before)) return false;
        continue;
      case 0x30fb:
        if (!codePoints.some((other) => other !== "\u30fb" && HIRAGANA_KATAKANA_HAN.test(other)))
          return false;
        continue;
      case 0x200d:
        if (before === undefined || !VIRAMAS.has(before.codePointAt(0) as number)) return false;
        continue;
      case 0x200c: {
        if (before !== undefined && VIRAMAS.has(before.codePointAt(0) as number)) continue;
        // (Joining_Type:{L,D})(Joining_Type:T)* ZWNJ (Joining_Type:T)*(Joining_Type:{R,D})
        let left = index - 1;
        while (left >= 0 && JOINING_TRANSPARENT.test(codePoints[left] as string)) left--;
        let right = index + 1;
        while (right < codePoints.length && JOINING_TRANSPARENT.test(codePoints[right] as string)) right++;
        const leftJoins = left >= 0 && ARABIC_LETTER.test(codePoints[left] as string);
        const rightJoins = right < codePoints.length && ARABIC_LETTER.test(codePoints[right] as string);
        if (!leftJoins || !rightJoins) return false;
        continue;
      }
      default:
        break;
    }
    if (codePoint >= 0x660 && codePoint <= 0x669) {
      if (codePoints.some((other) => /[\u06f0-\u06f9]/.test(other))) return false;
      continue;
    }
    if (codePoint >= 0x6f0 && codePoint <= 0x6f9) {
      if (codePoints.some((other) => /[\u0660-\u0669]/.test(other))) return false;
      continue;
    }
    if (codePoint < 0x80) {
      if (!/[a-z0-9]/i.test(character)) return false;
      continue;
    }
    if (!ALLOWED_GENERAL.test(character)) return false;
    // IDNA2008 only allows code points that are stable under NFKC case folding.
    if (character.normalize("NFKC").toLowerCase() !== character) return false;
  }
  return true;
}

/** Checks a label in Unicode form (a U-label or an ASCII NR-LDH label). */
function isValidUnicodeLabel(label: string): boolean {
  const codePoints = Array.from(label);
  if (codePoints.length === 0) return false;
  if (label.startsWith("-") || label.endsWith("-")) return false;
  if (label.slice(2, 4) === "--") return false;
  if (MARK.test(label)) return false;
  return hasValidCodePoints(codePoints);
}

/** Decodes and validates an A-label (`xn--...`), returning its U-label or undefined. */
function decodeALabel(label: string): string | undefined {
  const encoded = label.slice(4);
  const decoded = decodePunycode(encoded);
  if (decoded === undefined || decoded === "" || isAscii(decoded)) return undefined;
  // Only canonical encodings are valid A-labels.
  if (encodePunycode(decoded) !== encoded.toLowerCase()) return undefined;
  return isValidUnicodeLabel(decoded) ? decoded : undefined;
}

/** Shared label loop: `unicodeLabels` lists each label's Unicode form for the Bidi check. */
function checkLabels(labels: readonly string[], allowUnicode: boolean): boolean {
  if (labels.length === 0) return false;
  const unicodeLabels: string[] = [];
  let totalLength = labels.length - 1;
  for (const label of labels) {
    if (label === "") return false;
    let unicodeLabel: string;
    let asciiLength: number;
    if (/^xn--/i.test(label)) {
      if (!ASCII_LABEL.test(label)) return false;
      const decoded = decodeALabel(label);
      if (decoded === undefined) return false;
      unicodeLabel = decoded;
      asciiLength = label.length;
    } else if (isAscii(label)) {
      if (!ASCII_LABEL.test(label) || label.slice(2, 4) === "--") return false;
      unicodeLabel = label;
      asciiLength = label.length;
    } else {
      if (!allowUnicode || !isValidUnicodeLabel(label)) return false;
      unicodeLabel = label;
      asciiLength = 4 + encodePunycode(label).length;
    }
    if (asciiLength > 63) return false;
    totalLength += asciiLength;
    unicodeLabels.push(unicodeLabel);
  }
  if (totalLength > 253) return false;
  const labelCodePoints = unicodeLabels.map((label) => Array.from(label));
  if (labelCodePoints.some(isRightToLeftLabel)) {
    return labelCodePoints.every(satisfiesBidiRule);
  }
  return true;
}

/** RFC 1123 host name; `xn--` labels must be valid A-labels. No trailing dot. */
export function isHostname(value: string): boolean {
  if (!isAscii(value)) return false;
  return checkLabels(value.split("."), false);
}

/** Internationalised host name (RFC 5890), with `。．｡` accepted as label separators. */
export function isIdnHostname(value: string): boolean {
  return checkLabels(value.split(IDN_SEPARATORS), true);
}
