import { isValidEcmaRegex } from "../regex.js";
import { isDate, isDateTime, isDuration, isTime } from "./date-time.js";
import { isEmail, isIdnEmail } from "./email.js";
import { isHostname, isIdnHostname } from "./hostname.js";
import { isIpv4, isIpv6 } from "./internet-address.js";
import { isIri, isIriReference, isUri, isUriReference, isUriTemplate } from "./uri-formats.js";

/**
 * The `format` values this converter asserts. Unknown formats are ignored, as the specification
 * requires; every format it recognises is validated here.
 */

/** A format check: true when the string conforms. */
export type FormatValidator = (value: string) => boolean;

const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** RFC 6901 JSON pointer (not in URI fragment form). */
export function isJsonPointer(value: string): boolean {
  if (value !== "" && !value.startsWith("/")) return false;
  return !/~(?![01])/.test(value);
}

/** Relative JSON pointer: a non-negative integer followed by `#` or a JSON pointer. */
export function isRelativeJsonPointer(value: string): boolean {
  const match = /^(?:0|[1-9][0-9]*)/.exec(value);
  if (!match) return false;
  const rest = value.slice(match[0].length);
  return rest === "#" || isJsonPointer(rest);
}

const VALIDATORS: ReadonlyMap<string, FormatValidator> = new Map<string, FormatValidator>([
  ["date-time", isDateTime],
  ["date", isDate],
  ["time", isTime],
  ["duration", isDuration],
  ["email", isEmail],
  ["idn-email", isIdnEmail],
  ["hostname", isHostname],
  ["idn-hostname", isIdnHostname],
  ["ipv4", isIpv4],
  ["ipv6", isIpv6],
  ["uri", isUri],
  ["uri-reference", isUriReference],
  ["iri", isIri],
  ["iri-reference", isIriReference],
  ["uri-template", isUriTemplate],
  ["uuid", (value) => UUID.test(value)],
  ["regex", isValidEcmaRegex],
  ["json-pointer", isJsonPointer],
  ["relative-json-pointer", isRelativeJsonPointer],
]);

/** The validator for a format name, or undefined for formats this converter does not know. */
export function getFormatValidator(format: string): FormatValidator | undefined {
  return VALIDATORS.get(format);
}

/** Every format name this converter validates. */
export const SUPPORTED_FORMATS: readonly string[] = [...VALIDATORS.keys()];
