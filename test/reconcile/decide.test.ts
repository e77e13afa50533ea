// The reconciler's decision on a fake clock: hysteresis, the reboot trigger, the per-VIP
// circuit breaker, the hourly budget, flapping and the guard. Properties count the cases that
// reach their assertion and fail when the generator never produced one.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  BREAKER_AFTER,
  emptyMemory,
  FLAP_CHANGES,
  FLAP_WINDOW_MS,
  HOUR_MS,
  recordRun,
  recordVerifications,
  resetBreakers,
  step,
  type Decision,
  type ReconcileMemory,
  type ReconcileSettings,
  type ReconcileView,
} from "../../src/reconcile/decide.js";

const S: ReconcileSettings = { after: 3, maxRunsPerHour: 6, breakerAfter: BREAKER_AFTER, flapChanges: FLAP_CHANGES, flapWindowMs: FLAP_WINDOW_MS };
const NODES = ["n1", "n2", "n3"];
const MAC = { n1: "02:00:00:00:00:01", n2: "02:00:00:00:00:02", n3: "02:00:00:00:00:03" } as const;

/** A view: which VIPs the planner would move (and the problem text), who is up, owners. */
function view(o: { problems?: Record<string, string>; up?: string[]; owners?: Record<string, string | null>; distrusted?: boolean } = {}): ReconcileView {
  return {
    distrusted: o.distrusted ? [{ router: "r1", reason: "could not be read: timeout" }] : [],
    up: o.up ?? NODES,
    problems: o.problems ?? {},
    owners: o.owners ?? {},
  };
}
const imbalanced = view({ problems: { "198.51.100.102": "r1=02:00:00:00:00:03 -> n2" } });

/** Feeds views one a collection interval apart (30 s) from t0; returns every decision. */
function run(views: ReconcileView[], memory: ReconcileMemory = emptyMemory(), t0 = 1_000_000, settings = S): { decisions: Decision[]; memory: ReconcileMemory } {
  const decisions: Decision[] = [];
  let m = memory;
  views.forEach((v, i) => {
    const r = step(m, { view: v, now: t0 + i * 30_000 }, settings);
    m = r.memory;
    decisions.push(r.decision);
  });
  return { decisions, memory: m };
}
const states = (ds: Decision[]) => ds.map((d) => (d.state === "holding_back" ? `holding_back:${d.reason}` : d.state));

describe("hysteresis", () => {
  it("acts on the `after`-th consecutive collection showing the same problem, not before", () => {
    expect(states(run([view(), imbalanced, imbalanced, imbalanced]).decisions)).toEqual(["idle", "waiting", "waiting", "act"]);
    const act = run([imbalanced, imbalanced, imbalanced]).decisions[2]!;
    expect(act).toMatchObject({ state: "act", vips: ["198.51.100.102"] });
  });

  it("a clean collection or a different problem starts the count again", () => {
    const other = view({ problems: { "198.51.100.103": "r1=02:00:00:00:00:03 -> n2" } });
    expect(states(run([imbalanced, imbalanced, view(), imbalanced, imbalanced, imbalanced]).decisions)).toEqual(["waiting", "waiting", "idle", "waiting", "waiting", "act"]);
    expect(states(run([imbalanced, imbalanced, other, other, other]).decisions)).toEqual(["waiting", "waiting", "waiting", "waiting", "act"]);
  });

  it("after a run, the problem must persist `after` collections again before the next one", () => {
    const { memory } = run([imbalanced, imbalanced, imbalanced]);
    const afterRun = recordRun(memory, 1_000_000 + 60_000);
    expect(states(run([imbalanced, imbalanced, imbalanced], afterRun, 1_000_000 + 90_000).decisions)).toEqual(["waiting", "waiting", "act"]);
  });

  it("property: with after = k, a problem seen from collection i on is acted on exactly at collection i + k - 1", () => {
    let reached = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 4 }), (after, clean, extra) => {
        const views = [...Array(clean).fill(view()), ...Array(after + extra).fill(imbalanced)];
        const { decisions } = run(views, emptyMemory(), 0, { ...S, after });
        const firstAct = decisions.findIndex((d) => d.state === "act");
        expect(firstAct).toBe(clean + after - 1);
        reached++;
      }),
    );
    expect(reached).toBeGreaterThan(50);
  });
});

describe("the reboot trigger", () => {
  const down = (n: string) => NODES.filter((x) => x !== n);
  const fellBack = view({ up: NODES, problems: { "198.51.100.103": "r1=02:00:00:00:00:01 -> n3" } });

  it("a node down in the previous collection and up now starts the count at 1 on its return", () => {
    // While n3 was down the plan wanted the same change already (same problem text): without the
    // trigger the count would have run on; with it, n3 gets `after` collections to settle.
    const whileDown = view({ up: down("n3"), problems: fellBack.problems });
    const { decisions } = run([whileDown, whileDown, whileDown, fellBack, fellBack, fellBack]);
    expect(states(decisions)).toEqual(["waiting", "waiting", "act", "waiting", "waiting", "act"]);
    expect(decisions[3]!.message).toMatch(/a node came back up, the count starts again/);
  });

  it("property: whatever came before, a node's return is acted on exactly `after` collections later", () => {
    let reached = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.boolean(), { maxLength: 6 }), fc.constantFrom(...NODES), (after, before, node) => {
        const pre = before.map((problem) => view({ up: down(node), problems: problem ? fellBack.problems : {} }));
        const post = Array(after).fill(fellBack);
        // The last collection before the return already wanted the same change (the hard case).
        const { decisions } = run([...pre, view({ up: down(node), problems: fellBack.problems }), ...post], emptyMemory(), 0, { ...S, after, maxRunsPerHour: 60 });
        const tail = decisions.slice(pre.length + 1);
        expect(states(tail)).toEqual([...Array(after - 1).fill("waiting"), "act"]);
        reached++;
      }),
    );
    expect(reached).toBeGreaterThan(50);
  });
});

describe("the circuit breaker", () => {
  const vip = "198.51.100.102";
  const problem = imbalanced.problems[vip]!;
  const failed = (m: ReconcileMemory, n: number) => {
    for (let i = 0; i < n; i++) m = recordVerifications(m, [{ vip, status: "failed" }], () => problem);
    return m;
  };

  it(`opens after ${BREAKER_AFTER} failed verifications for the same problem and stays open while it lasts`, () => {
    const m = failed(emptyMemory(), BREAKER_AFTER);
    const { decisions } = run([imbalanced, imbalanced, imbalanced, imbalanced], m);
    expect(states(decisions)).toEqual(Array(4).fill("holding_back:circuit_open"));
    expect(decisions[0]).toMatchObject({ vips: [vip] });
    // One failure short: it still acts.
    expect(states(run([imbalanced, imbalanced, imbalanced], failed(emptyMemory(), BREAKER_AFTER - 1)).decisions)).toEqual(["waiting", "waiting", "act"]);
  });

  it("closes when the VIP's problem changes, when the problem goes away, on a verified run, and on reload", () => {
    const open = failed(emptyMemory(), BREAKER_AFTER);
    const changed = view({ problems: { [vip]: "r1=none -> n2" } });
    expect(states(run([changed, changed, changed], open).decisions)).toEqual(["waiting", "waiting", "act"]);
    expect(states(run([view(), imbalanced, imbalanced, imbalanced], open).decisions)).toEqual(["idle", "waiting", "waiting", "act"]);
    const verified = recordVerifications(open, [{ vip, status: "verified" }], () => problem);
    expect(states(run([imbalanced, imbalanced, imbalanced], verified).decisions)).toEqual(["waiting", "waiting", "act"]);
    expect(states(run([imbalanced, imbalanced, imbalanced], resetBreakers(open)).decisions)).toEqual(["waiting", "waiting", "act"]);
  });

  it("failures for different problems do not add up", () => {
    let m = emptyMemory();
    for (const p of ["a", "b", "c", "d"]) m = recordVerifications(m, [{ vip, status: "failed" }], () => p);
    expect(m.failures[vip]).toEqual({ problem: "d", count: 1 });
  });

  it("an open VIP is left out while another VIP is acted on", () => {
    const two = view({ problems: { ...imbalanced.problems, "198.51.100.103": "r1=02:00:00:00:00:03 -> n1" } });
    const d = run([two, two, two], failed(emptyMemory(), BREAKER_AFTER)).decisions[2]!;
    expect(d).toMatchObject({ state: "act", vips: ["198.51.100.103"] });
    expect(d.message).toMatch(/left out: circuit open: 198\.51\.100\.102/);
  });
});

describe("the hourly budget", () => {
  it("holds back once max_runs_per_hour runs started within the hour, and acts again when the oldest ages out", () => {
    const t0 = 10 * HOUR_MS;
    let m = emptyMemory();
    for (let i = 0; i < S.maxRunsPerHour; i++) m = recordRun(m, t0 + i * 60_000);
    const later = t0 + 10 * 60_000;
    const held = run([imbalanced, imbalanced, imbalanced], m, later).decisions[2]!;
    expect(held).toMatchObject({ state: "holding_back", reason: "budget_exhausted" });
    expect(held.message).toMatch(/^6 runs in the last hour \(max_runs_per_hour 6\); the next is allowed in about 49 min/);
    // One hour after the first run it has aged out.
    expect(run([imbalanced, imbalanced, imbalanced], m, t0 + HOUR_MS - 60_000 + 1).decisions[2]!.state).toBe("act");
  });

  it("property: over any sequence of collections, never more than max_runs_per_hour runs in any hour", () => {
    let reached = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { minLength: 20, maxLength: 200 }), fc.integer({ min: 1, max: 3 }), (max, problems, after) => {
        let m = emptyMemory();
        const runs: number[] = [];
        problems.forEach((p, i) => {
          const now = i * 60_000; // one collection a minute
          const r = step(m, { view: p ? imbalanced : view(), now }, { ...S, maxRunsPerHour: max, after });
          m = r.memory;
          if (r.decision.state === "act") {
            m = recordRun(m, now);
            runs.push(now);
          }
        });
        for (const t of runs) expect(runs.filter((x) => x >= t && x < t + HOUR_MS).length).toBeLessThanOrEqual(max);
        if (runs.length >= max) reached++;
      }),
    );
    expect(reached).toBeGreaterThan(20);
  });
});

describe("flapping", () => {
  const vip = "198.51.100.102";
  const owner = (mac: string) => view({ problems: imbalanced.problems, owners: { [`r1|${vip}`]: mac } });

  it(`holds back a VIP whose owner changed more than ${FLAP_CHANGES} times within ${FLAP_WINDOW_MS / 60_000} minutes`, () => {
    // Owner changes at collections 1..4: the 4th change is one more than the threshold.
    const views = [owner(MAC.n1), owner(MAC.n2), owner(MAC.n3), owner(MAC.n1), owner(MAC.n2)];
    const { decisions } = run(views, emptyMemory(), 0, { ...S, after: 1 });
    expect(states(decisions)).toEqual(["act", "act", "act", "act", "holding_back:flapping"]);
    expect(decisions[4]!.message).toMatch(/changed more than 3 times in 30 minutes \(VIPOwnerFlapping\)/);
  });

  it("does not count a missing entry as a change, and forgets changes older than the window", () => {
    const absent = view({ problems: imbalanced.problems, owners: { [`r1|${vip}`]: null } });
    const { decisions } = run([owner(MAC.n1), absent, owner(MAC.n1), absent, owner(MAC.n1), absent, owner(MAC.n1)], emptyMemory(), 0, { ...S, after: 1 });
    expect(decisions.every((d) => d.state === "act")).toBe(true);
    // Four changes, but spread over more than 30 minutes (one every 10 minutes: at most 3 in any window).
    let m = emptyMemory();
    const macs = [MAC.n1, MAC.n2, MAC.n3, MAC.n1, MAC.n2, MAC.n3];
    const ds = macs.map((mac, i) => {
      const r = step(m, { view: owner(mac), now: i * 11 * 60_000 }, { ...S, after: 1 });
      m = r.memory;
      return r.decision.state;
    });
    expect(ds).toEqual(Array(6).fill("act"));
  });

  it("uses the VIPOwnerFlapping alert's own threshold and window (alerts/vip-arp.rules.yml)", () => {
    const rules = parseYaml(readFileSync(new URL("../../alerts/vip-arp.rules.yml", import.meta.url), "utf8")) as {
      groups: { rules: { alert?: string; expr: string }[] }[];
    };
    const expr = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === "VIPOwnerFlapping")!.expr;
    const m = /increase\(vip_arp_owner_changes_total\[(\d+)m\]\)\s*>\s*(\d+)/.exec(expr);
    expect(m, expr).not.toBeNull();
    expect([Number(m![1]) * 60_000, Number(m![2])]).toEqual([FLAP_WINDOW_MS, FLAP_CHANGES]);
  });
});

describe("the guard", () => {
  it("holds back on a distrusted view whatever the problem, and the count starts over once trusted", () => {
    const bad = { ...imbalanced, distrusted: [{ router: "r1", reason: "could not be read: timeout" }] };
    const { decisions } = run([imbalanced, imbalanced, bad, imbalanced, imbalanced, imbalanced]);
    expect(states(decisions)).toEqual(["waiting", "waiting", "holding_back:untrusted_view", "waiting", "waiting", "act"]);
    expect(decisions[2]!.message).toBe("not acting on a view the guard distrusts: r1 could not be read: timeout");
  });

  it("property: never acts on a distrusted view", () => {
    let reached = 0;
    fc.assert(
      fc.property(fc.array(fc.record({ problem: fc.boolean(), trusted: fc.boolean() }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 3 }), (seq, after) => {
        let m = emptyMemory();
        seq.forEach((c, i) => {
          const v = view({ problems: c.problem ? imbalanced.problems : {}, distrusted: !c.trusted });
          const r = step(m, { view: v, now: i * 30_000 }, { ...S, after });
          m = r.memory;
          if (!c.trusted) {
            expect(r.decision).toMatchObject({ state: "holding_back", reason: "untrusted_view" });
            reached++;
          }
        });
      }),
    );
    expect(reached).toBeGreaterThan(100);
  });
});

describe("cooldown", () => {
  it("waits (does not hold back) while every VIP to move is in its cooldown", () => {
    const r = step(emptyMemory(), { view: imbalanced, now: 0, cooling: ["198.51.100.102"] }, { ...S, after: 1 });
    expect(r.decision).toMatchObject({ state: "waiting", message: "every VIP to move is in its cooldown (198.51.100.102)" });
  });
});
