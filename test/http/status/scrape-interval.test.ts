import { describe, expect, it } from "vitest";
import { medianGapSeconds, ScrapeClock } from "../../../src/http/status/scrape-interval.js";

describe("scrape interval", () => {
  it("is unknown before two scrapes", () => {
    const c = new ScrapeClock();
    expect(c.intervalSeconds()).toBeNull();
    c.record(1000);
    expect(c.intervalSeconds()).toBeNull();
    c.record(16_000);
    expect(c.intervalSeconds()).toBe(15);
  });

  it("is the median gap, so one missed scrape or a second scraper does not swing it", () => {
    expect(medianGapSeconds([0, 30_000, 60_000, 120_000, 150_000])).toBe(30);
    expect(medianGapSeconds([0, 10_000, 40_000])).toBe(20);
  });

  it("forgets old scrapes: a new interval takes over", () => {
    const c = new ScrapeClock();
    let t = 0;
    for (let i = 0; i < 9; i++) c.record((t += 60_000));
    expect(c.intervalSeconds()).toBe(60);
    for (let i = 0; i < 5; i++) c.record((t += 15_000));
    expect(c.intervalSeconds()).toBe(15);
  });
});
