// Which bucket a client address counts against in per-address limits. An IPv6 client
// usually holds a whole /64 (often far more), so counting each address apart would let one
// client multiply every limit by 2^64; the /64 is the smallest unit one can assume belongs
// to one subscriber. IPv4 addresses count alone. A missing or unparsable address falls into
// one shared bucket: that can only make limits stricter for whoever has no address, never
// let anyone past them.
import { isIP } from "node:net";

export const UNKNOWN_ADDRESS_BUCKET = "unknown";

/** `203.0.113.7` → itself; `2001:db8:1:2:…` → `2001:db8:1:2::/64`; anything else → `unknown`. */
export function addressBucket(address: string | null | undefined): string {
  if (!address || address.length > 64) return UNKNOWN_ADDRESS_BUCKET;
  // fast path: a plain IPv4 address, the common case, costs no allocation
  if (address.indexOf(":") === -1) return isIP(address) === 4 ? address : UNKNOWN_ADDRESS_BUCKET;
  let v = address.trim();
  if (v.startsWith("[") && v.endsWith("]")) v = v.slice(1, -1);
  const zone = v.indexOf("%");
  if (zone > 0) v = v.slice(0, zone);
  if (isIP(v) !== 6) return UNKNOWN_ADDRESS_BUCKET;
  const groups = expandIpv6(v.toLowerCase());
  // IPv4-mapped (::ffff:a.b.c.d) is an IPv4 client reached over a dual-stack socket
  if (
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  ) {
    return `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
  }
  return `${groups[0].toString(16)}:${groups[1].toString(16)}:${groups[2].toString(16)}:${groups[3].toString(16)}::/64`;
}

/** The eight 16-bit groups of an address isIP() has accepted as IPv6. */
function expandIpv6(v: string): number[] {
  let tail: number[] = [];
  const lastColon = v.lastIndexOf(":");
  const last = v.slice(lastColon + 1);
  if (last.includes(".")) {
    // an embedded IPv4 address fills the last two groups
    const o = last.split(".").map(Number);
    tail = [(o[0] << 8) | o[1], (o[2] << 8) | o[3]];
    v = v.slice(0, lastColon + 1);
    if (v.endsWith(":") && !v.endsWith("::")) v = v.slice(0, -1);
  }
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const gap = v.indexOf("::");
  let groups: number[];
  if (gap === -1) groups = [...parse(v), ...tail];
  else {
    const head = parse(v.slice(0, gap));
    const rest = [...parse(v.slice(gap + 2)), ...tail];
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  }
  return groups;
}
