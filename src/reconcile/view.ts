// One collection's analysis reduced to what the reconciler decides on, through the same
// planner and guard as /remediate (model/plan.ts, model/guard.ts): never a second copy.
import { plan } from "../model/plan.js";
import type { Analysis } from "../model/types.js";
import type { ReconcileView } from "./decide.js";

export function reconcileView(analysis: Analysis, preferred: Record<string, string> = {}): ReconcileView {
  const p = plan(analysis, { preferred });
  const trusted = analysis.routers.filter((r) => !p.distrusted.some((d) => d.router === r.router));
  const problems: Record<string, string> = {};
  for (const a of p.actions) {
    // What every trusted router shows for the VIP and where the plan wants it: the problem is
    // "the same" while this text is, which is what the hysteresis and the breaker go by.
    const shows = trusted.map((r) => {
      const v = r.vips.find((x) => x.vip === a.vip);
      return `${r.router}=${v?.present ? v.mac : "none"}`;
    });
    problems[a.vip] = `${shows.join(",")} -> ${a.toNode}`;
  }
  const owners: Record<string, string | null> = {};
  for (const r of trusted) for (const v of r.vips) owners[`${r.router}|${v.vip}`] = v.present ? v.mac : null;
  return { distrusted: p.distrusted, up: analysis.nodes.filter((n) => n.up).map((n) => n.name), problems, owners };
}
