import { describe, expect, it } from "vitest";
import { analyze } from "../../src/model/analyze.js";
import { plan, rendezvous } from "../../src/model/plan.js";
import type { Observation, Plan, PlanOptions } from "../../src/model/types.js";
import { MAC1, MAC2, MAC3, N1, N2, N3, V1, V2, V3, VIPS, designExample, node, router } from "./fixtures.js";

const OTHER = "02:00:00:00:00:99";
const allHold = () => [node(N1, MAC1, VIPS), node(N2, MAC2, VIPS), node(N3, MAC3, VIPS)];
const macOf: Record<string, string> = { [N1]: MAC1, [N2]: MAC2, [N3]: MAC3 };
const run = (obs: Observation, options?: PlanOptions) => plan(analyze(obs), options);
/** Compact "vip from->to reason" lines. */
const acts = (p: Plan) => p.actions.map((a) => `${a.vip} ${a.fromNode ?? a.fromMac ?? "-"}->${a.toNode} ${a.reason}`);
const sortedLoads = (p: Plan) => Object.values(p.expectedCounts).sort();

describe("plan: the DESIGN.md example", () => {
  const p = run(designExample());

  it("moves one of .102/.103 from node 3 to node 2 and nothing else", () => {
    expect(p.actions).toHaveLength(1);
    const a = p.actions[0]!;
    expect([V2, V3]).toContain(a.vip);
    expect(a).toMatchObject({ fromNode: N3, fromMac: MAC3, toNode: N2, toMac: MAC2, reason: "move" });
    const stays = a.vip === V2 ? V3 : V2;
    expect(p.targets).toEqual({ [V1]: N1, [a.vip]: N2, [stays]: N3 });
    expect(p.expectedCounts).toEqual({ [N1]: 1, [N2]: 1, [N3]: 1 });
    expect(p.blocked).toEqual([]);
  });

  it("breaks the .102/.103 tie by the rendezvous hash, not by input order", () => {
    const rank = (vip: string, n: string) =>
      [N1, N2, N3].sort((x, y) => (rendezvous(vip, x) < rendezvous(vip, y) ? -1 : 1)).indexOf(n);
    const moveV2 = rank(V2, N2) + rank(V3, N3);
    const moveV3 = rank(V2, N3) + rank(V3, N2);
    expect(moveV2).not.toBe(moveV3); // else this check proves nothing
    expect(p.actions[0]!.vip).toBe(moveV2 < moveV3 ? V2 : V3);
    const rev = designExample();
    rev.vips.reverse();
    rev.nodes.reverse();
    expect(run(rev).actions).toEqual(p.actions);
  });

  it("applying the plan leaves the router balanced and a second plan empty", () => {
    const after = designExample();
    for (const a of p.actions) {
      after.routers[0]!.reading!.entries.find((e) => e.vip === a.vip)!.mac = a.toMac;
    }
    const an = analyze(after);
    expect(an.routers[0]!.counts).toEqual({ [N1]: 1, [N2]: 1, [N3]: 1 });
    expect(an.routers[0]!.imbalanceRatio).toBe(0);
    expect(an.healthy).toBe(true);
    expect(plan(an).actions).toEqual([]);
  });
});

interface Case {
  name: string;
  obs: Observation;
  options?: PlanOptions;
  /** Exact targets, or per VIP the allowed set when the choice is a tie. */
  targets: Record<string, string | null | string[]>;
  /** Exact action lines, or a count when which tied VIP moves is the hash's choice. */
  actions: string[] | number;
  loads: number[];
  blocked?: string[];
}

const cases: Case[] = [
  {
    name: "balanced: nothing to do",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: MAC2, [V3]: MAC3 })] },
    targets: { [V1]: N1, [V2]: N2, [V3]: N3 },
    actions: [],
    loads: [1, 1, 1],
  },
  {
    name: "reassert announces every VIP from its target",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: MAC2, [V3]: MAC3 })] },
    options: { reassert: true },
    targets: { [V1]: N1, [V2]: N2, [V3]: N3 },
    actions: [`${V1} ${N1}->${N1} reassert`, `${V2} ${N2}->${N2} reassert`, `${V3} ${N3}->${N3} reassert`],
    loads: [1, 1, 1],
  },
  {
    name: "reassert on the example: one move, two reasserts",
    obs: designExample(),
    options: { reassert: true },
    targets: { [V1]: N1, [V2]: [N2, N3], [V3]: [N2, N3] },
    actions: 3,
    loads: [1, 1, 1],
  },
  {
    name: "options.vips restricts the actions, not the targets",
    obs: designExample(),
    options: { vips: [V1] },
    targets: { [V1]: N1, [V2]: [N2, N3], [V3]: [N2, N3] },
    actions: [],
    loads: [1, 1, 1],
  },
  {
    name: "unknown MAC: that VIP moves to the idle node",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: MAC3, [V3]: OTHER })] },
    targets: { [V1]: N1, [V2]: N3, [V3]: N2 },
    actions: [`${V3} ${OTHER}->${N2} move`],
    loads: [1, 1, 1],
  },
  {
    name: "missing entry: announced from the idle node",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: MAC3 })] },
    targets: { [V1]: N1, [V2]: N3, [V3]: N2 },
    actions: [`${V3} -->${N2} move`],
    loads: [1, 1, 1],
  },
  {
    name: "VIP sent to a node that does not hold it goes to its holder",
    obs: {
      vips: VIPS,
      nodes: [node(N1, MAC1, [V1]), node(N2, MAC2, [V2]), node(N3, MAC3, [V3])],
      routers: [router("r", { [V1]: MAC1, [V2]: MAC2, [V3]: MAC2 })],
    },
    targets: { [V1]: N1, [V2]: N2, [V3]: N3 },
    actions: [`${V3} ${N2}->${N3} move`],
    loads: [1, 1, 1],
  },
  {
    name: "a node that is down: its VIPs go to up holders",
    obs: { vips: VIPS, nodes: [node(N1, MAC1, VIPS), node(N2, MAC2, VIPS), node(N3, MAC3, VIPS, false)], routers: designExample().routers },
    targets: { [V1]: N1, [V2]: [N1, N2], [V3]: [N1, N2] },
    actions: 2,
    loads: [1, 2],
  },
  {
    name: "two routers that disagree: the VIP goes where balance wants it, from the first router that disagrees",
    obs: {
      vips: VIPS,
      nodes: allHold(),
      routers: [router("a", { [V1]: MAC1, [V2]: MAC2, [V3]: MAC3 }), router("b", { [V1]: MAC1, [V2]: MAC3, [V3]: MAC3 })],
    },
    targets: { [V1]: N1, [V2]: N2, [V3]: N3 },
    actions: [`${V2} ${N3}->${N2} move`],
    loads: [1, 1, 1],
  },
  {
    name: "a VIP nobody holds has no target and is reported",
    obs: {
      vips: VIPS,
      nodes: [node(N1, MAC1, [V1, V2]), node(N2, MAC2, [V1, V2]), node(N3, MAC3, [V1, V2])],
      routers: [router("r", { [V1]: MAC1, [V2]: MAC1, [V3]: MAC3 })],
    },
    targets: { [V1]: N1, [V2]: [N2, N3], [V3]: null },
    actions: 1,
    loads: [0, 1, 1],
    blocked: [V3],
  },
  {
    name: "all VIPs on one node: two move away",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: MAC1, [V3]: MAC1 })] },
    targets: { [V1]: [N1, N2, N3], [V2]: [N1, N2, N3], [V3]: [N1, N2, N3] },
    actions: 2,
    loads: [1, 1, 1],
  },
  {
    name: "a static entry on a holder pins its VIP; the other VIP moves",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("r", { [V1]: MAC1, [V2]: `${MAC3}!`, [V3]: MAC3 })] },
    targets: { [V1]: N1, [V2]: N3, [V3]: N2 },
    actions: [`${V3} ${N3}->${N2} move`],
    loads: [1, 1, 1],
  },
  {
    name: "a static entry on a non-holder is reported, never moved, and balanced around",
    obs: {
      vips: VIPS,
      nodes: [node(N1, MAC1, VIPS), node(N2, MAC2, VIPS), node(N3, MAC3, [V1, V3])],
      routers: [router("r", { [V1]: MAC1, [V2]: `${MAC3}!`, [V3]: MAC3 })],
    },
    // V2 stays on node 3 whatever GARPs say, so V3 makes room for it.
    targets: { [V1]: N1, [V2]: null, [V3]: N2 },
    actions: [`${V3} ${N3}->${N2} move`],
    loads: [0, 1, 1],
    blocked: [V2],
  },
  {
    name: "static entries on two routers to two holders: balance picks one, the other is reported",
    obs: {
      vips: VIPS,
      nodes: allHold(),
      routers: [
        router("a", { [V1]: `${MAC1}!`, [V2]: MAC1, [V3]: MAC3 }),
        router("b", { [V1]: `${MAC2}!`, [V2]: MAC1, [V3]: MAC3 }),
      ],
    },
    targets: { [V1]: N2, [V2]: N1, [V3]: N3 },
    actions: [],
    loads: [1, 1, 1],
    blocked: [V1],
  },
  {
    name: "a preferred node pins its VIP",
    obs: designExample(),
    options: { preferred: { [V1]: N2 } },
    targets: { [V1]: N2, [V2]: [N1, N3], [V3]: [N1, N3] },
    actions: 2,
    loads: [1, 1, 1],
  },
  {
    name: "a preferred node that does not hold the VIP is ignored",
    obs: { vips: VIPS, nodes: [node(N1, MAC1, VIPS), node(N2, MAC2, [V2, V3]), node(N3, MAC3, VIPS)], routers: designExample().routers },
    options: { preferred: { [V1]: N2, [V2]: "no-such-node" } },
    targets: { [V1]: N1, [V2]: [N2, N3], [V3]: [N2, N3] },
    actions: 1,
    loads: [1, 1, 1],
  },
  {
    name: "an unreachable router is left out; the readable one drives the plan",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("down", null), ...designExample().routers] },
    targets: { [V1]: N1, [V2]: [N2, N3], [V3]: [N2, N3] },
    actions: 1,
    loads: [1, 1, 1],
  },
  {
    name: "no readable router: targets but no action",
    obs: { vips: VIPS, nodes: allHold(), routers: [router("down", null)] },
    targets: { [V1]: [N1, N2, N3], [V2]: [N1, N2, N3], [V3]: [N1, N2, N3] },
    actions: [],
    loads: [1, 1, 1],
  },
  {
    name: "an up node with no known MAC is never a target",
    obs: { vips: VIPS, nodes: [node(N1, MAC1, VIPS), node(N2, null, VIPS), node(N3, MAC3, VIPS)], routers: designExample().routers },
    targets: { [V1]: N1, [V2]: N3, [V3]: N3 },
    actions: [],
    loads: [0, 1, 2],
  },
];

describe("plan: cases", () => {
  it.each(cases)("$name", (c) => {
    const p = run(c.obs, c.options);
    for (const [vip, want] of Object.entries(c.targets)) {
      if (Array.isArray(want)) expect(want).toContain(p.targets[vip]);
      else expect(p.targets[vip]).toBe(want);
    }
    expect(Object.keys(p.targets)).toEqual(c.obs.vips);
    if (typeof c.actions === "number") expect(p.actions).toHaveLength(c.actions);
    else expect(acts(p)).toEqual(c.actions);
    expect(sortedLoads(p)).toEqual(c.loads);
    expect(p.blocked.map((b) => b.vip)).toEqual(c.blocked ?? []);
    for (const b of p.blocked) expect(b.reason).toMatch(/;/); // says what to do after what is wrong
    for (const a of p.actions) {
      expect(p.targets[a.vip]).toBe(a.toNode);
      expect(a.toMac).toBe(macOf[a.toNode]);
      const n = c.obs.nodes.find((x) => x.name === a.toNode)!;
      expect(n.up && n.holds.includes(a.vip)).toBe(true);
      if (c.options?.vips) expect(c.options.vips).toContain(a.vip);
    }
  });

  it("options.vips with a VIP that needs a move keeps just that action", () => {
    const full = run(designExample());
    const moved = full.actions[0]!.vip;
    expect(run(designExample(), { vips: [moved] }).actions).toEqual(full.actions);
    const other = moved === V2 ? V3 : V2;
    expect(run(designExample(), { vips: [V1, other] }).actions).toEqual([]);
  });

  it("reports the static entry that points at a node not holding the VIP with the router's name", () => {
    const p = run({
      vips: VIPS,
      nodes: [node(N1, MAC1, VIPS), node(N2, MAC2, VIPS), node(N3, MAC3, [V1, V3])],
      routers: [router("edge-7", { [V1]: MAC1, [V2]: `${MAC3}!`, [V3]: MAC3 })],
    });
    expect(p.blocked[0]!.reason).toContain("edge-7");
    expect(p.blocked[0]!.reason).toContain("static");
  });

  it("sorts actions by numeric VIP order", () => {
    const vips = ["10.0.0.10", "10.0.0.9", "10.0.0.100", "10.0.0.2"];
    // One entry the router already has (else its empty view would be distrusted), three missing.
    const p = run(
      { vips, nodes: [node("a", MAC1, vips), node("b", MAC2, vips)], routers: [router("r", { "10.0.0.10": MAC1 })] },
      { reassert: true },
    );
    expect(p.actions.map((a) => a.vip)).toEqual(["10.0.0.2", "10.0.0.9", "10.0.0.10", "10.0.0.100"]);
  });

  it("spreads a larger segment evenly, keeps VIPs already placed, and is repeatable", () => {
    const vips = Array.from({ length: 60 }, (_, i) => `10.1.${i >> 4}.${i & 15}`);
    const nodes = Array.from({ length: 8 }, (_, i) => node(`node-${i}`, `02:00:00:00:01:0${i}`, vips));
    // Everything on node-0 except the first 10 VIPs, which sit on node-1.
    const entries = Object.fromEntries(vips.map((v, i) => [v, i < 10 ? "02:00:00:00:01:01" : "02:00:00:00:01:00"]));
    const obs = { vips, nodes, routers: [router("r", entries)] };
    const p = run(obs);
    const loads = sortedLoads(p);
    expect(loads[0]).toBe(7);
    expect(loads[loads.length - 1]).toBe(8);
    // node-0 keeps 8 and node-1 keeps 8: every other VIP must move, no more.
    expect(p.actions).toHaveLength(60 - 16);
    expect(run(obs)).toEqual(p);
  });
});
