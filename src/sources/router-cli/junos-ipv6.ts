// Junos `show ipv6 neighbors` (format of the Junos command reference, "show ipv6 neighbors",
// and of public captures of MX and EX routers):
//   IPv6 Address                 Linklayer Address  State       Exp Rtr Secure Interface
//   2001:db8:0:1:2a0:a514:0:24c  00:05:85:8f:c8:bd  stale       546 yes no      fe-1/2/0.1
//   2001:192:168:2:20c:29ff:fe4f:26c5
//                                00:0c:29:4f:26:c5  stale       1110 no no      vlan.200
//   2a02:2a50:0:6::b1            none               unreachable 3   no  no      ae0.1770
// An address longer than its column is printed alone, the rest of the row on the next line.
// States reachable, stale, delay, probe and up are entries (permanent ones static);
// incomplete, unreachable and down, and the link-layer address "none", are not.
import { entry, isCommonChrome, readIpv6, readMac } from "./common.js";
import { neighbourTable, parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COMMAND = "show ipv6 neighbors";
const COLUMNS = "IPv6-Address Linklayer-Address State Exp Rtr Secure Interface";
const HEADER = /^\s*IPv6 Address\s+Linklayer Address\s+State\s+Exp\s+Rtr\s+Secure\s+Interface\s*$/i;
const ENTRY_STATES = new Set(["reachable", "stale", "delay", "probe", "up", "permanent"]);
const NO_ENTRY_STATES = new Set(["incomplete", "unreachable", "down"]);

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ipText, macText, state, exp, rtr, secure, iface, ...rest] = toks;
  if (toks.length < 7) return { error: `expected columns ${COLUMNS}, found ${toks.length}` };
  const ip = readIpv6(ipText);
  if (ip === null) return { error: `invalid IPv6 address "${ipText}"` };
  const st = state!.toLowerCase();
  if (!ENTRY_STATES.has(st) && !NO_ENTRY_STATES.has(st)) return { error: `unknown neighbour state "${state}"` };
  if (!/^\d+$/.test(exp!)) return { error: `invalid expiry "${exp}"` };
  if (!/^(yes|no)$/.test(rtr!) || !/^(yes|no)$/.test(secure!)) return { error: `expected yes or no in the Rtr and Secure columns, found "${rtr} ${secure}"` };
  if (!/^[a-z][\w./:-]*$/i.test(iface!)) return { error: `invalid interface "${iface}"` };
  // IRB: [layer-2 interface], as in `show arp`.
  if (rest.length > 1 || (rest.length === 1 && !/^\[[\w./:-]+\]$/.test(rest[0]!))) return { error: `unexpected columns "${rest.join(" ")}" after the interface` };
  if (NO_ENTRY_STATES.has(st) || macText === "none") return null;
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid link-layer address "${macText}"` };
  return entry(ip, mac.mac, st === "permanent", iface, vrf);
}

function isChrome(line: string): boolean {
  return isCommonChrome(line) || /^\s*\{(?:master|backup|primary|secondary|linecard)(?::\d+)?\}\s*$/.test(line) || /^\s*Total entries:\s*\d+\s*$/i.test(line);
}

export function parseJunosIpv6(output: string): ParseResult {
  return parseTable(output, parseRow, neighbourTable({ command: COMMAND, header: HEADER, isChrome, wrappedAddresses: true }));
}
