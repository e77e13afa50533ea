// Line-level helpers shared by the CLI parsers. Everything here is total: no input throws.
import { normalizeMac } from "../../model/net.js";
import type { CliArpEntry, ParseError } from "./types.js";

/** Splits output into lines (CRLF from network devices included). */
export function splitLines(output: unknown): string[] {
  return String(output ?? "").split(/\r\n|\r|\n/);
}

export function tokens(line: string): string[] {
  return line.trim().split(/\s+/).filter((t) => t !== "");
}

/** Messages quote the offending line; keep them bounded. */
export function clip(text: string, max = 160): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}...` : t;
}

export function rowError(line: number, text: string, reason: string): ParseError {
  return { line, text: clip(text), reason };
}

/** Four dot-separated numbers: an IPv4 address, or a broken one that must be reported. */
export function looksIpv4(token: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(token);
}

const MAC_SHAPES = [
  /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i,
  /^([0-9a-f]{1,2}[:-]){5}[0-9a-f]{1,2}$/i,
  /^[0-9a-f]{12}$/i,
];

export function looksMac(token: string): boolean {
  return MAC_SHAPES.some((re) => re.test(token));
}

/** Markers routers print instead of a MAC while ARP has not resolved the address. */
export function isIncompleteMarker(token: string): boolean {
  return /^\(?incomplete\)?$/i.test(token);
}

/** A normalised MAC of all zeros is a placeholder (NX-OS glean, Junos unresolved), not an entry. */
export function isZeroMac(mac: string): boolean {
  return mac === "00:00:00:00:00:00";
}

/** Ages as routers print them: minutes, seconds, h:mm:ss, 1d02h, or "-" / "N/A" for static entries. */
export function isAge(token: string): boolean {
  return /^(-|N\/A|never|\d+|\d+:\d{2}(:\d{2})?|(\d+[ywdhms])+)$/i.test(token);
}

/**
 * A row candidate: starts with an address, or carries both an address and a MAC. Anything
 * else (headers, legends, totals, prompts, timestamps) is not a row and is skipped.
 */
export function looksLikeRow(toks: string[]): boolean {
  const first = toks[0];
  if (first === undefined) return false;
  if (looksIpv4(first) || looksMac(first)) return true;
  return toks.some(looksIpv4) && toks.some((t) => looksMac(t) || isIncompleteMarker(t));
}

/** The device refused the command ("% Invalid input detected", Junos "error: ...", iproute2 "Error: ..."). */
export function isDeviceError(line: string): boolean {
  return /^\s*(%\s*\S|error:|syntax error|unknown command|Command ".*" is unknown|Object ".*" is unknown)/i.test(line);
}

/** VRF headers of IOS-XE / EOS / NX-OS. Returns the VRF name, null for "all contexts", undefined when not a header. */
export function vrfHeader(line: string): string | null | undefined {
  const t = line.trim();
  let m = /^IP ARP Table for context (\S+)$/i.exec(t);
  if (m) return m[1]!;
  if (/^IP ARP Table for all contexts$/i.test(t)) return null;
  m = /^VRF(?: name)?:?\s+(\S+)$/i.exec(t);
  if (m) return m[1]!;
  return undefined;
}

export type MacVerdict = { kind: "mac"; mac: string } | { kind: "incomplete" } | { kind: "invalid" };

/** Reads a MAC column: a MAC, an "incomplete" marker / zero placeholder, or garbage. */
export function readMac(token: string | undefined): MacVerdict {
  if (token === undefined) return { kind: "invalid" };
  if (isIncompleteMarker(token)) return { kind: "incomplete" };
  const mac = normalizeMac(token);
  if (mac === null) return { kind: "invalid" };
  if (isZeroMac(mac)) return { kind: "incomplete" };
  return { kind: "mac", mac };
}

/** Builds an entry without undefined keys (so expectations can compare exactly). */
export function entry(ip: string, mac: string, isStatic: boolean, iface?: string, vrf?: string): CliArpEntry {
  const e: CliArpEntry = { ip, mac, static: isStatic };
  if (iface !== undefined && iface !== "") e.interface = iface;
  if (vrf !== undefined) e.vrf = vrf;
  return e;
}
