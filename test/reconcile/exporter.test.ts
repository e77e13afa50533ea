// The long-running exporter in remediation.mode auto over the simulated segment: the
// reconciler starts with it, balances the example drift without any /remediate call, shows its
// state on /metrics, and stops with it.
import { afterEach, describe, expect, it } from "vitest";
import { NO_WEB_CONFIG } from "../../src/http/web-config.js";
import { silentLogger } from "../../src/log.js";
import { Exporter } from "../../src/serve/exporter.js";
import { defaultScenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation } from "../../src/sim/start.js";
import { find, samples } from "../helpers/exporter.js";
import { MAC } from "../remediate/helpers.js";

let sim: Simulation | null = null;
let exporter: Exporter | null = null;
afterEach(async () => {
  if (exporter) await exporter.shutdown("SIGTERM");
  await sim?.stop();
  exporter = null;
  sim = null;
});

async function start(mode: "manual" | "auto"): Promise<{ url: string; sim: Simulation; exporter: Exporter }> {
  sim = await startSimulation(defaultScenario(), {
    remediation: { mode, auto: { intervalMs: 250, after: 2, maxRunsPerHour: 6 }, garpCount: 1, verifyIntervalMs: 50 },
  });
  exporter = new Exporter({
    config: sim.config,
    configFile: null,
    webConfig: NO_WEB_CONFIG,
    listenAddresses: ["127.0.0.1:0"],
    telemetryPath: "/metrics",
    timeoutOffsetMs: 500,
    log: silentLogger(),
  });
  await exporter.start();
  return { url: `http://127.0.0.1:${exporter.web.listeners[0]!.port}`, sim, exporter };
}

const scrape = async (url: string) => samples(await (await fetch(`${url}/metrics`)).text());

describe("the exporter with remediation.mode auto", () => {
  it("balances the router by itself, reports the reconciler's state, and stops with the exporter", async () => {
    const { url, sim: s, exporter: e } = await start("auto");
    let metrics = await scrape(url);
    for (let i = 0; i < 100 && find(metrics, "arp_imbalance_ratio")[0]?.value !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      metrics = await scrape(url);
    }
    expect(find(metrics, "arp_imbalance_ratio").map((x) => x.value)).toEqual([0]);
    await e.remediator.idle();
    metrics = await scrape(url);
    const macs = [...s.segment.router("core-s1").entries.values()].map((x) => x.mac).sort();
    expect(macs).toEqual([MAC["ose-prod-node-01"], MAC["ose-prod-node-03"], MAC["ose-prod-node-02"]].sort());
    const runs = e.remediator.audit.recent();
    expect(runs.map((r) => [r.trigger, r.who, r.results.map((a) => a.status)])).toEqual([["reconciler", "reconciler", ["verified"]]]);
    expect(find(metrics, "vip_arp_remediation_runs_total", { trigger: "reconciler" }).map((x) => x.value)).toEqual([1]);
    expect(find(metrics, "vip_arp_reconciler_state").length).toBe(4);

    const logged = s.segment.garpLog.length;
    expect(await e.shutdown("SIGTERM")).toBe("clean");
    exporter = null;
    // Drift again after the stop: nothing acts on it any more.
    s.segment.router("core-s1").entries.set("192.0.2.101", { mac: MAC["ose-prod-node-03"], static: false });
    await new Promise((r) => setTimeout(r, 800));
    expect(s.segment.garpLog).toHaveLength(logged);
  }, 30_000);

  it("in manual mode there is no reconciler: nothing is sent, and no state series", async () => {
    const { url, sim: s } = await start("manual");
    await new Promise((r) => setTimeout(r, 800));
    const metrics = await scrape(url);
    expect(s.segment.garpLog).toEqual([]);
    expect(find(metrics, "vip_arp_reconciler_state")).toEqual([]);
    expect(find(metrics, "arp_imbalance_ratio").map((x) => x.value)).toEqual([1 / 3]);
  }, 30_000);
});
