// Namespaces, veths, the bridge and the host's routing table, through iproute2.
import { inNs, run, runIgnoring } from "./exec.js";
import { ipv4InSubnet, isIpv4, normalizeIp, normalizeMac } from "../src/model/net.js";

const GONE = /No such file|Cannot find device|does not exist|Cannot remove|Invalid argument/i;

export async function listNamespaces(): Promise<string[]> {
  const out = (await run(["ip", "-j", "netns", "list"])).trim();
  if (!out) return [];
  const parsed = JSON.parse(out) as { name?: string }[];
  return parsed.map((n) => n.name ?? "").filter(Boolean);
}

export async function addNamespace(ns: string): Promise<void> {
  await run(["ip", "netns", "add", ns]);
  await run(["ip", "-n", ns, "link", "set", "lo", "up"]);
}

export async function deleteNamespace(ns: string): Promise<void> {
  await runIgnoring(["ip", "netns", "del", ns], GONE);
}

export async function deleteHostLink(name: string): Promise<void> {
  await runIgnoring(["ip", "link", "del", "dev", name], GONE);
}

export async function linkExists(name: string, ns?: string): Promise<boolean> {
  const argv = ns ? ["ip", "-n", ns, "link", "show", "dev", name] : ["ip", "link", "show", "dev", name];
  return (await runIgnoring(argv, GONE)) !== null;
}

export async function sysctl(ns: string, key: string, value: string | number): Promise<void> {
  await run(inNs(ns, ["sysctl", "-q", "-w", `${key}=${value}`]));
}

export async function readSysctl(ns: string, key: string): Promise<string> {
  return (await run(inNs(ns, ["sysctl", "-n", key]))).trim();
}

export async function addBridge(ns: string): Promise<void> {
  await run(["ip", "-n", ns, "link", "add", "name", "br0", "type", "bridge"]);
  await run(["ip", "-n", ns, "link", "set", "br0", "up"]);
}

/** Plugs `ns` into the bridge: veth `port` (bridge side) <-> eth0 (in ns) with the given MAC. */
export async function attach(bridgeNs: string, port: string, ns: string, mac: string): Promise<void> {
  // Always "name": a bare "a" would be read as the "address" keyword.
  await run(["ip", "-n", bridgeNs, "link", "add", "name", port, "type", "veth", "peer", "name", "eth0", "netns", ns]);
  await run(["ip", "-n", bridgeNs, "link", "set", "dev", port, "master", "br0"]);
  await run(["ip", "-n", bridgeNs, "link", "set", "dev", port, "up"]);
  await run(["ip", "-n", ns, "link", "set", "dev", "eth0", "address", mac]);
}

/** nodad: an IPv6 address usable at once, without duplicate address detection. */
export async function addAddress(ns: string, cidr: string, dev = "eth0", opts: { nodad?: boolean } = {}): Promise<void> {
  await run(["ip", "-n", ns, "addr", "add", cidr, "dev", dev, ...(opts.nodad ? ["nodad"] : [])]);
}

export async function setLink(ns: string, dev: string, state: "up" | "down"): Promise<void> {
  await run(["ip", "-n", ns, "link", "set", "dev", dev, state]);
}

interface RouteJson {
  dst?: string;
  dev?: string;
  table?: string;
  type?: string;
  gateway?: string;
}

function prefixOf(dst: string): { net: string; len: number } | null {
  const [net, len] = dst.split("/");
  if (!net || !isIpv4(net)) return null;
  return { net, len: len === undefined ? 32 : Number(len) };
}

/**
 * The host's IPv4 routes (any table, default routes excepted) that overlap `subnet`. A lab on
 * a subnet the host already reaches some other way could send real traffic there: refuse.
 */
export async function subnetConflicts(subnet: string): Promise<string[]> {
  const want = prefixOf(subnet);
  if (!want) throw new Error(`not an IPv4 subnet: ${subnet}`);
  const routes = JSON.parse((await run(["ip", "-j", "-4", "route", "show", "table", "all"])).trim() || "[]") as RouteJson[];
  const conflicts: string[] = [];
  for (const r of routes) {
    const got = r.dst ? prefixOf(r.dst) : null;
    if (!got || got.len === 0) continue;
    const overlap = got.len <= want.len ? ipv4InSubnet(want.net, got.net, got.len) : ipv4InSubnet(got.net, want.net, want.len);
    if (overlap) {
      conflicts.push(
        `${r.type && r.type !== "unicast" ? `${r.type} ` : ""}${r.dst}${r.gateway ? ` via ${r.gateway}` : ""}${r.dev ? ` dev ${r.dev}` : ""} (table ${r.table ?? "main"})`,
      );
    }
  }
  return conflicts;
}

/** The host interface the kernel would use to reach `address`. */
export async function hostRouteDev(address: string): Promise<string | null> {
  const out = JSON.parse((await run(["ip", "-j", "route", "get", address])).trim() || "[]") as RouteJson[];
  return out[0]?.dev ?? null;
}

/**
 * The interface namespace `ns` would send to an IPv6 `address` through (`ip -6 route get`), and
 * the route's type ("local" for its own address); null when it has no route.
 */
export async function routeIn(ns: string, address: string): Promise<{ dev: string; type: string } | null> {
  const out = await runIgnoring(["ip", "-n", ns, "-6", "-j", "route", "get", address], /unreachable|No route/i);
  const r = (JSON.parse(out?.trim() || "[]") as RouteJson[])[0];
  return r?.dev ? { dev: r.dev, type: r.type ?? "unicast" } : null;
}

interface NeighJson {
  dst?: string;
  lladdr?: string;
  state?: string[];
}

/** VIP -> lower-case MAC from `ip -j neigh` output (IPv4 and IPv6 entries); null when there is no usable entry. */
export function neighForVips(json: string, vips: readonly string[]): Record<string, string | null> {
  const entries = JSON.parse(json.trim() || "[]") as NeighJson[];
  const out: Record<string, string | null> = {};
  for (const vip of vips) out[vip] = null;
  for (const e of entries) {
    const dst = e.dst ? (normalizeIp(e.dst) ?? e.dst) : undefined;
    if (!dst || !(dst in out) || !e.lladdr) continue;
    if (e.state?.some((s) => s === "FAILED" || s === "INCOMPLETE")) continue;
    out[dst] = normalizeMac(e.lladdr);
  }
  return out;
}

/** Addresses on a device from `ip -j addr show dev X` output: IPv4, and IPv6 of global scope (RFC 5952 form). */
export function addressesFromIpAddr(json: string): string[] {
  const ifs = JSON.parse(json.trim() || "[]") as { addr_info?: { family?: string; local?: string; scope?: string }[] }[];
  return ifs.flatMap((i) =>
    (i.addr_info ?? []).flatMap((a) => {
      if (!a.local) return [];
      if (a.family === "inet") return [a.local];
      return a.family === "inet6" && a.scope === "global" ? [normalizeIp(a.local) ?? a.local] : [];
    }),
  );
}
