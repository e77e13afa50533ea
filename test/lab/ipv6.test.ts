// IPv6 in the real lab: the lab itself (addresses without DAD, routes through the lab leg only,
// the router's kernel neighbour cache, Debian's snmpd serving it, what an unsolicited NA does to
// a Linux router), then the exporter end to end: an IPv6 VIP the router sends to a node that
// does not hold it is shown as such and moved back by an unsolicited NA, and a dual-stack
// segment is balanced with a GARP and an NA. Ground truth is the router's kernel
// (`ip -n ROUTER -6 neigh`), never the exporter's word. Needs root; in CI a missing tool fails.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { LAB_SUBNETS, type LabSubnet } from "../../lab/addressing.js";
import { run } from "../../lab/exec.js";
import { type Lab, type LabOptions, startLab } from "../../lab/lab.js";
import { neighForVips, routeIn, subnetConflicts } from "../../lab/netns.js";
import { reapAbandonedLabs } from "../../lab/reap.js";
import { BASE_TOOLS, CLIENT_TOOLS, IPV6_TOOLS, missingTools } from "../../lab/tools.js";
import { pollUntil } from "../../lab/wait.js";
import { loadConfigFile } from "../../src/config/load.js";
import { ipv6ToBytes } from "../../src/model/net.js";
import { LabSession, pick, value, type RunningExporter, type Sample } from "./exporter-harness.js";

const CI = process.env.CI === "true";
const isRoot = process.getuid?.() === 0;
const missing = missingTools([...BASE_TOOLS, ...IPV6_TOOLS, ...CLIENT_TOOLS]);
const canRun = isRoot && missing.length === 0;
const why = !isRoot ? "not root" : `missing ${missing.join(", ")}`;
const TIMEOUT = 180_000;
const ROUTER = "lab-router-ssh"; // the labs with IPv6 VIPs read the router over SSH (docs/lab.md)

let subnet: LabSubnet = "203.0.113.0/24";
const session = new LabSession("v6", { subnetWaitMs: 150_000 });

beforeAll(async () => {
  if (!canRun) return;
  await reapAbandonedLabs();
  // 203.0.113.0/24 (this suite's subnet) when free, else the other one; startLab waits for it.
  for (const s of ["203.0.113.0/24", ...LAB_SUBNETS] as LabSubnet[]) {
    if ((await subnetConflicts(s)).length === 0) {
      subnet = s;
      break;
    }
  }
}, 60_000);

afterEach(() => session.teardown(), 60_000);
const lab = (opts: LabOptions): Promise<Lab> => session.lab({ subnet, ...opts });
const exporter = (l: Lab): Promise<RunningExporter> => session.exporter(l);

function sh(argv: string[], timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs }, (err, stdout, stderr) => (err ? reject(new Error(`${argv.join(" ")}: ${err.message} ${stderr}`)) : resolve(stdout)));
  });
}

const community = (l: Lab): string => /rocommunity (\S+)/.exec(readFileSync(join(l.dir, "lab-router", "snmpd.conf"), "utf8"))![1]!;

/** ipNetToPhysicalPhysAddress for the lab's IPv6 VIPs, walked from the host over IPv4 as the exporter would. */
async function snmpPhysical(l: Lab): Promise<Record<string, string | null>> {
  const out = await sh(["snmpwalk", "-v2c", "-c", community(l), "-On", "-Ox", `${l.router.address}:161`, "1.3.6.1.2.1.4.35.1.4"]);
  const byIndex = new Map<string, string>();
  for (const line of out.split("\n")) {
    const m = /^\.1\.3\.6\.1\.2\.1\.4\.35\.1\.4\.\d+\.2\.16\.([\d.]+) = Hex-STRING: ((?:[0-9A-F]{2} ?){6})/i.exec(line.trim());
    if (m) byIndex.set(m[1]!, m[2]!.trim().split(" ").join(":").toLowerCase());
  }
  return Object.fromEntries(l.vips6.map((v) => [v, byIndex.get(ipv6ToBytes(v)!.join(".")) ?? null]));
}

/** The router's kernel entries for the IPv6 VIPs, from `ip -6 neigh` (the truth). */
async function kernel6(l: Lab): Promise<Record<string, string | null>> {
  return neighForVips(await run(["ip", "-n", l.router.ns, "-6", "-j", "neigh", "show", "dev", "eth0"]), l.vips6);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  return pollUntil(what, fn, { timeoutMs, intervalMs: 100 });
}

const nodeOf = (l: Lab, mac: string | null | undefined): string | null => l.nodes.find((n) => n.mac === mac)?.name ?? null;

if (CI) {
  it("CI runs the IPv6 lab tests: root and every lab tool (ndptool too) are present", () => {
    expect({ root: isRoot, missing }).toEqual({ root: true, missing: [] });
  });
}

describe.skipIf(!canRun)(canRun ? "the IPv6 lab" : `the IPv6 lab SKIPPED (${why})`, () => {
  it("builds a /64 without DAD, reaches every IPv6 address through the lab leg only, and the router resolves the VIPs", async () => {
    const l = await lab({ family: "ipv6" });
    expect(l.prefix6).toBe(subnet === "203.0.113.0/24" ? "2001:db8:203:113::/64" : "2001:db8:198:51::/64");
    expect(l.vips).toEqual(l.vips6);
    expect(l.vips6).toEqual(["::101", "::102", "::103"].map((s) => l.prefix6!.replace("::/64", s)));
    // Usable at once: nothing tentative or failed (DAD is off, and every node holds every VIP).
    for (const n of l.nodes) {
      const info = JSON.parse(await run(["ip", "-n", n.ns, "-6", "-j", "addr", "show", "dev", "eth0", "scope", "global"])) as { addr_info: { local?: string; tentative?: boolean; dadfailed?: boolean }[] }[];
      // (iproute2 6.1 leaves an empty object where it filtered the link-local address out.)
      const addrs = info[0]!.addr_info.filter((a) => a.local !== undefined);
      expect(addrs.map((a) => a.local).sort()).toEqual([n.address6!, ...l.vips6].sort());
      expect(addrs.filter((a) => a.tentative || a.dadfailed)).toEqual([]);
      expect((await l.nodeAddresses(n.name)).filter((a) => a.includes(":")).sort()).toEqual([n.address6!, ...l.vips6].sort());
    }
    // The host never speaks IPv6 into the lab; inside it, the router reaches everything on eth0.
    expect((await run(["sysctl", "-n", `net.ipv6.conf.${l.hostLeg}.disable_ipv6`])).trim()).toBe("1");
    for (const a of [...l.vips6, ...l.nodes.map((n) => n.address6!)]) expect(await routeIn(l.router.ns, a)).toEqual({ dev: "eth0", type: "unicast" });
    await expect(l.checkHostRoute()).resolves.toBeUndefined();
    // Resolved at start: every VIP has a node's MAC in the router's kernel cache.
    const neigh = await kernel6(l);
    for (const v of l.vips6) expect(nodeOf(l, neigh[v]), v).not.toBeNull();
    expect(await l.routerNeigh()).toEqual(neigh);
    // The config reads the router over SSH only, and loads.
    const c = loadConfigFile(l.configFile, {});
    expect(c.vips).toEqual(l.vips6);
    expect(c.routers.map((r) => `${r.type} ${r.name}`)).toEqual([`ssh ${ROUTER}`]);
  }, TIMEOUT);

  it("Debian's snmpd serves the IPv6 neighbours in ipNetToPhysicalTable, and keeps the old MAC of one the kernel updates in place", async () => {
    const l = await lab({ family: "ipv6" });
    // Rows snmpd first sees are right: the walk equals the kernel.
    expect(await snmpPhysical(l)).toEqual(await kernel6(l));
    // The router's IPv6 address in ipAddressTable, with its /64 (what discovery places VIPs by).
    const addr = await sh(["snmpwalk", "-v2c", "-c", community(l), "-On", `${l.router.address}:161`, `1.3.6.1.2.1.4.34.1.5.2.16.${ipv6ToBytes(l.router.address6!)!.join(".")}`]);
    expect(addr.trim()).toMatch(/= OID: \.1\.3\.6\.1\.2\.1\.4\.32\.1\.5\.\d+\.2\.16\.[\d.]+\.64$/);
    // An unsolicited NA moves the kernel's entry; snmpd 5.9.3 copies only the first byte of a
    // changed MAC (netsnmp_access_arp_entry_update), and the lab's MACs share it: the row stays.
    const vip = l.vips6[0]!;
    const before = (await kernel6(l))[vip]!;
    const other = l.nodes.find((n) => n.mac !== before)!;
    await l.na(other.name, vip);
    await until("the kernel to take the NA", async () => ((await kernel6(l))[vip] === other.mac ? true : undefined));
    await new Promise((r) => setTimeout(r, 6_000)); // past snmpd's 5 s cache of the table
    expect((await snmpPhysical(l))[vip]).toBe(before);
  }, TIMEOUT);

  it("an unsolicited NA updates an existing entry and creates a missing one only with accept_untracked_na on a forwarding router", async () => {
    const l = await lab({ family: "ipv6", nodes: 2, vips: 2 });
    const [vip, other] = l.vips6 as [string, string];
    const n2 = l.nodes[1]!;
    await l.na(n2.name, vip);
    await until("the existing entry to move", async () => ((await kernel6(l))[vip] === n2.mac ? true : undefined));
    await l.forgetRouterEntry(other);
    expect((await kernel6(l))[other]).toBeNull();
    await l.na(n2.name, other);
    await new Promise((r) => setTimeout(r, 500));
    expect((await kernel6(l))[other]).toBeNull(); // Linux default: an untracked NA is ignored
    await l.setAcceptUntrackedNa(true);
    await l.na(n2.name, other);
    await until("the NA to create the entry", async () => ((await kernel6(l))[other] === n2.mac ? true : undefined));
  }, TIMEOUT);

  it("refuses what it cannot do: keepalived with IPv6 VIPs, arping for an IPv6 VIP, an NA for an address that is no VIP", async () => {
    await expect(startLab({ family: "ipv6", vipMode: "keepalived", prefix: "v6-ka" })).rejects.toThrow(/keepalived mode has IPv4 VIPs only/);
    const l = await lab({ family: "dual", nodes: 1, vips: 1 });
    await expect(l.garp(l.nodes[0]!.name, l.vips6[0]!)).rejects.toThrow(/is not an IPv4 address \(arping is IPv4 only/);
    await expect(l.na(l.nodes[0]!.name, l.vips4[0]!)).rejects.toThrow(/is not an IPv6 address/);
    await expect(l.na(l.nodes[0]!.name, "2001:db8::dead")).rejects.toThrow(/is not an IPv6 VIP of lab/);
  }, TIMEOUT);
});

describe.skipIf(!canRun)(canRun ? "the exporter against the IPv6 lab" : `the exporter against the IPv6 lab SKIPPED (${why})`, () => {
  it("an IPv6 VIP the router sends to a node that does not hold it: shown as such, moved back by an unsolicited NA, verified in the kernel cache", async () => {
    const l = await lab({ family: "ipv6" });
    const vip = l.vips6[0]!;
    const n3 = l.nodes[2]!;
    // Node 3 drops the VIP but the router still sends it there (its NA came first).
    await l.dropVip(n3.name, vip);
    await l.na(n3.name, vip);
    await until("the router to send the VIP to node 3", async () => ((await kernel6(l))[vip] === n3.mac ? true : undefined));
    expect((await l.vipHolders())[vip]!.sort()).toEqual(["lab-node-1", "lab-node-2"]);

    const e = await exporter(l);
    const s = await e.scrape();
    expect(pick(s, "vip_mac_owner", { router: ROUTER, vip }).filter((x) => x.value === 1).map((x) => [x.labels.mac, x.labels.node])).toEqual([[n3.mac, n3.name]]);
    expect(value(s, "vip_owner_holds_vip", { router: ROUTER, vip })).toBe(0);
    // infra_node_vip_held has series for held VIPs only: none for node 3 and this VIP.
    expect(value(s, "infra_node_vip_held", { node: n3.name, vip })).toBeUndefined();
    expect(value(s, "infra_node_vip_held", { node: "lab-node-1", vip })).toBe(1);
    expect(value(s, "vip_arp_collector_success", { collector: "ssh", target: ROUTER })).toBe(1);

    const { status, json } = await e.remediate(l.token, { vips: [vip] });
    expect([status, json.error]).toEqual([200, undefined]);
    expect(json.actions!.map((a) => [a.vip, a.from.node, a.status, a.error])).toEqual([[vip, n3.name, "verified", undefined]]);
    const to = json.actions![0]!.to;
    expect(["lab-node-1", "lab-node-2"]).toContain(to.node);
    // The router's own cache, not the exporter's word.
    const now = await kernel6(l);
    expect(now[vip]).toBe(to.mac);
    expect(nodeOf(l, now[vip])).toBe(to.node);
    const after = await e.scrape();
    expect(value(after, "vip_owner_holds_vip", { router: ROUTER, vip })).toBe(1);
  }, TIMEOUT);

  it("a dual-stack segment: IPv4 and IPv6 VIPs all on one node are spread by a GARP and an NA, both verified in the kernel", async () => {
    const l = await lab({ family: "dual" });
    const n1 = l.nodes[0]!;
    for (const v of l.vips4) await l.garp(n1.name, v);
    for (const v of l.vips6) await l.na(n1.name, v);
    await until("every VIP on node 1", async () => (Object.values(await l.routerNeigh()).every((m) => m === n1.mac) ? true : undefined));

    const e = await exporter(l);
    const s: Sample[] = await e.scrape();
    expect(l.nodes.map((n) => value(s, "infra_node_vip_count", { router: ROUTER, node: n.name }))).toEqual([6, 0, 0]);
    for (const v of l.vips) expect(value(s, "vip_mac_owner", { router: ROUTER, vip: v, mac: n1.mac, node: n1.name })).toBe(1);

    const { status, json } = await e.remediate(l.token);
    expect([status, json.error]).toEqual([200, undefined]);
    expect(json.actions).toHaveLength(4);
    for (const a of json.actions!) expect([a.vip, a.status, a.error]).toEqual([a.vip, "verified", undefined]);
    expect(json.after!.ratio).toBe(0);
    // Both families moved, each in its own kernel table.
    const v4 = neighForVips(await run(["ip", "-n", l.router.ns, "-4", "-j", "neigh", "show", "dev", "eth0"]), l.vips4);
    const v6 = await kernel6(l);
    const counts = (m: Record<string, string | null>) => l.nodes.map((n) => Object.values(m).filter((x) => x === n.mac).length);
    expect(counts({ ...v4, ...v6 })).toEqual([2, 2, 2]);
    expect(json.actions!.filter((a) => a.vip.includes(":")).length).toBeGreaterThan(0);
    expect(json.actions!.filter((a) => !a.vip.includes(":")).length).toBeGreaterThan(0);
    for (const a of json.actions!) expect(({ ...v4, ...v6 })[a.vip]).toBe(a.to.mac);
  }, TIMEOUT);
});
