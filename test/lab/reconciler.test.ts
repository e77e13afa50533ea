// The reconciler and GARP pacing against the real lab (kernel ARP, Debian snmpd, OpenSSH,
// iputils arping): the ground truth is the router's kernel table (`ip neigh`) and the packets
// on the lab's bridge (tcpdump in the bridge namespace), never the exporter's word.
import { nodeOfMac, countsOf, allOn } from "./kernel-view.js";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { type Lab, type LabOptions, startLab } from "../../lab/lab.js";
import { reapAbandonedLabs } from "../../lab/reap.js";
import { findTool } from "../../lab/tools.js";
import { pollUntil, sleep } from "../../lab/wait.js";
import { labAvailability, pick, type RunningExporter, startExporter } from "./exporter-harness.js";

const { canRun, why } = labAvailability();
const tcpdump = findTool("tcpdump");
const CI = process.env.CI === "true";
const TIMEOUT = 240_000;
// The lab tests of lab.test.ts take 203.0.113.0/24; e2e.test.ts and this file wait for each other.
const SUBNET = "198.51.100.0/24";

const labs: Lab[] = [];
const exporters: RunningExporter[] = [];
const captures: ChildProcess[] = [];

async function lab(opts: LabOptions = {}): Promise<Lab> {
  const l = await startLab({ prefix: `vr-${randomBytes(3).toString("hex")}`, subnet: SUBNET, subnetWaitMs: 180_000, ownedByProcess: true, ...opts });
  labs.push(l);
  return l;
}

/** The lab's own exporter config with these remediation (and ssh) settings on top. */
function configWith(l: Lab, remediation: Record<string, unknown>, ssh: Record<string, unknown> = {}): string {
  const doc = parseYaml(readFileSync(l.configFile, "utf8")) as { remediation: Record<string, unknown>; ssh: Record<string, unknown> };
  doc.remediation = { ...doc.remediation, ...remediation };
  doc.ssh = { ...doc.ssh, ...ssh };
  const file = join(l.dir, `config-${randomBytes(3).toString("hex")}.yml`);
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  return file;
}

async function exporter(file: string): Promise<RunningExporter> {
  const e = await startExporter(file);
  exporters.push(e);
  return e;
}

beforeAll(async () => {
  if (canRun) await reapAbandonedLabs();
}, 60_000);

afterEach(async () => {
  for (const c of captures.splice(0)) if (c.exitCode === null) c.kill("SIGTERM");
  for (const e of exporters.splice(0)) await e.close().catch(() => {});
  const errors: string[] = [];
  for (const l of labs.splice(0)) await l.down().catch((err: Error) => errors.push(err.message));
  if (errors.length) throw new Error(`lab teardown failed: ${errors.join("; ")}`);
}, 60_000);

const even = (l: Lab) => Object.fromEntries(l.nodes.map((n) => [n.name, l.vips.length / l.nodes.length]));


/** Polls the kernel table until pred holds; returns how long it took. */
async function kernelUntil(l: Lab, what: string, pred: (neigh: Record<string, string | null>) => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  await pollUntil(what, async () => (pred(await l.routerNeigh()) ? true : undefined), { timeoutMs, intervalMs: 200 });
  return Date.now() - t0;
}

interface Garp {
  at: number;
  mac: string;
  vip: string;
}

/** tcpdump on the lab's bridge: every gratuitous ARP (sender IP = target IP), with its time and source MAC. */
async function captureGarps(l: Lab): Promise<{ garps: Garp[]; raw: string[]; stop(): Promise<void> }> {
  const garps: Garp[] = [];
  const raw: string[] = [];
  const child = spawn("ip", ["netns", "exec", `${l.prefix}-br`, tcpdump!, "-i", "br0", "-nn", "-e", "-tt", "-l", "-U", "arp"], { stdio: ["ignore", "pipe", "pipe"] });
  captures.push(child);
  let buffered = "";
  child.stdout!.on("data", (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      raw.push(line);
      // 1767225600.123456 02:1a:4a:00:00:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.51.100.102 (ff:ff:ff:ff:ff:ff) tell 198.51.100.102, length 28
      // 1767225600.123456 02:1a:4a:00:00:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Reply 198.51.100.102 is-at 02:1a:4a:00:00:02, length 28
      const m = /^(\d+\.\d+) ([0-9a-f:]{17}) > .*?: (?:Request who-has (\S+)(?: \([0-9a-f:]+\))? tell (\S+),|Reply (\S+) is-at ([0-9a-f:]{17}),)/.exec(line);
      if (!m) continue;
      const [, ts, src, whoHas, tell, replyIp] = m;
      const vip = whoHas ?? replyIp!;
      if (whoHas !== undefined && whoHas !== tell) continue; // an ordinary request, not a GARP
      garps.push({ at: Number(ts) * 1000, mac: src!, vip });
    }
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  await pollUntil("tcpdump to listen on the bridge", async () => (/listening on br0/.test(stderr) ? true : undefined), { timeoutMs: 10_000 });
  return {
    garps,
    raw,
    async stop() {
      await sleep(300); // the last frames through -U's buffer
      child.kill("SIGTERM");
      await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once("exit", () => r())));
    },
  };
}

/** Most packets in any half-open window [t, t + 1 s) from one packet on (lower bound only). */
function maxPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.max(0, ...sorted.map((t) => sorted.filter((x) => x >= t && x < t + 1000).length));
}

if (CI) {
  it("CI runs the reconciler lab tests: root, every lab tool and tcpdump are present", () => {
    expect({ canRun, tcpdump: tcpdump !== null }).toEqual({ canRun: true, tcpdump: true });
  });
}

describe.skipIf(!canRun || !tcpdump)(canRun && tcpdump ? "the reconciler against the real lab" : `the reconciler against the real lab SKIPPED (${canRun ? "no tcpdump" : why})`, () => {
  it("mode auto: every VIP on one node is balanced without /remediate; a node taken down and brought back gets its VIP back", async () => {
    const l = await lab();
    await allOn(l, "lab-node-1");
    // cooldown 1s: the VIP a reboot moves away is the one it gets back, seconds later. A down
    // node is known as such once its SSH read times out: 4 s here (the lab answers in ms).
    const e = await exporter(configWith(l, { mode: "auto", auto: { interval: "2s", after: 2, max_runs_per_hour: 20 }, cooldown: "1s" }, { timeout: "4s" }));
    const balancedIn = await kernelUntil(l, "the kernel table to be balanced by the reconciler", (n) => JSON.stringify(countsOf(l, n)) === JSON.stringify(even(l)), 30_000);
    console.log(`lab: balanced by the reconciler ${(balancedIn / 1000).toFixed(1)} s after the exporter started (interval 2s, after 2)`);
    // Counted once its arpings have finished (a second after the kernel changed).
    const samples = await pollUntil(
      "the reconciler's run to be counted",
      async () => {
        const s = await e.scrape();
        return (pick(s, "vip_arp_remediation_runs_total", { trigger: "reconciler" })[0]?.value ?? 0) >= 1 ? s : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(pick(samples, "vip_arp_remediation_runs_total", { trigger: "manual" })[0]!.value).toBe(0);
    expect(pick(samples, "vip_arp_remediation_runs_total", { trigger: "alertmanager" })[0]!.value).toBe(0);

    // Node 3 "reboots": the router keeps its (now dead) MAC for node 3's VIP, so traffic is
    // blackholed; the reconciler moves it to an up node (the fallback), and gives it back.
    const n3 = l.nodes[2]!;
    const vip = Object.entries(await l.routerNeigh()).find(([, mac]) => mac === n3.mac)![0];
    await l.setNodeDown(n3.name);
    // Each collection while it is down waits for its SSH read to time out.
    const fellBackIn = await kernelUntil(l, `${vip} to move off the down node`, (n) => n[vip] !== n3.mac && nodeOfMac(l, n[vip] ?? null) !== null, 60_000);
    await l.setNodeUp(n3.name);
    // "Within a few intervals": the node is read up again, and after 2 collections one run.
    const backIn = await kernelUntil(l, "node 3 to get a VIP back", (n) => JSON.stringify(countsOf(l, n)) === JSON.stringify(even(l)), 40_000);
    console.log(`lab: node down -> VIP moved off it in ${(fellBackIn / 1000).toFixed(1)} s; node up -> balanced again in ${(backIn / 1000).toFixed(1)} s`);
  }, TIMEOUT);

  it("mode plan: the reconciler and /remediate report the plan and leave the kernel table untouched", async () => {
    const l = await lab();
    await allOn(l, "lab-node-1");
    const before = await l.routerNeigh();
    const e = await exporter(configWith(l, { mode: "plan", auto: { interval: "2s", after: 2 } }));
    await pollUntil(
      "the reconciler to plan",
      async () => {
        const s = await e.scrape();
        return (pick(s, "vip_arp_remediation_actions_total", { trigger: "reconciler", status: "planned" })[0]?.value ?? 0) >= 2 ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const { status, json } = await e.remediate(l.token);
    expect(status).toBe(200);
    expect(json).toMatchObject({ mode: "plan", dryRun: true, after: null, message: "remediation.mode is plan: nothing was sent; these are the actions a run would take" });
    expect(json.actions!.map((a) => a.status)).toEqual(["planned", "planned"]);
    await sleep(1_000);
    expect(await l.routerNeigh()).toEqual(before);
  }, TIMEOUT);

  it("pacing on the wire: no node sends more than max_garp_rate GARPs in any one-second window", async () => {
    const rate = 3;
    const l = await lab({ vips: 6 });
    await allOn(l, "lab-node-1");
    const e = await exporter(configWith(l, { garp_count: 3, max_garp_rate: rate, verify_timeout: "20s" }));
    const cap = await captureGarps(l);
    const t0 = Date.now();
    const { status, json } = await e.remediate(l.token);
    const answeredMs = Date.now() - t0;
    expect(status).toBe(200);
    // 6 VIPs on node 1 of 3: four move, two to each other node; each 2 forms x 3 packets.
    expect(json.actions!.map((a) => a.status)).toEqual(Array(4).fill("verified"));
    await pollUntil("every GARP on the wire", async () => (cap.garps.length >= 24 ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 }).catch((err: Error) => {
      throw new Error(`${err.message}: ${cap.garps.length} GARPs seen; the capture:\n${cap.raw.slice(0, 40).join("\n")}`);
    });
    await sleep(1_500); // anything beyond the plan would show up here
    await cap.stop();
    const byNode = new Map<string, number[]>();
    for (const g of cap.garps) byNode.set(g.mac, [...(byNode.get(g.mac) ?? []), g.at]);
    const senders = [...byNode.keys()].map((mac) => nodeOfMac(l, mac)).sort();
    expect(senders).toEqual(["lab-node-2", "lab-node-3"]);
    for (const [mac, times] of byNode) {
      expect([nodeOfMac(l, mac), times.length]).toEqual([nodeOfMac(l, mac), 12]);
      expect(maxPerSecond(times)).toBeLessThanOrEqual(rate);
    }
    const first = Math.min(...cap.garps.map((g) => g.at));
    const last = Math.max(...cap.garps.map((g) => g.at));
    console.log(
      `lab: 4 actions x 2 forms x arping -c 3 at max_garp_rate ${rate}: answered (all verified) after ${(answeredMs / 1000).toFixed(2)} s; ` +
        `GARPs on the wire over ${((last - first) / 1000).toFixed(2)} s; most per node in any 1 s: ${[...byNode.values()].map(maxPerSecond).join(", ")}`,
    );
  }, TIMEOUT);

  it("a 3-VIP repair with the default rate is answered once verified, not after arping's last packet", async () => {
    const l = await lab();
    const timings: string[] = [];
    // The default verify_interval (500ms), then 100ms: Debian's snmpd serves its ARP table from
    // a cache of about a second, which the SNMP view's verification waits out either way.
    for (const verifyInterval of ["500ms", "100ms"]) {
      await allOn(l, "lab-node-1");
      const e = await exporter(configWith(l, { garp_count: 3, verify_interval: verifyInterval }));
      await e.scrape(); // connections warm, as in a running exporter
      const t0 = Date.now();
      const { status, json } = await e.remediate(l.token);
      const ms = Date.now() - t0;
      expect(status).toBe(200);
      expect(json.actions!.map((a) => a.status)).toEqual(["verified", "verified"]);
      // arping -c 3 takes 3 s per form (iputils 20221126): the answer did not wait for it.
      expect(json.actions!.every((a) => (a as { sending?: string }).sending !== undefined)).toBe(true);
      expect(countsOf(l, await l.routerNeigh())).toEqual(even(l));
      timings.push(`${(ms / 1000).toFixed(2)} s with verify_interval ${verifyInterval}`);
      await exporters.pop()!.close();
      await sleep(3_500); // its arpings end before the next round of GARPs by hand
    }
    console.log(`lab: 3 VIPs, 2 moves, garp_count 3, both forms: POST /remediate answered (verified) after ${timings.join(", ")}`);
  }, TIMEOUT);
});
