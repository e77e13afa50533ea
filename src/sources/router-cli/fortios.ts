// FortiOS `get system arp`:
//   FGT60F # get system arp
//   Address           Age(min)   Hardware Addr      Interface
//   192.168.1.110     0          3c:9b:d6:66:52:ab lan
//   192.168.1.77      0          00:00:00:00:00:00 lan
//   10.0.0.1          14         00:09:0f:09:00:02 port1.100
// An all-zero MAC is an unresolved entry. The output names no VDOM: with VDOMs the admin's
// scope decides which table it is. FortiOS prints no static marker (static ARP entries
// are listed like dynamic ones), so every entry counts as movable.
import { isIpv4 } from "../../model/net.js";
import { entry, isCommonChrome, looksIpv4, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "Address Age(min) Hardware-Addr Interface";

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ip, age, macText, iface] = toks;
  if (toks.length !== 4) return { error: `expected 4 columns (${COLUMNS}), found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IP address "${ip}"` };
  if (!/^\d+$/.test(age!)) return { error: `invalid age "${age}"` };
  if (!/^[A-Za-z0-9][\w.:-]*$/.test(iface!)) return { error: `invalid interface "${iface}"` };
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid hardware address "${macText}"` };
  return entry(ip!, mac.mac, false, iface, vrf);
}

function isChrome(line: string): boolean {
  return isCommonChrome(line) || /^\s*Address\s+Age\(min\)\s+Hardware Addr\s+Interface\s*$/.test(line);
}

export function parseFortios(output: string): ParseResult {
  return parseTable(output, parseRow, { isRow: (toks) => toks[0] !== undefined && looksIpv4(toks[0]), isChrome, command: "get system arp" });
}
