// End-to-end: the exporter (real config loader, collectors, HTTP server) against the real
// lab. Ground truth is always read from the router's kernel (`ip neigh` in its namespace)
// and the nodes' interfaces, never through the exporter. Each test builds its own lab.
import { nodeOfMac, countsOf, allOn } from "./kernel-view.js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Lab, LabOptions } from "../../lab/lab.js";
import { reapAbandonedLabs } from "../../lab/reap.js";
import { pollUntil } from "../../lab/wait.js";
import { imbalanceRatio, LabSession, labAvailability, pick, type RunningExporter, type Sample, value } from "./exporter-harness.js";

const { canRun, why, missing, isRoot } = labAvailability();
const CI = process.env.CI === "true";
const ROUTERS = ["lab-router", "lab-router-ssh"] as const; // SNMP and SSH (ip -j neigh) views
const TIMEOUT = 180_000;

const session = new LabSession("ve");
const lab = (opts: LabOptions = {}): Promise<Lab> => session.lab(opts);
const exporter = (l: Lab): Promise<RunningExporter> => session.exporter(l);

// A lab left by an earlier run that died would keep the subnet taken.
beforeAll(async () => {
  if (canRun) await reapAbandonedLabs();
}, 60_000);

afterEach(() => session.teardown(), 60_000);




/** Scrapes until pred holds (bounded), returning the last scrape either way. */
async function scrapeUntil(e: RunningExporter, what: string, pred: (s: Sample[]) => boolean, timeoutMs = 30_000): Promise<Sample[]> {
  let last: Sample[] = [];
  try {
    return await pollUntil(what, async () => {
      last = await e.scrape();
      return pred(last) ? last : undefined;
    }, { timeoutMs, intervalMs: 250 });
  } catch {
    return last;
  }
}

function expectRouterViewMatches(l: Lab, samples: Sample[], router: string, neigh: Record<string, string | null>): void {
  for (const vip of l.vips) {
    const owners = pick(samples, "vip_mac_owner", { router, vip }).filter((s) => s.value === 1);
    expect(owners.map((s) => [s.labels.mac, s.labels.node])).toEqual([[neigh[vip], nodeOfMac(l, neigh[vip] ?? null) ?? ""]]);
  }
  const counts = countsOf(l, neigh);
  for (const n of l.nodes) expect(value(samples, "infra_node_vip_count", { router, node: n.name })).toBe(counts[n.name]);
  expect(value(samples, "arp_imbalance_ratio", { router })).toBeCloseTo(imbalanceRatio(Object.values(counts)), 6);
}

if (CI) {
  it("CI runs the end-to-end tests: root and every lab tool are present", () => {
    expect({ root: isRoot, missing }).toEqual({ root: true, missing: [] });
  });
}

describe.skipIf(!canRun)(canRun ? "exporter against the real lab" : `exporter against the real lab SKIPPED (${why})`, () => {
  it("1. static mode: vip_mac_owner, infra_node_vip_count and arp_imbalance_ratio equal ip neigh, via SNMP and via SSH", async () => {
    const l = await lab();
    // A known, uneven state: everything on node 3, then node 1 takes the first VIP back.
    await allOn(l, "lab-node-3");
    await l.garp("lab-node-1", l.vips[0]!);
    await pollUntil("vip 1 on node 1", async () => ((await l.routerNeigh())[l.vips[0]!] === l.nodes[0]!.mac ? true : undefined), { timeoutMs: 5_000 });
    const e = await exporter(l);
    const before = await l.routerNeigh();
    const samples = await e.scrape();
    expect(await l.routerNeigh()).toEqual(before); // nothing moved while we looked
    for (const router of ROUTERS) expectRouterViewMatches(l, samples, router, before);
    expect(value(samples, "arp_imbalance_ratio", { router: "lab-router" })).toBeCloseTo(1 / 3, 6);
    const collectors = pick(samples, "vip_arp_collector_success");
    expect(collectors.length).toBeGreaterThanOrEqual(ROUTERS.length + l.nodes.length);
    for (const s of collectors) expect([s.labels, s.value]).toEqual([s.labels, 1]);
    for (const n of l.nodes) expect(value(samples, "infra_node_up", { node: n.name })).toBe(1);
  }, TIMEOUT);

  it("2. POST /remediate balances the kernel ARP table and reports every action verified", async () => {
    const l = await lab();
    await allOn(l, "lab-node-1");
    const e = await exporter(l);
    const { status, json } = await e.remediate(l.token);
    expect(status).toBe(200);
    // Three VIPs on one of three nodes: two must move, and the planner makes the fewest moves.
    expect(json.actions).toHaveLength(2);
    for (const a of json.actions!) expect([a.vip, a.status, a.error]).toEqual([a.vip, "verified", undefined]);
    // The router's own table, not the exporter's word for it:
    expect(countsOf(l, await l.routerNeigh())).toEqual({ "lab-node-1": 1, "lab-node-2": 1, "lab-node-3": 1 });
    expect(json.after!.ratio).toBe(0);
  }, TIMEOUT);

  it("3. a node reboots: infra_node_up 0 and its VIPs flagged while down; remediation rebalances once it is back", async () => {
    const l = await lab();
    await allOn(l, "lab-node-3");
    const e = await exporter(l);
    expect(value(await e.scrape(), "infra_node_up", { node: "lab-node-3" })).toBe(1);

    await l.setNodeDown("lab-node-3");
    const down = await scrapeUntil(e, "infra_node_up 0", (s) => value(s, "infra_node_up", { node: "lab-node-3" }) === 0);
    expect(value(down, "infra_node_up", { node: "lab-node-3" })).toBe(0);
    const neigh = await l.routerNeigh();
    for (const vip of l.vips) {
      expect(neigh[vip]).toBe(l.nodes[2]!.mac); // the router still sends them to the dead node
      for (const router of ROUTERS) {
        expect(value(down, "vip_owner_holds_vip", { router, vip })).toBe(0);
        expect(pick(down, "vip_mac_owner", { router, vip, node: "lab-node-3" }).map((s) => s.value)).toEqual([1]);
      }
    }

    await l.setNodeUp("lab-node-3");
    await scrapeUntil(e, "infra_node_up 1", (s) => value(s, "infra_node_up", { node: "lab-node-3" }) === 1);
    const { status, json } = await e.remediate(l.token);
    expect(status).toBe(200);
    // All three VIPs on node 3 again: two moves, both verified.
    expect(json.actions!.map((a) => a.status)).toEqual(["verified", "verified"]);
    expect(countsOf(l, await l.routerNeigh())).toEqual({ "lab-node-1": 1, "lab-node-2": 1, "lab-node-3": 1 });
  }, TIMEOUT);

  it("4. a rogue GARP: vip_mac_owner shows node=\"\", owner changes are counted, remediation takes the VIP back", async () => {
    const l = await lab();
    const vip = l.vips[1]!;
    const e = await exporter(l);
    const baseline = await e.scrape();
    const changesBefore = Object.fromEntries(ROUTERS.map((r) => [r, value(baseline, "vip_arp_owner_changes_total", { router: r, vip }) ?? 0]));

    await l.rogueGarp(vip);
    await pollUntil("the rogue MAC in the router", async () => ((await l.routerNeigh())[vip] === l.rogue.mac ? true : undefined), { timeoutMs: 5_000 });
    const after = await e.scrape();
    for (const router of ROUTERS) {
      expect(pick(after, "vip_mac_owner", { router, vip }).filter((s) => s.value === 1).map((s) => [s.labels.mac, s.labels.node])).toEqual([[l.rogue.mac, ""]]);
      expect(value(after, "vip_arp_owner_changes_total", { router, vip })).toBeGreaterThan(changesBefore[router]!);
    }

    const { json } = await e.remediate(l.token);
    const action = json.actions!.find((a) => a.vip === vip);
    expect(action).toMatchObject({ vip, status: "verified", from: { mac: l.rogue.mac } });
    const now = (await l.routerNeigh())[vip];
    expect(now).toBe(action!.to.mac);
    expect(l.nodes.map((n) => n.mac)).toContain(now);
  }, TIMEOUT);

  it("5. keepalived: holders are the VRRP masters, GARPs only from holders, a killed keepalived moves its VIP and the exporter follows", async () => {
    const l = await lab({ vipMode: "keepalived" });
    const e = await exporter(l);
    const expectHeldMatches = async (samples: Sample[]): Promise<void> => {
      const holders = await l.vipHolders();
      for (const vip of l.vips) {
        expect(value(samples, "vip_holders", { vip })).toBe(holders[vip]!.length);
        for (const n of l.nodes) expect([n.name, vip, value(samples, "infra_node_vip_held", { node: n.name, vip }) ?? 0]).toEqual([n.name, vip, holders[vip]!.includes(n.name) ? 1 : 0]);
      }
    };
    await expectHeldMatches(await e.scrape());

    const vip = l.vips[0]!;
    const killed = (await l.vipHolders())[vip]![0]!;
    await l.killKeepalived(killed);
    const moved = await pollUntil("the VIP to move", async () => {
      const h = (await l.vipHolders())[vip]!;
      return h.length === 1 && h[0] !== killed ? h[0] : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    const movedMac = l.nodes.find((n) => n.name === moved)!.mac;
    await pollUntil("the router to follow the new master", async () => ((await l.routerNeigh())[vip] === movedMac ? true : undefined), { timeoutMs: 10_000 });
    const followed = await scrapeUntil(e, "the exporter to follow", (s) =>
      ROUTERS.every((router) => value(s, "vip_mac_owner", { router, vip, mac: movedMac, node: moved }) === 1));
    for (const router of ROUTERS) expect(value(followed, "vip_mac_owner", { router, vip, mac: movedMac, node: moved })).toBe(1);
    await expectHeldMatches(followed);

    // The killed node is up but holds nothing: an even spread would need it, yet no GARP may
    // come from a node that does not hold the VIP.
    const holders = await l.vipHolders();
    // Each VIP has one holder (its VRRP master), so the only GARPs allowed are for VIPs the
    // router sends elsewhere; spreading onto the idle killed node would be a bug.
    expect(l.vips.map((v) => [v, holders[v]!.length])).toEqual(l.vips.map((v) => [v, 1]));
    const neighBefore = await l.routerNeigh();
    const mustMove = l.vips.filter((v) => !holders[v]!.includes(nodeOfMac(l, neighBefore[v] ?? null) ?? ""));
    const { status, json } = await e.remediate(l.token);
    expect([status, json.error]).toEqual([200, undefined]);
    expect((json.actions ?? []).map((a) => a.vip).sort()).toEqual([...mustMove].sort());
    for (const a of json.actions ?? []) expect([a.vip, a.to.node, holders[a.vip]!.includes(a.to.node)]).toEqual([a.vip, a.to.node, true]);
    const neigh = await l.routerNeigh();
    for (const v of l.vips) expect(holders[v]).toContain(nodeOfMac(l, neigh[v] ?? null));
    expect(Object.values(neigh)).not.toContain(l.nodes.find((n) => n.name === killed)!.mac);
  }, TIMEOUT);

  it("6. arp_accept=0 and no router entry: remediation reports failed, saying the router had no entry", async () => {
    const l = await lab({ arpAccept: 0, resolve: [] });
    const vip = l.vips[0]!;
    // The other VIPs resolve normally; the first has no entry at all.
    await l.resolveVips(l.vips.slice(1));
    expect((await l.routerNeigh())[vip]).toBeNull();
    const e = await exporter(l);
    const samples = await e.scrape();
    for (const router of ROUTERS) expect(value(samples, "vip_arp_entry_present", { router, vip })).toBe(0);

    const { status, json } = await e.remediate(l.token, { vips: [vip] });
    expect(status).toBe(502);
    expect(json.ok).toBe(false);
    const action = json.actions!.find((a) => a.vip === vip);
    expect(action?.status).toBe("failed");
    expect(action?.error).toMatch(/no ARP entry/);
    expect(action?.error).toMatch(/arp_accept/);
    expect((await l.routerNeigh())[vip]).toBeNull(); // the kernel agrees: nothing was created
  }, TIMEOUT);
});
