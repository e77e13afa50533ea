// Cisco NX-OS `show ipv6 neighbor` (also `vrf NAME`; format of Cisco's genieparser golden
// output and of captures quoted in Netdisco's NX-OS support):
//   Flags: # - Adjacencies Throttled for Glean
//          G - Adjacencies of vPC peer with G/W bit
//          ...
//   IPv6 Adjacency Table for VRF default
//   Total number of entries: 3
//   Address         Age       MAC Address     Pref Source     Interface
//   2001:db8:2::3   00:00:10  0000.0000.0203  50   icmpv6     Ethernet1/46
//   bff:a90:c405:120::3
//                   00:01:46  5c71.0d42.df3f  50   icmpv6     Vlan376
// An address too long for its column is printed alone, the rest of the row on the next line.
// Source "static" (or age "-") marks a static entry; flag # (glean-throttled, MAC
// 0000.0000.0000) and D (drop adjacency) are no entry; G, R, CP, PS, RO, CC are.
import { entry, isAge, isCommonChrome, readIpv6, readMac } from "./common.js";
import { neighbourTable, parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COMMAND = "show ipv6 neighbor";
const COLUMNS = "Address Age MAC-Address Pref Source Interface [Flags]";
const HEADER = /^\s*Address\s+Age\s+MAC Address\s+Pref\s+Source\s+Interface\b/;
const FLAG = /^(?:[#*+GRD]|CP|PS|RO|CC)+$/;
const INTERFACE = /^[A-Za-z][\w./:-]*$/;

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ipText, age, macText, pref, source, iface, ...flags] = toks;
  if (toks.length < 6) return { error: `expected columns ${COLUMNS}, found ${toks.length}` };
  const ip = readIpv6(ipText);
  if (ip === null) return { error: `invalid IPv6 address "${ipText}"` };
  if (!isAge(age!)) return { error: `invalid age "${age}"` };
  if (!/^\d{1,3}$/.test(pref!)) return { error: `invalid preference "${pref}"` };
  if (!/^[a-z][\w-]*$/i.test(source!)) return { error: `invalid source "${source}"` };
  if (!INTERFACE.test(iface!)) return { error: `invalid interface "${iface}"` };
  const bad = flags.find((f) => !FLAG.test(f));
  if (bad !== undefined) return { error: `unexpected column "${bad}" after the interface` };
  const flagText = flags.join("");
  const mac = readMac(macText);
  if (mac.kind === "incomplete" || flagText.includes("#") || flagText.includes("D")) return null;
  if (mac.kind === "invalid") return { error: `invalid MAC address "${macText}"` };
  return entry(ip, mac.mac, age === "-" || source === "static", iface, vrf);
}

/** The flag legend and the entry count above the table. */
function isChrome(line: string): boolean {
  return isCommonChrome(line) || /^\s*(?:Flags:\s*)?(?:[#*+A-Z]{1,2})\s+-\s+\S/.test(line) || /^\s*Total number of entries:\s*\d+\s*$/i.test(line);
}

export function parseCiscoNxosIpv6(output: string): ParseResult {
  return parseTable(output, parseRow, neighbourTable({ command: COMMAND, header: HEADER, isChrome, wrappedAddresses: true }));
}
