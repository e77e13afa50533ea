// The remediation planner: a target owner for every VIP and the GARPs that get every router
// there. GARPs reach every router on the segment, so there is one plan per segment.
// Same analysis in any order -> same plan, so two exporter replicas never fight.
import * as crypto from "node:crypto";
import { canonicalMac } from "./analyze.js";
import { assign, type FreeVip } from "./assign.js";
import { distrustedRouters } from "./guard.js";
import { compareIp } from "./net.js";
import type { Analysis, GarpAction, Mac, Plan, PlanBlocked, PlanOptions, VipView } from "./types.js";

/** Rendezvous score of a node for a VIP: lower wins. Stable across runs and replicas. */
export function rendezvous(vip: string, node: string): string {
  return sha256Hex(`${vip}|${node}`);
}

// The same digest; one-shot crypto.hash (Node >= 20.12) takes half the time of a Hash object,
// which matters at 100k VIP-node pairs. A namespace import, so older Node 20 still loads this.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text).digest("hex");

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface RouterView {
  router: string;
  view: VipView;
}

export function plan(analysis: Analysis, options: PlanOptions = {}): Plan {
  // Nodes that can own a VIP: up, with a known MAC (first wins on a duplicate name).
  const eligible = new Map<string, Mac>();
  const upNodes: string[] = [];
  const seen = new Set<string>();
  for (const n of analysis.nodes) {
    if (seen.has(n.name)) continue;
    seen.add(n.name);
    if (!n.up) continue;
    upNodes.push(n.name);
    if (n.mac !== null) eligible.set(n.name, canonicalMac(n.mac));
  }
  const vips = [...new Set(analysis.vips)].sort(compareIp);
  // The guard: only views read in full and plausible count; the others are reported, never used.
  const distrusted = distrustedRouters(analysis);
  const okRouters = analysis.routers.filter((r) => !distrusted.some((d) => d.router === r.router));
  const byVip = okRouters.map((r) => ({ router: r.router, views: new Map(r.vips.map((v) => [v.vip, v])) }));
  const viewsOf = (vip: string): RouterView[] =>
    byVip.flatMap((r) => {
      const view = r.views.get(vip);
      return view ? [{ router: r.router, view }] : [];
    });

  const targets = new Map<string, string | null>();
  const blocked: PlanBlocked[] = [];
  const base = new Map<string, number>();
  const free: FreeVip[] = [];
  const statics = new Map<string, RouterView[]>();
  for (const vip of vips) {
    const views = viewsOf(vip);
    const candidates = [...new Set(analysis.holders[vip] ?? [])]
      .filter((n) => eligible.has(n))
      .map((n) => ({ n, h: rendezvous(vip, n) }))
      .sort((a, b) => byString(a.h, b.h) || byString(a.n, b.n))
      .map((c) => c.n);
    // A GARP cannot move a static entry: follow one that points at a candidate (the balance
    // picks among several); else a preferred candidate; else any candidate.
    const fixed = views.filter((rv) => rv.view.present && rv.view.static);
    statics.set(vip, fixed);
    const pinnedByStatic = candidates.filter((c) => fixed.some((rv) => rv.view.node === c));
    const preferred = candidates.filter((c) => c === options.preferred?.[vip]);
    const allowed = pinnedByStatic.length > 0 ? pinnedByStatic : preferred.length > 0 ? preferred : candidates;
    // Every readable router holds a static entry elsewhere: no GARP can change where it goes.
    const locked = views.length > 0 && views.every((rv) => rv.view.present && rv.view.static) && pinnedByStatic.length === 0;
    if (allowed.length === 0 || locked) {
      targets.set(vip, null);
      if (allowed.length === 0) {
        blocked.push({ vip, reason: `no up node with a known MAC holds ${vip}; bring up a node that holds it` });
      }
      // It stays where the routers send it: that node carries it, so balance around it.
      const stays = currentOwner(views);
      if (stays !== null && eligible.has(stays)) base.set(stays, (base.get(stays) ?? 0) + 1);
    } else if (allowed.length === 1) {
      targets.set(vip, allowed[0]!);
      base.set(allowed[0]!, (base.get(allowed[0]!) ?? 0) + 1);
    } else {
      free.push({ vip, candidates: allowed, owner: currentOwner(views) });
    }
  }

  const nodes = [...eligible.keys()].sort(byString).map((name) => ({ name, base: base.get(name) ?? 0 }));
  for (const [vip, node] of assign(free, nodes)) targets.set(vip, node);

  for (const [vip, fixed] of statics) {
    const target = targets.get(vip) ?? null;
    for (const rv of fixed) {
      if (target !== null && rv.view.node === target) continue;
      const to = rv.view.node === null ? rv.view.mac : `${rv.view.node} (${rv.view.mac})`;
      const why =
        rv.view.node !== null && (analysis.holders[vip] ?? []).includes(rv.view.node) && eligible.has(rv.view.node)
          ? `the plan follows another router's static entry to ${target}`
          : `that is not an up node holding it`;
      blocked.push({
        vip,
        reason: `router ${rv.router} has a static ARP entry ${vip} -> ${to} that a GARP cannot move, and ${why}; fix the static entry on the router`,
      });
    }
  }

  const only = options.vips ? new Set(options.vips) : null;
  const actions: GarpAction[] = [];
  for (const vip of vips) {
    const toNode = targets.get(vip);
    if (!toNode || (only && !only.has(vip))) continue;
    const toMac = eligible.get(toNode)!;
    // Routers a GARP from the target would change: missing or other MAC, not static.
    const off = viewsOf(vip).filter((rv) => !rv.view.static && !(rv.view.present && rv.view.mac === toMac));
    if (off.length === 0 && !options.reassert) continue;
    const from = off[0]?.view;
    actions.push({
      vip,
      fromNode: from ? from.node : toNode,
      fromMac: from ? from.mac : toMac,
      toNode,
      toMac,
      reason: off.length > 0 ? "move" : "reassert",
    });
  }

  const expectedCounts: Record<string, number> = {};
  for (const n of upNodes) expectedCounts[n] = 0;
  for (const node of targets.values()) if (node !== null) expectedCounts[node] = (expectedCounts[node] ?? 0) + 1;
  const targetRecord: Record<string, string | null> = {};
  for (const vip of analysis.vips) targetRecord[vip] = targets.get(vip) ?? null;
  blocked.sort((a, b) => compareIp(a.vip, b.vip) || byString(a.reason, b.reason));
  // Nothing to go by: with every view distrusted, a plan would act on what nobody could see.
  if (okRouters.length === 0) return { targets: targetRecord, actions: [], blocked, expectedCounts, distrusted };
  return { targets: targetRecord, actions, blocked, expectedCounts, distrusted };
}

/** The node every readable router with an entry sends the VIP to; null when they differ or none has one. */
function currentOwner(views: RouterView[]): string | null {
  const nodes = new Set(views.filter((rv) => rv.view.present).map((rv) => rv.view.node));
  if (nodes.size !== 1) return null;
  return [...nodes][0] ?? null;
}
