// Aruba AOS-CX `show arp all-vrfs`:
//   IPv4 Address     MAC                Port         Physical Port              State      VRF
//   ------------------------------------------------------------------------------------------
//   172.25.0.185     d4:e8:80:af:05:7f  1/1/28       1/1/28                     reachable  default
//   10.20.30.40      00:50:56:bd:6a:c5  vlan10       lag1                       stale      red
//   10.20.30.41                         vlan10                                  incomplete red
//   Total Number Of ARP Entries Listed- 2.
//   ------------------------------------------------------------------------------------------
// States follow the kernel's neighbour states; incomplete and failed are not entries,
// permanent ones are static. Plain `show arp` prints the default VRF without the VRF column.
import { isIpv4 } from "../../model/net.js";
import { entry, isCommonChrome, looksIpv4, looksMac, readMac, VRF_NAME } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "IPv4-Address MAC Port [Physical-Port] State [VRF]";
const RESOLVED = new Set(["reachable", "stale", "delay", "probe", "permanent"]);
const UNRESOLVED = new Set(["incomplete", "failed", "none"]);
const PORT = /^[A-Za-z0-9][\w./:-]*$/;

function parseRow(toks: string[], vrf: string | undefined, ctx: { header: string | undefined }): RowOutcome {
  const hasVrf = ctx.header === undefined || /\bVRF\s*$/.test(ctx.header);
  const rest = [...toks];
  const ip = rest.shift()!;
  if (!isIpv4(ip)) return { error: `invalid IPv4 address "${ip}"` };
  const macText = rest[0] !== undefined && (looksMac(rest[0]) || /^[0-9a-f:.-]{6,}$/i.test(rest[0])) ? rest.shift() : undefined;
  const rowVrf = hasVrf ? rest.pop() : undefined;
  const state = rest.pop();
  if (state === undefined || (hasVrf && rowVrf === undefined)) return { error: `expected columns ${COLUMNS}, found ${toks.length}` };
  const s = state.toLowerCase();
  if (!RESOLVED.has(s) && !UNRESOLVED.has(s)) return { error: `unknown ARP state "${state}"` };
  if (rowVrf !== undefined && !VRF_NAME.test(rowVrf)) return { error: `invalid VRF "${rowVrf}"` };
  if (rest.length < 1 || rest.length > 2 || !rest.every((p) => PORT.test(p))) return { error: `expected Port and Physical Port, found "${rest.join(" ")}"` };
  if (UNRESOLVED.has(s)) return null;
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: macText === undefined ? `missing MAC on a ${state} row` : `invalid MAC address "${macText}"` };
  return entry(ip, mac.mac, s === "permanent", rest[0], rowVrf ?? vrf);
}

function isChrome(line: string): boolean {
  return isCommonChrome(line) || /^\s*ARP IPv4 Entries:\s*$/.test(line) || /^\s*Total Number Of ARP Entries Listed[-:]\s*\d+\.?\s*$/.test(line);
}

export function parseArubaAoscx(output: string): ParseResult {
  return parseTable(output, parseRow, {
    isRow: (toks) => toks[0] !== undefined && looksIpv4(toks[0]),
    isHeader: (line) => /^\s*IPv4 Address\s+MAC\s+Port\b/.test(line),
    isChrome,
    command: "show arp all-vrfs",
  });
}
