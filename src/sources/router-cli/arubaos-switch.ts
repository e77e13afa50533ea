// ArubaOS-Switch / ProCurve `show arp`:
//    IP ARP table
//
//     IP Address      MAC Address       Type    Port
//     --------------- ----------------- ------- ----
//     10.11.12.11     0015b2-a45078     dynamic 2
//     10.11.12.13     001eb2-a45f78     dynamic Trk1
//     10.11.12.1      00000c-07ac01     static  A1
// MACs are printed as two dash-separated halves. Static entries (`ip arp-static`, or
// `arp ...` on older releases) do not move on a GARP; a row without a port is still an entry.
import { isIpv4 } from "../../model/net.js";
import { entry, isCommonChrome, looksIpv4, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "IP-Address MAC-Address Type [Port]";

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ip, macText, type, port] = toks;
  if (toks.length < 3 || toks.length > 4) return { error: `expected 3 or 4 columns (${COLUMNS}), found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IP address "${ip}"` };
  const t = type!.toLowerCase();
  if (t !== "dynamic" && t !== "static") return { error: `invalid type "${type}" (dynamic or static)` };
  if (port !== undefined && !/^[A-Za-z0-9][\w./:-]*$/.test(port)) return { error: `invalid port "${port}"` };
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid MAC address "${macText}"` };
  return entry(ip!, mac.mac, t === "static", port, vrf);
}

function isChrome(line: string): boolean {
  return isCommonChrome(line) || /^\s*IP ARP table\s*$/i.test(line) || /^\s*IP Address\s+MAC Address\s+Type\b/.test(line);
}

export function parseArubaosSwitch(output: string): ParseResult {
  return parseTable(output, parseRow, { isRow: (toks) => toks[0] !== undefined && looksIpv4(toks[0]), isChrome, command: "show arp" });
}
