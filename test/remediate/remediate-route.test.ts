// POST /remediate end to end over the simulated segment: real SSH to the simulated nodes,
// real SNMP to the simulated router, a real Remediator behind the express route.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import type { Collector } from "../../src/collect/types.js";
import type { RemediationReport } from "../../src/remediate/report.js";
import { defaultScenario } from "../../src/sim/scenario.js";
import { harness, MAC, TOKEN, type Harness, type HarnessOptions } from "./helpers.js";

const auth = { Authorization: `Bearer ${TOKEN}` };
let h: Harness | null = null;
async function setup(o: HarnessOptions = {}): Promise<Harness> {
  h = await harness(o);
  return h;
}
afterEach(async () => {
  await h?.close();
  h = null;
});

const post = (x: Harness, body?: unknown) => {
  const r = request(x.url).post("/remediate").set(auth);
  return body === undefined ? r : r.send(body as object);
};
const routerTable = (x: Harness) => Object.fromEntries([...x.sim.segment.router("core-s1").entries].map(([ip, e]) => [ip, e.mac]));

describe("POST /remediate on the example segment", () => {
  it("balances the router with one verified GARP from node 2, and a second POST does nothing", async () => {
    const x = await setup();
    const res = await post(x);
    expect(res.status).toBe(200);
    const report = res.body as RemediationReport;
    expect(report.dryRun).toBe(false);
    expect(report.trigger).toBe("manual");
    expect(report.ok).toBe(true);
    expect(report.before.counts).toEqual({ "ose-prod-node-01": 1, "ose-prod-node-02": 0, "ose-prod-node-03": 2 });
    expect(report.before.ratio).toBeCloseTo(1 / 3);
    expect(report.after?.counts).toEqual({ "ose-prod-node-01": 1, "ose-prod-node-02": 1, "ose-prod-node-03": 1 });
    expect(report.after?.ratio).toBe(0);
    expect(report.after?.routers["core-s1"]?.ratio).toBe(0);
    expect(report.actions).toHaveLength(1);
    const a = report.actions[0]!;
    expect(a.status).toBe("verified");
    expect(["192.0.2.102", "192.0.2.103"]).toContain(a.vip);
    expect(a.from).toEqual({ node: "ose-prod-node-03", mac: MAC["ose-prod-node-03"] });
    expect(a.to).toEqual({ node: "ose-prod-node-02", mac: MAC["ose-prod-node-02"] });

    // The simulated router agrees, and only node 2 ran arping, in both forms.
    expect(x.sim.segment.routerMac("core-s1", a.vip)).toBe(MAC["ose-prod-node-02"]);
    expect(x.arpings()).toEqual({
      "ose-prod-node-01": [],
      "ose-prod-node-02": [`arping -c 1 -A -I eth0 ${a.vip}`, `arping -c 1 -U -I eth0 ${a.vip}`],
      "ose-prod-node-03": [],
    });
    expect(await x.counter("vip_arp_garp_sent_total", { vip: a.vip, node: "ose-prod-node-02" })).toBe(1);
    expect(await x.counter("vip_arp_garp_failures_total")).toBe(0);
    expect(await x.counter("vip_arp_remediations_total")).toBe(1);
    expect(await x.counter("vip_arp_remediation_failures_total")).toBe(0);

    const again = await post(x);
    expect(again.status).toBe(200);
    expect(again.body.actions).toEqual([]);
    expect(again.body.before.ratio).toBe(0);
    expect(x.arpings()["ose-prod-node-02"]).toHaveLength(2);
  });

  it("dryRun returns the plan and leaves the segment alone", async () => {
    const x = await setup();
    const before = routerTable(x);
    const res = await post(x, { dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.after).toBeNull();
    expect(res.body.actions).toHaveLength(1);
    expect(res.body.actions[0]).toMatchObject({ status: "planned", to: { node: "ose-prod-node-02" } });
    expect(routerTable(x)).toEqual(before);
    expect(Object.values(x.arpings()).flat()).toEqual([]);
    expect(x.sim.segment.garpLog).toEqual([]);
    expect(await x.counter("vip_arp_remediations_total")).toBe(0);
  });

  it("reassert announces every VIP from its target", async () => {
    const x = await setup();
    const res = await post(x, { reassert: true });
    expect(res.status).toBe(200);
    expect(res.body.actions).toHaveLength(3);
    expect(res.body.actions.every((a: { status: string }) => a.status === "verified")).toBe(true);
    expect(res.body.after.ratio).toBe(0);
    expect(Object.values(x.arpings()).flat()).toHaveLength(6);
  });

  it("restricts the run to the requested VIPs", async () => {
    const x = await setup();
    const res = await post(x, { vips: ["192.0.2.101"] });
    expect(res.status).toBe(200);
    expect(res.body.actions).toEqual([]);
    expect(Object.values(x.arpings()).flat()).toEqual([]);
  });
});

describe("POST /remediate refuses before anything runs", () => {
  it.each([
    ["missing", undefined],
    ["wrong, same length", TOKEN.replace(/.$/, "X")],
    ["wrong, other length", "nope"],
  ])("401 on a %s token, and no node or router was contacted", async (_what, token) => {
    const x = await setup();
    const r = request(x.url).post("/remediate").send({ dryRun: false });
    const res = await (token === undefined ? r : r.set("Authorization", `Bearer ${token}`));
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="vip-arp-exporter"');
    expect(x.allCommands()).toEqual([]);
    expect(x.sim.routers["core-s1"]!.requests()).toBe(0);
  });

  it("503 with how to enable it when no token is configured", async () => {
    const x = await setup({ token: null });
    const res = await post(x);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/token_file|VIP_ARP_REMEDIATE_TOKEN/);
    expect(x.allCommands()).toEqual([]);
  });

  it.each([
    [{ vips: ["192.0.2.101; reboot"] }, /invalid VIP/],
    [{ vips: ["$(id)"] }, /invalid VIP/],
    [{ vips: ["192.0.2.200"] }, /unknown VIP 192\.0\.2\.200/],
    [{ dryRun: true, force: true }, /unknown key "force"/],
  ])("400 on %j and nothing executed", async (body, msg) => {
    const x = await setup();
    const res = await post(x, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(msg);
    expect(x.allCommands()).toEqual([]);
    expect(x.sim.segment.garpLog).toEqual([]);
  });

  it("400 on malformed JSON", async () => {
    const x = await setup();
    const res = await post(x).set("Content-Type", "application/json").send('{"dryRun":');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/malformed JSON/);
    expect(x.allCommands()).toEqual([]);
  });

  it("413 on an oversized body, but only after authentication", async () => {
    const x = await setup({ maxBodyBytes: 64 });
    const big = { vips: Array.from({ length: 20 }, () => "192.0.2.101") };
    const res = await post(x, big);
    expect(res.status).toBe(413);
    const anon = await request(x.url).post("/remediate").send(big);
    expect(anon.status).toBe(401);
    expect(x.allCommands()).toEqual([]);
  });

  it("405 with Allow on other methods", async () => {
    const x = await setup();
    const res = await request(x.url).get("/remediate").set(auth);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("POST");
  });

  it("an interface like `eth0 && id` in the config fails the action and runs nothing", async () => {
    const x = await setup({
      remediatorConfig: (c) => ({ ...c, nodes: c.nodes.map((n) => ({ ...n, interface: "eth0 && id" })) }),
    });
    const res = await post(x);
    expect(res.status).toBe(502);
    expect(res.body.ok).toBe(false);
    expect(res.body.actions).toHaveLength(1);
    expect(res.body.actions[0].status).toBe("failed");
    expect(res.body.actions[0].error).toMatch(/"eth0 && id" is not a valid interface name/);
    expect(Object.values(x.arpings()).flat()).toEqual([]);
    expect(x.allCommands().some((c) => c.includes("&&") || c.includes("id"))).toBe(false);
    expect(x.sim.segment.garpLog).toEqual([]);
  });
});

describe("POST /remediate on harder segments", () => {
  it("answers 503 and sends nothing when no router can be read", async () => {
    const scenario = defaultScenario();
    scenario.routers[0]!.up = false;
    const x = await setup({ scenario });
    const res = await post(x);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/^no router's view can be trusted, nothing was planned or sent \(core-s1 could not be read: SNMP request to 127\.0\.0\.1:\d+ timed out/);
    expect(res.body.distrusted.map((d: { router: string }) => d.router)).toEqual(["core-s1"]);
    expect(res.body.actions).toEqual([]);
    expect(Object.values(x.arpings()).flat()).toEqual([]);
    expect(await x.counter("vip_arp_remediation_failures_total")).toBe(1);
  });

  it("a node that is down: its VIPs go to up nodes that hold them", async () => {
    const scenario = defaultScenario();
    scenario.nodes[1]!.up = false;
    scenario.routers[0]!.entries = {
      "192.0.2.101": MAC["ose-prod-node-01"],
      "192.0.2.102": MAC["ose-prod-node-02"],
      "192.0.2.103": MAC["ose-prod-node-02"],
    };
    const x = await setup({ scenario });
    const res = await post(x);
    expect(res.status).toBe(200);
    expect(res.body.actions.length).toBeGreaterThanOrEqual(2);
    for (const a of res.body.actions) {
      expect(a.status).toBe("verified");
      expect(["ose-prod-node-01", "ose-prod-node-03"]).toContain(a.to.node);
    }
    for (const vip of ["192.0.2.101", "192.0.2.102", "192.0.2.103"]) {
      expect(x.sim.segment.routerMac("core-s1", vip)).not.toBe(MAC["ose-prod-node-02"]);
    }
    expect(res.body.after.ratio).toBe(0);
    expect(res.body.after.counts["ose-prod-node-02"]).toBe(0);
    expect(x.arpings()["ose-prod-node-02"]).toEqual([]);
  });

  it("a router that ignores gratuitous replies, garp_mode reply: failed, 502, failure counters up", async () => {
    const scenario = defaultScenario();
    scenario.routers[0]!.ignores = "reply";
    const x = await setup({ scenario, remediation: { garpMode: "reply", verifyTimeoutMs: 300 } });
    const res = await post(x);
    expect(res.status).toBe(502);
    expect(res.body.ok).toBe(false);
    const a = res.body.actions[0];
    expect(a.status).toBe("failed");
    expect(a.error).toContain(`core-s1 still maps ${a.vip} to ${MAC["ose-prod-node-03"]} (ose-prod-node-03)`);
    expect(x.arpings()["ose-prod-node-02"]).toEqual([`arping -c 1 -A -I eth0 ${a.vip}`]);
    expect(await x.counter("vip_arp_garp_sent_total", { vip: a.vip, node: "ose-prod-node-02" })).toBe(1);
    expect(await x.counter("vip_arp_garp_failures_total", { vip: a.vip, node: "ose-prod-node-02" })).toBe(1);
    expect(await x.counter("vip_arp_remediation_failures_total")).toBe(1);
    expect(res.body.after.ratio).toBeCloseTo(1 / 3);
  });

  it("the same router with garp_mode both: verified", async () => {
    const scenario = defaultScenario();
    scenario.routers[0]!.ignores = "reply";
    const x = await setup({ scenario, remediation: { garpMode: "both" } });
    const res = await post(x);
    expect(res.status).toBe(200);
    expect(res.body.actions[0].status).toBe("verified");
    expect(res.body.after.ratio).toBe(0);
    expect(await x.counter("vip_arp_garp_failures_total")).toBe(0);
  });

  it("a node without arping: a clear per-action error", async () => {
    const scenario = defaultScenario();
    scenario.nodes[1]!.arping = false;
    const x = await setup({ scenario });
    const res = await post(x);
    expect(res.status).toBe(502);
    expect(res.body.actions[0]).toMatchObject({
      status: "failed",
      error: "arping not found on node ose-prod-node-02: install iputils-arping",
    });
    expect(await x.counter("vip_arp_garp_sent_total")).toBe(0);
    expect(await x.counter("vip_arp_garp_failures_total", { node: "ose-prod-node-02" })).toBe(1);
  });

  it("a router without an entry for the VIP: the reason names arp_accept", async () => {
    const scenario = defaultScenario();
    // Router sends .101 to node 1 and .102 to node 3; .103 has no entry (nobody can create it).
    scenario.routers[0]!.entries = { "192.0.2.101": MAC["ose-prod-node-01"], "192.0.2.102": MAC["ose-prod-node-03"] };
    const x = await setup({ scenario, remediation: { verifyTimeoutMs: 200 } });
    const res = await post(x, { reassert: true });
    const missing = res.body.actions.find((a: { vip: string }) => a.vip === "192.0.2.103");
    expect(missing.status).toBe("failed");
    expect(missing.error).toMatch(/core-s1 has no ARP entry for 192\.0\.2\.103: .*arp_accept/);
    expect(res.status).toBe(502);
  });
});

describe("POST /remediate: one run at a time, cooldown, Alertmanager, audit", () => {
  it("20 concurrent POSTs: exactly one run executes, the rest get 409", async () => {
    // Holds the winning run inside its first collection until every other request has been
    // answered, so the outcome does not depend on scheduling.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gated = (c: Collector): Collector => ({
      collect: async () => (await gate, c.collect()),
      readRouters: () => c.readRouters(),
      runner: (n) => c.runner(n),
      drain: () => c.drain(),
      close: () => c.close(),
    });
    const x = await setup({ wrapCollector: gated });
    let answered = 0;
    const safety = setTimeout(() => release(), 15_000); // bounded: never wait forever on a bug
    const all = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(x).then((r) => {
          if (++answered === 19) release();
          return r;
        }),
      ),
    );
    clearTimeout(safety);
    const statuses = all.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(all.find((r) => r.status === 409)!.body.error).toMatch(/already in progress/);
    expect(Object.values(x.arpings()).flat()).toHaveLength(2);
    expect(await x.counter("vip_arp_remediations_total")).toBe(1);
    expect(x.remediator.running).toBe(false);
  });

  it("cooldown: a repeat within the window is skipped, after it the GARP goes out", async () => {
    let now = 1_700_000_000_000;
    const x = await setup({ now: () => now, remediation: { cooldownMs: 60_000 } });
    const first = await post(x);
    expect(first.body.actions[0].status).toBe("verified");
    const vip = first.body.actions[0].vip as string;

    // Something moves the VIP back (a failover): the next run within 60 s is skipped.
    x.sim.segment.router("core-s1").entries.set(vip, { mac: MAC["ose-prod-node-03"], static: false });
    now += 30_000;
    const second = await post(x);
    expect(second.status).toBe(200);
    expect(second.body.actions).toHaveLength(1);
    expect(second.body.actions[0].status).toBe("skipped");
    expect(second.body.actions[0].error).toMatch(/cooldown: a GARP for .* was sent 30s ago/);
    expect(x.arpings()["ose-prod-node-02"]).toHaveLength(2);

    now += 30_001;
    const third = await post(x);
    expect(third.body.actions[0].status).toBe("verified");
    expect(x.arpings()["ose-prod-node-02"]).toHaveLength(4);
  });

  it("Alertmanager: a resolved-only notification does nothing; a firing one with a vip label runs for it", async () => {
    const x = await setup();
    const payload = (status: "firing" | "resolved", vip: string) => ({
      receiver: "vip-arp",
      status,
      alerts: [{ status, labels: { alertname: "VipArpImbalance", vip }, annotations: {}, startsAt: "2024-01-01T00:00:00Z" }],
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: "http://am",
      version: "4",
      groupKey: "{}:{alertname=\"VipArpImbalance\"}",
      truncatedAlerts: 0,
    });
    const resolved = await post(x, payload("resolved", "192.0.2.102"));
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ ok: true, ran: false });
    expect(x.allCommands()).toEqual([]);
    expect(x.sim.routers["core-s1"]!.requests()).toBe(0);

    const firing = await post(x, payload("firing", "192.0.2.101"));
    expect(firing.status).toBe(200);
    expect(firing.body.trigger).toBe("alertmanager");
    expect(firing.body.actions).toEqual([]); // .101 is already where it belongs
    expect(Object.values(x.arpings()).flat()).toEqual([]);
  });

  it("writes one audit line per run, without the token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vip-arp-audit-"));
    try {
      const file = join(dir, "audit.jsonl");
      const x = await setup({ remediation: { auditLogFile: file } });
      await post(x, { dryRun: true });
      await post(x);
      const text = readFileSync(file, "utf8");
      expect(text).not.toContain(TOKEN);
      const lines = text.trim().split("\n").map((l) => JSON.parse(l));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ who: "token", trigger: "manual", dryRun: true, ok: true });
      expect(lines[1]).toMatchObject({ who: "token", trigger: "manual", dryRun: false, ok: true });
      expect(lines[1].plan.actions).toHaveLength(1);
      expect(lines[1].results[0].status).toBe("verified");
      expect(lines[1].durations.totalSeconds).toBeGreaterThanOrEqual(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("POST /remediate: idempotent for Alertmanager", () => {
  const notification = (o: { vip?: string; startsAt?: string; groupKey?: string } = {}) => ({
    receiver: "vip-arp-remediate",
    status: "firing",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "InfraNodeOwnsNoVIPs", router: "core-s1", node: "ose-prod-node-02", ...(o.vip ? { vip: o.vip } : {}) },
        annotations: {},
        startsAt: o.startsAt ?? "2024-01-01T00:00:00Z",
        fingerprint: "5f7c3a1b2d4e6f80",
      },
    ],
    groupLabels: { alertname: "InfraNodeOwnsNoVIPs", router: "core-s1" },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://am",
    version: "4",
    groupKey: o.groupKey ?? '{}/{alertname=~"InfraNodeOwnsNoVIPs|ARPTableImbalanced"}:{alertname="InfraNodeOwnsNoVIPs", router="core-s1"}',
    truncatedAlerts: 0,
  });

  /** Holds the first run inside its first collection until released. */
  function gate() {
    let release!: () => void;
    const opened = new Promise<void>((r) => (release = r));
    let held = 0;
    const wrap = (c: Collector): Collector => ({
      collect: async (o) => {
        if (held++ === 0) await opened;
        return c.collect(o);
      },
      readRouters: () => c.readRouters(),
      runner: (n) => c.runner(n),
      drain: () => c.drain(),
      close: () => c.close(),
    });
    return { wrap, release: () => release() };
  }

  it("the same notification again within the cooldown: 200 already handled, nothing run", async () => {
    const x = await setup({ remediation: { cooldownMs: 60_000 } });
    const first = await post(x, notification());
    expect([first.status, first.body.actions.map((a: { status: string }) => a.status)]).toEqual([200, ["verified"]]);
    const routerReads = x.sim.routers["core-s1"]!.requests();
    const again = await post(x, notification());
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ ok: true, ran: false });
    expect(again.body.message).toMatch(/^already handled: this notification \(same group key, alerts and start times\) was answered successfully at /);
    expect(x.sim.routers["core-s1"]!.requests()).toBe(routerReads); // not even read
    expect(Object.values(x.arpings()).flat()).toHaveLength(2);
    // The same alert firing anew (another start time) is another notification: it runs.
    const anew = await post(x, notification({ startsAt: "2024-01-01T01:00:00Z" }));
    expect([anew.status, anew.body.trigger, anew.body.actions]).toEqual([200, "alertmanager", []]);
    expect(await x.counter("vip_arp_remediation_runs_total", { trigger: "alertmanager" })).toBe(2);
  });

  it("a notification during a run that covers it waits and gets that run's outcome, never 409; other callers still get 409", async () => {
    const g = gate();
    const x = await setup({ wrapCollector: g.wrap });
    const manual = post(x).then((r) => r);
    while (!x.remediator.running) await new Promise((r) => setTimeout(r, 5));
    const am = post(x, notification()).then((r) => r);
    const other = await post(x);
    expect(other.status).toBe(409);
    g.release();
    const [m, a] = await Promise.all([manual, am]);
    expect(m.status).toBe(200);
    expect(a.status).toBe(200);
    expect(a.body.joined).toEqual({ trigger: "manual", startedAt: m.body.startedAt });
    expect(a.body.actions).toEqual(m.body.actions);
    expect(Object.values(x.arpings()).flat()).toHaveLength(2); // one run's GARPs only
    expect(await x.counter("vip_arp_remediations_total")).toBe(1);
  });

  it("a notification during a run that does not cover it runs right after it", async () => {
    const g = gate();
    const x = await setup({ wrapCollector: g.wrap });
    const narrow = post(x, { vips: ["192.0.2.101"] }).then((r) => r);
    while (!x.remediator.running) await new Promise((r) => setTimeout(r, 5));
    const am = post(x, notification()).then((r) => r);
    await new Promise((r) => setTimeout(r, 50));
    g.release();
    const [n, a] = await Promise.all([narrow, am]);
    expect([n.status, n.body.actions]).toEqual([200, []]);
    expect(a.status).toBe(200);
    expect(a.body.joined).toBeUndefined();
    expect(Date.parse(a.body.startedAt)).toBeGreaterThanOrEqual(Date.parse(n.body.startedAt));
    expect(a.body.actions.map((x: { status: string }) => x.status)).toEqual(["verified"]);
    expect(await x.counter("vip_arp_remediations_total")).toBe(2);
  });

  it("a failed run is not 'handled': Alertmanager's retry runs again", async () => {
    const scenario = defaultScenario();
    scenario.routers[0]!.ignores = "reply";
    const x = await setup({ scenario, remediation: { garpMode: "reply", cooldownMs: 0, verifyTimeoutMs: 200 } });
    expect((await post(x, notification())).status).toBe(502);
    const retry = await post(x, notification());
    expect(retry.status).toBe(502);
    expect(retry.body.ran).toBeUndefined();
    expect(await x.counter("vip_arp_remediations_total")).toBe(2);
  });
});

describe("POST /remediate in remediation.mode plan", () => {
  it("reports and audits the plan, sends nothing, and says so", async () => {
    const x = await setup({ remediatorConfig: (c) => ({ ...c, remediation: { ...c.remediation, mode: "plan" } }) });
    const before = routerTable(x);
    const res = await post(x);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, mode: "plan", message: "remediation.mode is plan: nothing was sent; these are the actions a run would take", after: null });
    expect(res.body.actions).toHaveLength(1);
    expect(res.body.actions[0]).toMatchObject({ status: "planned", to: { node: "ose-prod-node-02" } });
    expect(routerTable(x)).toEqual(before);
    expect(x.sim.segment.garpLog).toEqual([]);
    expect(Object.values(x.arpings()).flat()).toEqual([]);
    expect(x.remediator.audit.recent()[0]).toMatchObject({ dryRun: true, mode: "plan", message: res.body.message, results: res.body.actions });
    expect(await x.counter("vip_arp_remediations_total")).toBe(0);
    expect(await x.counter("vip_arp_remediation_actions_total", { trigger: "manual", status: "planned" })).toBe(1);
  });
});
