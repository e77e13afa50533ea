// HPE / H3C Comware `display arp` (Comware 7; Comware 5 prints the same columns under
// "IP Address  MAC Address  VLAN ID  Port Name / AL ID  Aging  Type"):
//   <HPE> display arp
//     Type: S-Static   D-Dynamic   O-Openflow   R-Rule   M-Multiport  I-Invalid
//   IP address      MAC address    VLAN/VSI name Interface                Aging Type
//   10.20.1.254     001e-c1dc-fc01 1             XGE1/0/47                16    D
//   10.20.1.9       0050-56a1-0c01 1             BAGG1                    N/A   S
//   10.20.10.1      001e-c1dc-fc01 N/A           M-GE0/0/0                16    D
// Only D (dynamic) entries move on a GARP; I (invalid) is not an entry. The output names
// no VPN instance (`display arp vpn-instance NAME` shows one instance in the same form).
import { isIpv4 } from "../../model/net.js";
import { entry, isCommonChrome, looksIpv4, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "IP-address MAC-address VLAN Interface Aging Type";

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ip, macText, vlan, iface, aging, type] = toks;
  if (toks.length !== 6) return { error: `expected 6 columns (${COLUMNS}), found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IP address "${ip}"` };
  if (!/^([\w.-]+|N\/A)$/.test(vlan!)) return { error: `invalid VLAN "${vlan}"` };
  if (!/^([A-Za-z][\w./:-]*|N\/A)$/.test(iface!)) return { error: `invalid interface "${iface}"` };
  if (!/^(\d+|N\/A)$/.test(aging!)) return { error: `invalid aging "${aging}"` };
  if (!/^[SDORMI]$/.test(type!)) return { error: `invalid type "${type}" (S, D, O, R, M or I)` };
  if (type === "I") return null;
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid MAC address "${macText}"` };
  return entry(ip!, mac.mac, type !== "D", iface === "N/A" ? undefined : iface, vrf);
}

function isChrome(line: string): boolean {
  return (
    isCommonChrome(line) ||
    /^\s*Type:\s+S-Static\b/.test(line) ||
    /^\s*IP address\s+MAC address\b/i.test(line) ||
    /^\s*Total number of entries\s*:\s*\d+\s*$/i.test(line)
  );
}

export function parseHpeComware(output: string): ParseResult {
  return parseTable(output, parseRow, { isRow: (toks) => toks[0] !== undefined && looksIpv4(toks[0]), isChrome, command: "display arp" });
}
