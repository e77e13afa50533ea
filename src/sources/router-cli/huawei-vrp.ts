// Huawei VRP `display arp all` (and `display arp brief`):
//   <HUAWEI> display arp all
//   IP ADDRESS      MAC ADDRESS     EXPIRE(M) TYPE        INTERFACE   VPN-INSTANCE
//                                             VLAN/CEVLAN(SIP/DIP)
//   ------------------------------------------------------------------------------
//   192.168.50.166  0018-8201-0987            I -         MEth0/0/1
//   10.110.138.3    74c9-9ae5-f147  19        D-0         Eth-Trunk1.201   Abis_IP
//                                              201/-
//   10.1.1.9        00e0-fc12-3456            S--         Vlanif10
//   10.1.1.77       Incomplete      1         D-0         Vlanif10
//   ------------------------------------------------------------------------------
//   Total:4         Dynamic:3       Static:0     Interface:1
// TYPE: D dynamic, S static, I the router's own interface address (neither moves on a
// GARP), then F/- (FIB) and the slot. VLAN/CEVLAN values sit on a line of their own below
// the row (`display arp brief` prints them at the end of the row instead). The VPN-INSTANCE
// column is empty for the public network.
import { isIpv4 } from "../../model/net.js";
import { entry, isCommonChrome, looksIpv4, readMac, VRF_NAME } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "IP-ADDRESS MAC-ADDRESS [EXPIRE(M)] TYPE [INTERFACE] [VPN-INSTANCE | VLAN/CEVLAN]";
const VLAN = /^(\d+|-)\/(\d+|-)$/;
/** Interface names: GE0/0/1, Eth-Trunk1.201, Vlanif10, MEth0/0/1, NULL0, Wlan-Bss7. */
const INTERFACE = /^[A-Za-z][A-Za-z-]*\d[\d/.:]*$/;

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ip, macText, ...rest] = toks;
  if (toks.length < 3) return { error: `expected columns ${COLUMNS}, found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IP address "${ip}"` };
  if (rest.length > 0 && /^\d+$/.test(rest[0]!)) rest.shift(); // EXPIRE(M): dynamic rows only
  let type = rest.shift();
  if (type === undefined) return { error: `missing TYPE column (${COLUMNS})` };
  if (/^[A-Z]$/.test(type) && rest[0] === "-") type += rest.shift(); // "I -"
  const m = /^([DSIR])[-F]*(\d+)?$/.exec(type);
  if (!m) return { error: `invalid TYPE "${type}" (expected D-0, S--, I - ...)` };
  // A name split by a space ("GigabitEthernet 0/0/1") joins back.
  if (rest.length >= 2 && /^[A-Za-z-]+$/.test(rest[0]!) && /^\d[\d/.:]*$/.test(rest[1]!)) rest.splice(0, 2, rest[0]! + rest[1]!);
  if (rest.length > 0 && VLAN.test(rest[rest.length - 1]!)) rest.pop(); // brief: VLAN/CEVLAN at the end
  let iface: string | undefined;
  let vpn: string | undefined;
  if (rest.length === 2) [iface, vpn] = rest;
  else if (rest.length === 1) {
    if (INTERFACE.test(rest[0]!)) iface = rest[0];
    else vpn = rest[0];
  } else if (rest.length > 2) return { error: `unexpected columns "${rest.join(" ")}" after TYPE` };
  if (iface !== undefined && !INTERFACE.test(iface)) return { error: `invalid interface "${iface}"` };
  if (vpn !== undefined && !VRF_NAME.test(vpn)) return { error: `invalid VPN instance "${vpn}"` };
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid MAC address "${macText}"` };
  return entry(ip!, mac.mac, m[1] !== "D", iface, vpn ?? vrf);
}

function isChrome(line: string): boolean {
  return (
    isCommonChrome(line) ||
    /^\s*IP ADDRESS\s+MAC ADDRESS\b/.test(line) ||
    /^\s*VLAN\/CEVLAN\b/.test(line) ||
    /^\s+(\d+|-)\/(\d+|-)(\s+\S+)?\s*$/.test(line) || // the VLAN/CEVLAN line below a row
    /^\s*TYPE\s*:/.test(line) ||
    /^\s*Total:\s*\d+/.test(line)
  );
}

export function parseHuaweiVrp(output: string): ParseResult {
  return parseTable(output, parseRow, { isRow: (toks) => toks[0] !== undefined && looksIpv4(toks[0]), isChrome, command: "display arp all" });
}
