// The exporter's app over the demo's simulated segment (as `serve` builds it), served on
// 127.0.0.1, with a count of the collections anything asked for.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { createCollector } from "../../../src/collect/collector.js";
import type { Collector } from "../../../src/collect/types.js";
import { createApp, fixedState } from "../../../src/http/app.js";
import { silentLogger } from "../../../src/log.js";
import { ExporterMetrics } from "../../../src/metrics/exporter-metrics.js";
import { createRemediationMetrics } from "../../../src/remediate/metrics.js";
import { Remediator } from "../../../src/remediate/remediator.js";
import { defaultScenario } from "../../../src/sim/scenario.js";
import { startSimulation } from "../../../src/sim/start.js";

export const TOKEN = "status-page-test-token-5b1f";

export interface DemoApp {
  url: string;
  /** Collections started by anyone (scrapes, /remediate), never by the page. */
  collections(): number;
  close(): Promise<void>;
}

export async function startDemoApp(): Promise<DemoApp> {
  const sim = await startSimulation(defaultScenario(), { remediation: { token: TOKEN } });
  const log = silentLogger();
  const real = createCollector(sim.config, log);
  let collections = 0;
  const collector: Collector = {
    collect: (opts) => {
      collections++;
      return real.collect(opts);
    },
    readRouters: () => real.readRouters(),
    runner: (n) => real.runner(n),
    drain: () => real.drain(),
    close: () => real.close(),
  };
  const registry = new Registry();
  const remediator = new Remediator({ config: sim.config, collector, log, metrics: createRemediationMetrics(registry) });
  const { app } = createApp({
    state: fixedState({ config: sim.config, collector, remediator }),
    registry,
    metrics: new ExporterMetrics(registry, sim.config),
    log,
    banner: "DEMO MODE: the built-in simulated segment",
  });
  const server: Server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    collections: () => collections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await real.close();
      await sim.stop();
    },
  };
}
