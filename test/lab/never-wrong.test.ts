// "Never wrong, never lost" on the real lab (root): Debian's snmpd with its stock `systemonly`
// view makes the router's read fail with the view message, `check` exit 2 and /remediate send
// nothing (the kernel's ARP table is unchanged); SIGTERM in the middle of a remediation answers
// the client and writes the audit record; SIGHUP reloads a changed config and keeps the old one
// when the new one is broken; a scrape with X-Prometheus-Scrape-Timeout-Seconds: 3 and a silent
// router answers within 3 s with every other source's metrics. Ground truth: the kernel.
import { allOn } from "./kernel-view.js";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Lab, type LabOptions, startLab } from "../../lab/lab.js";
import { reapAbandonedLabs } from "../../lab/reap.js";
import { pollUntil } from "../../lab/wait.js";
import { eventually, startExporterProcess, type ExporterProcess } from "../helpers/exporter-process.js";
import { labAvailability, parseMetrics, pick, value } from "./exporter-harness.js";

const { canRun, why, missing, isRoot } = labAvailability();
const CI = process.env.CI === "true";
const TIMEOUT = 180_000;
const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));

const labs: Lab[] = [];
const procs: ExporterProcess[] = [];

async function lab(opts: LabOptions = {}): Promise<Lab> {
  const l = await startLab({ prefix: `vw-${randomBytes(3).toString("hex")}`, subnetWaitMs: 120_000, ownedByProcess: true, ...opts });
  labs.push(l);
  return l;
}

async function exporter(configFile: string): Promise<ExporterProcess> {
  const p = await startExporterProcess(["--config.file", configFile], { env: { VIP_ARP_REMEDIATE_TOKEN: "" } });
  procs.push(p);
  return p;
}

/** The lab's config, edited, written next to it. */
function config(l: Lab, name: string, edit: (doc: Record<string, unknown>) => void): string {
  const doc = parse(readFileSync(l.configFile, "utf8")) as Record<string, unknown>;
  edit(doc);
  const file = join(l.dir, name);
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  return file;
}
const snmpOnly = (doc: Record<string, unknown>) => {
  doc.routers = (doc.routers as { type: string }[]).filter((r) => r.type === "snmp");
};


async function scrape(p: ExporterProcess, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.url}/metrics`, { headers, signal: AbortSignal.timeout(30_000) });
  expect(res.status).toBe(200);
  return parseMetrics(await res.text());
}

beforeAll(async () => {
  if (canRun) await reapAbandonedLabs();
}, 60_000);

afterEach(async () => {
  for (const p of procs.splice(0)) await p.stop("SIGKILL");
  const errors: string[] = [];
  for (const l of labs.splice(0)) await l.down().catch((err: Error) => errors.push(err.message));
  if (errors.length) throw new Error(`lab teardown failed: ${errors.join("; ")}`);
}, 60_000);

// In CI the lab must run (CI runs as root with the tools installed); elsewhere it is skipped with the reason.
const suite = canRun || CI ? describe : describe.skip;

suite(`never wrong, never lost, on the real lab${canRun ? "" : ` (skipped: ${why})`}`, () => {
  it("fails when not root or tools are missing, in CI", () => {
    expect({ isRoot, missing }).toEqual({ isRoot: true, missing: [] });
  });

  it(
    "Debian's stock systemonly view: the read fails with the view message, check exits 2, /remediate sends nothing",
    async () => {
      const l = await lab({ snmpView: "debian-stock" });
      await allOn(l, "lab-node-1"); // a table remediation would change, if it acted
      const before = await l.routerNeigh();
      const file = config(l, "snmp-only.yml", snmpOnly);
      const check = await new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(process.execPath, [CLI, "check", "--config.file", file], { timeout: 60_000, env: { ...process.env, VIP_ARP_REMEDIATE_TOKEN: "" } }, (err, stdout) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout }),
        ),
      );
      expect(check.code).toBe(2);
      const view = `the SNMP agent ${l.router.address}:161 does not show ipNetToMediaTable (1.3.6.1.2.1.4.22) to this community (a GETNEXT from the table's entry left the table at once)`;
      expect(check.stdout).toContain(`UNREACHABLE: ${view}`);
      expect(check.stdout).toContain('"view VIEW included .1.3.6.1.2.1.4.22"');

      const p = await exporter(file);
      const s = await scrape(p);
      expect(value(s, "vip_arp_collector_success", { collector: "snmp", target: "lab-router" })).toBe(0);
      expect(pick(s, "vip_arp_entry_present")).toEqual([]); // unknown, not "absent"
      expect(pick(s, "arp_imbalance_ratio")).toEqual([]);
      const res = await fetch(`${p.url}/remediate`, { method: "POST", headers: { authorization: `Bearer ${readFileSync(l.tokenFile, "utf8").trim()}` } });
      const body = (await res.json()) as { actions: unknown[]; distrusted: { router: string; reason: string }[]; error: string };
      expect(res.status).toBe(503);
      expect(body.actions).toEqual([]);
      expect(body.distrusted.map((d) => d.router)).toEqual(["lab-router"]);
      expect(body.distrusted[0]!.reason).toContain(view);
      // The kernel's table is exactly as it was: nothing was sent.
      expect(await l.routerNeigh()).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    "SIGTERM in the middle of a remediation: the client gets the answer, the audit record is written, exit 0",
    async () => {
      const l = await lab();
      await allOn(l, "lab-node-1");
      const audit = join(l.dir, "audit.jsonl");
      // arping -c 3 of both forms: about 4 s on the node, so the run is in flight when SIGTERM comes.
      const file = config(l, "slow-garps.yml", (doc) => {
        doc.remediation = { ...(doc.remediation as object), garp_count: 3, garp_mode: "both", audit_log_file: audit };
      });
      const p = await exporter(file);
      await scrape(p);
      const response = fetch(`${p.url}/remediate`, { method: "POST", headers: { authorization: `Bearer ${readFileSync(l.tokenFile, "utf8").trim()}` } });
      response.catch(() => undefined);
      const node1 = l.nodes[0]!.mac;
      // The first GARP moved a kernel entry: the run is sending.
      await pollUntil("a VIP moved off lab-node-1", async () => (Object.values(await l.routerNeigh()).some((m) => m !== node1) ? true : undefined), { timeoutMs: 20_000, intervalMs: 50 });
      p.child.kill("SIGTERM");
      const res = await response;
      expect(res.status).toBe(200);
      const report = (await res.json()) as { actions: { status: string }[]; ok: boolean };
      expect(report.actions).toHaveLength(2);
      expect(report.actions.map((a) => a.status)).toEqual(["verified", "verified"]);
      expect(await p.exited).toEqual({ code: 0, signal: null });
      const records = readFileSync(audit, "utf8").trim().split("\n").map((x) => JSON.parse(x) as { ok: boolean; results: unknown[] });
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ ok: true });
      expect(records[0]!.results).toHaveLength(2);
    },
    TIMEOUT,
  );

  it(
    "SIGHUP reloads a changed config, and a broken one keeps the old; a 3 s scrape with a silent router answers in time",
    async () => {
      const l = await lab();
      const file = config(l, "reload.yml", () => {});
      const p = await exporter(file);
      expect(pick(await scrape(p), "vip_arp_collector_success", { target: "lab-router-ssh" })).toHaveLength(1);

      // Changed: the SSH view of the router removed.
      config(l, "reload.yml", snmpOnly);
      p.child.kill("SIGHUP");
      await eventually("the reload", async () => (pick(await scrape(p), "vip_arp_collector_success", { target: "lab-router-ssh" }).length === 0 ? true : undefined), 20_000);

      // Broken: the old config stays.
      writeFileSync(file, "vips: [not-an-address]\n");
      p.child.kill("SIGHUP");
      const kept = await eventually("the failed reload", async () => {
        const s = await scrape(p);
        return value(s, "vip_arp_exporter_config_last_reload_successful", {}) === 0 ? s : undefined;
      }, 20_000);
      expect(value(kept, "vip_arp_collector_success", { collector: "snmp", target: "lab-router" })).toBe(1);

      // A silent router: snmpd stopped (SIGSTOP). The router's own bound is 5 s; the scrape's is 3 s - 0.5 s.
      const pid = Number(readFileSync(join(l.dir, "lab-router", "snmpd.pid"), "utf8").trim());
      process.kill(pid, "SIGSTOP");
      try {
        await new Promise((r) => setTimeout(r, 1500)); // past net-snmp's cache of the table
        const started = Date.now();
        const s = await scrape(p, { "X-Prometheus-Scrape-Timeout-Seconds": "3" });
        const elapsed = Date.now() - started;
        expect(value(s, "vip_arp_collector_success", { collector: "snmp", target: "lab-router" })).toBe(0);
        expect(pick(s, "vip_arp_collector_success", { collector: "node" }).map((x) => x.value)).toEqual([1, 1, 1]);
        expect(pick(s, "infra_node_vip_held").length).toBe(l.nodes.length * l.vips.length); // static mode: every node holds every VIP
        // A bound, not a speed measurement: Prometheus gives up at 3 s; the answer came before.
        expect(elapsed).toBeLessThan(3000);
      } finally {
        process.kill(pid, "SIGCONT");
      }
    },
    TIMEOUT,
  );
});
