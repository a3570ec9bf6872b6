/**
 * Who "one client address" is for the login limit. An IPv4 address is one client. An IPv6 client usually holds a
 * whole /64 (RFC 4291 §2.5.1: the low 64 bits are the interface identifier; SLAAC with privacy extensions, RFC 8981,
 * makes new ones at will), so counting whole addresses would give it 2^64 tries: it is counted by its /64. An
 * IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2: what a dual-stack listener reports for IPv4
 * clients) is the IPv4 client it maps.
 */
import { isIPv4, isIPv6 } from "node:net";

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 part as two groups). */
function groupsOf(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => Number.parseInt(group, 16)));
  const [head = "", tail] = text.split("::");
  if (tail === undefined) return parse(head);
  const before = parse(head);
  const after = parse(tail);
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/**
 * The login limit's key for a client address: IPv4 as it is, IPv4-mapped IPv6 as the IPv4 address, any other IPv6
 * address as its /64 (`2001:db8:0:1::/64`). A zone (`fe80::1%eth0`) is ignored. Anything else is returned as it is.
 */
export function clientAddressKey(address: string): string {
  const withoutZone = address.split("%")[0] ?? address;
  if (isIPv4(withoutZone)) return withoutZone;
  if (!isIPv6(withoutZone)) return address;
  const groups = groupsOf(withoutZone.toLowerCase());
  const isMappedIPv4 = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (isMappedIPv4) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}
