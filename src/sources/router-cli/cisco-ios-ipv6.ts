// Cisco IOS / IOS-XE `show ipv6 neighbors` (format of Cisco's genieparser golden outputs and
// the IOS command reference):
//   IPv6 Address                              Age Link-layer Addr State Interface
//   2001:DB8:8548:1::2                          0 fa16.3eff.09c8  REACH Gi2
//   2001:DB8:8548:1::11                         - aaaa.beff.bcbc  REACH Gi2
//   FE80::F816:3EFF:FEFF:9C8                    1 fa16.3eff.09c8  STALE Gi2
// Age "-" marks a static entry. States: INCMP (no entry yet), REACH, STALE, DELAY, PROBE;
// "????" (unknown) is unreadable, never "no entry".
import { entry, isAge, isCommonChrome, readIpv6, readMac } from "./common.js";
import { neighbourTable, parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COMMAND = "show ipv6 neighbors";
const COLUMNS = "IPv6-Address Age Link-layer-Addr State Interface";
const HEADER = /^\s*IPv6 Address\s+Age\s+Link-layer Addr\s+State\s+Interface\s*$/i;
const VALID = new Set(["REACH", "STALE", "DELAY", "PROBE"]);

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ipText, age, macText, state, iface, ...rest] = toks;
  if (toks.length < 4 || rest.length > 0) return { error: `expected columns ${COLUMNS}, found ${toks.length}` };
  const ip = readIpv6(ipText);
  if (ip === null) return { error: `invalid IPv6 address "${ipText}"` };
  if (!isAge(age!)) return { error: `invalid age "${age}"` };
  if (state === "INCMP") return null;
  if (!VALID.has(state!)) return { error: `unknown neighbour state "${state}" (expected INCMP, REACH, STALE, DELAY or PROBE)` };
  if (iface === undefined || !/^[A-Za-z][\w./:-]*$/.test(iface)) return { error: `invalid interface "${iface ?? ""}"` };
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid link-layer address "${macText}"` };
  return entry(ip, mac.mac, age === "-", iface, vrf);
}

export function parseCiscoIosIpv6(output: string): ParseResult {
  return parseTable(output, parseRow, neighbourTable({ command: COMMAND, header: HEADER, isChrome: isCommonChrome }));
}
