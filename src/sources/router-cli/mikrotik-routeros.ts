// MikroTik RouterOS `/ip arp print terse without-paging`:
//   [admin@MikroTik] > /ip arp print terse without-paging
//    0 DC address=10.160.1.230 mac-address=12:34:56:78:90:AA interface=ether2 published=no
//    1    address=10.152.1.230 mac-address=12:34:56:78:90:AB interface=ether5 published=no
//    2 D  address=12.12.12.156 interface=dmz-1-vlan published=no
//    3 DC address=192.168.1.100 mac-address=6C:4C:BC:53:2C:73 interface=bridge-lan published=no status=reachable vrf=main
// Flags: X disabled, I invalid, H DHCP, D dynamic, P published, C complete. A row without
// D is a static entry; one without a MAC, disabled, invalid, or with status incomplete or
// failed is not an entry. RouterOS 7 names the VRF (`vrf=main`); 6 prints none.
import { isIpv4 } from "../../model/net.js";
import { entry, isCommonChrome, readMac, VRF_NAME } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const FLAGS = /^[XIHDPC]+$/;
const UNRESOLVED = new Set(["incomplete", "failed"]);
const KNOWN_STATUS = new Set(["reachable", "stale", "delay", "probe", "permanent", "incomplete", "failed", "noarp"]);

/** key=value pairs of a terse line; values may be quoted ("ether1 uplink"). */
function pairs(text: string): Map<string, string> | string {
  const out = new Map<string, string>();
  const re = /\s*([a-z][\w-]*)=("(?:[^"\\]|\\.)*"|[^\s"]*)(?=\s|$)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(text)) !== null) {
    out.set(m[1]!, m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\(.)/g, "$1") : m[2]!);
    last = re.lastIndex;
  }
  const rest = text.slice(last).trim();
  return rest === "" ? out : `unexpected text "${rest}" (expected key=value pairs)`;
}

function parseRow(_toks: string[], vrf: string | undefined, ctx: { line: string }): RowOutcome {
  const m = /^\s*(\d+)\s+((?:[A-Z]+\s+)?)(.*)$/.exec(ctx.line);
  if (!m) return { error: "expected an index, flags and key=value pairs" };
  const flags = m[2]!.trim();
  if (flags !== "" && !FLAGS.test(flags)) return { error: `unknown flags "${flags}" (X I H D P C)` };
  const kv = pairs(m[3]!);
  if (typeof kv === "string") return { error: kv };
  const ip = kv.get("address");
  if (ip === undefined || !isIpv4(ip)) return { error: ip === undefined ? "no address=" : `invalid address "${ip}"` };
  const status = kv.get("status");
  if (status !== undefined && !KNOWN_STATUS.has(status)) return { error: `unknown status "${status}"` };
  const rowVrf = kv.get("vrf");
  if (rowVrf !== undefined && !VRF_NAME.test(rowVrf)) return { error: `invalid vrf "${rowVrf}"` };
  const iface = kv.get("interface");
  if (/[XI]/.test(flags) || (status !== undefined && UNRESOLVED.has(status))) return null;
  const macText = kv.get("mac-address");
  if (macText === undefined || macText === "") return null;
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid mac-address "${macText}"` };
  return entry(ip, mac.mac, !flags.includes("D"), iface, rowVrf ?? vrf);
}

function isChrome(line: string): boolean {
  return isCommonChrome(line) || /^\s*Flags:\s/.test(line) || /^\s*;;;/.test(line) || /^\s*Columns:\s/.test(line);
}

export function parseMikrotikRouteros(output: string): ParseResult {
  return parseTable(output, parseRow, { isRow: (toks) => toks[0] !== undefined && /^\d+$/.test(toks[0]), isChrome, command: "/ip arp print terse without-paging" });
}
