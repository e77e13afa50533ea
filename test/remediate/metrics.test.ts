// The per VIP x node GARP counters are not created ahead (docs/metrics.md, "Series count"):
// a pair appears at its first GARP. The run counters have no labels and start at 0, so the
// rules see a first failure through them (alerts/vip-arp.rules.test.yml proves the idioms).
import { afterEach, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { silentLogger } from "../../src/log.js";
import { createRemediationMetrics } from "../../src/remediate/metrics.js";
import { serve } from "../../src/cli/serve.js";
import type { Exporter } from "../../src/serve/exporter.js";
import { defaultScenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation } from "../../src/sim/start.js";
import { find, samples } from "../helpers/exporter.js";

const GARP_COUNTERS = ["vip_arp_garp_sent_total", "vip_arp_garp_failures_total"];

async function exposition(registry: Registry): Promise<Map<string, number>> {
  return samples(await registry.metrics());
}

describe("createRemediationMetrics", () => {
  it("starts with the run counters at 0 and no GARP series", async () => {
    const registry = new Registry();
    createRemediationMetrics(registry);
    const s = await exposition(registry);
    for (const name of GARP_COUNTERS) expect(find(s, name), name).toEqual([]);
    expect(s.get("vip_arp_remediations_total")).toBe(0);
    expect(s.get("vip_arp_remediation_failures_total")).toBe(0);
  });

  it("a VIP x node pair appears at its first GARP, and only that pair", async () => {
    const registry = new Registry();
    const m = createRemediationMetrics(registry);
    m.garpSent.inc({ vip: "198.51.100.102", node: "node2" });
    m.garpFailures.inc({ vip: "198.51.100.101", node: "node1" });
    m.garpFailures.inc({ vip: "198.51.100.101", node: "node1" });
    const s = await exposition(registry);
    expect(find(s, "vip_arp_garp_sent_total")).toEqual([{ series: 'vip_arp_garp_sent_total{vip="198.51.100.102",node="node2"}', value: 1 }]);
    expect(find(s, "vip_arp_garp_failures_total")).toEqual([{ series: 'vip_arp_garp_failures_total{vip="198.51.100.101",node="node1"}', value: 2 }]);
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

  it("exposes the run counters at 0 and no GARP series before any remediation run", async () => {
    sim = await startSimulation(defaultScenario());
    const s = sim;
    serving = await serve(
      { config: s.config, sim: s, tokenFile: null, banner: null, close: () => s.stop() },
      { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500 },
      silentLogger(),
    );
    const res = await fetch(`http://127.0.0.1:${serving.web.listeners[0]!.port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const m = samples(text);
    for (const name of GARP_COUNTERS) {
      expect(find(m, name), name).toEqual([]);
      expect(text, `${name} is still described`).toContain(`# TYPE ${name} counter`);
    }
    expect(m.get("vip_arp_remediations_total")).toBe(0);
    expect(m.get("vip_arp_remediation_failures_total")).toBe(0);
    expect(Object.values(s.nodes).flatMap((n) => n.commands.filter((c) => c.startsWith("arping")))).toEqual([]);
  });
});
