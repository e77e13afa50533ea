// The exporter end to end over the simulated segment: real SNMP over UDP, real SSH over TCP.
import { createServer, type Server, type Socket } from "node:net";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { parseScenario, DEFAULT_SCENARIO_YAML } from "../../src/sim/scenario.js";
import { SIM_USER } from "../../src/sim/start.js";
import { find, samples, startTestExporter, type TestExporter } from "../helpers/exporter.js";
import { recordingLogger } from "../helpers/log.js";

let ex: TestExporter | null = null;
afterEach(async () => {
  await ex?.close();
  ex = null;
});

async function scrape(e: TestExporter): Promise<Map<string, number>> {
  const res = await request(e.app).get("/metrics").expect(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return samples(res.text);
}

describe("the demo scenario (DESIGN.md example)", () => {
  it("exports the router's view, the counts and the imbalance", async () => {
    ex = await startTestExporter();
    const s = await scrape(ex);
    expect(s.get('vip_mac_owner{router="core-s1",vip="192.0.2.102",mac="00:1a:4a:48:be:4c",node="ose-prod-node-03"}')).toBe(1);
    expect(s.get('vip_mac_owner{router="core-s1",vip="192.0.2.101",mac="00:1a:4a:48:be:4b",node="ose-prod-node-01"}')).toBe(1);
    expect(s.get('vip_mac_owner{router="core-s1",vip="192.0.2.103",mac="00:1a:4a:48:be:4c",node="ose-prod-node-03"}')).toBe(1);
    expect(find(s, "vip_mac_owner")).toHaveLength(3);
    expect(s.get('infra_node_vip_count{router="core-s1",node="ose-prod-node-01"}')).toBe(1);
    expect(s.get('infra_node_vip_count{router="core-s1",node="ose-prod-node-02"}')).toBe(0);
    expect(s.get('infra_node_vip_count{router="core-s1",node="ose-prod-node-03"}')).toBe(2);
    expect(s.get('arp_imbalance_ratio{router="core-s1"}')).toBeCloseTo(1 / 3, 10);
    for (const vip of ["192.0.2.101", "192.0.2.102", "192.0.2.103"]) {
      expect(s.get(`vip_arp_entry_present{router="core-s1",vip="${vip}"}`)).toBe(1);
      expect(s.get(`vip_owner_holds_vip{router="core-s1",vip="${vip}"}`)).toBe(1);
      expect(s.get(`vip_holders{vip="${vip}"}`)).toBe(3);
      expect(s.get(`infra_node_vip_held{node="ose-prod-node-02",vip="${vip}"}`)).toBe(1);
      expect(s.get(`vip_arp_owner_changes_total{router="core-s1",vip="${vip}"}`)).toBe(0);
    }
    for (const n of ["ose-prod-node-01", "ose-prod-node-02", "ose-prod-node-03"]) {
      expect(s.get(`infra_node_up{node="${n}"}`)).toBe(1);
      expect(s.get(`vip_arp_collector_success{collector="node",target="${n}"}`)).toBe(1);
    }
    expect(s.get('vip_arp_collector_success{collector="snmp",target="core-s1"}')).toBe(1);
    expect(find(s, "vip_arp_collector_duration_seconds", { target: "core-s1" })[0]!.value).toBeGreaterThan(0);
    expect(find(s, "vip_arp_exporter_build_info")[0]!.value).toBe(1);
    expect(find(s, "process_cpu_seconds_total")).toHaveLength(1);
  });

  it("follows a moved owner without stale series and counts the change", async () => {
    ex = await startTestExporter();
    await scrape(ex);
    ex.sim.segment.garp("ose-prod-node-02", "192.0.2.102", "request");
    const s = await scrape(ex);
    expect(find(s, "vip_mac_owner", { vip: "192.0.2.102" })).toEqual([
      { series: 'vip_mac_owner{router="core-s1",vip="192.0.2.102",mac="00:1a:4a:48:be:ef",node="ose-prod-node-02"}', value: 1 },
    ]);
    expect(s.get('vip_arp_owner_changes_total{router="core-s1",vip="192.0.2.102"}')).toBe(1);
    expect(s.get('vip_arp_owner_changes_total{router="core-s1",vip="192.0.2.103"}')).toBe(0);
    expect(s.get('arp_imbalance_ratio{router="core-s1"}')).toBe(0);
    expect(s.get('infra_node_vip_count{router="core-s1",node="ose-prod-node-02"}')).toBe(1);
  });

  it("shares one collection between concurrent scrapes", async () => {
    ex = await startTestExporter();
    await scrape(ex);
    const before = ex.sim.nodes["ose-prod-node-01"]!.commands.length;
    const bodies = await Promise.all(Array.from({ length: 5 }, () => request(ex!.app).get("/metrics")));
    expect(bodies.every((b) => b.status === 200)).toBe(true);
    const perRound = ex.sim.nodes["ose-prod-node-01"]!.commands.length - before;
    expect(perRound).toBeGreaterThan(0);
    // Five concurrent scrapes cost at most two rounds (one may start as another ends), not five.
    await scrape(ex);
    const oneRound = ex.sim.nodes["ose-prod-node-01"]!.commands.length - before - perRound;
    expect(perRound).toBeLessThanOrEqual(2 * oneRound);
  });

  it("marks a node that goes down at run time and keeps the rest intact", async () => {
    ex = await startTestExporter();
    await scrape(ex);
    ex.sim.segment.setNodeUp("ose-prod-node-03", false);
    ex.sim.segment.node("ose-prod-node-03").holds.clear();
    const s = await scrape(ex);
    expect(s.get('infra_node_up{node="ose-prod-node-03"}')).toBe(0);
    expect(s.get('vip_arp_collector_success{collector="node",target="ose-prod-node-03"}')).toBe(0);
    expect(s.get('infra_node_up{node="ose-prod-node-01"}')).toBe(1);
    // The router still sends .102/.103 to node 3's last known MAC: attributed, but blackholed.
    expect(s.get('vip_mac_owner{router="core-s1",vip="192.0.2.102",mac="00:1a:4a:48:be:4c",node="ose-prod-node-03"}')).toBe(1);
    expect(s.get('vip_owner_holds_vip{router="core-s1",vip="192.0.2.102"}')).toBe(0);
    expect(s.get('vip_owner_holds_vip{router="core-s1",vip="192.0.2.101"}')).toBe(1);
    expect(s.get('vip_holders{vip="192.0.2.102"}')).toBe(2);
    // infra_node_vip_held has only 1s: the node that went down shows no row, the others all theirs.
    expect(find(s, "infra_node_vip_held", { node: "ose-prod-node-03" })).toEqual([]);
    expect(find(s, "infra_node_vip_held").map((x) => [x.series, x.value])).toEqual(
      ["ose-prod-node-01", "ose-prod-node-02"].flatMap((n) => ["192.0.2.101", "192.0.2.102", "192.0.2.103"].map((v) => [`infra_node_vip_held{node="${n}",vip="${v}"}`, 1])),
    );
    expect(s.get('infra_node_vip_count{router="core-s1",node="ose-prod-node-03"}')).toBe(2);

    // Back up with one VIP, while node 01 lets .101 go: rows follow both changes.
    ex.sim.segment.setNodeUp("ose-prod-node-03", true);
    ex.sim.segment.node("ose-prod-node-03").holds.add("192.0.2.102");
    ex.sim.segment.node("ose-prod-node-01").holds.delete("192.0.2.101");
    const again = await scrape(ex);
    expect(find(again, "infra_node_vip_held", { node: "ose-prod-node-03" }).map((x) => x.series)).toEqual(['infra_node_vip_held{node="ose-prod-node-03",vip="192.0.2.102"}']);
    expect(find(again, "infra_node_vip_held", { node: "ose-prod-node-01" }).map((x) => x.series).sort()).toEqual([
      'infra_node_vip_held{node="ose-prod-node-01",vip="192.0.2.102"}',
      'infra_node_vip_held{node="ose-prod-node-01",vip="192.0.2.103"}',
    ]);
    expect(again.get('vip_holders{vip="192.0.2.101"}')).toBe(1);
  });

  it("reports an unreachable router with success 0 and no stale VIP series", async () => {
    ex = await startTestExporter();
    const first = await scrape(ex);
    expect(find(first, "vip_mac_owner")).toHaveLength(3);
    ex.sim.segment.router("core-s1").up = false;
    const s = await scrape(ex);
    expect(s.get('vip_arp_collector_success{collector="snmp",target="core-s1"}')).toBe(0);
    expect(find(s, "vip_mac_owner")).toEqual([]);
    expect(find(s, "vip_arp_entry_present")).toEqual([]);
    expect(find(s, "infra_node_vip_count")).toEqual([]);
    expect(find(s, "arp_imbalance_ratio")).toEqual([]);
    expect(s.get('infra_node_up{node="ose-prod-node-02"}')).toBe(1);
  });
});

describe("a node that accepts TCP and never speaks", () => {
  let blackhole: Server | null = null;
  const sockets: Socket[] = [];
  afterEach(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((r) => (blackhole ? blackhole.close(() => r()) : r()));
    blackhole = null;
  });

  it("answers within the node's timeout with infra_node_up 0 and the rest intact", async () => {
    blackhole = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => blackhole!.listen(0, "127.0.0.1", r));
    const port = (blackhole.address() as { port: number }).port;
    // The node timeout is far below the scrape cap (10 s): the error must come from the node's
    // own timeout. Were it not honoured, the cap would fire and the message would name 10000 ms.
    const NODE_TIMEOUT_MS = 300;
    const { log, lines } = recordingLogger("warn");
    ex = await startTestExporter(undefined, {
      log,
      edit: (c) => ({
        ...c,
        scrapeTimeoutMs: 10_000,
        ssh: { ...c.ssh!, timeoutMs: NODE_TIMEOUT_MS },
        nodes: c.nodes.map((n) => (n.name === "ose-prod-node-02" ? { ...n, port } : n)),
      }),
    });
    const s = await scrape(ex);
    expect(s.get('infra_node_up{node="ose-prod-node-02"}')).toBe(0);
    expect(s.get('vip_arp_collector_success{collector="node",target="ose-prod-node-02"}')).toBe(0);
    expect(s.get('infra_node_up{node="ose-prod-node-01"}')).toBe(1);
    expect(s.get('vip_mac_owner{router="core-s1",vip="192.0.2.101",mac="00:1a:4a:48:be:4b",node="ose-prod-node-01"}')).toBe(1);
    expect(s.get('infra_node_vip_count{router="core-s1",node="ose-prod-node-02"}')).toBe(0);
    expect(sockets.length).toBeGreaterThan(0);

    const failed = lines.filter((l) => l.msg === "node read failed");
    expect(failed.map((l) => l.node)).toEqual(["ose-prod-node-02"]);
    // The bound that fired is the node's own timeout, named in full.
    expect(failed[0]!.err).toBe(
      `ssh ose-prod-node-02 (${SIM_USER}@127.0.0.1:${port}): timed out after ${NODE_TIMEOUT_MS} ms waiting for the SSH banner: ` +
        `the server accepted the TCP connection but sent nothing; check that sshd (not another service) listens on port ${port} and is not overloaded`,
    );
  });
});

describe("HTTP surface", () => {
  it("serves the landing page, health and readiness, and refuses unknown paths", async () => {
    ex = await startTestExporter(parseScenario(DEFAULT_SCENARIO_YAML));
    await request(ex.app).get("/-/healthy").expect(200);
    await request(ex.app).get("/-/ready").expect(503);
    await scrape(ex);
    await request(ex.app).get("/-/ready").expect(200);
    const landing = await request(ex.app).get("/").expect(200);
    expect(landing.text).toContain('href="/metrics"');
    expect(landing.text).toContain("ose-prod-node-03");
    await request(ex.app).get("/nope").expect(404);
  });
});
