// Cisco IOS XR `show arp` (and `show arp vrf all`, the same table): one block per line card
// location, each under its own header:
//   Wed Jan  1 22:02:56.878 UTC
//   -------------------------------------------------------------------------------
//   0/0/CPU0
//   -------------------------------------------------------------------------------
//   Address         Age        Hardware Addr   State      Type  Interface
//   10.10.10.1      -          5254.0001.9002  Interface  ARPA  GigabitEthernet0/0/0/0
//   10.10.10.101    01:25:23   aabb.cc00.6500  Dynamic    ARPA  GigabitEthernet0/0/0/0
//   10.10.10.109    00:00:03   0000.0000.0000  Incomplete ARPA  GigabitEthernet0/0/0/0
// State Interface (the router's own address), Static, Alias and Standby cannot be moved
// by a GARP; Incomplete is not an entry. The output names no VRF: the source tags the
// entries with the VRF its `show arp vrf NAME` asked for.
import { isIpv4 } from "../../model/net.js";
import { entry, isAge, isCommonChrome, looksIpv4, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "Address Age Hardware-Addr State Type Interface";
const STATIC_STATES = new Set(["interface", "static", "alias", "standby"]);
const DYNAMIC_STATES = new Set(["dynamic", "dhcp", "evpn_sync", "evpn-sync"]);

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ip, age, macText, state, type, iface] = toks;
  if (toks.length !== 6) return { error: `expected 6 columns (${COLUMNS}), found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IPv4 address "${ip}"` };
  if (!isAge(age!)) return { error: `invalid age "${age}"` };
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(type!)) return { error: `invalid encapsulation type "${type}"` };
  if (!/^[A-Za-z][\w./:-]*$/.test(iface!)) return { error: `invalid interface "${iface}"` };
  const s = state!.toLowerCase();
  if (s === "incomplete") return null;
  if (!STATIC_STATES.has(s) && !DYNAMIC_STATES.has(s)) return { error: `unknown ARP state "${state}"` };
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid hardware address "${macText}"` };
  return entry(ip!, mac.mac, STATIC_STATES.has(s), iface, vrf);
}

function isChrome(line: string): boolean {
  return isCommonChrome(line) || /^\s*\d+\/\w+\/CPU\d+\s*$/.test(line);
}

export function parseCiscoIosxr(output: string): ParseResult {
  return parseTable(output, parseRow, {
    isRow: (toks) => toks[0] !== undefined && looksIpv4(toks[0]),
    isHeader: (line) => /^\s*Address\s+Age\s+Hardware Addr\s+State\s+Type\s+Interface\s*$/.test(line),
    isChrome,
    command: "show arp",
  });
}
