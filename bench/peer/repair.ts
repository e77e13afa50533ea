// Peer bench 3: repair time on the real lab. The router's entries are first set by GARPs so
// that exactly 1 or 3 VIPs must move; then either POST /remediate (the exporter plans, sends
// arping over SSH and verifies by re-reading the router) or the manual way, one
// `ssh node arping -c 4 -A -I eth0 VIP` after the other. `ip monitor neigh` in the router's
// namespace timestamps the moment the router's kernel entry takes the new MAC.
import { join } from "node:path";
import type { Lab } from "../../lab/lab.js";
import { run } from "../../lab/exec.js";
import { hostRouteDev } from "../../lab/netns.js";
import { normalizeMac } from "../../src/model/net.js";
import { startWatched, type Watched } from "./child.js";
import { spread } from "./measure.js";
import type { RepairResult } from "./results.js";
import { startServedLab } from "./served-lab.js";

export interface RepairOptions {
  user: string;
  runs: number;
  log: (line: string) => void;
}

interface NeighEvent {
  vip: string;
  mac: string;
  atMs: number;
}

/**
 * `ip -ts monitor neigh` lines, "[2026-12-02T14:19:30.833123] 203.0.113.101 dev eth0 lladdr
 * 02:1a:4a:00:00:01 STALE" -> VIP, MAC and the time ip printed (local time, as ip formats it);
 * null for deletions and lines without a MAC.
 */
export function parseMonitorLine(line: string): { vip: string; mac: string; atMs: number | null } | null {
  const m = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)\]\s*(.*)$/.exec(line.trim());
  const atMs = m ? Date.parse(m[1]!.replace(/(\.\d{3})\d+$/, "$1")) : null;
  const t = (m ? m[2]! : line.trim()).split(/\s+/);
  if (t[0] === "Deleted" || t[0] === "Miss") return null;
  const i = t.indexOf("lladdr");
  const mac = i > 0 ? normalizeMac(t[i + 1] ?? "") : null;
  return t[0] && mac ? { vip: t[0], mac, atMs: Number.isFinite(atMs) ? atMs : null } : null;
}

interface Case {
  moves: number;
  /** Where the GARPs put each VIP before the run (node index per VIP). */
  start: number[];
  /** The manual repair: VIP index -> node index. */
  manual: [number, number][];
}

/** 4 nodes, 4 VIPs: all on node 4 needs 3 moves; (1,1,0,2) needs one. */
export const REPAIR_CASES: Case[] = [
  { moves: 1, start: [0, 1, 3, 3], manual: [[3, 2]] },
  { moves: 3, start: [3, 3, 3, 3], manual: [[0, 0], [1, 1], [2, 2]] },
];

export async function benchRepair(lab: Lab, opts: RepairOptions): Promise<RepairResult[]> {
  if (lab.nodes.length !== 4 || lab.vips.length !== 4) throw new Error("the repair bench needs a lab of 4 nodes and 4 VIPs");
  for (const n of lab.nodes) {
    const dev = await hostRouteDev(n.address);
    if (dev !== lab.hostLeg) throw new Error(`the host would reach ${n.address} via ${dev ?? "nothing"}, not ${lab.hostLeg}: refusing to ssh there`);
  }
  const file = join(lab.dir, "bench-repair.yml");
  // Product defaults (garp_count 3, both forms, verify every 500 ms) but no cooldown, so the
  // same VIPs can be repaired run after run.
  lab.writeExporterConfig(file, { sshUser: opts.user, routers: ["snmp"], remediation: { cooldown: "0s" } });
  const events: NeighEvent[] = [];
  const monitor: Watched = await startWatched("ip monitor neigh", ["ip", "-ts", "-n", lab.router.ns, "monitor", "neigh"]);
  monitor.onLine((line, atMs) => {
    const e = parseMonitorLine(line);
    // ip's own timestamp: this process also serves the exporter, so its event loop may be late.
    if (e) events.push({ vip: e.vip, mac: e.mac, atMs: e.atMs ?? atMs });
  });
  const served = await startServedLab(file);
  const out: RepairResult[] = [];
  try {
    for (const c of REPAIR_CASES) {
      const exporter = { changed: [] as number[], first: [] as number[], answer: [] as number[] };
      const manual = { changed: [] as number[], first: [] as number[], answer: [] as number[] };
      for (let i = 0; i < opts.runs; i++) {
        await setStart(lab, c.start);
        const t0 = Date.now();
        const { status, json } = await served.remediate(lab.token);
        const answered = Date.now();
        if (status !== 200) throw new Error(`POST /remediate answered ${status}: ${JSON.stringify(json).slice(0, 300)}`);
        const actions = json.actions ?? [];
        if (actions.length !== c.moves) throw new Error(`POST /remediate planned ${actions.length} moves, the case needs ${c.moves}: ${JSON.stringify(actions)}`);
        const bad = actions.filter((a) => a.status !== "verified");
        if (bad.length) throw new Error(`remediation did not verify: ${JSON.stringify(bad)}`);
        const times = actions.map((a) => changedAt(events, a.vip, a.to.mac, t0));
        exporter.changed.push(Math.max(...times) - t0);
        exporter.first.push(Math.min(...times) - t0);
        exporter.answer.push(answered - t0);

        await setStart(lab, c.start);
        const m0 = Date.now();
        for (const [v, n] of c.manual) {
          await run(sshArgv(lab, opts.user, lab.nodes[n]!.address, ["arping", "-c", "4", "-A", "-I", "eth0", lab.vips[v]!]), { timeoutMs: 30_000 });
        }
        const mDone = Date.now();
        const mt = c.manual.map(([v, n]) => changedAt(events, lab.vips[v]!, lab.nodes[n]!.mac, m0));
        manual.changed.push(Math.max(...mt) - m0);
        manual.first.push(Math.min(...mt) - m0);
        manual.answer.push(mDone - m0);
      }
      out.push({
        moves: c.moves,
        exporter: { firstEntryChanged: spread(exporter.first), allEntriesChanged: spread(exporter.changed), answered: spread(exporter.answer) },
        manual: { firstEntryChanged: spread(manual.first), allEntriesChanged: spread(manual.changed), answered: spread(manual.answer) },
      });
      opts.log(`repair of ${c.moves}: exporter answer ${spread(exporter.answer).median.toFixed(0)} ms (router changed at ${spread(exporter.changed).median.toFixed(0)} ms), manual ${spread(manual.answer).median.toFixed(0)} ms`);
    }
  } finally {
    await served.close();
    await monitor.stop();
  }
  return out;
}

function sshArgv(lab: Lab, user: string, host: string, command: string[]): string[] {
  return [
    "ssh", "-i", lab.privateKeyFile, "-o", `UserKnownHostsFile=${lab.knownHostsFile}`, "-o", "StrictHostKeyChecking=yes",
    "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", `${user}@${host}`, ...command,
  ];
}

/** When the router's entry for vip first showed mac after t0 (epoch ms); throws when never. */
function changedAt(events: readonly NeighEvent[], vip: string, mac: string, t0: number): number {
  const e = events.find((x) => x.atMs >= t0 && x.vip === vip && x.mac === mac);
  if (!e) throw new Error(`ip monitor neigh never showed ${vip} -> ${mac} after the repair started`);
  return e.atMs;
}

/**
 * GARPs from the chosen nodes, then checks the router shows exactly that. The answer of a
 * repair comes once it is verified, while its arpings may still be sending (arping -c 3 lasts
 * 2 s): their late packets can undo this start, so it is set again until it holds (bounded).
 */
async function setStart(lab: Lab, start: readonly number[]): Promise<void> {
  let wrong: string[] = [];
  for (let attempt = 0; attempt < 12; attempt++) {
    await Promise.all(lab.vips.map((vip, i) => lab.garp(lab.nodes[start[i]!]!.name, vip)));
    const neigh = await lab.routerNeigh();
    wrong = lab.vips.filter((vip, i) => neigh[vip] !== lab.nodes[start[i]!]!.mac).map((v) => `${v} -> ${neigh[v]}`);
    if (wrong.length === 0) {
      // Held for a second too: the previous run's arpings are done.
      await new Promise((r) => setTimeout(r, 1000));
      const again = await lab.routerNeigh();
      if (lab.vips.every((vip, i) => again[vip] === lab.nodes[start[i]!]!.mac)) return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`setting up the repair case: the router maps ${wrong.join(", ")}`);
}
