// Junos `show arp no-resolve`:
//   MAC Address       Address         Interface                Flags
//   00:1a:4a:48:be:4b 192.0.2.101     ge-0/0/1.0               none
//   00:1a:4a:48:be:4c 192.0.2.103     irb.100 [ge-0/0/2.0]     none
//   00:50:56:aa:00:01 192.0.2.200     ge-0/0/1.0               permanent
//   Total entries: 3
// Plain `show arp` adds a Name column before Interface; `expiration-time` adds a TTE column
// before Flags. "permanent" marks configured (static) entries.
import { isIpv4 } from "../../model/net.js";
import { entry, looksIpv4, looksMac, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const FLAGS = new Set(["none", "permanent", "remote", "published", "publish", "proxy", "dynamic", "static", "incomplete"]);

function isJunosRow(toks: string[]): boolean {
  const [first, second] = toks;
  if (first === undefined) return false;
  return looksMac(first) || looksIpv4(first) || (second !== undefined && looksIpv4(second));
}

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [macText, ip, ...rest] = toks;
  if (toks.length < 3) return { error: `expected columns MAC-Address Address Interface Flags, found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IPv4 address "${ip}"` };
  const flags: string[] = [];
  while (rest.length > 0 && FLAGS.has(rest[rest.length - 1]!.toLowerCase())) flags.unshift(rest.pop()!.toLowerCase());
  if (rest.length > 0 && /^\d+$/.test(rest[rest.length - 1]!)) rest.pop(); // TTE (expiration-time)
  if (rest.length > 0 && /^\[.*\]$/.test(rest[rest.length - 1]!)) rest.pop(); // IRB: [layer-2 interface]
  if (rest.length === 0) return { error: "missing interface column" };
  if (rest.length > 2) return { error: `unexpected columns "${rest.join(" ")}" (expected Interface and Flags)` };
  const iface = rest[rest.length - 1]!;
  if (!/^[a-z][\w./:-]*$/i.test(iface)) return { error: `invalid interface "${iface}"` };
  if (flags.includes("incomplete")) return null;
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid MAC address "${macText}"` };
  return entry(ip!, mac.mac, flags.includes("permanent"), iface, vrf);
}

export function parseJunos(output: string): ParseResult {
  return parseTable(output, parseRow, isJunosRow);
}
