import { isHostname, isIdnHostname } from "./hostname.js";
import { isIpv4, isIpv6 } from "./internet-address.js";

/**
 * `email` (RFC 5321 Mailbox) and `idn-email` (RFC 6531, which adds non-ASCII characters to the
 * local part and internationalised domains).
 */

const ASCII_ATOM_TEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~";
const ASCII_DOT_STRING = new RegExp(`^[${ASCII_ATOM_TEXT}]+(?:\\.[${ASCII_ATOM_TEXT}]+)*$`);
const UNICODE_DOT_STRING = new RegExp(
  `^[${ASCII_ATOM_TEXT}\\u0080-\\u{10FFFF}]+(?:\\.[${ASCII_ATOM_TEXT}\\u0080-\\u{10FFFF}]+)*$`,
  "u",
);
const ASCII_QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const UNICODE_QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\u{10FFFF}]|\\[\x20-\x7e])*"$/u;

function isMailbox(value: string, international: boolean): boolean {
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) return false;
  const localPart = value.slice(0, at);
  const domain = value.slice(at + 1);
  const dotString = international ? UNICODE_DOT_STRING : ASCII_DOT_STRING;
  const quoted = international ? UNICODE_QUOTED : ASCII_QUOTED;
  if (!dotString.test(localPart) && !quoted.test(localPart)) return false;
  if (domain.startsWith("[") && domain.endsWith("]")) {
    const literal = domain.slice(1, -1);
    if (literal.startsWith("IPv6:")) return isIpv6(literal.slice(5));
    return isIpv4(literal);
  }
  return international ? isIdnHostname(domain) : isHostname(domain);
}

/** RFC 5321 Mailbox. */
export function isEmail(value: string): boolean {
  return isMailbox(value, false);
}

/** RFC 6531 Mailbox. */
export function isIdnEmail(value: string): boolean {
  return isMailbox(value, true);
}
