/**
 * IP address formats: `ipv4` (RFC 2673 dotted-quad, no leading zeros) and `ipv6` (RFC 4291,
 * including an embedded dotted-quad tail; zone identifiers and brackets are not part of it).
 */

const IPV4 =
  /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** RFC 2673 dotted-quad with ASCII digits only. */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** Counts the 16-bit groups in a colon-separated list, or returns -1 when one is invalid. */
function countGroups(part: string, allowIpv4Tail: boolean): number {
  if (part === "") return 0;
  const groups = part.split(":");
  let count = 0;
  for (let index = 0; index < groups.length; index++) {
    const group = groups[index] as string;
    if (allowIpv4Tail && index === groups.length - 1 && group.includes(".")) {
      if (!isIpv4(group)) return -1;
      count += 2;
    } else if (HEX_GROUP.test(group)) {
      count += 1;
    } else {
      return -1;
    }
  }
  return count;
}

/** RFC 4291 text representation. */
export function isIpv6(value: string): boolean {
  const compressionIndex = value.indexOf("::");
  if (compressionIndex === -1) return countGroups(value, true) === 8;
  if (value.indexOf("::", compressionIndex + 1) !== -1) return false;
  const head = value.slice(0, compressionIndex);
  const tail = value.slice(compressionIndex + 2);
  const headCount = countGroups(head, false);
  const tailCount = countGroups(tail, true);
  return headCount >= 0 && tailCount >= 0 && headCount + tailCount <= 7;
}
