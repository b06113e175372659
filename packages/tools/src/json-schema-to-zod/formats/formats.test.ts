import { describe, expect, it } from "vitest";
import { getFormatValidator } from "./index.js";
import { decodePunycode, encodePunycode } from "./punycode.js";

function check(format: string, value: string): boolean {
  const validator = getFormatValidator(format);
  if (validator === undefined) throw new Error(`no validator for ${format}`);
  return validator(value);
}

describe("formats", () => {
  it.each([
    ["date-time", "1963-06-19T08:30:06.283185Z", true],
    ["date-time", "1998-12-31T23:59:60Z", true],
    ["date-time", "1998-12-31T22:59:60Z", false],
    ["date", "2020-02-29", true],
    ["date", "2021-02-29", false],
    ["time", "08:30:06+00:20", true],
    ["time", "12:00:00", false],
    ["duration", "P4DT12H30M5S", true],
    ["duration", "P1Y2W", false],
    ["email", '"joe bloggs"@example.com', true],
    ["email", "te..st@example.com", false],
    ["idn-email", "실례@실례.테스트", true],
    ["hostname", "www.example.com", true],
    ["hostname", "-bad.example", false],
    ["hostname", "xn--X", false],
    ["idn-hostname", "실례.테스트", true],
    ["idn-hostname", "l\u00b7a", false],
    ["ipv4", "192.168.0.1", true],
    ["ipv4", "087.10.0.1", false],
    ["ipv6", "::ffff:192.168.0.1", true],
    ["ipv6", "1::d6::42", false],
    ["uri", "http://foo.bar/?baz=qux#quux", true],
    ["uri", "//foo.bar", false],
    ["uri-reference", "/abc", true],
    ["iri", "http://ƒøø.ßår/", true],
    ["uri-template", "http://example.com/{term:1}/{term}", true],
    ["uri-template", "{term", false],
    ["uuid", "2EB8AA08-AA98-11EA-B4AA-73B441D16380", true],
    ["uuid", "2eb8aa08aa9811eab4aa73b441d16380", false],
    ["regex", "([abc])+\\s+$", true],
    ["regex", "^(abc]", false],
    ["json-pointer", "/foo/bar~0/baz~1/%a", true],
    ["json-pointer", "/foo/bar~", false],
    ["relative-json-pointer", "0#", true],
    ["relative-json-pointer", "-1/foo", false],
  ])("%s %j → %s", (format, value, expected) => {
    expect(check(format, value)).toBe(expected);
  });

  it("round-trips punycode", () => {
    expect(encodePunycode("münchen")).toBe("mnchen-3ya");
    expect(decodePunycode("mnchen-3ya")).toBe("münchen");
    expect(decodePunycode("!")).toBeUndefined();
  });
});
