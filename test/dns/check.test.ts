// `check` shows the DNS view beside the router view: the built CLI on the demo and on
// scenarios/dns-drift.yaml, and a failed lookup, which is a collection error (exit 2).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkExitCode, checkJson, formatCheckTable } from "../../src/cli/check-report.js";
import { createCollector } from "../../src/collect/collector.js";
import { silentLogger } from "../../src/log.js";
import { loadScenarioFile } from "../../src/sim/scenario.js";
import { startSimulation } from "../../src/sim/start.js";
import { startSilentServer } from "./servers.js";

const CLI = join(process.cwd(), "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

/** The DNS section of the table output, without the server's port. */
const dnsSection = (stdout: string) =>
  stdout
    .slice(stdout.indexOf("DNS name "), stdout.indexOf("\nProblems:"))
    .trimEnd()
    .replace(/127\.0\.0\.1:\d+/, "127.0.0.1:PORT");

describe("check with dns names", () => {
  it("on the demo shows foo.os.example.com -> the three VIPs, all served", () => {
    const r = run(["check"]);
    expect(r.status).toBe(1); // the router's drift, as before
    expect(dnsSection(r.stdout)).toBe(
      [
        "DNS name foo.os.example.com (via 127.0.0.1:PORT)",
        "  ADDRESS      TYPE  STATUS",
        "  192.0.2.101  A     served",
        "  192.0.2.102  A     served",
        "  192.0.2.103  A     served",
        "  unserved ratio 0.000 (0 of 3 records unserved)",
      ].join("\n"),
    );
    // The DNS view comes after the router view.
    expect(r.stdout.indexOf("Router core-s1")).toBeLessThan(r.stdout.indexOf("DNS name"));
    expect(r.stdout).not.toMatch(/DNS name .* publishes|does not publish/);
  });

  it("marks records served, unserved and not a VIP, lists the VIP left out, and exits 1", () => {
    const r = run(["check", "--sim.scenario", "scenarios/dns-drift.yaml"]);
    expect(r.status).toBe(1);
    expect(dnsSection(r.stdout)).toBe(
      [
        "DNS name foo.os.example.com (via 127.0.0.1:PORT)",
        "  ADDRESS      TYPE  STATUS",
        "  192.0.2.99   A     NOT A VIP",
        "  192.0.2.101  A     served",
        "  192.0.2.103  A     UNSERVED: router core-s1 sends it to ose-prod-node-01, which does not hold it",
        "  192.0.2.102  A     MISSING: a VIP the name does not publish",
        "  unserved ratio 0.333 (1 of 3 records unserved)",
      ].join("\n"),
    );
    const problems = r.stdout.slice(r.stdout.indexOf("Problems:")).split("\n").filter((l) => l.includes("DNS name"));
    expect(problems).toHaveLength(3);
  });

  it("prints the DNS view in JSON", () => {
    const r = run(["check", "--sim.scenario", "scenarios/dns-drift.yaml", "--output", "json"]);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout) as { dns: unknown; anomalies: Array<{ kind: string }>; sources: Array<{ collector: string; target: string; success: boolean }> };
    expect(j.dns).toEqual([
      {
        name: "foo.os.example.com",
        ok: true,
        records: [
          { address: "192.0.2.99", type: "A", status: "not-a-vip" },
          { address: "192.0.2.101", type: "A", status: "served" },
          { address: "192.0.2.103", type: "A", status: "unserved", reason: "router core-s1 sends it to ose-prod-node-01, which does not hold it" },
        ],
        missing: ["192.0.2.102"],
        unserved: 1,
        unservedRatio: 1 / 3,
      },
    ]);
    expect(j.anomalies.map((a) => a.kind).filter((k) => k.startsWith("dns-"))).toEqual(["dns-unknown-address", "dns-unserved-vip", "dns-missing-vip"]);
    expect(j.sources.filter((s) => s.collector === "dns")).toMatchObject([{ target: "foo.os.example.com", success: true }]);
  });

  it("exits 2 when a lookup fails, and says why instead of listing the VIPs as missing", async () => {
    const silent = await startSilentServer();
    const sim = await startSimulation(loadScenarioFile("scenarios/balanced.yaml"));
    const config = { ...sim.config, dns: { names: ["app.os.example.com"], server: { host: "127.0.0.1", port: silent.port }, timeoutMs: 300 } };
    const collector = createCollector(config, silentLogger());
    try {
      const c = await collector.collect();
      expect(checkExitCode(c)).toBe(2);
      const text = formatCheckTable(c, config);
      const why = `127.0.0.1:${silent.port} did not answer for the name within 300 ms; check that it is reachable from the exporter over UDP, or raise dns.timeout`;
      expect(text).toContain(`DNS name app.os.example.com (via 127.0.0.1:${silent.port})\n  LOOKUP FAILED: ${why}\n`);
      expect(c.analysis.anomalies.map((a) => a.message)).toEqual([`DNS lookup of app.os.example.com failed: ${why}.`]);
      expect((checkJson(c) as { exitCode: number }).exitCode).toBe(2);
      // The router and nodes were read as usual.
      expect(c.sources.filter((s) => !s.success).map((s) => `${s.collector} ${s.target}`)).toEqual(["dns app.os.example.com"]);
    } finally {
      await collector.close();
      await sim.stop();
      await silent.close();
    }
  });
});
