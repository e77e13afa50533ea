// Builders for observations used across the model tests.
import type { ArpEntry, Observation, ObservedNode, ObservedRouter } from "../../src/model/types.js";

export const MAC1 = "00:1a:4a:48:be:4b";
export const MAC2 = "00:1a:4a:48:be:ef";
export const MAC3 = "00:1a:4a:48:be:4c";
export const N1 = "ose-prod-node-01";
export const N2 = "ose-prod-node-02";
export const N3 = "ose-prod-node-03";
export const V1 = "192.0.2.101";
export const V2 = "192.0.2.102";
export const V3 = "192.0.2.103";
export const VIPS = [V1, V2, V3];

export function node(name: string, mac: string | null, holds: string[], up = true): ObservedNode {
  return { name, up, mac, holds: up ? holds : [] };
}

/** entries: vip -> mac; a trailing "!" marks a static entry. */
export function router(name: string, entries: Record<string, string> | null, error?: string): ObservedRouter {
  if (entries === null) return { name, reading: null, error: error ?? "timeout" };
  const list: ArpEntry[] = Object.entries(entries).map(([vip, m]) => ({
    vip,
    mac: m.replace(/!$/, ""),
    static: m.endsWith("!"),
  }));
  return { name, reading: { router: name, entries: list } };
}

/** The example of DESIGN.md: every node holds every VIP; .101 -> node 1, .102/.103 -> node 3. */
export function designExample(): Observation {
  return {
    vips: [...VIPS],
    nodes: [node(N1, MAC1, VIPS), node(N2, MAC2, VIPS), node(N3, MAC3, VIPS)],
    routers: [router("core-s1", { [V1]: MAC1, [V2]: MAC3, [V3]: MAC3 })],
  };
}

/** Same observation with every list reordered by perm functions (for order-independence). */
export function reorder(
  obs: Observation,
  order: { vips: number[]; nodes: number[]; routers: number[]; entries: number },
): Observation {
  const pick = <T>(xs: T[], idx: number[]): T[] => idx.map((i) => xs[i]!);
  const rotate = <T>(xs: T[], k: number): T[] => (xs.length ? [...xs.slice(k % xs.length), ...xs.slice(0, k % xs.length)] : xs);
  return {
    vips: pick(obs.vips, order.vips),
    nodes: pick(obs.nodes, order.nodes).map((n) => ({ ...n, holds: [...n.holds].reverse() })),
    routers: pick(obs.routers, order.routers).map((r) =>
      r.reading === null ? r : { ...r, reading: { ...r.reading, entries: rotate(r.reading.entries, order.entries) } },
    ),
  };
}
