// ExtremeXOS `show iparp`:
//   X460G2.1 # show iparp
//   VR            Destination      Mac                Age  Static  VLAN          VID   Port
//   VR-Default    10.128.32.4      00:d0:59:17:74:83   20      NO  bluered       4092  1:25
//   VR-Default    10.128.32.8      00:01:30:ba:6a:a0    7      NO  Default       4095
//   VR-Default    10.128.32.1      (00:01:30:ba:6a:a1)  0      NO  Default       4095
//   VR-Default    10.128.32.9      00:04:96:1f:a5:3b    0     YES  Default       4095  2
//
//   Dynamic Entries  :           4             Static Entries            :          1
//   Pending Entries  :           0
//   ARP address check:    Enabled              ARP refresh               :    Enabled
//   ...
// Static YES entries do not move on a GARP. A MAC in parentheses is not a confirmed
// entry (it is being refreshed); it counts as absent rather than guessed.
import { isIpv4 } from "../../model/net.js";
import { entry, isCommonChrome, looksIpv4, readMac, VRF_NAME } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "VR Destination Mac Age Static VLAN VID [Port]";

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [vr, ip, macText, age, isStatic, vlan, vid, port] = toks;
  if (toks.length < 7 || toks.length > 8) return { error: `expected 7 or 8 columns (${COLUMNS}), found ${toks.length}` };
  if (!VRF_NAME.test(vr!)) return { error: `invalid VR "${vr}"` };
  if (!isIpv4(ip!)) return { error: `invalid IP address "${ip}"` };
  if (!/^\d+$/.test(age!)) return { error: `invalid age "${age}"` };
  if (isStatic !== "YES" && isStatic !== "NO") return { error: `invalid Static column "${isStatic}" (YES or NO)` };
  if (!/^[\w.-]+$/.test(vlan!)) return { error: `invalid VLAN "${vlan}"` };
  if (!/^\d+$/.test(vid!)) return { error: `invalid VID "${vid}"` };
  if (port !== undefined && !/^\d+(:\d+)?$/.test(port)) return { error: `invalid port "${port}"` };
  if (/^\(.*\)$/.test(macText!)) {
    return readMac(macText!.slice(1, -1)).kind === "invalid" ? { error: `invalid MAC "${macText}"` } : null;
  }
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid MAC "${macText}"` };
  return entry(ip!, mac.mac, isStatic === "YES", vlan, vr ?? vrf);
}

function isChrome(line: string): boolean {
  return (
    isCommonChrome(line) ||
    /^\s*VR\s+Destination\s+Mac\b/.test(line) ||
    // statistics and settings below the table: "Label : value" pairs, and section titles
    /^\s*[A-Za-z][\w /()-]*?\s*:/.test(line) ||
    /^\s*ARP Global Settings\s*$/.test(line)
  );
}

export function parseExtremeExos(output: string): ParseResult {
  return parseTable(output, parseRow, { isRow: (toks) => toks.length > 1 && looksIpv4(toks[1]!), isChrome, command: "show iparp" });
}
