// Random observations for property tests, with down nodes, unknown MACs, missing, static and
// unreadable entries, unreadable routers: small ones (<= 6 VIPs, <= 4 nodes, <= 2 routers) for
// brute force, and any size from observationArbOf.
import fc from "fast-check";
import type { ArpEntry, Observation, ObservedNode, ObservedRouter, UnreadableEntry } from "../../src/model/types.js";

export const UNKNOWN_MAC = "02:00:00:00:00:99";
export const nodeMac = (i: number) => `02:00:00:00:00:${(i + 1).toString(16).padStart(2, "0")}`;
// Not in numeric order when sorted as strings, so IP ordering is exercised.
const VIP_POOL = ["10.0.0.9", "10.0.0.10", "10.0.0.100", "10.0.0.2", "10.0.1.1", "10.0.0.20"];

const chance = (pct: number) => fc.integer({ min: 0, max: 99 }).map((x) => x < pct);

export const observationArb: fc.Arbitrary<Observation> = observationArbOf({ vipPool: VIP_POOL, maxNodes: 4, maxRouters: 2 });

export interface ObservationShape {
  /** VIPs drawn from the start of this list (1 to all of it). */
  vipPool: readonly string[];
  maxNodes: number;
  maxRouters: number;
  /** Chance (percent) that an up node holds every VIP (the keepalived default); else a random subset. */
  holdsAllPct?: number;
  /** Chance (percent) that a router cannot read an entry (default 5): any such VIP makes it distrusted. */
  unreadablePct?: number;
}

/** Random observations of the given size, with every kind of trouble the small ones have. */
export function observationArbOf(shape: ObservationShape): fc.Arbitrary<Observation> {
  return fc
    .record({
      nVips: fc.integer({ min: 1, max: shape.vipPool.length }),
      nNodes: fc.integer({ min: 1, max: shape.maxNodes }),
      nRouters: fc.integer({ min: 1, max: shape.maxRouters }),
    })
    .chain(({ nVips, nNodes, nRouters }) => {
      const vips = shape.vipPool.slice(0, nVips);
      const all = shape.holdsAllPct ?? 0;
      const holdsArb = all > 0 ? fc.oneof({ weight: all, arbitrary: fc.constant(vips) }, { weight: 100 - all, arbitrary: fc.subarray(vips) }) : fc.subarray(vips);
      const nodeArb = (i: number): fc.Arbitrary<ObservedNode> =>
        fc.record({ up: chance(80), knownMac: chance(92), holds: holdsArb }).map(({ up, knownMac, holds }) => ({
          name: `n${i + 1}`,
          up,
          mac: knownMac ? nodeMac(i) : null,
          holds: up ? holds : [],
        }));
      // per VIP: 0 absent, 1..nNodes that node's MAC, nNodes+1 a MAC of no node
      const entryArb = fc.record({ to: fc.integer({ min: 0, max: nNodes + 1 }), static: chance(12), unreadable: chance(shape.unreadablePct ?? 5) });
      const routerArb = (i: number): fc.Arbitrary<ObservedRouter> =>
        fc.record({ ok: chance(85), entries: fc.array(entryArb, { minLength: nVips, maxLength: nVips }) }).map(({ ok, entries }) => {
          const name = `r${i + 1}`;
          if (!ok) return { name, reading: null, error: "timeout" };
          const list: ArpEntry[] = [];
          const unreadable: UnreadableEntry[] = [];
          entries.forEach((e, k) => {
            if (e.unreadable) return void unreadable.push({ vip: vips[k]!, reason: "physAddress is 5 bytes, expected 6" });
            if (e.to === 0) return;
            list.push({ vip: vips[k]!, mac: e.to > nNodes ? UNKNOWN_MAC : nodeMac(e.to - 1), static: e.static });
          });
          return { name, reading: { router: name, entries: list, ...(unreadable.length ? { unreadable } : {}) } };
        });
      return fc.record({
        vips: fc.constant(vips),
        nodes: fc.tuple(...Array.from({ length: nNodes }, (_, i) => nodeArb(i))),
        routers: fc.tuple(...Array.from({ length: nRouters }, (_, i) => routerArb(i))),
      });
    });
}

/** A permutation of 0..n-1. */
export const permutationArb = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
    keys.map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i),
  );

/** An observation together with a reordering of its lists. */
export const shuffledArb = observationArb.chain((obs) =>
  fc.record({
    obs: fc.constant(obs),
    order: fc.record({
      vips: permutationArb(obs.vips.length),
      nodes: permutationArb(obs.nodes.length),
      routers: permutationArb(obs.routers.length),
      entries: fc.nat({ max: 6 }),
    }),
  }),
);
