// The remediation counters exist at 0 for every configured VIP x node before any run, so that
// increase() sees the first GARP (a series born at 1 has no earlier sample to compare with).
import { afterEach, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { parseConfig } from "../../src/config/load.js";
import { silentLogger } from "../../src/log.js";
import { createRemediationMetrics } from "../../src/remediate/metrics.js";
import { serve } from "../../src/cli/serve.js";
import type { Exporter } from "../../src/serve/exporter.js";
import { defaultScenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation } from "../../src/sim/start.js";
import { find, samples } from "../helpers/exporter.js";

const CONFIG = `
vips: [198.51.100.101, 198.51.100.102]
nodes:
  - name: node1
    address: 198.51.100.1
    mac: "02:00:00:00:00:01"
  - name: node2
    address: 198.51.100.2
    mac: "02:00:00:00:00:02"
routers:
  - name: core-s1
    type: snmp
    address: 198.51.100.254
    community: public
`;
const config = parseConfig(CONFIG, { source: "metrics.test.ts", env: {} });
const GARP_COUNTERS = ["vip_arp_garp_sent_total", "vip_arp_garp_failures_total"];

async function exposition(registry: Registry): Promise<Map<string, number>> {
  return samples(await registry.metrics());
}

describe("createRemediationMetrics", () => {
  it("with a config, exports every GARP counter at 0 for every VIP x node", async () => {
    const registry = new Registry();
    createRemediationMetrics(registry, config);
    const s = await exposition(registry);
    for (const name of GARP_COUNTERS) {
      const series = find(s, name);
      expect(series.map((x) => x.series).sort(), name).toEqual(
        [
          `${name}{vip="198.51.100.101",node="node1"}`,
          `${name}{vip="198.51.100.101",node="node2"}`,
          `${name}{vip="198.51.100.102",node="node1"}`,
          `${name}{vip="198.51.100.102",node="node2"}`,
        ].sort(),
      );
      expect(series.every((x) => x.value === 0), name).toBe(true);
    }
    expect(s.get("vip_arp_remediations_total")).toBe(0);
    expect(s.get("vip_arp_remediation_failures_total")).toBe(0);
  });

  it("counts from 0 on the pre-created series", async () => {
    const registry = new Registry();
    const m = createRemediationMetrics(registry, config);
    m.garpSent.inc({ vip: "198.51.100.102", node: "node2" });
    m.garpFailures.inc({ vip: "198.51.100.101", node: "node1" });
    const s = await exposition(registry);
    expect(s.get('vip_arp_garp_sent_total{vip="198.51.100.102",node="node2"}')).toBe(1);
    expect(s.get('vip_arp_garp_sent_total{vip="198.51.100.101",node="node1"}')).toBe(0);
    expect(s.get('vip_arp_garp_failures_total{vip="198.51.100.101",node="node1"}')).toBe(1);
    expect(find(s, "vip_arp_garp_failures_total").reduce((n, x) => n + x.value, 0)).toBe(1);
  });

  it("without a config, labelled series appear only when counted", async () => {
    const registry = new Registry();
    createRemediationMetrics(registry);
    const s = await exposition(registry);
    for (const name of GARP_COUNTERS) expect(find(s, name), name).toEqual([]);
  });
});

describe("serve", () => {
  let sim: Simulation | null = null;
  let serving: Exporter | null = null;
  afterEach(async () => {
    await serving?.shutdown("SIGTERM");
    await sim?.stop();
    serving = null;
    sim = null;
  });

  it("exposes the zero GARP series on /metrics before any remediation run", async () => {
    sim = await startSimulation(defaultScenario());
    const s = sim;
    serving = await serve(
      { config: s.config, sim: s, tokenFile: null, banner: null, close: () => s.stop() },
      { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500 },
      silentLogger(),
    );
    const res = await fetch(`http://127.0.0.1:${serving.web.listeners[0]!.port}/metrics`);
    expect(res.status).toBe(200);
    const m = samples(await res.text());
    const nodes = s.config.nodes.map((n) => n.name);
    expect(nodes.length).toBeGreaterThan(0);
    for (const name of GARP_COUNTERS) {
      expect(find(m, name)).toHaveLength(s.config.vips.length * nodes.length);
      for (const vip of s.config.vips) {
        for (const node of nodes) expect(m.get(`${name}{vip="${vip}",node="${node}"}`), `${name} ${vip} ${node}`).toBe(0);
      }
    }
    expect(Object.values(s.nodes).flatMap((n) => n.commands.filter((c) => c.startsWith("arping")))).toEqual([]);
  });
});
