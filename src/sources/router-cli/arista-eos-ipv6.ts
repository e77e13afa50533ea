// Arista EOS `show ipv6 neighbors` (also `vrf NAME`). Two formats met in public captures of
// real switches; EOS 4.2x adds the State column:
//   IPv6 Address                                  Age Hardware Addr    State Interface
//   fe80::1:2000:1:1                          0:07:37 5000.0068.a17f   REACH Et7
//   IPv6 Address                                  Age Hardware Addr   Interface
//   fe80::5200:ff:fed7:ee0b                   0:44:17 5000.00d7.ee0b  Et1
// As in `show ip arp`, the interface may be "Vlan100, Ethernet1" and a "VRF: NAME" line may
// open the table; age "N/A" or "-" marks a static entry. State INCMP is no entry.
import { entry, isAge, isCommonChrome, readIpv6, readMac } from "./common.js";
import { neighbourTable, parseTable, type RowContext, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COMMAND = "show ipv6 neighbors";
const HEADER = /^\s*IPv6 Address\s+Age\s+Hardware Addr\s+(?:State\s+)?Interface\s*$/i;
const STATES = new Set(["REACH", "STALE", "DELAY", "PROBE", "INCMP"]);

function parseRow(toks: string[], vrf: string | undefined, ctx: RowContext): RowOutcome {
  const withState = /\bState\b/.test(ctx.header ?? "");
  const [ipText, age, macText, ...rest] = toks;
  const columns = withState ? "IPv6-Address Age Hardware-Addr State Interface" : "IPv6-Address Age Hardware-Addr Interface";
  if (toks.length < (withState ? 5 : 4)) return { error: `expected columns ${columns}, found ${toks.length}` };
  const ip = readIpv6(ipText);
  if (ip === null) return { error: `invalid IPv6 address "${ipText}"` };
  if (!isAge(age!)) return { error: `invalid age "${age}"` };
  const state = withState ? rest.shift()! : undefined;
  if (state !== undefined && !STATES.has(state)) return { error: `unknown neighbour state "${state}" (expected INCMP, REACH, STALE, DELAY or PROBE)` };
  const iface = rest.join(" ").split(",")[0]!.trim();
  if (!/^[A-Za-z][\w./:-]*$/.test(iface)) return { error: `invalid interface "${iface}"` };
  if (state === "INCMP") return null;
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid hardware address "${macText}"` };
  return entry(ip, mac.mac, age === "N/A" || age === "-", iface, vrf);
}

export function parseAristaEosIpv6(output: string): ParseResult {
  return parseTable(output, parseRow, neighbourTable({ command: COMMAND, header: HEADER, isChrome: isCommonChrome }));
}
