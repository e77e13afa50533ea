// A linux router read that does not grow with its neighbour table: one exec asks the
// kernel for each VIP's entry only (`ip neigh get VIP dev IF`), instead of dumping the
// table. Which interface to ask about comes from config or from `ip -j route get VIP`,
// asked once. Pure: builds the command strings and reads their output.
//
// Real iproute2 (6.1) output, one block per VIP (stdout and stderr merged, rc after it):
//   @vip 198.51.100.101
//   198.51.100.101 dev veth0 lladdr 02:00:00:00:00:01 PERMANENT
//   @rc 0
//   @vip 198.51.100.103
//   Error: Neighbour entry not found.
//   @rc 2
// `ip -j neigh get` prints text on iproute2 6.1 and JSON on releases that honour -j there;
// both read. `ip -j route get VIP` prints [{"dst":"VIP","dev":"veth0","prefsrc":...}], and
// "RTNETLINK answers: Network is unreachable" (rc 2) when no route exists. IPv6 VIPs are asked
// the same way with -6 (`ip -6 -j neigh get VIP dev IF`, `ip -6 -j route get VIP`): the same
// answers, from the kernel's IPv6 neighbour cache (which prints addresses in RFC 5952 form).
import { isInterfaceName, isIp, isIpv4, normalizeIp } from "../../model/net.js";
import { clip, splitLines } from "./common.js";
import { parseLinux } from "./linux.js";
import type { CliArpEntry } from "./types.js";

const NOT_FOUND = /^Error: Neighbour entry not found\.?$/;

function checked(vips: string[], ifaces: string[]): void {
  // Everything interpolated into the shell string is validated here, whatever the caller did.
  // IPv6 neighbours read the same way; no zone index (%eth0) or anything else reaches the shell.
  for (const v of vips) if (!isIp(v) || !/^[0-9a-f:.]+$/i.test(v)) throw new Error(`refusing to build a command with "${v}": not an IP address`);
  for (const i of ifaces) if (!isInterfaceName(i)) throw new Error(`refusing to build a command with "${i}": not an interface name`);
}

function loop(items: string[], body: (item: string) => string): string {
  return items.map((item) => `echo "@vip ${item}"; ${body(item)} 2>&1; echo "@rc $?"`).join("; ");
}

/** `ip -j` or, for an IPv6 VIP, `ip -6 -j`. */
const ip = (vip: string): string => (isIpv4(vip) ? "ip -j" : "ip -6 -j");

/** One shell command asking the kernel for each VIP's neighbour entry on its interface. */
export function neighGetCommand(vips: string[], ifaceOf: (vip: string) => string): string {
  const ifaces = vips.map(ifaceOf);
  checked(vips, ifaces);
  return loop(vips, (vip) => `${ip(vip)} neigh get ${vip} dev ${ifaceOf(vip)}`);
}

/** One shell command asking the kernel which interface routes each VIP. */
export function routeGetCommand(vips: string[]): string {
  checked(vips, []);
  return loop(vips, (vip) => `${ip(vip)} route get ${vip}`);
}

/** The same address, whatever its spelling. */
const sameIp = (a: string, b: string): boolean => (normalizeIp(a) ?? a) === (normalizeIp(b) ?? b);

interface Block {
  vip: string;
  /** 1-based line of the "@vip" marker. */
  line: number;
  body: string[];
  rc: number | null;
}

function blocks(output: string, vips: string[]): Block[] | string {
  const out: Block[] = [];
  let cur: Block | undefined;
  const lines = splitLines(output);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const vip = /^@vip (\S+)$/.exec(line);
    const rc = /^@rc (\d+)$/.exec(line);
    if (vip) {
      if (cur) return `line ${cur.line}: the answer for ${cur.vip} has no exit status`;
      cur = { vip: vip[1]!, line: i + 1, body: [], rc: null };
    } else if (rc) {
      if (!cur) return `line ${i + 1}: an exit status outside any VIP's answer`;
      cur.rc = Number(rc[1]);
      out.push(cur);
      cur = undefined;
    } else if (cur) {
      cur.body.push(line);
    } else if (line.trim() !== "") {
      return `line ${i + 1}: unexpected output before the first VIP: ${clip(line)}`;
    }
  }
  if (cur) return `line ${cur.line}: the answer for ${cur.vip} has no exit status (output cut short?)`;
  const got = out.map((b) => b.vip).join(" ");
  if (got !== vips.join(" ")) return `expected answers for ${vips.join(", ")}, got ${got || "none"}`;
  return out;
}

const bodyText = (b: Block): string => b.body.filter((l) => l.trim() !== "").map((l) => l.trim()).join(" / ");

/** The VIPs' complete neighbour entries; an absent entry is left out; anything else unexpected is an error. */
export function readNeighGet(output: string, vips: string[]): { entries: CliArpEntry[] } | { error: string } {
  const parsed = blocks(output, vips);
  if (typeof parsed === "string") return { error: parsed };
  const entries: CliArpEntry[] = [];
  for (const b of parsed) {
    const text = b.body.join("\n").trim();
    if (b.rc !== 0) {
      if (b.rc === 2 && NOT_FOUND.test(text)) continue;
      return { error: `ip neigh get ${b.vip} exited ${b.rc}: ${clip(bodyText(b)) || "no output"}` };
    }
    // A bare JSON object (one neighbour) reads as a one-element table.
    const r = parseLinux(text.startsWith("{") ? `[${text}]` : text);
    const bad = r.errors[0];
    if (bad) return { error: `cannot read ip neigh get ${b.vip} (line ${b.line + bad.line}): ${bad.text} (${bad.reason})` };
    const mine = r.entries.filter((e) => sameIp(e.ip, b.vip));
    if (mine.length !== r.entries.length) return { error: `ip neigh get ${b.vip} answered for another address: ${clip(bodyText(b))}` };
    entries.push(...mine.slice(0, 1));
  }
  return { entries };
}

/** The interface that routes each VIP, or why one cannot be used. */
export function readRouteGet(output: string, vips: string[]): { ifaces: Map<string, string> } | { error: string } {
  const parsed = blocks(output, vips);
  if (typeof parsed === "string") return { error: parsed };
  const ifaces = new Map<string, string>();
  for (const b of parsed) {
    const text = b.body.join("\n").trim();
    if (b.rc !== 0) return { error: `ip route get ${b.vip} exited ${b.rc}: ${clip(bodyText(b)) || "no output"}; set routers[].interface` };
    let routes: unknown;
    try {
      routes = JSON.parse(text);
    } catch {
      return { error: `ip -j route get ${b.vip} printed no JSON: ${clip(bodyText(b))}` };
    }
    const r = Array.isArray(routes) ? (routes[0] as Record<string, unknown> | undefined) : undefined;
    const dev = r?.dev;
    if (typeof dev !== "string" || !isInterfaceName(dev)) return { error: `ip -j route get ${b.vip} names no usable interface: ${clip(text)}` };
    if (typeof r?.gateway === "string") {
      return { error: `the router reaches ${b.vip} through the gateway ${r.gateway}, so it holds no neighbour entry for it; set routers[].interface if the VIP is on-link` };
    }
    ifaces.set(b.vip, dev);
  }
  return { ifaces };
}
