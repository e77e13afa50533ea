// Cisco NX-OS `show ip arp`:
//   IP ARP Table for context default
//   Total number of entries: 4
//   Address         Age       MAC Address     Interface       Flags
//   192.0.2.101     00:04:12  001a.4a48.be4b  Vlan100
//   192.0.2.5          -      0000.0c9f.f064  Vlan100
//   192.0.2.77      00:00:02  INCOMPLETE      Vlan100
// Flags: * learnt on non-active FHRP router, + synced via CFSoE, # throttled for glean
// (unresolved, MAC 0000.0000.0000), D static attached to a down interface, CP/PS/RO L2RIB.
// Age "-" marks static and the switch's own (FHRP) entries.
import { isIpv4 } from "../../model/net.js";
import { entry, isAge, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const FLAG = /^[*+#]+$|^[*+#]*[A-Z]{1,3}[*+#]*$/;

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [ip, age, macText, iface, ...flags] = toks;
  if (toks.length < 3) return { error: `expected columns Address Age MAC-Address Interface [Flags], found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IPv4 address "${ip}"` };
  if (!isAge(age!)) return { error: `invalid age "${age}"` };
  const bad = flags.find((f) => !FLAG.test(f));
  if (bad !== undefined) return { error: `unexpected column "${bad}" after the interface` };
  const flagText = flags.join("");
  const mac = readMac(macText);
  // Glean-throttled adjacencies are unresolved whatever MAC they show.
  if (mac.kind === "incomplete" || flagText.includes("#")) return null;
  if (mac.kind === "invalid") return { error: `invalid MAC address "${macText}"` };
  const isStatic = age === "-" || flags.some((f) => /D/.test(f));
  return entry(ip!, mac.mac, isStatic, iface, vrf);
}

export function parseCiscoNxos(output: string): ParseResult {
  return parseTable(output, parseRow);
}
