// Shared setup of the integration tests: a real simulated segment (SNMP agent + SSH nodes on
// 127.0.0.1), a real collector and Remediator, and an express app mounting /remediate.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Registry } from "prom-client";
import { createCollector } from "../../src/collect/collector.js";
import type { Collector } from "../../src/collect/types.js";
import type { Config, RemediationConfig } from "../../src/config/types.js";
import { remediateRoute } from "../../src/http/remediate-route.js";
import { silentLogger } from "../../src/log.js";
import { createRemediationMetrics } from "../../src/remediate/metrics.js";
import { Remediator } from "../../src/remediate/remediator.js";
import { createRunMetrics } from "../../src/remediate/run-metrics.js";
import { defaultScenario, type Scenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation } from "../../src/sim/start.js";

export const TOKEN = "test-token-7f3a9c1e5b2d4680";
export const MAC = {
  "ose-prod-node-01": "00:1a:4a:48:be:4b",
  "ose-prod-node-02": "00:1a:4a:48:be:ef",
  "ose-prod-node-03": "00:1a:4a:48:be:4c",
} as const;

export interface Harness {
  sim: Simulation;
  collector: Collector;
  registry: Registry;
  remediator: Remediator;
  server: Server;
  url: string;
  /** The arping commands each node received. */
  arpings(): Record<string, string[]>;
  /** Every command any node received. */
  allCommands(): string[];
  counter(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  scenario?: Scenario;
  remediation?: Partial<RemediationConfig>;
  /** Changes the config the Remediator sees (the collector keeps the sim's). */
  remediatorConfig?: (c: Config) => Config;
  /** Wraps the collector the Remediator uses. */
  wrapCollector?: (c: Collector) => Collector;
  token?: string | null;
  now?: () => number;
  maxBodyBytes?: number;
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const sim = await startSimulation(o.scenario ?? defaultScenario(), {
    remediation: { verifyTimeoutMs: 3000, verifyIntervalMs: 50, garpCount: 1, ...o.remediation },
  });
  const log = silentLogger();
  const collector = createCollector(sim.config, log);
  const registry = new Registry();
  const edited = o.remediatorConfig ? o.remediatorConfig(structuredClone(sim.config)) : sim.config;
  const config = {
    ...edited,
    remediation: { ...edited.remediation, token: o.token === undefined ? TOKEN : o.token, maxBodyBytes: o.maxBodyBytes ?? edited.remediation.maxBodyBytes },
  };
  const remediator = new Remediator({
    config,
    collector: o.wrapCollector ? o.wrapCollector(collector) : collector,
    log,
    metrics: createRemediationMetrics(registry),
    runMetrics: createRunMetrics(registry),
    ...(o.now ? { now: o.now } : {}),
  });
  const app = express();
  app.use(
    remediateRoute({ state: () => ({ remediator }), log }),
  );
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sim,
    collector,
    registry,
    remediator,
    server,
    url,
    arpings: () =>
      Object.fromEntries(Object.entries(sim.nodes).map(([n, s]) => [n, s.commands.filter((c) => c.startsWith("arping"))])),
    allCommands: () => Object.values(sim.nodes).flatMap((s) => s.commands),
    async counter(name, labels = {}) {
      const m = registry.getSingleMetric(name);
      if (!m) throw new Error(`no metric ${name}`);
      const { values } = await m.get();
      return values
        .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
        .reduce((s, v) => s + v.value, 0);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await collector.close();
      await sim.stop();
    },
  };
}
