// The built command line, run as users run it (npm test builds dist/ first).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { samples } from "../helpers/exporter.js";

const CLI = join(process.cwd(), "dist/src/cli.js");
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

describe("vip-arp-exporter --help and --version", () => {
  it("documents every flag and command", () => {
    const r = run(["--help"]);
    expect(r.status).toBe(0);
    for (const flag of ["--config.file", "--web.listen-address", "--web.telemetry-path", "--log.level", "--sim.scenario", "check", "remediate"]) {
      expect(r.stdout).toContain(flag);
    }
    const check = run(["check", "--help"]);
    expect(check.stdout).toContain("--output");
    const rem = run(["remediate", "--help"]);
    for (const flag of ["--dry-run", "--reassert", "--vip"]) expect(rem.stdout).toContain(flag);
    expect(run(["--version"]).stdout.trim()).toMatch(/^vip-arp-exporter, version \d+\.\d+\.\d+ \(branch: \S+, revision: \S+\)\n  build date: /);
  });

  it("exits 2 on an unknown flag", () => {
    const r = run(["--no-such-flag"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option");
  });
});

describe("vip-arp-exporter check", () => {
  it("on the demo prints the router view and exits 1 (node 2 owns no VIP)", () => {
    const r = run(["check"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("DEMO MODE");
    expect(r.stdout).toMatch(/192\.0\.2\.102\s+00:1a:4a:48:be:4c\s+ose-prod-node-03\s+yes/);
    expect(r.stdout).toMatch(/ose-prod-node-02\s+0\s+up/);
    expect(r.stdout).toMatch(/^  imbalance ratio 0\.333 /m);
  });

  it("exits 0 on a balanced scenario", () => {
    const r = run(["check", "--sim.scenario", "scenarios/balanced.yaml"]);
    expect(r.stdout).toMatch(/^  imbalance ratio 0\.000 /m);
    expect(r.status).toBe(0);
  });

  it("prints JSON with --output json", () => {
    const r = run(["check", "--output", "json"]);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.healthy).toBe(false);
    expect(j.routers[0].counts).toEqual({ "ose-prod-node-01": 1, "ose-prod-node-02": 0, "ose-prod-node-03": 2 });
  });

  it("exits 2 naming the key path of a typo in the config", () => {
    const dir = mkdtempSync(join(tmpdir(), "vae-cli-"));
    const f = join(dir, "config.yml");
    writeFileSync(f, "vips: [198.51.100.101]\nnodes:\n  - {name: a, address: 198.51.100.1, mac: '02:00:00:00:00:01'}\nrouters:\n  - {name: r, type: snmp, address: 198.51.100.254, comunity: public}\n");
    const r = run(["check", "--config.file", f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("routers[0].comunity: unknown key");
  });

  it("exits 2 when the router cannot be read", () => {
    const dir = mkdtempSync(join(tmpdir(), "vae-cli-"));
    const f = join(dir, "config.yml");
    // 127.0.0.1:9 (discard): nothing answers SNMP there.
    writeFileSync(f, "vips: [198.51.100.101]\nnodes:\n  - {name: a, address: 198.51.100.1, mac: '02:00:00:00:00:01'}\nrouters:\n  - {name: r, type: snmp, address: '127.0.0.1:9', community: public, timeout: 300ms, retries: 0}\n");
    const r = run(["check", "--config.file", f]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("UNREACHABLE");
  });

  it("refuses --config.file together with --sim.scenario", () => {
    const r = run(["check", "--config.file", "x.yml", "--sim.scenario", "scenarios/example.yaml"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("exclude each other");
  });
});

describe("vip-arp-exporter remediate", () => {
  it("--dry-run on the demo plans one move to node 2 and sends nothing", () => {
    const r = run(["remediate", "--dry-run", "--output", "json"]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.dryRun).toBe(true);
    expect(j.actions).toHaveLength(1);
    expect(j.actions[0]).toMatchObject({ to: { node: "ose-prod-node-02" }, status: "planned" });
  });

  it("balances the demo and exits 0", () => {
    const r = run(["remediate", "--output", "json"]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.actions[0].status).toBe("verified");
    expect(j.after.ratio).toBe(0);
    expect(j.after.counts).toEqual({ "ose-prod-node-01": 1, "ose-prod-node-02": 1, "ose-prod-node-03": 1 });
  });
});

describe("vip-arp-exporter (serve) in demo mode", () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    child = null;
  });

  it("says it is a demo, serves the metrics and repairs on POST /remediate", async () => {
    child = spawn(process.execPath, [CLI, "--web.listen-address", "127.0.0.1:0", "--log.level", "warn"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, VIP_ARP_REMEDIATE_TOKEN: "" },
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const deadline = Date.now() + 30_000;
    while (!/Repair:.*cat (\S+)\)/.test(stderr)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`demo did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stderr).toContain("DEMO MODE");
    const base = /curl -s (http:\/\/localhost:\d+)\/metrics/.exec(stderr)![1]!;
    const tokenFile = /Repair:.*cat (\S+)\)/.exec(stderr)![1]!;
    const token = readFileSync(tokenFile, "utf8").trim();
    // Parsed exposition, exact values: a substring "} 0" would also match 0.333.
    const metrics = samples(await (await fetch(`${base}/metrics`)).text());
    expect(metrics.get('vip_mac_owner{router="core-s1",vip="192.0.2.102",mac="00:1a:4a:48:be:4c",node="ose-prod-node-03"}')).toBe(1);
    expect(metrics.get('infra_node_vip_count{router="core-s1",node="ose-prod-node-02"}')).toBe(0);
    expect(metrics.get('arp_imbalance_ratio{router="core-s1"}')).toBeCloseTo(1 / 3, 10);
    expect((await fetch(`${base}/remediate`, { method: "POST" })).status).toBe(401);
    const res = await fetch(`${base}/remediate`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { after: { ratio: number } };
    expect(report.after.ratio).toBe(0);
    const after = samples(await (await fetch(`${base}/metrics`)).text());
    expect(after.get('arp_imbalance_ratio{router="core-s1"}')).toBe(0);
    for (const n of ["ose-prod-node-01", "ose-prod-node-02", "ose-prod-node-03"]) {
      expect([n, after.get(`infra_node_vip_count{router="core-s1",node="${n}"}`)]).toEqual([n, 1]);
    }
    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(existsSync(tokenFile)).toBe(false); // the demo token does not outlive the demo
  });
});
