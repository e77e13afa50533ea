// 3. Planner scaling: plan() on synthetic analyses (fixed seed), VIPs x nodes. Pure CPU.
import { analyze } from "../src/model/analyze.js";
import { plan } from "../src/model/plan.js";
import type { BenchContext } from "./context.js";
import { measure, timingRow, type Row, type Table } from "./lib/stats.js";
import { syntheticObservation } from "./lib/synthetic.js";

export async function benchPlanner(ctx: BenchContext): Promise<Table> {
  const vipCounts = ctx.quick ? [10, 100, 500] : [10, 100, 500, 1000];
  const nodeCounts = [3, 20, 100];
  const rows: Row[] = [];
  for (const vips of vipCounts) {
    for (const nodes of nodeCounts) {
      const analysis = analyze(syntheticObservation({ vips, nodes }));
      const holders = Object.values(analysis.holders).reduce((s, h) => s + h.length, 0);
      let last = plan(analysis);
      const times = await measure(
        () => {
          last = plan(analysis);
        },
        { iterations: ctx.quick ? 20 : 200, budgetMs: ctx.quick ? 300 : 1_500, warmup: 2 },
      );
      rows.push(
        timingRow(`${vips} VIPs x ${nodes} nodes`, times, {
          "holders/VIP": (holders / vips).toFixed(1),
          actions: last.actions.length,
          blocked: last.blocked.length,
        }),
      );
    }
  }
  return {
    title: "3. Planner: plan(analysis)",
    note:
      "Synthetic segments (seed fixed): 2 routers, 5% of nodes down, each up node holds each VIP with probability 0.5, entries 90% on a holder, " +
      "the rest on non-holders, unknown MACs, missing or static. actions/blocked: size of the resulting plan.",
    rows,
  };
}
