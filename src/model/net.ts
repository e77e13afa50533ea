// Validation and normalisation of the addresses we handle. Everything that reaches a
// shell command passes through these first.
import { isIPv4, isIPv6 } from "node:net";

const MAC_HEX = /^[0-9a-f]{12}$/;

/**
 * Normalises a MAC in any common notation (aa:bb:.., aa-bb-.., aabb.ccdd.eeff, aabbccddeeff)
 * to lower-case colon form. Returns null when it is not a 48-bit MAC.
 */
export function normalizeMac(input: string): string | null {
  const s = input.trim().toLowerCase();
  let hex: string;
  if (/^[0-9a-f]{1,2}([:-])[0-9a-f]{1,2}(\1[0-9a-f]{1,2}){4}$/.test(s)) {
    hex = s.split(/[:-]/).map((p) => p.padStart(2, "0")).join("");
  } else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(s)) {
    hex = s.replaceAll(".", "");
  } else {
    hex = s;
  }
  if (!MAC_HEX.test(hex)) return null;
  return hex.match(/../g)!.join(":");
}

/** Formats 6 raw bytes as a MAC; null when the buffer is not 6 bytes long. */
export function macFromBytes(buf: Uint8Array): string | null {
  if (buf.length !== 6) return null;
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join(":");
}

/** Strict dotted-quad IPv4 (no leading zeros, no ranges, nothing else). */
export function isIpv4(s: string): boolean {
  return isIPv4(s) && s.split(".").every((o) => o === "0" || !o.startsWith("0"));
}

export function isIp(s: string): boolean {
  return isIpv4(s) || isIPv6(s);
}

/** Interface names we accept anywhere near a shell: what Linux allows, minus anything odd. */
export const INTERFACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}$/;

export function isInterfaceName(s: string): boolean {
  return INTERFACE_PATTERN.test(s) && !s.includes("..");
}

export function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** True when ip lies in network/prefixLength. */
export function ipv4InSubnet(ip: string, network: string, prefixLength: number): boolean {
  if (prefixLength === 0) return true;
  const size = 2 ** (32 - prefixLength);
  return Math.floor(ipv4ToInt(ip) / size) === Math.floor(ipv4ToInt(network) / size);
}

/** Netmask like 255.255.255.0 -> 24; null when not contiguous. */
export function maskToPrefix(mask: string): number | null {
  if (!isIpv4(mask)) return null;
  const n = ipv4ToInt(mask);
  const bits = n.toString(2).padStart(32, "0");
  if (!/^1*0*$/.test(bits)) return null;
  return bits.indexOf("0") === -1 ? 32 : bits.indexOf("0");
}

/** Sorts IPv4 addresses numerically, then IPv6 numerically, then anything else lexically. */
export function compareIp(a: string, b: string): number {
  const a4 = isIpv4(a), b4 = isIpv4(b);
  if (a4 && b4) return ipv4ToInt(a) - ipv4ToInt(b);
  if (a4 !== b4) return a4 ? -1 : 1;
  const a6 = ipv6Groups(a), b6 = ipv6Groups(b);
  if (a6 && b6) {
    const i = a6.findIndex((g, k) => g !== b6[k]);
    return i < 0 ? 0 : a6[i]! - b6[i]!;
  }
  if ((a6 === null) !== (b6 === null)) return a6 ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The 8 16-bit groups of an IPv6 address (embedded dotted IPv4 tails too); null when it is not one. Zone ids are refused. */
export function ipv6Groups(s: string): number[] | null {
  if (!isIPv6(s) || s.includes("%")) return null;
  let text = s.toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[2]!.split(".").map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const part = (p: string | undefined): number[] => (p ? p.split(":").map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const groups = tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 ? groups : null;
}

/**
 * An address in the one form labels and output use: IPv4 as dotted quad, IPv6 in RFC 5952 form
 * (lower case, no leading zeros, the first longest run of two or more zero groups as "::",
 * IPv4-mapped addresses as ::ffff:a.b.c.d). null when it is neither.
 */
export function normalizeIp(s: string): string | null {
  const t = s.trim();
  if (isIpv4(t)) return t;
  const g = ipv6Groups(t);
  if (!g) return null;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `::ffff:${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** 1-63 letters, digits or '-' per label (not at its ends), 253 characters at most; a trailing dot is allowed. */
export function isDnsName(s: string): boolean {
  const name = s.endsWith(".") ? s.slice(0, -1) : s;
  return name.length >= 1 && name.length <= 253 && name.split(".").every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

/** DNS names compare case-insensitively and with or without the root's dot: lower case, no trailing dot. */
export function canonicalDnsName(s: string): string {
  return s.toLowerCase().replace(/\.$/, "");
}

/** An IPv6 address (no zone index): isIp minus IPv4. */
export function isIpv6(s: string): boolean {
  return ipv6Groups(s) !== null;
}

/** 4 or 6; null when s is neither a strict IPv4 nor an IPv6 address. */
export function ipFamily(s: string): 4 | 6 | null {
  return isIpv4(s) ? 4 : isIpv6(s) ? 6 : null;
}

/** The 16 bytes of an IPv6 address; null when it is not one. */
export function ipv6ToBytes(s: string): number[] | null {
  const g = ipv6Groups(s);
  return g ? g.flatMap((x) => [x >> 8, x & 0xff]) : null;
}

/** 16 integers 0..255 -> the address in normalizeIp form; null for anything else. */
export function ipv6FromBytes(bytes: readonly number[]): string | null {
  if (bytes.length !== 16 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return null;
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return normalizeIp(groups.join(":"));
}

/** True when the IPv6 address ip lies in network/prefixLength (0..128). */
export function ipv6InSubnet(ip: string, network: string, prefixLength: number): boolean {
  const a = ipv6ToBytes(ip), b = ipv6ToBytes(network);
  if (!a || !b || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 128) return false;
  for (let bit = 0; bit < prefixLength; bit += 8) {
    const mask = prefixLength - bit >= 8 ? 0xff : (0xff << (8 - (prefixLength - bit))) & 0xff;
    if ((a[bit / 8]! & mask) !== (b[bit / 8]! & mask)) return false;
  }
  return true;
}

/**
 * Why an address cannot be a VIP, or null when it can. IPv6 VIPs are unicast addresses clients
 * reach through the router: not unspecified, loopback, multicast, link-local (fe80::/10, the
 * router reaches those only with a zone) or IPv4-mapped (that is an IPv4 address: write it so).
 */
export function vipProblem(s: string): string | null {
  if (isIpv4(s)) return null;
  const g = ipv6Groups(s);
  if (g === null) return s.includes("%") ? "must be an IPv4 or IPv6 address without a zone index (%...)" : "must be an IPv4 or IPv6 address";
  if (g.every((x) => x === 0)) return "must not be the unspecified address ::";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "must not be the loopback address ::1";
  if (g[0]! >> 8 === 0xff) return "must not be a multicast address (ff00::/8)";
  if ((g[0]! & 0xffc0) === 0xfe80) return "must not be a link-local address (fe80::/10): use a global or unique-local VIP";
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `is an IPv4-mapped address: write the IPv4 address ${normalizeIp(s)!.slice(7)}`;
  return null;
}
