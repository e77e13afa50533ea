// IPv6 VIPs alongside IPv4 ones through the whole exporter on the simulated dual-stack segment
// (scenarios/dual-stack.yaml): the same metric names with RFC 5952 labels, `check` (table, JSON,
// exit code) and /remediate moving one VIP of each family, verified.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../src/sim/scenario.js";
import { find, samples, startTestExporter, type TestExporter } from "../helpers/exporter.js";

const FILE = "scenarios/dual-stack.yaml";
const V4 = ["192.0.2.101", "192.0.2.102", "192.0.2.103"];
const V6 = ["2001:db8:0:1::101", "2001:db8:0:1::102", "2001:db8:0:1::103"];
const N1 = "ose-prod-node-01";
const N2 = "ose-prod-node-02";
const N3 = "ose-prod-node-03";
const MAC: Record<string, string> = { [N1]: "00:1a:4a:48:be:4b", [N2]: "00:1a:4a:48:be:ef", [N3]: "00:1a:4a:48:be:4c" };

let ex: TestExporter | null = null;
afterEach(async () => {
  await ex?.close();
  ex = null;
});

describe("the dual-stack segment", () => {
  it("exports IPv6 VIPs under the same metric names as IPv4 ones", async () => {
    ex = await startTestExporter(loadScenarioFile(FILE));
    const s = samples((await request(ex.app).get("/metrics").expect(200)).text);
    for (const vip of V4) expect(s.get(`vip_mac_owner{router="core-s1",vip="${vip}",mac="${MAC[N1]}",node="${N1}"}`)).toBe(1);
    for (const vip of V6) {
      expect(s.get(`vip_mac_owner{router="core-s1",vip="${vip}",mac="${MAC[N3]}",node="${N3}"}`)).toBe(1);
      expect(s.get(`vip_arp_entry_present{router="core-s1",vip="${vip}"}`)).toBe(1);
      expect(s.get(`vip_owner_holds_vip{router="core-s1",vip="${vip}"}`)).toBe(1);
      expect(s.get(`vip_holders{vip="${vip}"}`)).toBe(3);
      for (const n of [N1, N2, N3]) expect(s.get(`infra_node_vip_held{node="${n}",vip="${vip}"}`)).toBe(1);
    }
    expect(find(s, "vip_mac_owner")).toHaveLength(6);
    expect([N1, N2, N3].map((n) => s.get(`infra_node_vip_count{router="core-s1",node="${n}"}`))).toEqual([3, 0, 3]);
    expect(s.get('arp_imbalance_ratio{router="core-s1"}')).toBeCloseTo(2 / 6, 10);
  });

  it("POST /remediate moves one VIP of each family to node 2: a GARP and an unsolicited NA, both verified", async () => {
    const token = "ipv6-test-token-0123456789";
    ex = await startTestExporter(loadScenarioFile(FILE), { remediation: { token, tokenSource: "env", garpCount: 1 } });
    const res = await request(ex.app).post("/remediate").set("authorization", `Bearer ${token}`).send({});
    expect([res.status, res.body.error, res.body.distrusted]).toEqual([200, undefined, []]);
    const actions = (res.body as { actions: { vip: string; to: { node: string }; status: string }[] }).actions;
    expect(actions.map((a) => [a.vip, a.to.node, a.status])).toEqual([
      ["192.0.2.103", N2, "verified"],
      ["2001:db8:0:1::101", N2, "verified"],
    ]);
    const seg = ex.sim.segment;
    expect(seg.garpLog.every((g) => g.node === N2 && g.vip === "192.0.2.103")).toBe(true);
    expect(seg.naLog.map((n) => [n.node, n.vip])).toEqual([[N2, "2001:db8:0:1::101"]]);
    const s = samples((await request(ex.app).get("/metrics").expect(200)).text);
    expect([N1, N2, N3].map((n) => s.get(`infra_node_vip_count{router="core-s1",node="${n}"}`))).toEqual([2, 2, 2]);
    expect(s.get('vip_arp_garp_sent_total{vip="2001:db8:0:1::101",node="ose-prod-node-02"}')).toBe(1);
  });
});

describe("check on the dual-stack segment", () => {
  const CLI = join(process.cwd(), "dist/src/cli.js");
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });

  it("prints both families in one router view and exits 1", () => {
    const r = run(["check", "--sim.scenario", FILE]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}192\.0\.2\.101\s+00:1a:4a:48:be:4b\s+ose-prod-node-01\s+yes$/m);
    expect(r.stdout).toMatch(/^ {2}2001:db8:0:1::103\s+00:1a:4a:48:be:4c\s+ose-prod-node-03\s+yes$/m);
    expect(r.stdout).toMatch(/^ {2}ose-prod-node-02\s+0\s+up/m);
  });

  it("JSON carries the IPv6 VIPs in RFC 5952 form", () => {
    const j = JSON.parse(run(["check", "--sim.scenario", FILE, "--output", "json"]).stdout);
    expect(j.routers[0].counts).toEqual({ [N1]: 3, [N2]: 0, [N3]: 3 });
    expect(j.routers[0].vips.map((v: { vip: string }) => v.vip)).toEqual([...V4, ...V6]);
  });
});
