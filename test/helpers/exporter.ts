// Builds the exporter's HTTP app, as `serve` does, for supertest: over a simulated segment, or
// over any config.
import { Registry } from "prom-client";
import { createCollector } from "../../src/collect/collector.js";
import type { Config } from "../../src/config/types.js";
import { createApp, fixedState } from "../../src/http/app.js";
import { silentLogger, type Logger } from "../../src/log.js";
import { ExporterMetrics } from "../../src/metrics/exporter-metrics.js";
import { createRemediationMetrics } from "../../src/remediate/metrics.js";
import { Remediator } from "../../src/remediate/remediator.js";
import { defaultScenario, type Scenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation, type SimulationOptions } from "../../src/sim/start.js";

export interface TestExporter {
  sim: Simulation;
  config: Config;
  app: ReturnType<typeof createApp>["app"];
  registry: Registry;
  close(): Promise<void>;
}

export async function startTestExporter(
  scenario: Scenario = defaultScenario(),
  opts: SimulationOptions & { edit?: (c: Config) => Config; log?: Logger } = {},
): Promise<TestExporter> {
  const sim = await startSimulation(scenario, opts);
  const config = opts.edit ? opts.edit(sim.config) : sim.config;
  const app = createTestApp(config, opts.log);
  return {
    ...app,
    sim,
    async close() {
      await app.close();
      await sim.stop();
    },
  };
}

export type TestApp = Omit<TestExporter, "sim">;

/** The exporter's app for any config (its sources are whatever the config names). */
export function createTestApp(config: Config, log: Logger = silentLogger()): TestApp {
  const registry = new Registry();
  const metrics = new ExporterMetrics(registry, config);
  const collector = createCollector(config, log);
  const remediator = new Remediator({ config, collector, log, metrics: createRemediationMetrics(registry) });
  const { app } = createApp({ state: fixedState({ config, collector, remediator }), registry, metrics, log });
  return { config, app, registry, close: () => collector.close() };
}

/** Parses Prometheus text exposition into {name{labels}: value} (sorted label order kept as printed). */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** Every sample of a metric whose labels include all of `labels`. */
export function find(s: Map<string, number>, name: string, labels: Record<string, string> = {}): { series: string; value: number }[] {
  const res: { series: string; value: number }[] = [];
  for (const [series, value] of s) {
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) res.push({ series, value });
  }
  return res;
}
