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

/** Sorts IPv4 addresses numerically (others after them, lexically). */
export function compareIp(a: string, b: string): number {
  const a4 = isIpv4(a), b4 = isIpv4(b);
  if (a4 && b4) return ipv4ToInt(a) - ipv4ToInt(b);
  if (a4 !== b4) return a4 ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
