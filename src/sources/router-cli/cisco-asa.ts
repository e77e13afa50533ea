// Cisco ASA / Firepower Threat Defense `show arp` (no header; one row per entry):
//   ciscoasa# show arp
//           outside 192.0.2.1 001a.4a48.be4b 15
//           inside 10.0.0.1 2401.c75e.3acb 12074
//           inside 10.0.0.9 0050.56a1.0c01 -
//           dmz 172.19.0.5 000c.2911.ebc4 alias
// Columns: nameif, address, MAC, age in seconds. "-" marks a static entry (`arp IF IP MAC`),
// "alias" a static proxy-ARP entry: neither moves on a GARP.
import { isIpv4 } from "../../model/net.js";
import { entry, isCommonChrome, looksIpv4, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "Interface Address MAC-Address Age";

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [iface, ip, macText, age] = toks;
  if (toks.length !== 4) return { error: `expected 4 columns (${COLUMNS}), found ${toks.length}` };
  if (!/^[A-Za-z][\w.-]*$/.test(iface!)) return { error: `invalid interface name "${iface}"` };
  if (!isIpv4(ip!)) return { error: `invalid IPv4 address "${ip}"` };
  if (!/^(\d+|-|alias)$/.test(age!)) return { error: `invalid age "${age}" (seconds, "-" or "alias")` };
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid MAC address "${macText}"` };
  return entry(ip!, mac.mac, age === "-" || age === "alias", iface, vrf);
}

export function parseCiscoAsa(output: string): ParseResult {
  return parseTable(output, parseRow, {
    isRow: (toks) => toks.length > 1 && looksIpv4(toks[1]!),
    isChrome: (line) => isCommonChrome(line) || /^\s*Total\b/i.test(line),
    command: "show arp",
  });
}
