import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MinCostFlow } from "./reference/mincostflow.js";

// The reference solver the planner is compared against (./reference/) is itself right.
describe("reference MinCostFlow", () => {
  const twoPaths = () => {
    const g = new MinCostFlow(4);
    const a = g.addEdge(0, 1, 1, 1);
    const b = g.addEdge(0, 2, 5, 3);
    g.addEdge(1, 3, 5, 1);
    g.addEdge(2, 3, 5, 1);
    return { g, a, b };
  };

  it("takes the cheaper of two paths first", () => {
    const { g, a, b } = twoPaths();
    expect(g.run(0, 3, 1)).toEqual({ flow: 1, cost: 2 });
    expect([g.flow(a), g.flow(b)]).toEqual([1, 0]);
  });

  it("fills the dearer path once the cheap one is full, and continues where it stopped", () => {
    const { g, a, b } = twoPaths();
    expect(g.run(0, 3)).toEqual({ flow: 6, cost: 2 + 5 * 4 });
    expect([g.flow(a), g.flow(b)]).toEqual([1, 5]);
    expect(g.run(0, 3)).toEqual({ flow: 0, cost: 0 });
  });

  it("reroutes earlier flow along a reverse edge when that is cheaper overall", () => {
    // s=0, a=1, b=2, x=3, y=4, t=5: a can use x or y, b only x.
    const g = new MinCostFlow(6);
    g.addEdge(0, 1, 1, 0);
    g.addEdge(0, 2, 1, 0);
    const ax = g.addEdge(1, 3, 1, 0);
    const ay = g.addEdge(1, 4, 1, 10);
    const bx = g.addEdge(2, 3, 1, 0);
    g.addEdge(3, 5, 1, 0);
    g.addEdge(4, 5, 1, 0);
    expect(g.run(0, 5)).toEqual({ flow: 2, cost: 10 });
    expect([g.flow(ax), g.flow(ay), g.flow(bx)]).toEqual([0, 1, 1]);
  });

  it("charges convex edges unit by unit", () => {
    const g = new MinCostFlow(2);
    const e = g.addEdge(0, 1, 4, 1, 2); // 1, 3, 5, 7: the squares
    expect(g.run(0, 1)).toEqual({ flow: 4, cost: 16 });
    expect(g.flow(e)).toBe(4);
  });

  it("refuses negative costs", () => {
    expect(() => new MinCostFlow(2).addEdge(0, 1, 1, -1)).toThrow(RangeError);
  });

  it("matches brute force on random unit assignments with convex sink costs", () => {
    const arb = fc
      .record({ jobs: fc.integer({ min: 1, max: 5 }), workers: fc.integer({ min: 1, max: 3 }) })
      .chain(({ jobs, workers }) =>
        fc.record({
          jobs: fc.constant(jobs),
          workers: fc.constant(workers),
          cost: fc.array(fc.array(fc.option(fc.nat({ max: 9 }), { nil: null }), { minLength: workers, maxLength: workers }), {
            minLength: jobs,
            maxLength: jobs,
          }),
          base: fc.array(fc.nat({ max: 5 }), { minLength: workers, maxLength: workers }),
          slope: fc.array(fc.nat({ max: 6 }), { minLength: workers, maxLength: workers }),
        }),
      );
    fc.assert(
      fc.property(arb, ({ jobs, workers, cost, base, slope }) => {
        const g = new MinCostFlow(jobs + workers + 2);
        const t = jobs + workers + 1;
        for (let j = 0; j < jobs; j++) {
          g.addEdge(0, 1 + j, 1, 0);
          cost[j]!.forEach((c, w) => c !== null && g.addEdge(1 + j, 1 + jobs + w, 1, c));
        }
        for (let w = 0; w < workers; w++) g.addEdge(1 + jobs + w, t, jobs, base[w]!, slope[w]!);
        const got = g.run(0, t);
        // brute force: every job to an allowed worker or left out; max flow first, then min cost
        let best = { flow: 0, cost: 0 };
        const pick = new Array<number>(jobs).fill(-1);
        const visit = (j: number): void => {
          if (j === jobs) {
            let flow = 0, c = 0;
            const load = new Array<number>(workers).fill(0);
            pick.forEach((w, k) => {
              if (w < 0) return;
              flow++;
              c += cost[k]![w]! + base[w]! + slope[w]! * load[w]!;
              load[w]!++;
            });
            if (flow > best.flow || (flow === best.flow && c < best.cost)) best = { flow, cost: c };
            return;
          }
          for (let w = -1; w < workers; w++) {
            if (w >= 0 && cost[j]![w] === null) continue;
            pick[j] = w;
            visit(j + 1);
          }
        };
        visit(0);
        expect(got).toEqual(best);
      }),
      { numRuns: 200 },
    );
  });
});
