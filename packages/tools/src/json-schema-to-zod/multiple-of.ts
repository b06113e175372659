/**
 * `multipleOf` judged on the decimal values as written in JSON rather than on binary floating
 * point, so `0.0075` is a multiple of `0.0001` and huge values never divide to `Infinity`.
 */

interface Decimal {
  /** All significant digits as an integer, signed. */
  digits: bigint;
  /** Power of ten the digits are scaled by. */
  exponent: number;
}

/** The shortest decimal that round-trips to `value` (what `String(value)` prints). */
function toDecimal(value: number): Decimal {
  const text = String(value);
  const exponentIndex = text.indexOf("e");
  const mantissa = exponentIndex === -1 ? text : text.slice(0, exponentIndex);
  const writtenExponent = exponentIndex === -1 ? 0 : Number(text.slice(exponentIndex + 1));
  const dotIndex = mantissa.indexOf(".");
  const integerPart = dotIndex === -1 ? mantissa : mantissa.slice(0, dotIndex);
  const fractionPart = dotIndex === -1 ? "" : mantissa.slice(dotIndex + 1);
  return { digits: BigInt(integerPart + fractionPart), exponent: writtenExponent - fractionPart.length };
}

/** True when `value` is an integer multiple of `divisor` (which must be finite and positive). */
export function isMultipleOf(value: number, divisor: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (Number.isSafeInteger(value) && Number.isSafeInteger(divisor)) return value % divisor === 0;
  const valueDecimal = toDecimal(value);
  const divisorDecimal = toDecimal(divisor);
  const commonExponent = Math.min(valueDecimal.exponent, divisorDecimal.exponent);
  const scaledValue = valueDecimal.digits * 10n ** BigInt(valueDecimal.exponent - commonExponent);
  const scaledDivisor = divisorDecimal.digits * 10n ** BigInt(divisorDecimal.exponent - commonExponent);
  return scaledValue % scaledDivisor === 0n;
}
