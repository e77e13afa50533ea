// The contract keys of "Keeping it balanced" (remediation.mode, auto.*, refresh_interval,
// max_garp_rate) through the real loader: defaults, values, and errors that name the key.
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/load.js";

const BASE = `
vips: [198.51.100.101, 198.51.100.102]
nodes:
  - {name: node1, address: 198.51.100.1, mac: "02:00:00:00:00:01"}
  - {name: node2, address: 198.51.100.2, mac: "02:00:00:00:00:02"}
routers:
  - {name: core-s1, type: snmp, address: 198.51.100.254, community: public}
`;
const load = (remediation: string) => parseConfig(`${BASE}remediation:\n${remediation}`, { source: "test.yml", env: {} });
const problems = (remediation: string): string[] => {
  try {
    load(remediation);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("the config loaded");
};

describe("remediation keys of the reconciler", () => {
  it("defaults: manual, auto every 30s after 3 with 6 runs an hour, no refresh, 5 GARPs a second", () => {
    const r = parseConfig(BASE, { source: "test.yml", env: {} }).remediation;
    expect([r.mode, r.auto, r.refreshIntervalMs, r.maxGarpRate]).toEqual(["manual", { intervalMs: 30_000, after: 3, maxRunsPerHour: 6 }, 0, 5]);
  });

  it("the contract's example loads as written", () => {
    const r = load("  mode: auto\n  auto: {interval: 2s, after: 2, max_runs_per_hour: 12}\n  refresh_interval: 5m\n  max_garp_rate: 15\n").remediation;
    expect([r.mode, r.auto, r.refreshIntervalMs, r.maxGarpRate]).toEqual(["auto", { intervalMs: 2000, after: 2, maxRunsPerHour: 12 }, 300_000, 15]);
    // auto's keys each default on their own
    expect(load("  mode: plan\n  auto: {after: 5}\n").remediation.auto).toEqual({ intervalMs: 30_000, after: 5, maxRunsPerHour: 6 });
  });

  it.each([
    ["  mode: on\n", 'remediation.mode: Invalid option: expected one of "manual"|"plan"|"auto"'],
    ["  auto: {interval: 500ms}\n", "remediation.auto.interval: must be from 1s to 1h (got 500ms)"],
    ["  auto: {after: 0}\n", "remediation.auto.after: Too small: expected number to be >=1"],
    ["  auto: {max_runs_per_hour: 61}\n", "remediation.auto.max_runs_per_hour: Too big: expected number to be <=60"],
    ["  auto: {intervall: 30s}\n", 'remediation.auto.intervall: unknown key (check the spelling; see README "Configuration")'],
    ["  refresh_interval: 500ms\n", "remediation.refresh_interval: must be 0s (off) or from 1s to 24h (got 500ms)"],
    ["  refresh_interval: 2d\n", "remediation.refresh_interval: must be from 0s to 24h (got 2d)"],
    ["  max_garp_rate: 0\n", "remediation.max_garp_rate: Too small: expected number to be >=1"],
    ["  max_garp_rate: 2.5\n", "remediation.max_garp_rate: Invalid input: expected int, received number"],
  ])("%j is refused: %s", (yaml, problem) => {
    expect(problems(yaml)).toEqual([problem]);
  });
});
