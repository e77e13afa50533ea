// The generator of the closed-loop test's shortened rule copy: only time constants change, and
// they change monotonically, so the copy keeps the shipped rules' meaning.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { formatDuration, parseDuration } from "./durations.js";
import { TEST_TIME_SCALE, rulesForTest, scaleFor, scaleRange, shortenExpr } from "./rules-for-test.js";

const RULES = fileURLToPath(new URL("../../alerts/vip-arp.rules.yml", import.meta.url));
const shipped = readFileSync(RULES, "utf8");

type Rule = Record<string, unknown> & { expr: string; for?: string; alert?: string };
const rulesOf = (text: string): Rule[] =>
  (parse(text) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);

describe("durations", () => {
  it("parses and formats Prometheus durations", () => {
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("5")).toBeNull();
    expect(parseDuration("5 m")).toBeNull();
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(2000)).toBe("2s");
    for (const d of ["2s", "10m", "1h", "1d", "1w", "1h1m1s"]) expect(formatDuration(parseDuration(d) as number)).toBe(d);
  });
});

describe("time scaling", () => {
  it("keeps `for:` within bounds, never longer than the original, and monotone", () => {
    const minutes = [0, 1, 2, 5, 10, 15, 30, 60, 240].map((m) => m * 60_000);
    const scaled = minutes.map((ms) => scaleFor(ms));
    for (const [i, ms] of scaled.entries()) {
      expect(ms).toBeLessThanOrEqual(minutes[i] as number);
      if ((minutes[i] as number) > TEST_TIME_SCALE.minForMs) {
        expect(ms).toBeGreaterThanOrEqual(TEST_TIME_SCALE.minForMs);
        expect(ms).toBeLessThanOrEqual(TEST_TIME_SCALE.maxForMs);
      }
      if (i > 0) expect(ms).toBeGreaterThanOrEqual(scaled[i - 1] as number);
    }
    expect(scaleFor(5 * 60_000)).toBeLessThan(scaleFor(15 * 60_000));
  });

  it("keeps ranges at several scrapes and never longer than the original", () => {
    expect(scaleRange(30 * 60_000)).toBe(TEST_TIME_SCALE.minRangeMs);
    expect(scaleRange(3_600_000)).toBe(20_000);
    expect(scaleRange(5000)).toBe(5000);
  });

  it("rewrites ranges, subquery steps and offsets, but not strings or metric names", () => {
    expect(shortenExpr('increase(x_total{a="[5m]"}[30m]) > 3')).toBe('increase(x_total{a="[5m]"}[10s]) > 3');
    expect(shortenExpr("max_over_time(x[1h:1m]) unless x offset 1h")).toBe("max_over_time(x[20s:1s]) unless x offset 20s");
    expect(shortenExpr("x offset -2h")).toBe("x offset -40s");
    expect(shortenExpr("rate(metric_5m[5m])")).toBe("rate(metric_5m[10s])");
    expect(shortenExpr("avg_over_time(x[1h:])")).toBe("avg_over_time(x[20s:])");
    expect(shortenExpr("a == 0 and on (job) b")).toBe("a == 0 and on (job) b");
  });
});

describe("rulesForTest on alerts/vip-arp.rules.yml", () => {
  const generated = rulesForTest(shipped);
  if (!generated.ok) throw new Error(`rulesForTest failed on the shipped rules: ${generated.error}`);
  const original = rulesOf(shipped);
  const copy = rulesOf(generated.value.text);

  it("keeps every rule, in order, with the same labels and annotations", () => {
    expect(copy.map((r) => r.alert)).toEqual(original.map((r) => r.alert));
    for (const [i, r] of copy.entries()) {
      const o = original[i] as Rule;
      expect(r.labels).toEqual(o.labels);
      expect(r.annotations).toEqual(o.annotations);
      expect(r.for === undefined).toBe(o.for === undefined);
    }
  });

  it("shortens every `for:` to seconds and keeps ARPTableImbalanced waiting longer than InfraNodeOwnsNoVIPs", () => {
    const forOf = (name: string) => parseDuration(copy.find((r) => r.alert === name)?.for ?? "") as number;
    for (const r of copy.filter((r) => r.for !== undefined)) {
      expect(parseDuration(r.for as string), r.alert).toBeLessThanOrEqual(TEST_TIME_SCALE.maxForMs);
    }
    expect(forOf("InfraNodeOwnsNoVIPs")).toBeGreaterThanOrEqual(TEST_TIME_SCALE.minForMs);
    expect(forOf("ARPTableImbalanced")).toBeGreaterThan(forOf("InfraNodeOwnsNoVIPs"));
  });

  it("changes expressions only in their durations", () => {
    const noDurations = (e: string) => e.replace(/\[[^\]]*\]/g, "[]").replace(/offset\s+-?\w+/g, "offset");
    for (const [i, r] of copy.entries()) expect(noDurations(r.expr), r.alert).toBe(noDurations((original[i] as Rule).expr));
    // The InfraNodeOwnsNoVIPs condition the loop waits for is left exactly as shipped.
    expect(copy.find((r) => r.alert === "InfraNodeOwnsNoVIPs")?.expr).toBe(original.find((r) => r.alert === "InfraNodeOwnsNoVIPs")?.expr);
  });

  it("says what is wrong with input that is not a rule file", () => {
    expect(rulesForTest("groups: [")).toMatchObject({ ok: false, error: expect.stringMatching(/YAML/) });
    expect(rulesForTest("foo: 1")).toMatchObject({ ok: false, error: expect.stringMatching(/groups/) });
    expect(rulesForTest("groups: [{name: g, rules: [{alert: A, expr: up, for: soon}]}]")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/A: `for: soon` is not a Prometheus duration/),
    });
  });
});
