// Anomalies found by the join, one sentence each that says what is wrong and what to do.
// Order is fixed (routers, nodes, VIPs, then per router, then cross-router) so output is stable.
import type { NodeIndex } from "./analyze.js";
import { distrustReason } from "./guard.js";
import type { Anomaly, Observation, RouterAnalysis, VipView } from "./types.js";

export function findAnomalies(
  obs: Observation,
  idx: NodeIndex,
  holders: Record<string, string[]>,
  routers: RouterAnalysis[],
): Anomaly[] {
  const out: Anomaly[] = [];
  for (const r of routers) {
    if (r.ok) continue;
    const why = r.error ? `: ${r.error}` : "";
    out.push({
      kind: "router-unreachable",
      router: r.router,
      message: `Router ${r.router} could not be read${why}; check its address, credentials and reachability from the exporter.`,
    });
  }
  for (const n of idx.byName.values()) {
    if (n.up) continue;
    const why = n.error ? `: ${n.error}` : "";
    out.push({
      kind: "node-down",
      node: n.name,
      message: `Node ${n.name} is down or its interface could not be read${why}; check the node and SSH access to it.`,
    });
  }
  for (const d of idx.duplicateMacs) {
    out.push({
      kind: "duplicate-mac",
      node: d.nodes[0]!,
      message: `Nodes ${d.nodes.join(" and ")} report the same MAC ${d.mac}, so a router's entry for it could mean either; remediation will not act until each node has its own MAC: check nodes[].interface and nodes[].mac.`,
    });
  }
  for (const vip of obs.vips) {
    if ((holders[vip]?.length ?? 0) > 0) continue;
    out.push({
      kind: "vip-not-held",
      vip,
      message: `No up node holds ${vip} on its interface; check keepalived/ipfailover on the nodes that should serve it.`,
    });
  }
  for (const r of routers) if (r.ok) out.push(...routerAnomalies(r, idx, holders));
  out.push(...disagreements(obs.vips, routers));
  return out;
}

function describe(v: VipView): string {
  return v.node === null ? `${v.mac}` : `${v.node} (${v.mac})`;
}

function routerAnomalies(r: RouterAnalysis, idx: NodeIndex, holders: Record<string, string[]>): Anomaly[] {
  const out: Anomaly[] = [];
  const router = r.router;
  // A view that reports nothing while nodes hold VIPs: its per-VIP "missing" findings would
  // advise GARPs for a table that is probably just hidden, so only this one is reported.
  if (r.complete && r.resolved === 0) {
    const reason = distrustReason(r, holders, []);
    if (reason !== null) {
      return [
        {
          kind: "view-implausible",
          router,
          message: `Router ${router} ${reason}; remediation will not act on this view: check that the SNMP agent shows the IP-MIB ARP table (ipNetToMediaTable, 1.3.6.1.2.1.4.22) to the exporter, or the command and VRF of an SSH router.`,
        },
      ];
    }
  }
  for (const v of r.vips) {
    const vip = v.vip;
    if (!v.readable) {
      const why = r.unreadable.find((u) => u.vip === vip)?.reason ?? "unreadable";
      out.push({
        kind: "unreadable-entry",
        router,
        vip,
        message: `Router ${router} answered for ${vip} in a form that could not be read (${why}); its entry is unknown and remediation will not act on this router's view until it reads cleanly: check the router's SNMP agent or CLI output.`,
      });
      continue;
    }
    if (!v.present) {
      out.push({
        kind: "missing-entry",
        router,
        vip,
        message: `Router ${router} has no complete ARP entry for ${vip}; send a GARP from the node that should own it (remediate) or check that a node answers ARP for it.`,
      });
      continue;
    }
    if (v.node === null) {
      out.push({
        kind: "unknown-mac",
        router,
        vip,
        message: `Router ${router} sends ${vip} to ${v.mac}, a MAC of no configured node; find the device with that MAC or add its node to the config.`,
      });
    } else if (!v.ownerHoldsVip) {
      const down = idx.byName.get(v.node)?.up === false;
      out.push({
        kind: "blackholed",
        router,
        vip,
        node: v.node,
        message: down
          ? `Router ${router} sends ${vip} to ${describe(v)}, which is down: its traffic is blackholed until a node holding it sends a GARP (remediate).`
          : `Router ${router} sends ${vip} to ${describe(v)}, which does not hold it: its traffic is blackholed until a node holding it sends a GARP (remediate).`,
      });
    }
    if (v.static && (v.node === null || !(holders[vip] ?? []).includes(v.node))) {
      const a: Anomaly = {
        kind: "static-entry",
        router,
        vip,
        message: `Router ${router} has a static ARP entry ${vip} -> ${describe(v)}, which is not an up node holding it; a GARP cannot move it: fix the static entry on the router.`,
      };
      if (v.node !== null) a.node = v.node;
      out.push(a);
    }
  }
  if (r.resolved >= idx.up.length) {
    for (const n of idx.up) {
      if ((r.counts[n.name] ?? 0) > 0) continue;
      const held = [...(idx.held.get(n.name) ?? [])].filter((vip) => Object.hasOwn(holders, vip)).length;
      if (held === 0) continue;
      out.push({
        kind: "node-owns-no-vips",
        router,
        node: n.name,
        message: `Router ${router} sends no VIP to ${n.name} although it holds ${held}; rebalance with remediate.`,
      });
    }
  }
  if (r.imbalanceRatio > 0) {
    out.push({
      kind: "imbalanced",
      router,
      message: `Router ${router} spreads its VIPs unevenly over the up nodes (${r.moves} of ${r.resolved} must move, ratio ${r.imbalanceRatio.toFixed(3)}); rebalance with remediate.`,
    });
  }
  return out;
}

function disagreements(vips: string[], routers: RouterAnalysis[]): Anomaly[] {
  const out: Anomaly[] = [];
  const ok = routers.filter((r) => r.ok);
  vips.forEach((vip, i) => {
    const seen = ok.flatMap((r) => {
      const v = r.vips[i];
      return v && v.present ? [{ router: r.router, v }] : [];
    });
    if (new Set(seen.map((s) => s.v.mac)).size < 2) return;
    const list = seen.map((s) => `${s.router} -> ${describe(s.v)}`).join(", ");
    out.push({
      kind: "routers-disagree",
      vip,
      message: `Routers disagree on ${vip} (${list}); send a GARP from the node that should own it so they converge (remediate).`,
    });
  });
  return out;
}
