// 3. Planner scaling: plan() on synthetic analyses (fixed seed), VIPs x nodes. Pure CPU.
import { analyze } from "../src/model/analyze.js";
import { plan } from "../src/model/plan.js";
import type { Observation } from "../src/model/types.js";
import type { BenchContext } from "./context.js";
import { measure, timingRow, type Row, type Table } from "./lib/stats.js";
import { macOf, syntheticObservation } from "./lib/synthetic.js";

/**
 * The planner's worst case seen in practice: every node holds every VIP (keepalived with all
 * VIPs on every node) and one router sends half of them to the first node, so about half of
 * that node's VIPs must move and every other node is a candidate for each of them.
 */
export function skewedObservation(vipCount: number, nodeCount: number): Observation {
  const vips = Array.from({ length: vipCount }, (_, i) => `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({ name: `n${i}`, up: true, mac: macOf(0, i), holds: vips }));
  const entries = vips.map((vip, i) => ({ vip, mac: nodes[i % 2 === 0 ? 0 : i % nodeCount]!.mac, static: false }));
  return { vips, nodes, routers: [{ name: "r", reading: { router: "r", entries } }] };
}

export async function benchPlanner(ctx: BenchContext): Promise<Table> {
  const vipCounts = ctx.quick ? [10, 100, 500] : [10, 100, 500, 1000];
  const nodeCounts = [3, 20, 100];
  const cases: { name: string; obs: Observation }[] = [];
  for (const vips of vipCounts) {
    for (const nodes of nodeCounts) cases.push({ name: `${vips} VIPs x ${nodes} nodes`, obs: syntheticObservation({ vips, nodes }) });
  }
  const skewed = ctx.quick ? [500] : [500, 1000];
  for (const vips of skewed) cases.push({ name: `${vips} VIPs x 100 nodes, skewed`, obs: skewedObservation(vips, 100) });
  const rows: Row[] = [];
  for (const { name, obs } of cases) {
    const analysis = analyze(obs);
    const holders = Object.values(analysis.holders).reduce((s, h) => s + h.length, 0);
    let last = plan(analysis);
    const times = await measure(
      () => {
        last = plan(analysis);
      },
      { iterations: ctx.quick ? 20 : 200, budgetMs: ctx.quick ? 300 : 1_500, warmup: 2 },
    );
    rows.push(
      timingRow(name, times, {
        "holders/VIP": (holders / obs.vips.length).toFixed(1),
        actions: last.actions.length,
        blocked: last.blocked.length,
      }),
    );
  }
  return {
    title: "3. Planner: plan(analysis)",
    note:
      "Synthetic segments (seed fixed): 2 routers, 5% of nodes down, each up node holds each VIP with probability 0.5, entries 90% on a holder, " +
      "the rest on non-holders, unknown MACs, missing or static. Skewed: every node holds every VIP, one router, half the VIPs on the first node, " +
      "the others spread. actions/blocked: size of the resulting plan.",
    rows,
  };
}
