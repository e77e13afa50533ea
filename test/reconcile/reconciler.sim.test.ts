// The reconciler on the simulated segment (real SNMP agent and SSH nodes on 127.0.0.1): the
// reboot story, plan mode, the breaker, waiting for a run in flight, refresh, and pacing read
// back from the segment's GARP log. Collections are driven by tick() so counts are exact.
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/types.js";
import { silentLogger } from "../../src/log.js";
import { ReconcilerMetrics } from "../../src/reconcile/metrics.js";
import { Reconciler } from "../../src/reconcile/reconciler.js";
import { parseScenario, type Scenario } from "../../src/sim/scenario.js";
import { harness, MAC, type Harness, type HarnessOptions } from "../remediate/helpers.js";

const N1 = "ose-prod-node-01";
const N2 = "ose-prod-node-02";
const N3 = "ose-prod-node-03";
const VIPS = ["192.0.2.101", "192.0.2.102", "192.0.2.103"];

function scenario(entries: Record<string, string>, o: { arpingIntervalMs?: number; vips?: string[] } = {}): Scenario {
  const vips = o.vips ?? VIPS;
  return parseScenario(
    JSON.stringify({
      vips,
      nodes: [N1, N2, N3].map((name, i) => ({
        name,
        address: `192.0.2.${i + 1}`,
        mac: MAC[name as keyof typeof MAC],
        holds: vips,
        arping_interval_ms: o.arpingIntervalMs ?? 0,
      })),
      routers: [{ name: "core-s1", entries }],
    }),
  );
}
const balanced = { "192.0.2.101": MAC[N1], "192.0.2.102": MAC[N2], "192.0.2.103": MAC[N3] };

let h: Harness | null = null;
let rec: Reconciler | null = null;
afterEach(async () => {
  await rec?.stop();
  await h?.remediator.idle();
  await h?.close();
  h = null;
  rec = null;
});

async function setup(o: HarnessOptions & { mode?: "plan" | "auto"; after?: number }): Promise<{ x: Harness; r: Reconciler }> {
  const x = await harness({
    ...o,
    remediatorConfig: (c: Config) => ({
      ...c,
      remediation: { ...c.remediation, mode: o.mode ?? "auto", auto: { intervalMs: 1000, after: o.after ?? 3, maxRunsPerHour: 6 } },
    }),
  });
  h = x;
  const r = new Reconciler({ state: () => ({ config: x.remediator.config, collector: x.collector }), remediator: x.remediator, log: silentLogger(), metrics: new ReconcilerMetrics(x.registry) });
  rec = r;
  return { x, r };
}
const table = (x: Harness) => Object.fromEntries([...x.sim.segment.router("core-s1").entries].map(([ip, e]) => [ip, e.mac]));
const countsOf = (x: Harness) => {
  const t = table(x);
  return Object.fromEntries([N1, N2, N3].map((n) => [n, Object.values(t).filter((m) => m === MAC[n as keyof typeof MAC]).length]));
};
async function stateSeries(x: Harness): Promise<Record<string, number>> {
  const { values } = await x.registry.getSingleMetric("vip_arp_reconciler_state")!.get();
  return Object.fromEntries(values.map((v) => [`${v.labels.state}${v.labels.reason ? `:${v.labels.reason}` : ""}`, v.value]));
}

describe("the reconciler on the simulated segment", () => {
  it("a node goes down and comes back: the router falls back to another MAC, and the VIP is given back within `after` collections of its return", async () => {
    const { x, r } = await setup({ scenario: scenario(balanced), after: 3 });
    expect((await r.tick()).state).toBe("idle");

    // Node 3 reboots; the router falls back to node 1 for .103 (node 1 answered its ARP).
    x.sim.segment.setNodeUp(N3, false);
    x.sim.segment.garp(N1, "192.0.2.103", "reply");
    expect((await r.tick()).state).toBe("idle"); // 2 + 1 over the two up nodes: even
    expect(countsOf(x)).toEqual({ [N1]: 2, [N2]: 1, [N3]: 0 });

    x.sim.segment.setNodeUp(N3, true);
    const afterReturn = [await r.tick(), await r.tick(), await r.tick()];
    expect(afterReturn.map((d) => d.state)).toEqual(["waiting", "waiting", "act"]);
    expect(afterReturn[0]!.message).toMatch(/seen in 1 of 3 collections \(a node came back up, the count starts again\)/);
    await x.remediator.idle();
    expect(countsOf(x)).toEqual({ [N1]: 1, [N2]: 1, [N3]: 1 });
    // Only node 3 announced, and only for the VIP it got back.
    expect(x.arpings()[N3]).toEqual(["arping -c 1 -A -I eth0 192.0.2.103", "arping -c 1 -U -I eth0 192.0.2.103"]);
    expect(x.arpings()[N1]).toEqual([]);
    expect((await r.tick()).state).toBe("idle");
    expect(await stateSeries(x)).toEqual({ idle: 1, waiting: 0, acting: 0, holding_back: 0 });
    expect(await x.counter("vip_arp_remediation_runs_total", { trigger: "reconciler" })).toBe(1);
    expect(await x.counter("vip_arp_remediation_actions_total", { trigger: "reconciler", status: "verified" })).toBe(1);
  });

  it("mode plan: decides like auto, reports and audits the plan, sends nothing", async () => {
    const { x, r } = await setup({ scenario: scenario({ "192.0.2.101": MAC[N1], "192.0.2.102": MAC[N1], "192.0.2.103": MAC[N1] }), mode: "plan", after: 2 });
    const before = table(x);
    expect((await r.tick()).state).toBe("waiting");
    expect((await r.tick()).state).toBe("act");
    await x.remediator.idle();
    expect(table(x)).toEqual(before);
    expect(x.sim.segment.garpLog).toEqual([]);
    const audit = x.remediator.audit.recent()[0]!;
    expect(audit).toMatchObject({ trigger: "reconciler", who: "reconciler", dryRun: true, mode: "plan", message: "remediation.mode is plan: nothing was sent; these are the actions a run would take" });
    expect(audit.results.map((a) => [a.to.node, a.status]).sort()).toEqual([[N2, "planned"], [N3, "planned"]]);
    expect(await x.counter("vip_arp_remediations_total")).toBe(0);
  });

  it("the circuit breaker: after 3 failed verifications it holds that VIP back (VIPRemediationFailing's counters rise); a reload closes it", async () => {
    // The router has no entry for .102 and no arp_accept: a GARP cannot create it.
    const { x, r } = await setup({ scenario: scenario({ "192.0.2.101": MAC[N1], "192.0.2.103": MAC[N3] }), after: 1, remediation: { cooldownMs: 0, verifyTimeoutMs: 150 } });
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = await r.tick();
      seen.push(d.state === "holding_back" ? `holding_back:${d.reason}` : d.state);
      await x.remediator.idle();
    }
    expect(seen).toEqual(["act", "act", "act", "holding_back:circuit_open"]);
    expect(await stateSeries(x)).toEqual({ idle: 0, waiting: 0, acting: 0, "holding_back:circuit_open": 1 });
    const { values } = await x.registry.getSingleMetric("vip_arp_reconciler_circuit_open")!.get();
    expect(values.map((v) => [v.labels.vip, v.value])).toEqual([["192.0.2.102", 1]]);
    expect(await x.counter("vip_arp_garp_failures_total", { vip: "192.0.2.102" })).toBe(3);
    expect(await x.counter("vip_arp_remediation_failures_total")).toBe(3);

    r.reconfigure(x.remediator.config);
    expect((await r.tick()).state).toBe("act");
  });

  it("never runs beside another run: waits for a manual run in flight, then decides again on a fresh collection", async () => {
    const { x, r } = await setup({ scenario: scenario({ ...balanced, "192.0.2.102": MAC[N1] }, { arpingIntervalMs: 300 }), after: 1, remediation: { garpCount: 3 } });
    const manual = x.remediator.run({ trigger: "manual" });
    while (!x.remediator.running) await new Promise((res) => setTimeout(res, 5));
    const d = await r.tick(); // the problem is still visible: it decides to act, but waits
    expect(d.state).toBe("act");
    expect(x.remediator.running).toBe(false);
    expect((await manual).actions.map((a) => a.status)).toEqual(["verified"]);
    expect((await r.tick()).state).toBe("idle");
    expect(await x.counter("vip_arp_remediation_runs_total", { trigger: "reconciler" })).toBe(0);
    expect(Object.values(x.arpings()).flat()).toHaveLength(2);
  });
});

describe("periodic refresh on the simulated segment", () => {
  it("re-announces each VIP from the node the router already sends it to, moves nothing, and is counted apart", async () => {
    const { x, r } = await setup({ scenario: scenario(balanced), mode: "auto" });
    const before = table(x);
    const report = await r.refreshTick();
    await x.remediator.idle();
    expect(report).toMatchObject({ trigger: "refresh", ok: true });
    expect(report!.actions.map((a) => [a.vip, a.to.node, a.status])).toEqual([
      ["192.0.2.101", N1, "sent"],
      ["192.0.2.102", N2, "sent"],
      ["192.0.2.103", N3, "sent"],
    ]);
    expect(table(x)).toEqual(before);
    expect(x.sim.segment.garpLog.map((g) => [g.node, g.vip]).sort()).toEqual(
      [[N1, "192.0.2.101"], [N1, "192.0.2.101"], [N2, "192.0.2.102"], [N2, "192.0.2.102"], [N3, "192.0.2.103"], [N3, "192.0.2.103"]].sort(),
    );
    expect(await x.counter("vip_arp_garp_sent_total")).toBe(0);
    expect(await x.counter("vip_arp_remediations_total")).toBe(0);
    expect(await x.counter("vip_arp_remediation_actions_total", { trigger: "refresh", status: "sent" })).toBe(3);
    // A refresh neither sets nor obeys the cooldown: a repair right after still goes out.
    expect(x.remediator.coolingDown("192.0.2.101")).toBeNull();
  });

  it("never from a non-holder, and nothing at all on a view the guard distrusts", async () => {
    const { x, r } = await setup({ scenario: scenario(balanced) });
    x.sim.segment.node(N2).holds.delete("192.0.2.102"); // the router still sends .102 to node 2
    const report = await r.refreshTick();
    await x.remediator.idle();
    expect(report!.actions.map((a) => a.vip)).toEqual(["192.0.2.101", "192.0.2.103"]);
    expect(report!.blocked).toEqual([{ vip: "192.0.2.102", reason: `${N2} does not hold it (or is down): a refresh never announces from a non-holder` }]);
    expect(x.sim.segment.garpLog.filter((g) => g.vip === "192.0.2.102")).toEqual([]);

    x.sim.segment.router("core-s1").up = false;
    const logged = x.sim.segment.garpLog.length;
    const refused = await r.refreshTick();
    expect(refused).toMatchObject({ trigger: "refresh", ok: false, actions: [] });
    expect(refused!.message).toBe("refresh skipped: a router's view cannot be trusted, and a refresh never announces on a view it could not read");
    expect(x.sim.segment.garpLog).toHaveLength(logged);
  }, 30_000);
});

describe("pacing on the simulated segment", () => {
  it("no node sends more than max_garp_rate GARPs in any one-second window; nothing is dropped; the answer does not wait for arping", async () => {
    // Six VIPs all on node 1: the plan spreads them 2/2/2, so nodes 2 and 3 each send
    // 2 actions x 2 forms x 3 packets, a second apart (iputils' timing).
    const vips = ["192.0.2.101", "192.0.2.102", "192.0.2.103", "192.0.2.104", "192.0.2.105", "192.0.2.106"];
    const allOnOne = Object.fromEntries(vips.map((v) => [v, MAC[N1]]));
    const rate = 3;
    const { x } = await setup({
      scenario: scenario(allOnOne, { arpingIntervalMs: 1000, vips }),
      remediation: { garpCount: 3, maxGarpRate: rate, verifyTimeoutMs: 8000 },
    });
    const report = await x.remediator.run({ trigger: "manual" });
    const answeredAt = Date.now();
    expect(report.actions.map((a) => a.status)).toEqual(Array(4).fill("verified"));
    await x.remediator.idle();
    const log = x.sim.segment.garpLog;
    for (const node of [N2, N3]) {
      const times = log.filter((g) => g.node === node).map((g) => g.at).sort((a, b) => a - b);
      expect(times).toHaveLength(2 * 2 * 3);
      // Lower bound only: count the packets in [t, t + 1 s) from each packet on.
      const worst = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
      expect(worst).toBeLessThanOrEqual(rate);
    }
    expect(log.filter((g) => g.node === N1)).toEqual([]);
    // Verified before arping had sent its last packets, and the report said so.
    expect(Math.max(...log.map((g) => g.at))).toBeGreaterThan(answeredAt);
    expect(report.actions.some((a) => a.sending !== undefined)).toBe(true);
    expect(report.actions.find((a) => a.sending)!.sending).toBe(
      "each form's first GARP had gone out when this was reported; arping sends the other 2 one a second (the audit record says how they ended)",
    );
    const audit = x.remediator.audit.recent()[0]!;
    expect(audit.results.map((a) => [a.status, a.sending])).toEqual(Array(4).fill(["verified", undefined]));
    expect(await x.counter("vip_arp_garp_sent_total")).toBe(4);
  }, 60_000);
});
