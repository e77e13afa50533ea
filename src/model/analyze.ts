// The join at the heart of the exporter: router ARP entries -> MAC -> node, who holds which
// VIP, per-router counts and imbalance, anomalies. Pure: no I/O, no clock, no randomness.
import { findAnomalies } from "./anomalies.js";
import { analyzeDns } from "./dns.js";
import { imbalance } from "./imbalance.js";
import { normalizeMac } from "./net.js";
import type {
  Analysis,
  ArpEntry,
  Mac,
  Observation,
  ObservedNode,
  ObservedRouter,
  RouterAnalysis,
  UnreadableEntry,
  VipView,
} from "./types.js";

/** Lookups shared by the join and the anomaly finder. */
export interface NodeIndex {
  /** Configured nodes by name (first wins on a duplicate name). */
  byName: Map<string, ObservedNode>;
  /** MAC -> node name, from every configured node with a known MAC, up or down (first wins). */
  byMac: Map<Mac, string>;
  /** VIPs held by each up node (down nodes hold nothing). */
  held: Map<string, Set<string>>;
  /** Up nodes in config order. */
  up: ObservedNode[];
  /** MACs that more than one configured node reports, with those nodes (config order). */
  duplicateMacs: { mac: Mac; nodes: string[] }[];
}

/** Sources already normalise MACs; this keeps the join right if one did not. */
export function canonicalMac(mac: string): Mac {
  return normalizeMac(mac) ?? mac.trim().toLowerCase();
}

export function indexNodes(nodes: ObservedNode[]): NodeIndex {
  const byName = new Map<string, ObservedNode>();
  const byMac = new Map<Mac, string>();
  const sharing = new Map<Mac, string[]>();
  const held = new Map<string, Set<string>>();
  for (const n of nodes) {
    if (byName.has(n.name)) continue;
    byName.set(n.name, n);
    if (n.mac !== null) {
      const mac = canonicalMac(n.mac);
      if (!byMac.has(mac)) byMac.set(mac, n.name);
      sharing.set(mac, [...(sharing.get(mac) ?? []), n.name]);
    }
    held.set(n.name, new Set(n.up ? n.holds : []));
  }
  const up = [...byName.values()].filter((n) => n.up);
  const duplicateMacs = [...sharing].filter(([, names]) => names.length > 1).map(([mac, names]) => ({ mac, nodes: names }));
  return { byName, byMac, held, up, duplicateMacs };
}

export function analyze(obs: Observation): Analysis {
  const idx = indexNodes(obs.nodes);
  const holders: Record<string, string[]> = {};
  for (const vip of obs.vips) {
    holders[vip] = idx.up.filter((n) => idx.held.get(n.name)?.has(vip)).map((n) => n.name);
  }
  const routers = obs.routers.map((r) => analyzeRouter(r, obs.vips, idx));
  const dns = analyzeDns(obs.dns ?? [], obs.vips, holders, routers);
  const anomalies = [...findAnomalies(obs, idx, holders, routers), ...dns.anomalies];
  const okRouters = routers.filter((r) => r.ok);
  const healthy =
    dns.healthy &&
    routers.every((r) => r.ok && r.complete) &&
    anomalies.every((a) => a.kind !== "view-implausible" && a.kind !== "duplicate-mac") &&
    [...idx.byName.values()].every((n) => n.up) &&
    obs.vips.every((vip) => (holders[vip]?.length ?? 0) > 0) &&
    okRouters.every(
      (r) => r.imbalanceRatio === 0 && r.vips.every((v) => v.present && v.node !== null && v.ownerHoldsVip),
    );
  return { vips: [...obs.vips], nodes: obs.nodes, holders, routers, anomalies, dns: dns.views, healthy, duplicateMacs: idx.duplicateMacs };
}

function analyzeRouter(r: ObservedRouter, vips: string[], idx: NodeIndex): RouterAnalysis {
  const counts: Record<string, number> = {};
  for (const name of idx.byName.keys()) counts[name] = 0;
  if (r.reading === null) {
    const out: RouterAnalysis = { router: r.name, ok: false, vips: [], complete: false, unreadable: [], counts: {}, resolved: 0, moves: 0, imbalanceRatio: 0 };
    if (r.error !== undefined) out.error = r.error;
    return out;
  }
  // A router reports one entry per VIP; on a duplicate the first one counts.
  const entries = new Map<string, ArpEntry>();
  for (const e of r.reading.entries) if (!entries.has(e.vip)) entries.set(e.vip, e);
  // An entry that could not be read is unknown, not absent (an entry that was read wins).
  const unreadable: UnreadableEntry[] = [];
  const unknown = new Set<string>();
  for (const u of r.reading.unreadable ?? []) {
    if (!vips.includes(u.vip) || entries.has(u.vip) || unknown.has(u.vip)) continue;
    unknown.add(u.vip);
    unreadable.push(u);
  }

  let resolved = 0;
  const views: VipView[] = vips.map((vip) => {
    const e = entries.get(vip);
    if (!e) return { vip, readable: !unknown.has(vip), present: false, mac: null, node: null, static: false, ownerHoldsVip: false };
    resolved++;
    const mac = canonicalMac(e.mac);
    const node = idx.byMac.get(mac) ?? null;
    if (node !== null) counts[node] = (counts[node] ?? 0) + 1;
    const ownerHoldsVip = node !== null && (idx.held.get(node)?.has(vip) ?? false);
    return { vip, readable: true, present: true, mac, node, static: e.static, ownerHoldsVip };
  });
  // Spread over the up nodes that hold at least one VIP: a node holding none (a keepalived
  // BACKUP for every VIP) cannot take traffic whatever the router does, so it must not make
  // the router look unbalanced; VIPs the router sends to it count as ones that must move.
  const { moves, ratio } = imbalance(
    idx.up.filter((n) => (idx.held.get(n.name)?.size ?? 0) > 0).map((n) => counts[n.name] ?? 0),
    resolved,
  );
  const out: RouterAnalysis = {
    router: r.name,
    ok: true,
    vips: views,
    complete: unreadable.length === 0,
    unreadable,
    counts,
    resolved,
    moves,
    imbalanceRatio: ratio,
  };
  if (r.error !== undefined) out.error = r.error;
  return out;
}
