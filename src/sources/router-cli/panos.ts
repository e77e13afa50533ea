// PAN-OS `show arp all`:
//   maximum of entries supported :      1500
//   default timeout:                    1800 seconds
//   total ARP entries in table :        5
//   total ARP entries shown :           5
//   status: s - static, c - complete, e - expiring, i - incomplete
//
//   interface         ip address      hw address        port              status   ttl
//   --------------------------------------------------------------------------------
//   ethernet1/1       172.25.1.254    08:30:6b:26:43:30 ethernet1/1         c      627
//   ethernet1/2.110   172.25.2.195    00:50:00:00:07:00 ae1               c      1012
//   ethernet1/3       172.25.3.9      (incomplete)      ethernet1/3         i      2
// Status s is static, i incomplete (not an entry); c and e are complete entries.
import { isIpv4 } from "../../model/net.js";
import { entry, isCommonChrome, looksIpv4, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "interface ip-address hw-address port status ttl";
const NAME = /^[A-Za-z][\w./:-]*$/;

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [iface, ip, macText, port, status, ttl] = toks;
  if (toks.length !== 6) return { error: `expected 6 columns (${COLUMNS}), found ${toks.length}` };
  if (!NAME.test(iface!)) return { error: `invalid interface "${iface}"` };
  if (!isIpv4(ip!)) return { error: `invalid IP address "${ip}"` };
  if (!NAME.test(port!)) return { error: `invalid port "${port}"` };
  if (!/^[scei]+$/.test(status!)) return { error: `invalid status "${status}" (s, c, e or i)` };
  if (!/^\d+$/.test(ttl!)) return { error: `invalid ttl "${ttl}"` };
  if (status!.includes("i")) return null;
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid hw address "${macText}"` };
  return entry(ip!, mac.mac, status!.includes("s"), iface, vrf);
}

function isChrome(line: string): boolean {
  return (
    isCommonChrome(line) ||
    /^\s*(maximum of entries supported|default timeout|total ARP entries in table|total ARP entries shown)\s*:/.test(line) ||
    /^\s*status: s - static\b/.test(line) ||
    /^\s*interface\s+ip address\s+hw address\s+port\s+status\s+ttl\s*$/.test(line)
  );
}

export function parsePanos(output: string): ParseResult {
  return parseTable(output, parseRow, { isRow: (toks) => toks.length > 1 && looksIpv4(toks[1]!), isChrome, command: "show arp all" });
}
