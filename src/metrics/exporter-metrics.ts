// Renders each collection into prom-client metrics. Label sets are rebuilt from scratch for
// every collection, so a VIP whose owner moved or a router that stopped answering leaves no
// stale series behind. Names are the contract of DESIGN.md.
import { Counter, Gauge, collectDefaultMetrics, type Registry } from "prom-client";
import type { Collection } from "../collect/types.js";
import type { Config } from "../config/types.js";
import { distrustedRouters } from "../model/guard.js";
import { REVISION, VERSION } from "../version.js";

export class ExporterMetrics {
  private readonly owner: Gauge<"router" | "vip" | "mac" | "node">;
  private readonly present: Gauge<"router" | "vip">;
  private readonly count: Gauge<"router" | "node">;
  private readonly ratio: Gauge<"router">;
  private readonly trusted: Gauge<"router">;
  private readonly moves: Gauge<"router">;
  private readonly holdsVip: Gauge<"router" | "vip">;
  private readonly nodeUp: Gauge<"node">;
  private readonly held: Gauge<"node" | "vip">;
  private readonly holders: Gauge<"vip">;
  private readonly success: Gauge<"collector" | "target">;
  private readonly duration: Gauge<"collector" | "target">;
  private readonly changes: Counter<"router" | "vip">;
  private readonly malformed: Counter<"router">;
  /** Last cumulative malformed-row count seen per router source. */
  private readonly lastMalformed = new Map<string, number>();
  private readonly lastCollection: Gauge;
  private readonly dnsPublished: Gauge<"name" | "vip">;
  private readonly dnsLookupSuccess: Gauge<"name">;
  private readonly dnsUnservedRatio: Gauge<"name">;
  /** Last MAC seen per router and VIP, for vip_arp_owner_changes_total. */
  private readonly lastMac = new Map<string, string>();
  private lastRendered: Collection | null = null;
  /** The VIPs infra_node_vip_held shows per node since the last render. */
  private heldRendered = new Map<string, readonly string[]>();

  constructor(registry: Registry, config: Config) {
    const reg = { registers: [registry] };
    this.owner = new Gauge({ name: "vip_mac_owner", help: "1 for the router's current ARP entry of each VIP; node is empty when the MAC belongs to no known node.", labelNames: ["router", "vip", "mac", "node"], ...reg });
    this.present = new Gauge({ name: "vip_arp_entry_present", help: "1 when the router has a complete ARP entry for the VIP, else 0.", labelNames: ["router", "vip"], ...reg });
    this.count = new Gauge({ name: "infra_node_vip_count", help: "How many VIPs the router maps to the node's MAC (0 is exported for every configured node).", labelNames: ["router", "node"], ...reg });
    this.trusted = new Gauge({ name: "vip_arp_view_trusted", help: "1 when remediation may act on the router's view (read in full, plausible, MACs joinable), 0 when it will not; absent while the read fails.", labelNames: ["router"], ...reg });
    this.ratio = new Gauge({ name: "arp_imbalance_ratio", help: "Moves needed to spread the router's resolved VIPs evenly over the up nodes, divided by the resolved VIPs; 0 is balanced.", labelNames: ["router"], ...reg });
    this.moves = new Gauge({ name: "arp_imbalance_moves", help: "Moves needed to spread the router's resolved VIPs evenly over the up nodes.", labelNames: ["router"], ...reg });
    this.holdsVip = new Gauge({ name: "vip_owner_holds_vip", help: "1 when the node the router sends the VIP to has it on its interface; 0 means the traffic is blackholed.", labelNames: ["router", "vip"], ...reg });
    this.nodeUp = new Gauge({ name: "infra_node_up", help: "1 when the node's inventory was read in this scrape.", labelNames: ["node"], ...reg });
    this.held = new Gauge({ name: "infra_node_vip_held", help: "1 for each VIP present on the node's interface; a VIP the node does not hold has no series.", labelNames: ["node", "vip"], ...reg });
    this.holders = new Gauge({ name: "vip_holders", help: "How many up nodes hold the VIP (0: nobody serves it).", labelNames: ["vip"], ...reg });
    this.success = new Gauge({ name: "vip_arp_collector_success", help: "1 when the source was read successfully in this scrape.", labelNames: ["collector", "target"], ...reg });
    this.duration = new Gauge({ name: "vip_arp_collector_duration_seconds", help: "How long reading the source took in this scrape.", labelNames: ["collector", "target"], ...reg });
    this.changes = new Counter({ name: "vip_arp_owner_changes_total", help: "Times the router's MAC for the VIP changed between scrapes.", labelNames: ["router", "vip"], ...reg });
    this.malformed = new Counter({ name: "vip_arp_malformed_rows_total", help: "ARP rows a router answered in a form that could not be read (skipped; the VIP's entry is unknown).", labelNames: ["router"], ...reg });
    this.lastCollection = new Gauge({ name: "vip_arp_last_collection_timestamp_seconds", help: "Unix time the last collection finished.", ...reg });
    this.dnsPublished = new Gauge({ name: "vip_dns_published", help: "1 for each address the DNS name returns (vip holds the address, configured or not), 0 for each configured VIP it does not return; absent while the lookup fails.", labelNames: ["name", "vip"], ...reg });
    this.dnsLookupSuccess = new Gauge({ name: "vip_dns_lookup_success", help: "1 when the DNS name's A and AAAA records were looked up in this scrape, else 0.", labelNames: ["name"], ...reg });
    this.dnsUnservedRatio = new Gauge({ name: "vip_dns_unserved_ratio", help: "Share of the DNS name's records that are VIPs no up node holds or that a router sends to a node without them; absent while the lookup fails.", labelNames: ["name"], ...reg });
    const build = new Gauge({ name: "vip_arp_exporter_build_info", help: "Build facts of vip-arp-exporter; always 1.", labelNames: ["version", "revision", "nodeversion"], ...reg });
    build.set({ version: VERSION, revision: REVISION, nodeversion: process.version }, 1);
    this.startCounters(config);
    collectDefaultMetrics({ register: registry });
  }

  /** Counters start at 0 for every configured router (and VIP), so increase() sees the first step. */
  private startCounters(config: Config): void {
    for (const r of config.routers) {
      for (const vip of config.vips) this.changes.inc({ router: r.name, vip }, 0);
      this.malformed.inc({ router: r.name }, 0);
    }
  }

  /** A reloaded config: gauges follow it from the next collection; new routers' counters start at 0. */
  setConfig(config: Config): void {
    this.startCounters(config);
  }

  /** Sets every gauge from the collection. Idempotent for the same collection. */
  render(c: Collection): void {
    if (c === this.lastRendered) return;
    this.lastRendered = c;
    for (const g of [this.owner, this.present, this.count, this.ratio, this.trusted, this.moves, this.holdsVip, this.nodeUp, this.holders, this.success, this.duration]) {
      g.reset();
    }
    const a = c.analysis;
    const distrusted = new Set(distrustedRouters(a).map((d) => d.router));
    for (const r of a.routers) {
      if (!r.ok) continue;
      for (const v of r.vips) {
        if (!v.readable) continue; // unknown: no series rather than a false 0
        this.present.set({ router: r.router, vip: v.vip }, v.present ? 1 : 0);
        if (!v.present || !v.mac) continue;
        this.owner.set({ router: r.router, vip: v.vip, mac: v.mac, node: v.node ?? "" }, 1);
        this.holdsVip.set({ router: r.router, vip: v.vip }, v.ownerHoldsVip ? 1 : 0);
        const key = `${r.router}\u0000${v.vip}`;
        const prev = this.lastMac.get(key);
        if (prev !== undefined && prev !== v.mac) this.changes.inc({ router: r.router, vip: v.vip });
        this.lastMac.set(key, v.mac);
      }
      for (const [node, n] of Object.entries(r.counts)) this.count.set({ router: r.router, node }, n);
      this.ratio.set({ router: r.router }, r.imbalanceRatio);
      this.trusted.set({ router: r.router }, distrusted.has(r.router) ? 0 : 1);
      this.moves.set({ router: r.router }, r.moves);
    }
    for (const n of a.nodes) this.nodeUp.set({ node: n.name }, n.up ? 1 : 0);
    this.renderHeld(a.nodes);
    for (const [vip, nodes] of Object.entries(a.holders)) this.holders.set({ vip }, nodes.length);
    this.renderDns(c);
    for (const s of c.sources) {
      if (s.malformedRows !== undefined) {
        // Cumulative per source; a source replaced by a reload starts again from 0.
        const last = this.lastMalformed.get(s.target) ?? 0;
        const delta = s.malformedRows >= last ? s.malformedRows - last : s.malformedRows;
        if (delta > 0) this.malformed.inc({ router: s.target }, delta);
        this.lastMalformed.set(s.target, s.malformedRows);
      }
      this.success.set({ collector: s.collector, target: s.target }, s.success ? 1 : 0);
      this.duration.set({ collector: s.collector, target: s.target }, s.durationSeconds);
    }
    this.lastCollection.set(c.at.getTime() / 1000);
  }

  private renderDns(c: Collection): void {
    for (const g of [this.dnsPublished, this.dnsLookupSuccess, this.dnsUnservedRatio]) g.reset();
    for (const d of c.analysis.dns) {
      this.dnsLookupSuccess.set({ name: d.name }, d.ok ? 1 : 0);
      if (!d.ok) continue;
      for (const r of d.records) this.dnsPublished.set({ name: d.name, vip: r.address }, 1);
      for (const vip of d.missing) this.dnsPublished.set({ name: d.name, vip }, 0);
      this.dnsUnservedRatio.set({ name: d.name }, d.unservedRatio);
    }
  }

  /**
   * infra_node_vip_held has only 1s: a 0 row per VIP a node does not hold would make it N x V
   * series whatever is held (docs/metrics.md, "Series count"). It is the one family that can
   * reach N x V series, so it is updated per node by difference instead of reset and rebuilt:
   * setting 100k label sets in prom-client costs about 90 ms, comparing the lists next to nothing.
   */
  private renderHeld(nodes: Collection["analysis"]["nodes"]): void {
    const next = new Map<string, readonly string[]>();
    for (const n of nodes) {
      const before = this.heldRendered.get(n.name) ?? [];
      next.set(n.name, n.holds);
      if (before.length === n.holds.length && before.every((v, i) => v === n.holds[i])) continue;
      const now = new Set(n.holds);
      for (const vip of before) if (!now.has(vip)) this.held.remove({ node: n.name, vip });
      const was = new Set(before);
      for (const vip of n.holds) if (!was.has(vip)) this.held.set({ node: n.name, vip }, 1);
    }
    for (const [node, vips] of this.heldRendered) if (!next.has(node)) for (const vip of vips) this.held.remove({ node, vip });
    this.heldRendered = next;
  }
}
