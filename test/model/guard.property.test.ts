// The guard on the planner's input: a view that could not be read in full, or that looks
// implausible, never changes what is sent. Each property counts the cases that reach its
// assertion and fails when the generator never produced one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/model/analyze.js";
import { distrustedRouters } from "../../src/model/guard.js";
import { plan } from "../../src/model/plan.js";
import type { Observation, ObservedRouter } from "../../src/model/types.js";
import { observationArb } from "./arbitraries.js";

const actionsOf = (obs: Observation) => plan(analyze(obs)).actions.map(({ fromNode: _n, fromMac: _m, ...rest }) => rest);
const readableRouters = (obs: Observation) => obs.routers.filter((r) => r.reading !== null);

/** An observation, one of its readable routers, and a non-empty set of that router's VIPs made unreadable. */
const withUnreadable = observationArb
  .filter((obs) => readableRouters(obs).length > 0)
  .chain((obs) =>
    fc.record({
      obs: fc.constant(obs),
      router: fc.integer({ min: 0, max: readableRouters(obs).length - 1 }),
      lost: fc.subarray(obs.vips, { minLength: 1 }),
    }),
  )
  .map(({ obs, router, lost }) => {
    const name = readableRouters(obs)[router]!.name;
    const hurt = obs.routers.map((r): ObservedRouter => {
      if (r.name !== name || !r.reading) return r;
      const entries = r.reading.entries.filter((e) => !lost.includes(e.vip));
      return { ...r, reading: { ...r.reading, entries, unreadable: lost.map((vip) => ({ vip, reason: "physAddress is 5 bytes, expected 6" })) } };
    });
    const without = obs.routers.filter((r) => r.name !== name);
    return { hurt: { ...obs, routers: hurt }, without: { ...obs, routers: without }, name };
  });

describe("the guard (model/guard.ts) on the planner's input", () => {
  it("entries that could not be read never change the actions: the router counts as absent", () => {
    let mappedToHolder = 0;
    fc.assert(
      fc.property(withUnreadable, ({ hurt, without, name }) => {
        const a = analyze(hurt);
        expect(distrustedRouters(a).map((d) => d.router)).toContain(name);
        expect(actionsOf(hurt)).toEqual(actionsOf(without));
        // The case the issue names: the router maps a VIP to a node that holds it.
        const r = a.routers.find((x) => x.router === name)!;
        if (r.vips.some((v) => v.present && v.ownerHoldsVip)) mappedToHolder++;
      }),
      { numRuns: 300 },
    );
    expect(mappedToHolder).toBeGreaterThan(0);
  });

  it("a VIP the only router maps to a holder is never moved when some of its entries could not be read", () => {
    let reached = 0;
    fc.assert(
      fc.property(
        withUnreadable.filter(({ hurt }) => hurt.routers.length === 1),
        ({ hurt }) => {
          const a = analyze(hurt);
          const onHolder = a.routers[0]!.vips.filter((v) => v.present && v.ownerHoldsVip).map((v) => v.vip);
          if (onHolder.length > 0) reached++;
          const p = plan(a, { reassert: true });
          expect(p.actions.filter((x) => onHolder.includes(x.vip))).toEqual([]);
          expect(p.actions).toEqual([]);
          expect(p.distrusted).toHaveLength(1);
        },
      ),
      { numRuns: 300 },
    );
    expect(reached).toBeGreaterThan(0);
  });

  it("a router that reports none of the VIPs while up nodes hold them is not acted on", () => {
    let reached = 0;
    fc.assert(
      fc.property(
        observationArb.filter((o) => o.vips.some((v) => o.nodes.some((n) => n.up && n.holds.includes(v)))),
        (obs) => {
          const blind: Observation = { ...obs, routers: obs.routers.map((r) => (r.reading ? { ...r, reading: { router: r.name, entries: [] } } : r)) };
          const a = analyze(blind);
          const readable = a.routers.filter((r) => r.ok);
          if (readable.length > 0) reached++;
          expect(distrustedRouters(a).map((d) => d.router)).toEqual(a.routers.map((r) => r.router));
          for (const r of readable) expect(a.anomalies.filter((x) => x.router === r.router).map((x) => x.kind)).toEqual(["view-implausible"]);
          expect(plan(a, { reassert: true }).actions).toEqual([]);
          expect(a.healthy).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
    expect(reached).toBeGreaterThan(0);
  });

  it("nodes that share a MAC make every view untrusted", () => {
    let reached = 0;
    fc.assert(
      fc.property(
        observationArb.filter((o) => o.nodes.length >= 2 && o.nodes[0]!.mac !== null && o.nodes[1]!.mac !== null),
        (obs) => {
          const nodes = obs.nodes.map((n, i) => (i === 1 ? { ...n, mac: obs.nodes[0]!.mac } : n));
          const a = analyze({ ...obs, nodes });
          reached++;
          expect(a.anomalies.some((x) => x.kind === "duplicate-mac")).toBe(true);
          expect(distrustedRouters(a)).toHaveLength(a.routers.length);
          expect(plan(a, { reassert: true }).actions).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
    expect(reached).toBeGreaterThan(0);
  });
});
