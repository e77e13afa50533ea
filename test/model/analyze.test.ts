import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/model/analyze.js";
import type { Analysis, Observation } from "../../src/model/types.js";
import { observationArb, shuffledArb } from "./arbitraries.js";
import { MAC1, MAC2, MAC3, N1, N2, N3, V1, V2, V3, VIPS, designExample, node, reorder, router } from "./fixtures.js";

const OTHER = "02:00:00:00:00:99";
const balancedRouter = (name = "core-s1") => router(name, { [V1]: MAC1, [V2]: MAC2, [V3]: MAC3 });
const allHold = () => [node(N1, MAC1, VIPS), node(N2, MAC2, VIPS), node(N3, MAC3, VIPS)];

/** Compact "kind:router:vip:node" keys, in the order analyze() emits them. */
const keys = (a: Analysis) => a.anomalies.map((x) => [x.kind, x.router ?? "", x.vip ?? "", x.node ?? ""].join(":"));

describe("analyze: the DESIGN.md example", () => {
  const a = analyze(designExample());
  const r = a.routers[0]!;

  it("maps every VIP to the node owning the router's MAC", () => {
    expect(r.vips.map((v) => [v.vip, v.mac, v.node, v.present, v.ownerHoldsVip])).toEqual([
      [V1, MAC1, N1, true, true],
      [V2, MAC3, N3, true, true],
      [V3, MAC3, N3, true, true],
    ]);
  });

  it("counts 1/0/2 and ratio 1/3", () => {
    expect(r.counts).toEqual({ [N1]: 1, [N2]: 0, [N3]: 2 });
    expect(r.resolved).toBe(3);
    expect(r.moves).toBe(1);
    expect(r.imbalanceRatio).toBe(1 / 3);
  });

  it("flags the idle node and the imbalance, and is not healthy", () => {
    expect(keys(a)).toEqual([`node-owns-no-vips:core-s1::${N2}`, "imbalanced:core-s1::"]);
    expect(a.healthy).toBe(false);
    expect(a.holders).toEqual({ [V1]: [N1, N2, N3], [V2]: [N1, N2, N3], [V3]: [N1, N2, N3] });
  });

  it("every anomaly message is one actionable sentence naming its subject", () => {
    for (const x of a.anomalies) {
      expect(x.message).toMatch(/^[A-Z].*[.]$/);
      expect(x.message).toContain(x.router ?? x.vip ?? x.node ?? "");
    }
  });
});

interface Case {
  name: string;
  obs: Observation;
  /** Per router: counts, resolved, moves (ratio = moves/resolved). */
  routers: { counts: Record<string, number>; resolved: number; moves: number; ok?: boolean }[];
  anomalies: string[];
  healthy: boolean;
  /** Per router, per VIP in config order: node the router sends it to (or null) and ownerHoldsVip. */
  views?: [string | null, boolean][][];
  holders?: Record<string, string[]>;
}

const cases: Case[] = [
  {
    name: "balanced and healthy",
    obs: { vips: VIPS, nodes: allHold(), routers: [balancedRouter()] },
    routers: [{ counts: { [N1]: 1, [N2]: 1, [N3]: 1 }, resolved: 3, moves: 0 }],
    anomalies: [],
    healthy: true,
  },
  {
    name: "unknown MAC",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: MAC2, [V3]: OTHER })] },
    routers: [{ counts: { [N1]: 1, [N2]: 1, [N3]: 0 }, resolved: 3, moves: 1 }],
    anomalies: [`unknown-mac:r:${V3}:`, `node-owns-no-vips:r::${N3}`, "imbalanced:r::"],
    healthy: false,
    views: [[[N1, true], [N2, true], [null, false]]],
  },
  {
    name: "missing entry",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: MAC2 })] },
    routers: [{ counts: { [N1]: 1, [N2]: 1, [N3]: 0 }, resolved: 2, moves: 0 }],
    anomalies: [`missing-entry:r:${V3}:`],
    healthy: false,
    views: [[[N1, true], [N2, true], [null, false]]],
  },
  {
    name: "VIP sent to a node that does not hold it",
    obs: {
      vips: VIPS,
      nodes: [node(N1, MAC1, [V1]), node(N2, MAC2, [V2]), node(N3, MAC3, [V3])],
      routers: [router("r", { [V1]: MAC1, [V2]: MAC2, [V3]: MAC2 })],
    },
    routers: [{ counts: { [N1]: 1, [N2]: 2, [N3]: 0 }, resolved: 3, moves: 1 }],
    anomalies: [`blackholed:r:${V3}:${N2}`, `node-owns-no-vips:r::${N3}`, "imbalanced:r::"],
    healthy: false,
    views: [[[N1, true], [N2, true], [N2, false]]],
    holders: { [V1]: [N1], [V2]: [N2], [V3]: [N3] },
  },
  {
    name: "a node that is down (VIPs sent to it count for it and must move)",
    obs: {
      vips: VIPS,
      nodes: [node(N1, MAC1, VIPS), node(N2, MAC2, VIPS), node(N3, MAC3, VIPS, false)],
      routers: [designExample().routers[0]!],
    },
    routers: [{ counts: { [N1]: 1, [N2]: 0, [N3]: 2 }, resolved: 3, moves: 2 }],
    anomalies: [
      `node-down:::${N3}`,
      `blackholed:core-s1:${V2}:${N3}`,
      `blackholed:core-s1:${V3}:${N3}`,
      `node-owns-no-vips:core-s1::${N2}`,
      "imbalanced:core-s1::",
    ],
    healthy: false,
    views: [[[N1, true], [N3, false], [N3, false]]],
    holders: { [V1]: [N1, N2], [V2]: [N1, N2], [V3]: [N1, N2] },
  },
  {
    name: "two routers that disagree",
    obs: { vips: VIPS, nodes: allHold(), routers: [designExample().routers[0]!, balancedRouter("core-s2")] },
    routers: [
      { counts: { [N1]: 1, [N2]: 0, [N3]: 2 }, resolved: 3, moves: 1 },
      { counts: { [N1]: 1, [N2]: 1, [N3]: 1 }, resolved: 3, moves: 0 },
    ],
    anomalies: [`node-owns-no-vips:core-s1::${N2}`, "imbalanced:core-s1::", `routers-disagree::${V2}:`],
    healthy: false,
  },
  {
    name: "a VIP nobody holds",
    obs: {
      vips: VIPS,
      nodes: [node(N1, MAC1, [V1, V2]), node(N2, MAC2, [V1, V2]), node(N3, MAC3, [V1, V2])],
      routers: [balancedRouter("r")],
    },
    routers: [{ counts: { [N1]: 1, [N2]: 1, [N3]: 1 }, resolved: 3, moves: 0 }],
    anomalies: [`vip-not-held::${V3}:`, `blackholed:r:${V3}:${N3}`],
    healthy: false,
    holders: { [V1]: [N1, N2, N3], [V2]: [N1, N2, N3], [V3]: [] },
  },
  {
    name: "all VIPs on one node",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: MAC1, [V3]: MAC1 })] },
    routers: [{ counts: { [N1]: 3, [N2]: 0, [N3]: 0 }, resolved: 3, moves: 2 }],
    anomalies: [`node-owns-no-vips:r::${N2}`, `node-owns-no-vips:r::${N3}`, "imbalanced:r::"],
    healthy: false,
  },
  {
    name: "router unreachable",
    obs: { vips: VIPS, nodes: allHold(), routers: [balancedRouter("a"), router("b", null, "request timed out")] },
    routers: [
      { counts: { [N1]: 1, [N2]: 1, [N3]: 1 }, resolved: 3, moves: 0 },
      { counts: {}, resolved: 0, moves: 0, ok: false },
    ],
    anomalies: ["router-unreachable:b::"],
    healthy: false,
  },
  {
    name: "static entry on a holder is fine",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: `${MAC1}!`, [V2]: MAC2, [V3]: MAC3 })] },
    routers: [{ counts: { [N1]: 1, [N2]: 1, [N3]: 1 }, resolved: 3, moves: 0 }],
    anomalies: [],
    healthy: true,
  },
  {
    name: "static entry on a node that does not hold the VIP",
    obs: {
      vips: VIPS,
      nodes: [node(N1, MAC1, [V1, V2]), node(N2, MAC2, VIPS), node(N3, MAC3, VIPS)],
      routers: [router("r", { [V1]: MAC2, [V2]: MAC3, [V3]: `${MAC1}!` })],
    },
    routers: [{ counts: { [N1]: 1, [N2]: 1, [N3]: 1 }, resolved: 3, moves: 0 }],
    anomalies: [`blackholed:r:${V3}:${N1}`, `static-entry:r:${V3}:${N1}`],
    healthy: false,
  },
  {
    name: "fewer resolved VIPs than up nodes: an idle node is not flagged",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1 })] },
    routers: [{ counts: { [N1]: 1, [N2]: 0, [N3]: 0 }, resolved: 1, moves: 0 }],
    anomalies: [`missing-entry:r:${V2}:`, `missing-entry:r:${V3}:`],
    healthy: false,
  },
  {
    name: "an idle node that holds no VIP is not flagged as owning none",
    obs: {
      vips: [V1, V2],
      nodes: [node(N1, MAC1, [V1, V2]), node(N2, MAC2, [V1, V2]), node(N3, MAC3, [])],
      routers: [router("r", { [V1]: MAC1, [V2]: MAC2 })],
    },
    routers: [{ counts: { [N1]: 1, [N2]: 1, [N3]: 0 }, resolved: 2, moves: 0 }],
    anomalies: [],
    healthy: true,
  },
  {
    name: "MACs in other notations and cases are matched",
    obs: {
      vips: VIPS,
      nodes: [node(N1, "00:1A:4A:48:BE:4B", VIPS), node(N2, MAC2, VIPS), node(N3, MAC3, VIPS)],
      routers: [router("r", { [V1]: "001a.4a48.be4b", [V2]: "00-1A-4A-48-BE-EF", [V3]: MAC3 })],
    },
    routers: [{ counts: { [N1]: 1, [N2]: 1, [N3]: 1 }, resolved: 3, moves: 0 }],
    anomalies: [],
    healthy: true,
  },
  {
    name: "an entry for a VIP that is not configured is ignored",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: MAC2, [V3]: MAC3, "192.0.2.9": MAC1 })] },
    routers: [{ counts: { [N1]: 1, [N2]: 1, [N3]: 1 }, resolved: 3, moves: 0 }],
    anomalies: [],
    healthy: true,
  },
  {
    name: "no node up: nothing can be balanced",
    obs: {
      vips: [V1],
      nodes: [node(N1, MAC1, [], false), node(N2, MAC2, [], false)],
      routers: [router("r", { [V1]: MAC1 })],
    },
    routers: [{ counts: { [N1]: 1, [N2]: 0 }, resolved: 1, moves: 0 }],
    anomalies: [`node-down:::${N1}`, `node-down:::${N2}`, `vip-not-held::${V1}:`, `blackholed:r:${V1}:${N1}`],
    healthy: false,
  },
];

describe("analyze: cases", () => {
  it.each(cases)("$name", (c) => {
    const a = analyze(c.obs);
    expect(a.routers).toHaveLength(c.routers.length);
    c.routers.forEach((want, i) => {
      const r = a.routers[i]!;
      expect(r.ok).toBe(want.ok ?? true);
      expect(r.counts).toEqual(want.counts);
      expect(r.resolved).toBe(want.resolved);
      expect(r.moves).toBe(want.moves);
      expect(r.imbalanceRatio).toBe(want.resolved ? want.moves / want.resolved : 0);
      expect(r.vips).toHaveLength(r.ok ? c.obs.vips.length : 0);
    });
    expect(keys(a)).toEqual(c.anomalies);
    expect(a.healthy).toBe(c.healthy);
    c.views?.forEach((want, i) => {
      expect(a.routers[i]!.vips.map((v) => [v.node, v.ownerHoldsVip])).toEqual(want);
    });
    if (c.holders) expect(a.holders).toEqual(c.holders);
  });

  it("keeps the router's error on an unreachable router and in its anomaly", () => {
    const a = analyze({ vips: VIPS, nodes: allHold(), routers: [router("b", null, "request timed out")] });
    expect(a.routers[0]).toMatchObject({ ok: false, error: "request timed out", vips: [], counts: {} });
    expect(a.anomalies[0]!.message).toContain("request timed out");
  });

  it("marks static entries in the view", () => {
    const a = analyze({ vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: `${MAC1}!`, [V2]: MAC2 })] });
    expect(a.routers[0]!.vips.map((v) => v.static)).toEqual([true, false, false]);
  });
});

describe("analyze: properties", () => {
  const unknownMacVips = (a: Analysis, i: number) => a.routers[i]!.vips.filter((v) => v.present && v.node === null).length;

  it("counts cover every configured node and add up to the resolved VIPs", () => {
    fc.assert(
      fc.property(observationArb, (obs) => {
        const a = analyze(obs);
        a.routers.forEach((r, i) => {
          if (!r.ok) return;
          expect(Object.keys(r.counts).sort()).toEqual(obs.nodes.map((n) => n.name).sort());
          const sum = Object.values(r.counts).reduce((x, y) => x + y, 0);
          expect(sum + unknownMacVips(a, i)).toBe(r.resolved);
          expect(r.resolved).toBe(r.vips.filter((v) => v.present).length);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("ratio is in [0,1], below 1 while some VIP reaches an up holding node, and 0 exactly when the spread is even", () => {
    fc.assert(
      fc.property(observationArb, (obs) => {
        const a = analyze(obs);
        // The spread is over up nodes that hold some VIP: a node holding none cannot take traffic.
        const up = obs.nodes.filter((n) => n.up && n.holds.length > 0).map((n) => n.name);
        for (const r of a.routers) {
          if (!r.ok) continue;
          expect(r.imbalanceRatio).toBeGreaterThanOrEqual(0);
          expect(r.imbalanceRatio).toBeLessThanOrEqual(1);
          if (up.length === 0 || r.resolved === 0) {
            expect(r.imbalanceRatio).toBe(0);
            continue;
          }
          const onUp = up.reduce((s, n) => s + r.counts[n]!, 0);
          if (onUp > 0) expect(r.imbalanceRatio).toBeLessThan(1);
          const lo = Math.floor(r.resolved / up.length), hi = Math.ceil(r.resolved / up.length);
          const even = onUp === r.resolved && up.every((n) => r.counts[n]! >= lo && r.counts[n]! <= hi);
          expect(r.imbalanceRatio === 0).toBe(even);
          expect(r.moves).toBe(Math.round(r.imbalanceRatio * r.resolved));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("healthy exactly when nothing but routers-disagree is flagged, and holders are up holding nodes", () => {
    fc.assert(
      fc.property(observationArb, (obs) => {
        const a = analyze(obs);
        const serious = a.anomalies.filter((x) => x.kind !== "routers-disagree");
        expect(a.healthy).toBe(serious.length === 0);
        for (const vip of obs.vips) {
          const want = obs.nodes.filter((n) => n.up && n.holds.includes(vip)).map((n) => n.name);
          expect(a.holders[vip]).toEqual(want);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("does not depend on the order of the inputs beyond keeping config order", () => {
    fc.assert(
      fc.property(shuffledArb, ({ obs, order }) => {
        const a = analyze(obs);
        const b = analyze(reorder(obs, order));
        expect(analyze(obs)).toEqual(a);
        expect(b.healthy).toBe(a.healthy);
        for (const rb of b.routers) {
          const ra = a.routers.find((r) => r.router === rb.router)!;
          expect(rb.counts).toEqual(ra.counts);
          expect([rb.resolved, rb.moves, rb.imbalanceRatio]).toEqual([ra.resolved, ra.moves, ra.imbalanceRatio]);
          expect([...rb.vips].sort((x, y) => (x.vip < y.vip ? -1 : 1))).toEqual(
            [...ra.vips].sort((x, y) => (x.vip < y.vip ? -1 : 1)),
          );
        }
        const sortKeys = (x: Analysis) => keys(x).sort();
        expect(sortKeys(b)).toEqual(sortKeys(a));
      }),
      { numRuns: 200 },
    );
  });
});

describe("analyze: nodes that hold no VIP (keepalived BACKUP for every VIP)", () => {
  it("leaves them out of the spread, so a router cannot look unbalanced for want of them", () => {
    const obs: Observation = {
      vips: [V1, V2],
      nodes: [node(N1, MAC1, [V1]), node(N2, MAC2, [V2]), node(N3, MAC3, [])],
      routers: [router("core-s1", { [V1]: MAC1, [V2]: MAC2 })],
    };
    const r = analyze(obs).routers[0]!;
    expect(r.counts).toEqual({ [N1]: 1, [N2]: 1, [N3]: 0 });
    expect(r.imbalanceRatio).toBe(0);
    expect(analyze(obs).healthy).toBe(true);
  });

  it("counts a VIP sent to such a node as one that must move", () => {
    const obs: Observation = {
      vips: [V1, V2],
      nodes: [node(N1, MAC1, [V1, V2]), node(N2, MAC2, [V1, V2]), node(N3, MAC3, [])],
      routers: [router("core-s1", { [V1]: MAC1, [V2]: MAC3 })],
    };
    const r = analyze(obs).routers[0]!;
    expect(r.moves).toBe(1);
    expect(r.imbalanceRatio).toBe(0.5);
    expect(r.vips[1]!.ownerHoldsVip).toBe(false);
  });
});
