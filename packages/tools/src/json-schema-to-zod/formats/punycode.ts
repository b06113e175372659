/**
 * Punycode (RFC 3492) for checking IDNA A-labels (`xn--...`) in `hostname` / `idn-hostname`.
 */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta: number, pointCount: number, firstTime: boolean): number {
  let scaled = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
  scaled += Math.floor(scaled / pointCount);
  let k = 0;
  while (scaled > ((BASE - T_MIN) * T_MAX) >> 1) {
    scaled = Math.floor(scaled / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * scaled) / (scaled + SKEW));
}

/** The RFC 3492 threshold `t` for position `k`, clamped to [T_MIN, T_MAX]. */
function threshold(k: number, bias: number): number {
  return Math.min(Math.max(k - bias, T_MIN), T_MAX);
}

function digitValue(codeUnit: number): number {
  if (codeUnit >= 0x30 && codeUnit <= 0x39) return codeUnit - 22;
  if (codeUnit >= 0x41 && codeUnit <= 0x5a) return codeUnit - 0x41;
  if (codeUnit >= 0x61 && codeUnit <= 0x7a) return codeUnit - 0x61;
  return BASE;
}

function digitCharacter(digit: number): string {
  return String.fromCharCode(digit < 26 ? digit + 97 : digit + 22);
}

/** Decodes the part after `xn--`; undefined when it is not valid Punycode. */
export function decodePunycode(input: string): string | undefined {
  const output: number[] = [];
  const delimiter = input.lastIndexOf("-");
  const basicEnd = Math.max(delimiter, 0);
  for (let index = 0; index < basicEnd; index++) {
    const codeUnit = input.charCodeAt(index);
    if (codeUnit >= 0x80) return undefined;
    output.push(codeUnit);
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  let position = delimiter < 0 ? 0 : delimiter + 1;
  if (delimiter >= 0 && position >= input.length && basicEnd === 0) return undefined;
  while (position < input.length) {
    const oldI = i;
    let weight = 1;
    for (let k = BASE; ; k += BASE) {
      if (position >= input.length) return undefined;
      const digit = digitValue(input.charCodeAt(position++));
      if (digit >= BASE) return undefined;
      i += digit * weight;
      if (i > 0x10ffff * 64) return undefined;
      const limit = threshold(k, bias);
      if (digit < limit) break;
      weight *= BASE - limit;
    }
    const length = output.length + 1;
    bias = adapt(i - oldI, length, oldI === 0);
    n += Math.floor(i / length);
    i %= length;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

/** Encodes a Unicode label to Punycode (without the `xn--` prefix). */
export function encodePunycode(input: string): string {
  const codePoints = Array.from(input, (character) => character.codePointAt(0) as number);
  let output = codePoints
    .filter((codePoint) => codePoint < 0x80)
    .map((codePoint) => String.fromCharCode(codePoint))
    .join("");
  const basicCount = output.length;
  let handled = basicCount;
  if (basicCount > 0) output += "-";
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < codePoints.length) {
    let next = Number.MAX_SAFE_INTEGER;
    for (const codePoint of codePoints) if (codePoint >= n && codePoint < next) next = codePoint;
    delta += (next - n) * (handled + 1);
    n = next;
    for (const codePoint of codePoints) {
      if (codePoint < n) delta++;
      if (codePoint === n) {
        let q = delta;
        for (let k = BASE; ; k += BASE) {
          const limit = threshold(k, bias);
          if (q < limit) break;
          output += digitCharacter(limit + ((q - limit) % (BASE - limit)));
          q = Math.floor((q - limit) / (BASE - limit));
        }
        output += digitCharacter(q);
        bias = adapt(delta, handled + 1, handled === basicCount);
        delta = 0;
        handled++;
      }
    }
    delta++;
    n++;
  }
  return output;
}
