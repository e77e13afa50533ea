// Arista EOS `show ip arp` (with `vrf all`, one "VRF: NAME" block per VRF):
//   Address         Age (sec)  Hardware Addr   Interface
//   192.0.2.101       0:04:12  001a.4a48.be4b  Vlan100, Ethernet1
//   192.0.2.9             N/A  0002.00ff.555e  Vlan100, not learned
// The interface column is the L3 interface, then the port (or "not learned"). Static
// entries show age "N/A".
import { isIpv4 } from "../../model/net.js";
import { entry, isAge, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ip, age, macText, ...rest] = toks;
  if (toks.length < 3) return { error: `expected columns Address Age Hardware-Addr Interface, found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IPv4 address "${ip}"` };
  if (!isAge(age!)) return { error: `invalid age "${age}"` };
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid hardware address "${macText}"` };
  const iface = rest.join(" ").split(",")[0]!.trim();
  if (iface !== "" && !/^[A-Za-z][\w./:-]*$/.test(iface)) return { error: `invalid interface "${iface}"` };
  return entry(ip!, mac.mac, age === "N/A" || age === "-", iface, vrf);
}

export function parseAristaEos(output: string): ParseResult {
  return parseTable(output, parseRow);
}
