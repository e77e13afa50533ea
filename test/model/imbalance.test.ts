import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { imbalance } from "../../src/model/imbalance.js";

describe("imbalance", () => {
  it.each([
    { name: "DESIGN example 1/0/2", counts: [1, 0, 2], resolved: 3, moves: 1 },
    { name: "balanced 1/1/1", counts: [1, 1, 1], resolved: 3, moves: 0 },
    { name: "all on one node", counts: [3, 0, 0], resolved: 3, moves: 2 },
    { name: "four over three nodes, 2/2/0", counts: [2, 2, 0], resolved: 4, moves: 1 },
    { name: "four over three nodes, 2/1/1 is even", counts: [2, 1, 1], resolved: 4, moves: 0 },
    { name: "four on one of four", counts: [4, 0, 0, 0], resolved: 4, moves: 3 },
    { name: "one node", counts: [5], resolved: 5, moves: 0 },
    { name: "one VIP stranded on a down node", counts: [1, 1], resolved: 3, moves: 1 },
    { name: "stranded VIP and an overloaded node", counts: [3, 0], resolved: 4, moves: 2 },
    { name: "everything stranded", counts: [0, 0], resolved: 2, moves: 2 },
    { name: "fewer VIPs than nodes", counts: [1, 1, 0, 0], resolved: 2, moves: 0 },
    { name: "fewer VIPs than nodes, doubled up", counts: [2, 0, 0, 0], resolved: 2, moves: 1 },
  ])("$name", ({ counts, resolved, moves }) => {
    const r = imbalance(counts, resolved);
    expect(r.moves).toBe(moves);
    expect(r.ratio).toBe(moves / resolved);
  });

  it("is 0 with nothing resolved or no node up", () => {
    expect(imbalance([0, 0, 0], 0)).toEqual({ moves: 0, ratio: 0 });
    expect(imbalance([], 3)).toEqual({ moves: 0, ratio: 0 });
  });

  // counts of up nodes, plus resolved VIPs that sit on no up node
  const instance = fc.record({
    counts: fc.array(fc.nat({ max: 6 }), { minLength: 1, maxLength: 5 }),
    stranded: fc.nat({ max: 4 }),
  }).filter(({ counts, stranded }) => counts.reduce((a, b) => a + b, 0) + stranded > 0);

  it("ratio is in [0,1], and below 1 whenever some VIP sits on an up node", () => {
    fc.assert(
      fc.property(instance, ({ counts, stranded }) => {
        const onUp = counts.reduce((a, b) => a + b, 0);
        const { ratio } = imbalance(counts, onUp + stranded);
        expect(ratio).toBeGreaterThanOrEqual(0);
        expect(ratio).toBeLessThanOrEqual(1);
        expect(ratio < 1).toBe(onUp > 0);
      }),
      { numRuns: 200 },
    );
  });

  it("ratio is 0 exactly when every up node is within floor/ceil and nothing is stranded", () => {
    fc.assert(
      fc.property(instance, ({ counts, stranded }) => {
        const r = counts.reduce((a, b) => a + b, 0) + stranded;
        const lo = Math.floor(r / counts.length), hi = Math.ceil(r / counts.length);
        const even = stranded === 0 && counts.every((c) => c >= lo && c <= hi);
        expect(imbalance(counts, r).ratio === 0).toBe(even);
      }),
      { numRuns: 200 },
    );
  });

  it("moves is the fewest VIPs to relocate to reach an even spread (brute force)", () => {
    fc.assert(
      fc.property(instance, ({ counts, stranded }) => {
        const n = counts.length;
        const r = counts.reduce((a, b) => a + b, 0) + stranded;
        const lo = Math.floor(r / n), extra = r - lo * n;
        let best = Infinity;
        // every even target: `extra` nodes get one more than floor
        for (let mask = 0; mask < 1 << n; mask++) {
          let bits = 0;
          for (let i = 0; i < n; i++) bits += (mask >> i) & 1;
          if (bits !== extra) continue;
          let moves = stranded;
          counts.forEach((c, i) => (moves += Math.max(0, c - (lo + ((mask >> i) & 1)))));
          best = Math.min(best, moves);
        }
        expect(imbalance(counts, r).moves).toBe(best);
      }),
      { numRuns: 200 },
    );
  });
});
