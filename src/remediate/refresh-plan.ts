// Periodic refresh (remediation.refresh_interval): re-announce each VIP from the node the
// routers already send it to, so a switch whose FDB entry for that MAC aged out (shorter than
// the router's ARP timeout) learns the port again. Never a move: a VIP is refreshed only when
// every router has an entry for it, all pointing at one up node that holds the VIP; never on a
// view the guard distrusts.
import { distrustedRouters } from "../model/guard.js";
import type { Analysis, Distrust, GarpAction, PlanBlocked } from "../model/types.js";

export interface RefreshPlan {
  actions: GarpAction[];
  /** VIPs not refreshed, and why. */
  skipped: PlanBlocked[];
  distrusted: Distrust[];
}

export function refreshPlan(analysis: Analysis): RefreshPlan {
  const distrusted = distrustedRouters(analysis);
  // One view that cannot be read could point anywhere: announcing might move it.
  if (distrusted.length > 0) return { actions: [], skipped: [], distrusted };
  const actions: GarpAction[] = [];
  const skipped: PlanBlocked[] = [];
  for (const vip of analysis.vips) {
    const views = analysis.routers.map((r) => r.vips.find((v) => v.vip === vip));
    if (views.some((v) => !v?.present)) {
      skipped.push({ vip, reason: "a router has no entry for it: a refresh only re-announces an existing mapping" });
      continue;
    }
    const macs = new Set(views.map((v) => v!.mac));
    const owner = views[0]!.node;
    if (macs.size !== 1 || owner === null) {
      skipped.push({ vip, reason: macs.size !== 1 ? "the routers send it to different MACs: announcing would move it" : "its MAC belongs to no known node" });
      continue;
    }
    const node = analysis.nodes.find((n) => n.name === owner);
    if (!node?.up || !(analysis.holders[vip] ?? []).includes(owner)) {
      skipped.push({ vip, reason: `${owner} does not hold it (or is down): a refresh never announces from a non-holder` });
      continue;
    }
    if (views.some((v) => v!.static)) {
      skipped.push({ vip, reason: "a static entry: nothing to refresh" });
      continue;
    }
    const mac = views[0]!.mac!;
    actions.push({ vip, fromNode: owner, fromMac: mac, toNode: owner, toMac: mac, reason: "reassert" });
  }
  return { actions, skipped, distrusted };
}
