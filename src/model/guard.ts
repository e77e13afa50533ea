// The guard every repair path goes through (the planner, and so /remediate, the CLI and the
// reconciler): a router's view is used only when it was read in full and looks plausible.
// A wrong reading is worse than none: acting on it moves traffic that was fine.
import type { Analysis, Distrust, RouterAnalysis } from "./types.js";

/**
 * Why the router's view must not be acted on, as a phrase after "router R ..."; null when it
 * can be trusted. Cases: the read failed; some VIP's entry could not be read; it reports none
 * of the VIPs while up nodes hold them (an agent that hides its table answers like that);
 * several nodes share a MAC, so its entries cannot be told apart.
 */
export function distrustReason(
  r: RouterAnalysis,
  holders: Record<string, string[]>,
  duplicateMacs: Analysis["duplicateMacs"],
): string | null {
  if (!r.ok) return `could not be read${r.error ? `: ${r.error}` : ""}`;
  if (!r.complete) {
    const list = r.unreadable.map((u) => u.vip).join(", ");
    return `answered for ${list} in a form that could not be read (${r.unreadable[0]?.reason ?? "unreadable"}), so its view is incomplete`;
  }
  const held = r.vips.filter((v) => (holders[v.vip]?.length ?? 0) > 0);
  if (r.resolved === 0 && held.length > 0) {
    return `reports no entry for any of the ${r.vips.length} VIPs although up nodes hold ${held.length} of them, which a router on their segment never does: its table is probably hidden from the exporter (SNMP view, ACL or VRF)`;
  }
  const dup = duplicateMacs[0];
  if (dup) {
    return `cannot be joined to nodes: nodes ${dup.nodes.join(" and ")} report the same MAC ${dup.mac}, so its entries for that MAC could belong to either`;
  }
  return null;
}

/** Every router of the analysis whose view must not be acted on, in config order. */
export function distrustedRouters(a: Analysis): Distrust[] {
  return a.routers.flatMap((r) => {
    const reason = distrustReason(r, a.holders, a.duplicateMacs);
    return reason === null ? [] : [{ router: r.router, reason }];
  });
}

/** The routers whose view the planner may use. */
export function trustedRouters(a: Analysis): RouterAnalysis[] {
  const out = new Set(distrustedRouters(a).map((d) => d.router));
  return a.routers.filter((r) => !out.has(r.router));
}
