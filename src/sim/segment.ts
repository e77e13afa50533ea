// The simulated L2 segment: nodes with MACs and held VIPs, routers with ARP and IPv6
// neighbour tables, and GARP and unsolicited NA semantics as Linux implements them. Pure
// in-memory state; the SNMP agent and the SSH servers in src/sim/ are views onto it.
import type { Mac } from "../model/types.js";
import type { SnmpFault } from "./snmp-faults.js";

export type GarpForm = "reply" | "request";
export type IgnoreMode = "none" | "reply" | "request" | "both";

export interface SimNode {
  name: string;
  /** Address the node is known by in configs (a name only: the simulator listens on 127.0.0.1). */
  address: string;
  interface: string;
  mac: Mac;
  holds: Set<string>;
  up: boolean;
  /** arping installed (a node without it gives `command not found`). */
  hasArping: boolean;
  /** ms between arping's packets (iputils: 1000); 0: every packet at once and arping returns at once. */
  arpingIntervalMs?: number;
  /** ndptool installed (libndp-tools); absent means installed. */
  hasNdptool?: boolean;
}

export interface SimArpEntry {
  mac: Mac;
  static: boolean;
}

export interface SimRouter {
  name: string;
  arpAccept: boolean;
  /** Linux net.ipv6.conf.IF.accept_untracked_na (with forwarding on): an unsolicited NA creates a missing entry. */
  acceptUntrackedNa?: boolean;
  ignores: IgnoreMode;
  /** ARP and IPv6 neighbour table keyed by IP (IPv6 in normalizeIp form). */
  entries: Map<string, SimArpEntry>;
  /** SNMP community (v2c). */
  community: string;
  /** The router interface facing the VIPs. */
  ifIndex: number;
  ifName: string;
  address: string;
  prefixLength: number;
  /** The interface's IPv6 address and prefix length, when the segment has IPv6 VIPs. */
  address6?: string;
  prefixLength6?: number;
  /** Simulates a router that does not answer (SNMP agent drops requests). */
  up: boolean;
  /** How its SNMP agent misbehaves (src/sim/snmp-faults.ts); default none. */
  fault?: SnmpFault;
  /** Delay of the "slow" fault, ms. */
  slowMs?: number;
}

export interface GarpResult {
  router: string;
  /** What happened to the router's entry. */
  effect: "updated" | "created" | "unchanged" | "ignored" | "static" | "no-entry";
}

export class SimSegment {
  readonly nodes = new Map<string, SimNode>();
  readonly routers = new Map<string, SimRouter>();
  /** Every GARP seen, with when (Date.now()), for tests. */
  readonly garpLog: { node: string; vip: string; form: GarpForm; mac: Mac; at: number }[] = [];
  /** Every unsolicited neighbour advertisement seen, with when (Date.now()), for tests. */
  readonly naLog: { node: string; vip: string; mac: Mac; at: number }[] = [];

  constructor(readonly vips: string[]) {}

  addNode(n: SimNode): void {
    this.nodes.set(n.name, n);
  }

  addRouter(r: SimRouter): void {
    this.routers.set(r.name, r);
  }

  node(name: string): SimNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`simulated segment has no node "${name}"`);
    return n;
  }

  router(name: string): SimRouter {
    const r = this.routers.get(name);
    if (!r) throw new Error(`simulated segment has no router "${name}"`);
    return r;
  }

  setNodeUp(name: string, up: boolean): void {
    this.node(name).up = up;
  }

  /**
   * A gratuitous ARP for `vip` sent by node `from` with its MAC, as every router on the
   * segment sees it. Linux semantics: a gratuitous request or reply updates an existing
   * entry; it creates a missing one only when the router has arp_accept on; static entries
   * never move.
   */
  garp(from: string, vip: string, form: GarpForm): GarpResult[] {
    const node = this.node(from);
    this.garpLog.push({ node: from, vip, form, mac: node.mac, at: Date.now() });
    const results: GarpResult[] = [];
    for (const r of this.routers.values()) {
      results.push({ router: r.name, effect: applyGarp(r, vip, node.mac, form) });
    }
    return results;
  }

  /**
   * An unsolicited neighbour advertisement for `vip` with the override flag and node `from`'s
   * MAC as target link-layer address (`ndptool send -t na -U`), as every router sees it. Linux
   * semantics: it updates an existing entry (override); it creates a missing one only when the
   * router accepts untracked NAs (accept_untracked_na on a forwarding interface); static
   * entries never move.
   */
  unsolicitedNa(from: string, vip: string): GarpResult[] {
    const node = this.node(from);
    this.naLog.push({ node: from, vip, mac: node.mac, at: Date.now() });
    return [...this.routers.values()].map((r) => ({ router: r.name, effect: applyEntryUpdate(r, vip, node.mac, r.acceptUntrackedNa ?? false) }));
  }

  /** A router's current MAC for a VIP (undefined when absent). */
  routerMac(router: string, vip: string): Mac | undefined {
    return this.router(router).entries.get(vip)?.mac;
  }
}

function applyGarp(r: SimRouter, vip: string, mac: Mac, form: GarpForm): GarpResult["effect"] {
  if (r.ignores === "both" || r.ignores === form) return "ignored";
  return applyEntryUpdate(r, vip, mac, r.arpAccept);
}

/** An announcement of vip at mac: moves an existing dynamic entry; creates a missing one only when `creates`. */
function applyEntryUpdate(r: SimRouter, vip: string, mac: Mac, creates: boolean): GarpResult["effect"] {
  const e = r.entries.get(vip);
  if (!e) {
    if (!creates) return "no-entry";
    r.entries.set(vip, { mac, static: false });
    return "created";
  }
  if (e.static) return "static";
  if (e.mac === mac) return "unchanged";
  e.mac = mac;
  return "updated";
}
