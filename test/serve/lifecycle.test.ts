// The exporter as a process: SIGHUP and POST /-/reload reload (a broken config keeps the old
// one), SIGTERM lets a remediation in flight finish and answers its client, a second SIGTERM
// exits at once and records the run as interrupted, SIGUSR2 kills nothing. Against a simulated
// segment in this process; the exporter reads a real config file.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { defaultScenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation } from "../../src/sim/start.js";
import { eventually, startExporterProcess, type ExporterProcess } from "../helpers/exporter-process.js";
import { find, samples } from "../helpers/exporter.js";
import { SIM_TOKEN, simConfigFile } from "../helpers/sim-config-file.js";

let sim: Simulation | null = null;
let proc: ExporterProcess | null = null;
afterEach(async () => {
  await proc?.stop("SIGKILL");
  await sim?.stop();
  proc = null;
  sim = null;
});

async function metrics(p: ExporterProcess): Promise<Map<string, number>> {
  const res = await fetch(`${p.url}/metrics`);
  expect(res.status).toBe(200);
  return samples(await res.text());
}
const value = (s: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined => find(s, name, labels)[0]?.value;
const connections = (s: Simulation): number => Object.values(s.nodes).reduce((n, x) => n + x.connections(), 0);
const auditRecords = (file: string): Record<string, unknown>[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("reload", () => {
  it("SIGHUP applies a changed config, keeps the SSH connections of unchanged nodes, and a broken config keeps the old one", async () => {
    sim = await startSimulation(defaultScenario());
    const cfg = simConfigFile(sim);
    proc = await startExporterProcess(["--config.file", cfg.path]);
    const before = await metrics(proc);
    expect(value(before, "vip_arp_exporter_config_last_reload_successful")).toBe(1);
    const loadedAt = value(before, "vip_arp_exporter_config_last_reload_success_timestamp_seconds")!;
    expect(value(before, "vip_holders", { vip: "192.0.2.104" })).toBeUndefined();
    const conns = connections(sim);
    expect(conns).toBe(3);

    // A fourth VIP: nodes and router unchanged, so their sessions stay.
    cfg.write({ ...cfg.doc, vips: [...(cfg.doc.vips as string[]), "192.0.2.104"] });
    await new Promise((r) => setTimeout(r, 1100)); // a new second for the load timestamp
    proc.child.kill("SIGHUP");
    const after = await eventually("the reloaded VIP", async () => {
      const m = await metrics(proc!);
      return value(m, "vip_holders", { vip: "192.0.2.104" }) === 0 ? m : undefined;
    });
    expect(value(after, "vip_arp_exporter_config_last_reload_successful")).toBe(1);
    expect(value(after, "vip_arp_exporter_config_last_reload_success_timestamp_seconds")!).toBeGreaterThan(loadedAt);
    expect(value(after, "vip_arp_entry_present", { vip: "192.0.2.104" })).toBe(0);
    expect(connections(sim)).toBe(conns);
    expect(proc.logs().some((l) => l.msg === "config reloaded" && l.reason === "SIGHUP")).toBe(true);

    // A broken config: the old one stays, the gauge says so, and POST /-/reload answers 500 with why.
    cfg.write({ ...cfg.doc, vips: [...(cfg.doc.vips as string[]), "192.0.2.104"], remediation: { ...(cfg.doc.remediation as object), garp_count: 99 } });
    proc.child.kill("SIGHUP");
    const broken = await eventually("the failed reload", async () => {
      const m = await metrics(proc!);
      return value(m, "vip_arp_exporter_config_last_reload_successful") === 0 ? m : undefined;
    });
    expect(value(broken, "vip_holders", { vip: "192.0.2.104" })).toBe(0); // still the reloaded config
    expect(proc.logs().find((l) => l.msg === "reload failed: the previous config stays in use")?.err).toMatch(/remediation\.garp_count: /);
    const res = await fetch(`${proc.url}/-/reload`, { method: "POST" });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/^reload failed, the previous config stays in use: invalid config .*config\.yml:\n {2}- remediation\.garp_count: /);

    // Fixed again: POST /-/reload applies it.
    cfg.write();
    const ok = await fetch(`${proc.url}/-/reload`, { method: "POST" });
    expect([ok.status, await ok.text()]).toEqual([200, "config reloaded\n"]);
    const fixed = await metrics(proc);
    expect(value(fixed, "vip_arp_exporter_config_last_reload_successful")).toBe(1);
    expect(value(fixed, "vip_holders", { vip: "192.0.2.104" })).toBeUndefined();
    expect(connections(sim)).toBe(conns);
  });

  it("SIGUSR2 is logged and ignored; the exporter keeps serving", async () => {
    sim = await startSimulation(defaultScenario());
    proc = await startExporterProcess(["--config.file", simConfigFile(sim).path]);
    proc.child.kill("SIGUSR2");
    await eventually("the log line", () => (proc!.logs().some((l) => String(l.msg).startsWith("SIGUSR2 ignored")) ? true : undefined));
    expect((await fetch(`${proc.url}/-/healthy`)).status).toBe(200);
    expect(proc.child.exitCode).toBeNull();
  });
});

describe("shutdown", () => {
  /** The demo plan moves one VIP to node 2; its arping takes real time so the run is in flight for seconds. */
  async function slowRun(): Promise<{ cfg: ReturnType<typeof simConfigFile>; response: Promise<Response> }> {
    sim = await startSimulation(defaultScenario());
    sim.segment.node("ose-prod-node-02").arpingIntervalMs = 1000;
    const cfg = simConfigFile(sim, { remediation: { garp_count: 3, garp_mode: "both", cooldown: "0s" } });
    proc = await startExporterProcess(["--config.file", cfg.path]);
    const response = fetch(`${proc.url}/remediate`, { method: "POST", headers: { authorization: `Bearer ${SIM_TOKEN}` } });
    response.catch(() => undefined);
    // In flight: its first GARP went out (the rest of `arping -c 3` takes two more seconds).
    await eventually("the first GARP", () => (sim!.segment.garpLog.length > 0 ? true : undefined));
    return { cfg, response };
  }

  it("SIGTERM during a remediation: no new connections, the run finishes, its client gets the answer, the audit record is written, exit 0", async () => {
    const { cfg, response } = await slowRun();
    proc!.child.kill("SIGTERM");
    await eventually("the listeners to close", () => fetch(`${proc!.url}/-/healthy`).then(() => undefined, () => true));
    const res = await response;
    expect(res.status).toBe(200);
    const report = (await res.json()) as { actions: { vip: string; to: { node: string }; status: string }[] };
    expect(report.actions.map((a) => [a.to.node, a.status])).toEqual([["ose-prod-node-02", "verified"]]);
    const exit = await proc!.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const records = auditRecords(cfg.auditFile);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ ok: true, trigger: "manual", results: [{ status: "verified", to: { node: "ose-prod-node-02" } }] });
    expect(proc!.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(["waiting for the remediation run in flight to finish", "stopped"]));
    // Both forms went out in full (they may interleave): the run was not cut short.
    expect(sim!.segment.garpLog.map((g) => g.form).sort()).toEqual(["reply", "reply", "reply", "request", "request", "request"]);
  });

  it("a second SIGTERM exits at once and records the run as interrupted, with what had been sent", async () => {
    const { cfg, response } = await slowRun();
    proc!.child.kill("SIGTERM");
    await eventually("the shutdown to start", () => (proc!.logs().some((l) => l.msg === "waiting for the remediation run in flight to finish") ? true : undefined));
    proc!.child.kill("SIGTERM");
    const exit = await proc!.exited;
    expect(exit).toEqual({ code: 143, signal: null });
    await expect(response).rejects.toThrow();
    const records = auditRecords(cfg.auditFile);
    expect(records).toHaveLength(1);
    const r = records[0] as { interrupted?: boolean; ok: boolean; error: string; results: { vip: string; status: string; error?: string }[] };
    expect(r.interrupted).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.error).toBe("interrupted by a second SIGTERM: the process exited before the run finished; 0 GARP action(s) had been sent in full and 1 had started, none verified");
    // The action was on its way: its first packets had left, arping had not finished.
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ status: "planned", error: "interrupted while arping was sending: its first GARP had gone out, the others may not have" });
    expect(sim!.segment.garpLog.length).toBeGreaterThan(0);
  });
});

describe("the remediate command", () => {
  it("SIGHUP is ignored and SIGTERM lets the run finish: the report is printed, exit 0", async () => {
    sim = await startSimulation(defaultScenario());
    sim.segment.node("ose-prod-node-02").arpingIntervalMs = 1000;
    const cfg = simConfigFile(sim, { remediation: { garp_count: 2, garp_mode: "reply" } });
    const cli = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
    const child = spawn(process.execPath, [cli, "remediate", "--config.file", cfg.path, "--output", "json"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      await eventually("the first GARP", () => (sim!.segment.garpLog.length > 0 ? true : undefined));
      child.kill("SIGHUP");
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const report = JSON.parse(out) as { actions: { to: { node: string }; status: string }[] };
      expect(report.actions.map((a) => [a.to.node, a.status])).toEqual([["ose-prod-node-02", "verified"]]);
      expect(err).toContain("SIGHUP ignored by a one-shot command");
      expect(err).toContain("finishing the remediation run before exiting");
      expect(auditRecords(cfg.auditFile)).toHaveLength(1);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
