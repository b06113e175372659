import { isIpv4, isIpv6 } from "./internet-address.js";

/**
 * `uri`, `uri-reference` (RFC 3986), `iri`, `iri-reference` (RFC 3987) and `uri-template`
 * (RFC 6570 level 4 syntax), checked component by component.
 */

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const PERCENT_ENCODED = "%[0-9A-Fa-f]{2}";
const UNRESERVED_SUB_DELIMS = "A-Za-z0-9\\-._~!$&'()*+,;=";
/** RFC 3987 `ucschar` and `iprivate`, accepted everywhere an IRI allows non-ASCII. */
const UCS = "\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF\\u{10000}-\\u{10FFFD}";

function componentPattern(extra: string, international: boolean): RegExp {
  const characters = `${UNRESERVED_SUB_DELIMS}${extra}${international ? UCS : ""}`;
  return new RegExp(`^(?:[${characters}]|${PERCENT_ENCODED})*$`, "u");
}

interface ComponentPatterns {
  userinfo: RegExp;
  registeredName: RegExp;
  path: RegExp;
  queryOrFragment: RegExp;
}

const ASCII_PATTERNS: ComponentPatterns = {
  userinfo: componentPattern(":", false),
  registeredName: componentPattern("", false),
  path: componentPattern(":@/", false),
  queryOrFragment: componentPattern(":@/?", false),
};
const INTERNATIONAL_PATTERNS: ComponentPatterns = {
  userinfo: componentPattern(":", true),
  registeredName: componentPattern("", true),
  path: componentPattern(":@/", true),
  queryOrFragment: componentPattern(
    ":@/?\\u{E000}-\\u{F8FF}\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}",
    true,
  ),
};

function isValidHost(host: string, patterns: ComponentPatterns): boolean {
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) return false;
    const literal = host.slice(1, -1);
    if (/^[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/.test(literal)) return true;
    return isIpv6(literal);
  }
  return isIpv4(host) || patterns.registeredName.test(host);
}

function isValidAuthority(authority: string, patterns: ComponentPatterns): boolean {
  let rest = authority;
  const at = rest.indexOf("@");
  if (at !== -1) {
    if (!patterns.userinfo.test(rest.slice(0, at))) return false;
    rest = rest.slice(at + 1);
  }
  let host = rest;
  const closingBracket = rest.lastIndexOf("]");
  const portColon = rest.lastIndexOf(":");
  if (portColon > closingBracket) {
    host = rest.slice(0, portColon);
    if (!/^[0-9]*$/.test(rest.slice(portColon + 1))) return false;
  }
  return isValidHost(host, patterns);
}

function parseReference(value: string, international: boolean, requireScheme: boolean): boolean {
  const patterns = international ? INTERNATIONAL_PATTERNS : ASCII_PATTERNS;
  let rest = value;
  const hash = rest.indexOf("#");
  if (hash !== -1) {
    if (!patterns.queryOrFragment.test(rest.slice(hash + 1))) return false;
    rest = rest.slice(0, hash);
  }
  const question = rest.indexOf("?");
  if (question !== -1) {
    if (!patterns.queryOrFragment.test(rest.slice(question + 1))) return false;
    rest = rest.slice(0, question);
  }
  const colon = rest.indexOf(":");
  const firstSlash = rest.indexOf("/");
  const hasScheme = colon > 0 && (firstSlash === -1 || colon < firstSlash);
  if (hasScheme) {
    if (!SCHEME.test(rest.slice(0, colon))) return false;
    rest = rest.slice(colon + 1);
  } else {
    if (requireScheme) return false;
    // A relative-path reference cannot have a colon in its first segment.
    if (colon !== -1 && (firstSlash === -1 || colon < firstSlash)) return false;
  }
  if (rest.startsWith("//")) {
    const authorityEnd = rest.indexOf("/", 2);
    const authority = authorityEnd === -1 ? rest.slice(2) : rest.slice(2, authorityEnd);
    if (!isValidAuthority(authority, patterns)) return false;
    rest = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
  }
  return patterns.path.test(rest);
}

/** RFC 3986 absolute URI (a scheme is required). */
export function isUri(value: string): boolean {
  return parseReference(value, false, true);
}

/** RFC 3986 URI reference (relative references allowed). */
export function isUriReference(value: string): boolean {
  return parseReference(value, false, false);
}

/** RFC 3987 IRI (a scheme is required). */
export function isIri(value: string): boolean {
  return parseReference(value, true, true);
}

/** RFC 3987 IRI reference. */
export function isIriReference(value: string): boolean {
  return parseReference(value, true, false);
}

const TEMPLATE_LITERAL =
  /^(?:[\x21\x23\x24\x26\x28-\x3b\x3d\x3f-\x5b\x5d\x5f\x61-\x7a\x7e\u00a0-\ud7ff\ue000-\ufdcf\ufdf0-\uffef\u{10000}-\u{10ffff}]|%[0-9A-Fa-f]{2}|')*$/u;
const VARIABLE_CHARACTER = "(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})";
const VARIABLE_SPEC = new RegExp(
  `^${VARIABLE_CHARACTER}+(?:\\.${VARIABLE_CHARACTER}+)*(?::[1-9][0-9]{0,3}|\\*)?$`,
);

/** RFC 6570 URI Template syntax. */
export function isUriTemplate(value: string): boolean {
  let index = 0;
  while (index < value.length) {
    const open = value.indexOf("{", index);
    const literal = open === -1 ? value.slice(index) : value.slice(index, open);
    if (literal.includes("}") || !TEMPLATE_LITERAL.test(literal)) return false;
    if (open === -1) return true;
    const close = value.indexOf("}", open);
    if (close === -1) return false;
    let expression = value.slice(open + 1, close);
    if (expression.includes("{")) return false;
    if (/^[+#./;?&=,!@|]/.test(expression)) expression = expression.slice(1);
    if (!expression.split(",").every((spec) => VARIABLE_SPEC.test(spec))) return false;
    index = close + 1;
  }
  return true;
}
