// Line-level helpers shared by the CLI parsers. Everything here is total: no input throws.
import { ipv6Groups, normalizeIp, normalizeMac } from "../../model/net.js";
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

/** Colon-separated hex groups (three or more, "::" included), not a MAC: an IPv6 address, or a broken one that must be reported. */
export function looksIpv6(token: string): boolean {
  return /^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,9}(?:%\S+)?$/i.test(token) && /[0-9a-f]/i.test(token) && !looksMac(token);
}

/** An IPv6 address column in normalizeIp form (RFC 5952: what VIPs are compared in); null when it is none. */
export function readIpv6(token: string | undefined): string | null {
  return token !== undefined && ipv6Groups(token) !== null ? normalizeIp(token) : null;
}

const MAC_SHAPES = [
  /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i,
  /^([0-9a-f]{1,2}[:-]){5}[0-9a-f]{1,2}$/i,
  /^[0-9a-f]{12}$/i,
  /^[0-9a-f]{6}-[0-9a-f]{6}$/i, // ProCurve / ArubaOS-Switch: 001635-c4f1c0
  /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/i, // Huawei / Comware: 001a-4a48-be4b
];

/** The notations normalizeMac does not know, rewritten to one it does. */
function canonicalMacText(token: string): string {
  if (/^[0-9a-f]{6}-[0-9a-f]{6}$/i.test(token)) return token.replace("-", "");
  if (/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/i.test(token)) return token.replaceAll("-", ".");
  return token;
}

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

/**
 * Ages as routers print them: minutes, seconds, h:mm:ss, 1d02h, fractions of a second
 * (NX-OS prints `0.129496` for an entry refreshed under a second ago), or "-" / "N/A" for
 * static entries.
 */
export function isAge(token: string): boolean {
  return /^(-|N\/A|never|\d+|\d+\.\d+|\d+:\d{2}(:\d{2}(\.\d+)?)?|(\d+[ywdhms])+)$/i.test(token);
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

/** VRF headers of IOS-XE / EOS / NX-OS (ARP and IPv6 adjacency tables). Returns the VRF name, null for "all contexts", undefined when not a header. */
export function vrfHeader(line: string): string | null | undefined {
  const t = line.trim();
  let m = /^IP(?:v6)? (?:ARP|Adjacency) Table for (?:context|VRF) (\S+)$/i.exec(t);
  if (m) return m[1]!;
  if (/^IP(?:v6)? (?:ARP|Adjacency) Table for all (?:contexts|VRFs)$/i.test(t)) return null;
  m = /^VRF(?: name)?:?\s+(\S+)$/i.exec(t);
  if (m) return m[1]!;
  return undefined;
}

export type MacVerdict = { kind: "mac"; mac: string } | { kind: "incomplete" } | { kind: "invalid" };

/** Reads a MAC column: a MAC, an "incomplete" marker / zero placeholder, or garbage. */
export function readMac(token: string | undefined): MacVerdict {
  if (token === undefined) return { kind: "invalid" };
  if (isIncompleteMarker(token)) return { kind: "incomplete" };
  const mac = normalizeMac(canonicalMacText(token));
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

// ---------------------------------------------------------------------------
// Chrome: what devices print around a table. A strict parser skips exactly these lines
// and reports any other line that is not a row.
// ---------------------------------------------------------------------------

// Paging prompts (IOS/FortiOS "--More--", ASA "<--- More --->", Comware/VRP "---- More ----", ArubaOS-Switch
// "-- MORE --, next page: Space, ...", EXOS "Press <SPACE> to continue or <Q> to quit:"),
// ANSI cursor moves and backspaces a pager leaves in captured output.
const PAGER = /\s*(?:<?-+ ?more ?-+>?(?:, next page: Space, next line: Enter, quit: Control-C)?|Press <SPACE> to continue or <Q> to quit:)\s*/gi;
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /\x1b\[[0-9;?]*[A-Za-z]|[\b\r]/g;

/** A line without paging remnants and terminal control sequences (rows keep their text). */
export function cleanLine(line: string): string {
  return line.replace(TERMINAL_CONTROL, "").replace(PAGER, " ").replace(/\s+$/, "");
}

/** Syslog messages a box interleaves with command output on the session. */
export function isLogLine(line: string): boolean {
  const t = line.trim();
  return (
    // Cisco IOS/XR/NX-OS/ASA: %FACILITY-SEVERITY-MNEMONIC, also after a timestamp or node prefix
    /%[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*-\d-[A-Z0-9_]+\b/.test(t) ||
    // Huawei VRP: %%01IFNET/4/LINK_STATE(l)
    /%%\d+[A-Z0-9_]+\/\d+\/[A-Z0-9_]+/.test(t) ||
    // HPE Comware: %Mar  5 14:02:11:734 2024 H3C IFNET/3/PHY_UPDOWN: ...
    /^%?[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?::\d{3})?\s+\d{4}\s+\S+\s+[A-Z0-9_-]+\/\d\/[A-Z0-9_]+/.test(t) ||
    // ExtremeXOS: <Info:vlan.msgs.portLinkStateUp>
    /<(?:Emer|Alrt|Crit|Erro|Warn|Noti|Info|Dbug|Summ|Verb|Data):[\w.]+>/.test(t)
  );
}

/** A CLI prompt, alone or followed by the command it ran (`core#show arp`, `<HUAWEI>display arp`). */
export function isPromptLine(line: string): boolean {
  return /^\s*(?:<[\w.@:-]+>|\[[\w.@:~ -]+\]\s*[>#]?|[\w.@:/()-]+(?:\s\([\w.-]+\))?\s?[#>$])\s*(?:[a-z/?][\w ./:|-]*)?$/i.test(line);
}

/** A ruler (`-----`, `=====`, `+----+`) or a blank line. */
export function isRuler(line: string): boolean {
  return /^[\s\-=+|_*]*$/.test(line);
}

/** The clock line IOS-XR and others print first (`Wed Jan  1 22:02:56.878 UTC`). */
export function isTimestampLine(line: string): boolean {
  return /^\s*(?:[A-Z][a-z]{2}\s+){1,2}\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\s+[A-Z]{2,5})?(?:\s+\d{4})?\s*$/.test(line);
}

/** Chrome every platform may print: rulers, prompts, clock lines and interleaved log messages. */
export function isCommonChrome(line: string): boolean {
  return isRuler(line) || isPromptLine(line) || isTimestampLine(line) || isLogLine(line);
}

/** Names routers give VRFs / VPN instances / virtual routers. */
export const VRF_NAME = /^[A-Za-z0-9_][\w.:-]{0,63}$/;
