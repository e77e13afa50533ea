// Cisco NX-OS `show ip arp` (also `vrf all`, `detail`, `detail vrf all`):
//   IP ARP Table for context default
//   Total number of entries: 4
//   Address         Age       MAC Address     Interface       Flags
//   192.0.2.101     00:04:12  001a.4a48.be4b  Vlan100
//   192.0.2.5          -      0000.0c9f.f064  Vlan100
//   192.0.2.77      00:00:02  INCOMPLETE      Vlan100
// `detail` adds a Physical Interface column ("-" on static rows); `detail vrf all` also a
// VRF Name column after Flags:
//   IP ARP Table for all contexts
//   Address         Age       MAC Address     Interface        Physical Interface  Flags    VRF Name
//   10.233.6.6      00:14:04  d0d0.fd61.ecc1  Vlan3            Ethernet1/9         +        PRIMARY
//   146.118.64.25   0.129496  fa16.3e23.ff3e  Vlan666          port-channel666              default
// Ages under a second print as fractions (0.129496).
// Flags: * learnt on non-active FHRP router, + synced via CFSoE, # throttled for glean
// (unresolved, MAC 0000.0000.0000), D static attached to a down interface, CP/PS/RO L2RIB.
// Age "-" marks static and the switch's own (FHRP) entries.
import { isIpv4 } from "../../model/net.js";
import { entry, isAge, readMac, VRF_NAME } from "./common.js";
import { parseTable, type RowContext, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const FLAG = /^[*+#]+$|^[*+#]*[A-Z]{1,3}[*+#]*$/;
const INTERFACE = /^([A-Za-z][\w./:-]*|-)$/;

function parseRow(toks: string[], vrf: string | undefined, ctx: RowContext): RowOutcome {
  const [ip, age, macText, iface, ...rest] = toks;
  const columns = ctx.header?.trim().replace(/\s+/g, " ") ?? "Address Age MAC Address Interface [Flags]";
  if (toks.length < 3) return { error: `expected columns ${columns}, found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IPv4 address "${ip}"` };
  if (!isAge(age!)) return { error: `invalid age "${age}"` };
  if (iface !== undefined && !INTERFACE.test(iface)) return { error: `invalid interface "${iface}"` };
  const header = ctx.header ?? "";
  let rowVrf: string | undefined;
  if (/\bVRF Name\b/.test(header)) {
    rowVrf = rest.pop();
    if (rowVrf === undefined || !VRF_NAME.test(rowVrf)) return { error: `missing or invalid VRF Name column (${columns})` };
  }
  if (/\bPhysical Interface\b/.test(header)) {
    const phys = rest.shift();
    if (phys === undefined || !INTERFACE.test(phys)) return { error: `missing or invalid Physical Interface column (${columns})` };
  }
  const bad = rest.find((f) => !FLAG.test(f));
  if (bad !== undefined) return { error: `unexpected column "${bad}" after the interface` };
  const flagText = rest.join("");
  const mac = readMac(macText);
  // Glean-throttled adjacencies are unresolved whatever MAC they show.
  if (mac.kind === "incomplete" || flagText.includes("#")) return null;
  if (mac.kind === "invalid") return { error: `invalid MAC address "${macText}"` };
  const isStatic = age === "-" || rest.some((f) => /D/.test(f));
  return entry(ip!, mac.mac, isStatic, iface === "-" ? undefined : iface, rowVrf ?? vrf);
}

export function parseCiscoNxos(output: string): ParseResult {
  return parseTable(output, parseRow, { isHeader: (line) => /^\s*Address\s+Age\s+MAC Address\s+Interface\b/.test(line) });
}
