// The planner's solver (src/model/mincostflow.ts) against THE REFERENCE SOLVER, the general
// min-cost flow it replaced (./reference/, kept verbatim): exactly the same answer, ties
// included, so every plan is the one the reference gives. plan() runs once with each solver
// behind assign (the module is wrapped so a flag picks one); everything else in plan() is real.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { analyze } from "../../src/model/analyze.js";
import { assign, levelWeights, placementNetwork, type FreeVip, type NodeLoad } from "../../src/model/assign.js";
import { minCostPlacement } from "../../src/model/mincostflow.js";
import { plan } from "../../src/model/plan.js";
import type { Observation, PlanOptions } from "../../src/model/types.js";
import { skewedObservation } from "../../bench/planner.js";
import { syntheticObservation } from "../../bench/lib/synthetic.js";
import { reach } from "../helpers/reach.js";
import { observationArbOf } from "./arbitraries.js";
import { referenceAssign } from "./reference/assign.js";

const solver = vi.hoisted(() => ({ reference: false, last: null as null | { vips: FreeVip[]; nodes: NodeLoad[] } }));
vi.mock("../../src/model/assign.js", async (original) => {
  const real = await original<typeof import("../../src/model/assign.js")>();
  const { referenceAssign } = await import("./reference/assign.js");
  return {
    ...real,
    assign: (vips: FreeVip[], nodes: NodeLoad[]) => {
      if (solver.reference) return referenceAssign(vips, nodes);
      solver.last = { vips, nodes };
      return real.assign(vips, nodes);
    },
  };
});

/** Both plans of one analysis: with the reference solver, then with the planner's. */
function bothPlans(obs: Observation, options: PlanOptions = {}) {
  const a = analyze(obs);
  solver.reference = true;
  const want = plan(a, options);
  solver.reference = false;
  solver.last = null;
  const got = plan(a, options);
  return { want, got, input: solver.last as null | { vips: FreeVip[]; nodes: NodeLoad[] } };
}

/** Several optimal assignments: the reference itself answers differently with VIPs and nodes listed in reverse. */
function hasTies(vips: FreeVip[], nodes: NodeLoad[]): boolean {
  const a = referenceAssign(vips, nodes), b = referenceAssign([...vips].reverse(), [...nodes].reverse());
  return [...a].some(([vip, node]) => b.get(vip) !== node);
}

// 48 addresses, not in numeric order as listed.
const VIPS = Array.from({ length: 48 }, (_, k) => `10.${k % 3}.0.${100 - k}`);
const mediumArb = observationArbOf({ vipPool: VIPS, maxNodes: 12, maxRouters: 3, holdsAllPct: 30, unreadablePct: 1 });
const withOptions = mediumArb.chain((obs) =>
  fc.record({
    obs: fc.constant(obs),
    options: fc
      .record({
        // per VIP: no preference (mostly), or n1..n13 (n13: no such node)
        pref: fc.array(fc.option(fc.integer({ min: 1, max: 13 }), { nil: null, freq: 4 }), { minLength: obs.vips.length, maxLength: obs.vips.length }),
        reassert: fc.boolean(),
      })
      .map(({ pref, reassert }) => {
        const preferred: Record<string, string> = {};
        pref.forEach((p, i) => p !== null && (preferred[obs.vips[i]!] = `n${p}`));
        return { preferred, reassert };
      }),
  }),
);

describe("planner solver against the reference solver", () => {
  it("gives exactly the reference's plan on random medium segments", () => {
    const seen = reach(
      "assignment of 10+ free VIPs",
      "several optimal assignments",
      "down node",
      "static entry",
      "preferred node held",
      "unreadable entry",
      "distrusted router",
      "every router trusted",
      "move",
      "blocked",
    );
    fc.assert(
      fc.property(withOptions, ({ obs, options }) => {
        const { want, got, input } = bothPlans(obs, options);
        expect(got).toEqual(want);
        if (input && input.vips.length >= 10) {
          seen.hit("assignment of 10+ free VIPs");
          if (hasTies(input.vips, input.nodes)) seen.hit("several optimal assignments");
        }
        if (obs.nodes.some((n) => !n.up)) seen.hit("down node");
        if (obs.routers.some((r) => r.reading?.entries.some((e) => e.static))) seen.hit("static entry");
        const held = (vip: string, name: string) => obs.nodes.some((n) => n.name === name && n.up && n.holds.includes(vip));
        if (Object.entries(options.preferred).some(([vip, name]) => held(vip, name))) seen.hit("preferred node held");
        if (obs.routers.some((r) => (r.reading?.unreadable ?? []).length > 0)) seen.hit("unreadable entry");
        seen.hit(got.distrusted.length > 0 ? "distrusted router" : "every router trusted");
        if (got.actions.some((a) => a.reason === "move")) seen.hit("move");
        if (got.blocked.length > 0) seen.hit("blocked");
      }),
      { numRuns: 400 },
    );
    seen.reached(40);
  });

  it("gives exactly the reference's plan on the benchmark segments, scaled down", () => {
    const segments: Observation[] = [
      skewedObservation(200, 40),
      skewedObservation(150, 7),
      ...[1, 2, 3].map((seed) => syntheticObservation({ vips: 200, nodes: 30, seed })),
      ...[4, 5].map((seed) => syntheticObservation({ vips: 120, nodes: 25, seed, holdChance: 1 })),
      syntheticObservation({ vips: 300, nodes: 4, seed: 6 }),
    ];
    for (const obs of segments) {
      const { want, got, input } = bothPlans(obs);
      expect(got).toEqual(want);
      expect(input!.vips.length).toBeGreaterThan(100);
    }
  });
});

// Raw assign() inputs, wider than plan() makes: candidates that are no node or repeated, owners
// that are no candidate, and loads big enough to drop the preference level or refuse to plan.
const nodeNames = (n: number) => Array.from({ length: n }, (_, j) => `n${String(j).padStart(2, "0")}`);
const rawArb = fc
  .record({ vips: fc.integer({ min: 1, max: 40 }), nodes: fc.integer({ min: 1, max: 10 }), huge: fc.boolean() })
  .chain(({ vips, nodes, huge }) => {
    const names = nodeNames(nodes);
    const nameArb = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constant("gone") });
    // Every VIP listing the same nodes in the same order ties often; random lists less so.
    const candidatesArb = fc.oneof(fc.constant(names), fc.array(nameArb, { minLength: 0, maxLength: nodes + 2 }));
    // huge: 10^8 .. 10^13, around where the weights stop being exact
    const baseArb = !huge ? fc.nat({ max: 6 }) : fc.integer({ min: 8, max: 13 }).chain((p) => fc.integer({ min: 1, max: 9 }).map((m) => m * 10 ** p));
    const vipArb = (i: number): fc.Arbitrary<FreeVip> =>
      fc.record({ candidates: candidatesArb, owner: fc.option(nameArb, { nil: null }) }).map((v) => ({ vip: `v${i}`, ...v }));
    return fc.record({
      vips: fc.tuple(...Array.from({ length: vips }, (_, i) => vipArb(i))),
      nodes: fc.tuple(...names.map((name) => baseArb.map((base): NodeLoad => ({ name, base })))),
    });
  });

describe("assign() against the reference solver", () => {
  it("gives the same VIP -> node map, in the same order, or the same refusal, and both row layouts agree", () => {
    const seen = reach("preference dropped", "too large", "several optimal assignments", "candidate that is no node", "repeated candidate");
    fc.assert(
      fc.property(rawArb, ({ vips, nodes }) => {
        const f = vips.length, vertices = f + nodes.length + 2;
        const maxRank = Math.max(0, ...vips.map((v) => v.candidates.length - 1));
        const maxBase = Math.max(0, ...nodes.map((n) => n.base));
        if (!levelWeights(f, maxRank, maxBase, vertices).safe) {
          if (levelWeights(f, 0, maxBase, vertices).safe) seen.hit("preference dropped");
          else {
            seen.hit("too large");
            expect(() => referenceAssign(vips, nodes)).toThrow(RangeError);
            expect(() => assign(vips, nodes)).toThrow(new RangeError(`planner: ${f} VIPs over ${nodes.length} nodes is too large to plan`));
            return;
          }
        }
        expect([...assign(vips, nodes)]).toEqual([...referenceAssign(vips, nodes)]);
        const net = placementNetwork(vips, nodes);
        const auto = minCostPlacement(net, "auto");
        expect(minCostPlacement(net, "dense")).toEqual(auto);
        expect(minCostPlacement(net, "sparse")).toEqual(auto);
        if (hasTies(vips, nodes)) seen.hit("several optimal assignments");
        if (vips.some((v) => v.candidates.includes("gone"))) seen.hit("candidate that is no node");
        if (vips.some((v) => new Set(v.candidates).size < v.candidates.length)) seen.hit("repeated candidate");
      }),
      { numRuns: 600 },
    );
    seen.reached(40);
  });
});
