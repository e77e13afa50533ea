// 7. Series count and render time at 20 nodes x 60 VIPs and 100 nodes x 1000 VIPs, every node
// up and holding every VIP (the keepalived "everyone answers ARP" case, the most series), two
// routers. The count is checked against the formula of docs/metrics.md ("Series count") and
// the run fails if they differ; the target at 100 x 1000 is at most 120k series, rendered in
// under 0.3 s. "steady": the same view every scrape (the usual case); "churn": every node's
// VIPs change between scrapes (the worst case for infra_node_vip_held, updated by difference).
import { Registry } from "prom-client";
import type { Collection, SourceResult } from "../src/collect/types.js";
import { ExporterMetrics } from "../src/metrics/exporter-metrics.js";
import { analyze } from "../src/model/analyze.js";
import type { Observation } from "../src/model/types.js";
import { createRemediationMetrics } from "../src/remediate/metrics.js";
import { configFor } from "./analyze-render.js";
import type { BenchContext } from "./context.js";
import { formulaSeries } from "./lib/series.js";
import { measure, timingRow, type Row, type Table } from "./lib/stats.js";
import { syntheticObservation } from "./lib/synthetic.js";

const TARGET_SERIES = 120_000;
const TARGET_MS = 300;

function collection(obs: Observation): Collection {
  const sources: SourceResult[] = [
    ...obs.routers.map((r) => ({ collector: "snmp", target: r.name, success: true, durationSeconds: 0.002 })),
    ...obs.nodes.map((n) => ({ collector: "node", target: n.name, success: true, durationSeconds: 0.004 })),
  ];
  return { observation: obs, analysis: analyze(obs), sources, at: new Date() };
}

const seriesLines = (text: string) => text.split("\n").filter((l) => l && !l.startsWith("#"));

export async function benchSeries(ctx: BenchContext): Promise<Table> {
  const shapes = [
    { nodes: 20, vips: 60 },
    { nodes: 100, vips: 1000 },
  ];
  const rows: Row[] = [];
  for (const shape of shapes) {
    const obs = syntheticObservation({ ...shape, holdChance: 1, downChance: 0 });
    // The churn partner: every node holds every VIP but its first.
    const other: Observation = { ...obs, nodes: obs.nodes.map((n) => ({ ...n, holds: n.holds.slice(1) })) };
    const registry = new Registry();
    const metrics = new ExporterMetrics(registry, configFor(obs));
    createRemediationMetrics(registry);
    const base = collection(obs);
    metrics.render(base);
    const text = await registry.metrics();
    const lines = seriesLines(text);
    const defaults = lines.filter((l) => /^(process|nodejs)_/.test(l)).length;
    const formula = formulaSeries(configFor(obs), base, defaults);
    if (formula.total !== lines.length) {
      throw new Error(`series: ${lines.length} exported at ${shape.nodes} x ${shape.vips}, the formula of docs/metrics.md says ${formula.total}: fix one of them`);
    }
    const label = `${shape.nodes} nodes x ${shape.vips} VIPs x 2 routers`;
    const opts = { iterations: ctx.quick ? 5 : 30, budgetMs: ctx.quick ? 2_000 : 8_000, warmup: 2 };
    const changed = collection(other);
    const steady = await measure(async () => {
      metrics.render({ ...base, at: new Date() });
      await registry.metrics();
    }, opts);
    let flip = false;
    const churn = await measure(async () => {
      flip = !flip;
      metrics.render({ ...(flip ? changed : base), at: new Date() });
      await registry.metrics();
    }, opts);
    const p50 = [...steady].sort((a, b) => a - b)[Math.floor(steady.length / 2)] ?? NaN;
    const extra = {
      series: lines.length,
      "ours (formula)": formula.ours,
      "nodejs/process": defaults,
      "body KB": (Buffer.byteLength(text) / 1024).toFixed(0),
    };
    rows.push(
      timingRow(`render+expose ${label}, steady`, steady, {
        ...extra,
        target: shape.nodes === 100 ? (lines.length <= TARGET_SERIES && p50 < TARGET_MS ? "met" : `MISSED (<= ${TARGET_SERIES / 1000}k, < ${TARGET_MS} ms)`) : "",
      }),
      timingRow(`render+expose ${label}, churn`, churn, {}),
    );
  }
  return {
    title: "7. Series count and render time",
    note:
      "Every node up and holding every VIP, 2 routers (synthetic router tables: some entries missing or on unknown MACs). series: every sample line of /metrics; ours: the formula of docs/metrics.md (checked equal), " +
      "nodejs/process: prom-client's default metrics. steady: the same view each scrape; churn: every node's VIPs change between scrapes. Target at 100 x 1000: <= 120k series, p50 < 300 ms.",
    rows,
  };
}
