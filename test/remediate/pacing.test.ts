// GARP pacing arithmetic (src/remediate/pacing.ts): exact schedules for small cases, and a
// property over random queues where the packets land anywhere their ranges allow (plus
// arping's timer jitter): no one-second window ever holds more than the rate.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { earliestStart, fits, NodePacer, PACING_WINDOW_MS, START_SLACK_MS, UNCONFIRMED_SLACK_MS, type PacedCommand } from "../../src/remediate/pacing.js";

const rule = (rate: number) => ({ rate, windowMs: PACING_WINDOW_MS });
const cmd = (lo: number, count: number, width = 0, intervalMs = 1000): PacedCommand => ({ lo, hi: lo + width, count, intervalMs });

/** Most packets in any half-open window [t, t + 1000) starting at a packet. */
function maxPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.max(0, ...sorted.map((t) => sorted.filter((x) => x >= t && x < t + 1000).length));
}

describe("earliestStart", () => {
  it("rate 5, one packet each: five at once, the sixth once the first five's windows have passed", () => {
    const existing: PacedCommand[] = [];
    const starts: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t = earliestStart(existing, { count: 1, intervalMs: 1000, width: 0 }, 0, rule(5));
      starts.push(t);
      existing.push(cmd(t, 1));
    }
    expect(starts).toEqual([0, 0, 0, 0, 0, PACING_WINDOW_MS]);
  });

  it("arping -c 3 is three packets over two seconds: rate 5 runs two of them side by side, a third just offset", () => {
    const existing: PacedCommand[] = [];
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = earliestStart(existing, { count: 3, intervalMs: 1000, width: 0 }, 0, rule(5));
      starts.push(t);
      existing.push(cmd(t, 3));
    }
    // Two commands at 0 put 2x2 packets in the 1.1 s windows that span one second's packets and
    // the next; a third at 0 makes 6 of them. Offset by the window's slack it makes 5.
    expect(starts).toEqual([0, 0, PACING_WINDOW_MS - 1000]);
    expect(fits(existing.slice(0, 2), cmd(starts[2]! - 1, 3), rule(5))).toBe(false);
    expect(maxPerSecond(existing.flatMap((c) => [0, 1, 2].map((k) => c.lo + k * 1000)))).toBe(3);
  });

  it("a command that alone exceeds the rate (rate 1, -c 3) runs alone, and the next waits for it", () => {
    const first = earliestStart([], { count: 3, intervalMs: 1000, width: 0 }, 0, rule(1));
    expect(first).toBe(0);
    const second = earliestStart([cmd(0, 3)], { count: 1, intervalMs: 1000, width: 0 }, 0, rule(1));
    expect(second).toBe(2000 + PACING_WINDOW_MS);
  });

  it("never starts before notBefore", () => {
    expect(earliestStart([], { count: 2, intervalMs: 1000, width: 300 }, 12_345, rule(5))).toBe(12_345);
  });
});

describe("NodePacer", () => {
  it("forgets commands whose packets are long gone, and keeps the ones still on the wire", () => {
    const p = new NodePacer(rule(1));
    const c = p.issue(1, 0);
    p.confirmed(c, 5);
    expect(p.earliest(1, 100)).toBeGreaterThan(100);
    expect(p.reservations(10_000)).toEqual([]);
    expect(p.earliest(1, 10_000)).toBe(10_000);
  });

  it("a command that ended unconfirmed is known to have sent by its end", () => {
    const p = new NodePacer(rule(1));
    const c = p.issue(3, 0);
    p.ended(c, 2_050);
    expect(c).toMatchObject({ lo: 0, hi: 50 });
  });
});

describe("property: no node exceeds the rate in any one-second window", () => {
  it("random queues, packets anywhere in their ranges, arping timer jitter up to 40 ms", () => {
    let reached = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(
          fc.record({
            count: fc.integer({ min: 1, max: 4 }),
            gap: fc.integer({ min: 0, max: 1500 }),
            ack: fc.integer({ min: 0, max: UNCONFIRMED_SLACK_MS }),
            start: fc.double({ min: 0, max: 1, noNaN: true }),
            jitter: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 4, maxLength: 4 }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        (rate, queue) => {
          const p = new NodePacer(rule(rate));
          const sent: { times: number[]; id: number }[] = [];
          let now = 0;
          queue.forEach((q, id) => {
            now += q.gap;
            const t = p.earliest(q.count, now);
            expect(t).toBeGreaterThanOrEqual(now);
            now = t;
            const c = p.issue(q.count, now);
            const ackAt = now + q.ack;
            p.confirmed(c, ackAt);
            // The first packet leaves anywhere from the issue to START_SLACK_MS after the ack.
            const first = now + q.start * (ackAt + START_SLACK_MS - now);
            sent.push({ id, times: Array.from({ length: q.count }, (_, k) => first + k * 1000 + q.jitter[k]!) });
            // The next command is issued once this one's start is confirmed.
            now = ackAt;
          });
          const all = sent.flatMap((s) => s.times);
          // A single command of more packets than the rate is allowed when it runs alone.
          const alone = queue.every((q) => q.count <= rate) ? rate : Math.max(rate, 2);
          expect(maxPerSecond(all)).toBeLessThanOrEqual(alone);
          if (maxPerSecond(all) === rate && all.length > rate) reached++;
        },
      ),
      { numRuns: 300 },
    );
    // The pacer packs windows up to the rate (not merely below it) in many runs.
    expect(reached).toBeGreaterThan(20);
  });
});
