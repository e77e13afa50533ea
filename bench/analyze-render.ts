// 4. analyze() and the metrics render (ExporterMetrics.render + registry.metrics()) for
// large segments. Pure CPU; the exposition text grows with VIPs x nodes (infra_node_vip_held).
import { Registry } from "prom-client";
import type { Collection, SourceResult } from "../src/collect/types.js";
import { defaultRemediation } from "../src/config/load.js";
import type { Config } from "../src/config/types.js";
import { ExporterMetrics } from "../src/metrics/exporter-metrics.js";
import { analyze } from "../src/model/analyze.js";
import { createRemediationMetrics } from "../src/remediate/metrics.js";
import type { Observation } from "../src/model/types.js";
import type { BenchContext } from "./context.js";
import { mb, measure, memory, timingRow, type Row, type Table } from "./lib/stats.js";
import { syntheticObservation } from "./lib/synthetic.js";

/** The parts of a Config the metrics read (names of routers, nodes, VIPs). */
export function configFor(obs: Observation): Config {
  return {
    vips: obs.vips,
    nodes: obs.nodes.map((n) => ({ name: n.name, host: "127.0.0.1", port: 22, interface: "eth0", ssh: true })),
    routers: obs.routers.map((r) => ({
      type: "snmp" as const,
      name: r.name,
      host: "127.0.0.1",
      port: 161,
      version: 2 as const,
      community: "public",
      table: "auto" as const,
      timeoutMs: 1000,
      retries: 0,
    })),
    ssh: null,
    remediation: defaultRemediation(),
    scrapeTimeoutMs: 10_000,
    source: "<bench>",
  };
}

export async function benchAnalyze(ctx: BenchContext): Promise<Table> {
  const shapes = ctx.quick
    ? [{ vips: 60, nodes: 20 }, { vips: 500, nodes: 50 }]
    : [{ vips: 60, nodes: 20 }, { vips: 500, nodes: 50 }, { vips: 1000, nodes: 100 }, { vips: 2000, nodes: 100 }];
  const rows: Row[] = [];
  for (const shape of shapes) {
    const obs = syntheticObservation(shape);
    const label = `${shape.vips} VIPs x ${shape.nodes} nodes x 2 routers`;
    const a = await measure(() => analyze(obs), { iterations: ctx.quick ? 20 : 100, budgetMs: ctx.quick ? 300 : 2_000, warmup: 2 });
    rows.push(timingRow(`analyze ${label}`, a, { anomalies: analyze(obs).anomalies.length }));

    const config = configFor(obs);
    const registry = new Registry();
    const metrics = new ExporterMetrics(registry, config);
    createRemediationMetrics(registry); // as serve does (GARP pairs appear at their first GARP)
    const analysis = analyze(obs);
    const sources: SourceResult[] = [
      ...obs.routers.map((r) => ({ collector: "snmp", target: r.name, success: true, durationSeconds: 0.002 })),
      ...obs.nodes.map((n) => ({ collector: "node", target: n.name, success: true, durationSeconds: 0.004 })),
    ];
    let text = "";
    const before = memory();
    const r = await measure(
      async () => {
        // A new Collection object each time: render() skips one it already rendered.
        const c: Collection = { observation: obs, analysis, sources, at: new Date() };
        metrics.render(c);
        text = await registry.metrics();
      },
      { iterations: ctx.quick ? 10 : 60, budgetMs: ctx.quick ? 500 : 4_000, warmup: 2 },
    );
    const after = memory();
    const series = text.split("\n").filter((l) => l && !l.startsWith("#")).length;
    rows.push(
      timingRow(`render+expose ${label}`, r, {
        series,
        "body KB": (Buffer.byteLength(text) / 1024).toFixed(0),
        "heap MB": mb(after.heapUsed - before.heapUsed, true),
      }),
    );
  }
  return {
    title: "4. analyze() and metrics render",
    note:
      "Same synthetic segments as the planner. render+expose: ExporterMetrics.render (reset and set every gauge) plus registry.metrics() (the text /metrics sends: " +
      "the registry serve builds, remediation counters and default process metrics included). heap MB: heap held after the renders (GC forced), i.e. the registry's label sets.",
    rows,
  };
}
