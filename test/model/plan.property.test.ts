// The planner against brute force over every feasible assignment on small random segments.
// The reference below reads the observation directly (not the analysis) so it shares no code
// with the planner beyond the contract's imbalance().
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/model/analyze.js";
import { imbalance } from "../../src/model/imbalance.js";
import { compareIp } from "../../src/model/net.js";
import { plan } from "../../src/model/plan.js";
import type { ArpEntry, Observation, Plan, PlanOptions } from "../../src/model/types.js";
import { observationArb, shuffledArb } from "./arbitraries.js";
import { reorder } from "./fixtures.js";
import { reach } from "../helpers/reach.js";

const optionsArb = (obs: Observation): fc.Arbitrary<PlanOptions> =>
  fc
    .record({
      // per VIP: no preference, or n1..n4, or n5 (no such node)
      pref: fc.array(fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }), { minLength: obs.vips.length, maxLength: obs.vips.length }),
      reassert: fc.boolean(),
    })
    .map(({ pref, reassert }) => {
      const preferred: Record<string, string> = {};
      pref.forEach((p, i) => p !== null && (preferred[obs.vips[i]!] = `n${p}`));
      return { preferred, reassert };
    });

const withOptions = observationArb.chain((obs) => fc.record({ obs: fc.constant(obs), options: optionsArb(obs) }));

/** What the contract and the brief say, computed the slow obvious way. */
function reference(obs: Observation, options: PlanOptions) {
  const up = obs.nodes.filter((n) => n.up).map((n) => n.name);
  const macOf = new Map(obs.nodes.filter((n) => n.up && n.mac).map((n) => [n.name, n.mac!]));
  const nodeOfMac = (mac: string) => obs.nodes.find((n) => n.mac === mac)?.name ?? null;
  // The guard, the obvious way: a router read in full that reports at least one VIP when an up
  // node holds one, on a segment where every known MAC is one node's.
  const held = obs.vips.some((v) => obs.nodes.some((n) => n.up && n.holds.includes(v)));
  const macs = obs.nodes.flatMap((n) => (n.mac ? [n.mac] : []));
  const joinable = new Set(macs).size === macs.length;
  const trusted = obs.routers.filter((r) => {
    if (!r.reading || !joinable) return false;
    if ((r.reading.unreadable ?? []).some((u) => obs.vips.includes(u.vip))) return false;
    return !(held && !r.reading.entries.some((e) => obs.vips.includes(e.vip)));
  });
  const readings = trusted.map((r) => {
    const m = new Map<string, ArpEntry>();
    for (const e of r.reading!.entries) if (!m.has(e.vip)) m.set(e.vip, e);
    return { name: r.name, entries: m };
  });
  const vips = obs.vips.map((vip) => {
    const candidates = obs.nodes.filter((n) => n.up && n.mac && n.holds.includes(vip)).map((n) => n.name);
    const entries = readings.flatMap((r) => (r.entries.has(vip) ? [r.entries.get(vip)!] : []));
    const staticNodes = entries.filter((e) => e.static).map((e) => nodeOfMac(e.mac));
    const pinned = candidates.filter((c) => staticNodes.includes(c));
    // every readable router has a static entry that points at no candidate: nothing to place
    const locked = readings.length > 0 && entries.length === readings.length && entries.every((e) => e.static) && pinned.length === 0;
    const pref = options.preferred?.[vip];
    const allowed = locked ? [] : pinned.length ? pinned : pref && candidates.includes(pref) ? [pref] : candidates;
    const owners = new Set(entries.map((e) => nodeOfMac(e.mac)));
    const owner = owners.size === 1 ? [...owners][0]! : null;
    return { vip, candidates, allowed, owner, seen: entries.length > 0 };
  });
  const placeable = vips.filter((v) => v.allowed.length > 0);
  // VIPs nobody can place stay where the routers agree to send them.
  const stuck = vips.filter((v) => v.allowed.length === 0);

  // Every feasible assignment of the placeable VIPs.
  const all: Map<string, string>[] = [];
  const walk = (i: number, acc: Map<string, string>) => {
    if (i === placeable.length) return void all.push(new Map(acc));
    for (const n of placeable[i]!.allowed) {
      acc.set(placeable[i]!.vip, n);
      walk(i + 1, acc);
    }
  };
  walk(0, new Map());

  /** Where each VIP is expected to land after t: its target, else where it is stuck (null: nowhere/unknown). */
  const model = (t: Map<string, string>) =>
    new Map(vips.map((v) => [v.vip, { present: t.has(v.vip) || v.seen, node: t.get(v.vip) ?? v.owner }]));
  const loads = (t: Map<string, string>) => {
    const m = [...model(t).values()];
    return up.map((n) => m.filter((x) => x.node === n).length);
  };
  const score = (t: Map<string, string>) => {
    const l = loads(t);
    const resolved = [...model(t).values()].filter((x) => x.present).length;
    return {
      sumsq: l.reduce((s, x) => s + x * x, 0),
      max: Math.max(0, ...l),
      sorted: [...l].sort((a, b) => b - a),
      ratio: imbalance(l, resolved).ratio,
      moves: placeable.filter((v) => t.get(v.vip) !== v.owner).length,
    };
  };
  /**
   * The contract ratio each router shows once it follows t (GARPs move non-static entries and
   * create missing ones), and whether that router's view is the model's (then the plan must be
   * optimal for it; a router whose static entries or unmatched entries differ has its own optimum).
   */
  const applied = (t: Map<string, string>) =>
    readings.map((r) => {
      const counts = new Map(up.map((n) => [n, 0]));
      const expect = model(t);
      let resolved = 0;
      let exact = true;
      for (const vip of obs.vips) {
        const e = r.entries.get(vip);
        const target = t.get(vip);
        const follows = target !== undefined && !(e && e.static && nodeOfMac(e.mac) !== target);
        const node = follows ? target! : e ? nodeOfMac(e.mac) : undefined;
        const want = expect.get(vip)!;
        const upOrNull = (n: string | null | undefined) => (n && counts.has(n) ? n : null);
        if ((node !== undefined) !== want.present || upOrNull(node) !== upOrNull(want.node)) exact = false;
        if (node === undefined) continue;
        resolved++;
        if (node !== null && counts.has(node)) counts.set(node, counts.get(node)! + 1);
      }
      return { router: r.name, exact, ratio: imbalance([...counts.values()], resolved).ratio };
    });
  return { up, macOf, vips, placeable, stuck, all, score, applied, readings, nodeOfMac };
}

function targetsOf(p: Plan): Map<string, string> {
  return new Map(Object.entries(p.targets).filter((e): e is [string, string] => e[1] !== null));
}

describe("plan: properties against brute force", () => {
  it("targets only allowed holders and reaches the most even loads, the smallest max and ratio, then the fewest moves", () => {
    fc.assert(
      fc.property(withOptions, ({ obs, options }) => {
        const ref = reference(obs, options);
        const p = plan(analyze(obs), options);
        for (const v of ref.vips) {
          if (v.allowed.length === 0) expect(p.targets[v.vip]).toBeNull();
          else expect(v.allowed).toContain(p.targets[v.vip]);
        }
        const t = targetsOf(p);
        const got = ref.score(t);
        const scores = ref.all.map(ref.score);
        const best = Math.min(...scores.map((s) => s.sumsq));
        const optimal = scores.filter((s) => s.sumsq === best);
        // Theory check: every square-sum minimiser has the same sorted loads (least majorised).
        for (const s of optimal) expect(s.sorted).toEqual(optimal[0]!.sorted);
        expect(got.sumsq).toBe(best);
        expect(got.sorted).toEqual(optimal[0]!.sorted);
        expect(got.max).toBe(Math.min(...scores.map((s) => s.max)));
        expect(got.ratio).toBe(Math.min(...scores.map((s) => s.ratio)));
        expect(got.moves).toBe(Math.min(...optimal.map((s) => s.moves)));
        // expectedCounts: every up node, VIPs targeted at it
        expect(p.expectedCounts).toEqual(Object.fromEntries(ref.up.map((n) => [n, [...t.values()].filter((x) => x === n).length])));
      }),
      { numRuns: 200 },
    );
  });

  it("applying the plan gives each router the lowest contract ratio any feasible assignment gives it", () => {
    const seen = reach("router compared");
    fc.assert(
      fc.property(withOptions, ({ obs, options }) => {
        const ref = reference(obs, options);
        const mine = ref.applied(targetsOf(plan(analyze(obs), options)));
        const others = ref.all.map(ref.applied);
        // With one readable router the model is that router's view.
        if (mine.length === 1) expect(mine[0]!.exact).toBe(true);
        mine.forEach((r, i) => {
          if (!r.exact) return;
          seen.hit("router compared");
          expect(r.ratio).toBe(Math.min(...others.map((o) => o[i]!.ratio)));
        });
      }),
      { numRuns: 200 },
    );
    seen.reached(50);
  });

  it("acts exactly where a readable router's movable entry is missing or wrong, only from up holders", () => {
    const seen = reach("action checked");
    fc.assert(
      fc.property(withOptions, ({ obs, options }) => {
        const ref = reference(obs, options);
        const p = plan(analyze(obs), options);
        const want = ref.vips
          .filter((v) => p.targets[v.vip] !== null)
          .flatMap((v) => {
            const mac = ref.macOf.get(p.targets[v.vip]!)!;
            const off = ref.readings.some((r) => {
              const e = r.entries.get(v.vip);
              return !e || (!e.static && e.mac !== mac);
            });
            return off ? [`${v.vip} move`] : options.reassert ? [`${v.vip} reassert`] : [];
          })
          .sort((a, b) => compareIp(a.split(" ")[0]!, b.split(" ")[0]!));
        // Nothing is sent on a segment where no router's view can be trusted.
        expect(p.actions.map((a) => `${a.vip} ${a.reason}`)).toEqual(ref.readings.length === 0 ? [] : want);
        for (const a of p.actions) {
          seen.hit("action checked");
          const n = obs.nodes.find((x) => x.name === a.toNode)!;
          expect(n.up).toBe(true);
          expect(n.holds).toContain(a.vip);
          expect(a.toMac).toBe(n.mac);
        }
      }),
      { numRuns: 200 },
    );
    seen.reached(50);
  });

  it("restricting to some VIPs keeps the targets and filters the actions", () => {
    fc.assert(
      fc.property(
        withOptions.chain(({ obs, options }) => fc.record({ obs: fc.constant(obs), options: fc.constant(options), some: fc.subarray(obs.vips) })),
        ({ obs, options, some }) => {
          const a = analyze(obs);
          const full = plan(a, options);
          const part = plan(a, { ...options, vips: some });
          expect(part.targets).toEqual(full.targets);
          expect(part.actions).toEqual(full.actions.filter((x) => some.includes(x.vip)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("is the same plan whatever the order of VIPs, nodes, routers and entries", () => {
    fc.assert(
      fc.property(
        shuffledArb.chain((s) => fc.record({ s: fc.constant(s), options: optionsArb(s.obs) })),
        ({ s: { obs, order }, options }) => {
          const p = plan(analyze(obs), options);
          const q = plan(analyze(reorder(obs, order)), options);
          expect(q.targets).toEqual(p.targets);
          expect(q.expectedCounts).toEqual(p.expectedCounts);
          expect(q.blocked).toEqual(p.blocked);
          // fromNode/fromMac name the first disagreeing router in config order, so they may follow
          // the router order; everything else must not.
          const strip = (x: Plan) => x.actions.map(({ fromNode: _n, fromMac: _m, ...rest }) => rest);
          expect(strip(q)).toEqual(strip(p));
          if (order.routers.every((r, i) => r === i)) expect(q.actions).toEqual(p.actions);
        },
      ),
      { numRuns: 200 },
    );
  });
});
