// The soak: many scrapes and remediations of the served exporter on a simulated segment whose
// parts misbehave on purpose (a node that flaps, an SNMP agent that cycles through fault
// modes), with the process' memory, open file descriptors and sockets at the start, in the
// middle and at the end. Leaks show as fds or sockets that do not come back, or memory that
// keeps growing. Bounded: it stops after the given counts. Shared by `npm run bench -- --only
// soak` and the short CI check (test/soak/soak.test.ts).
import { readdirSync, readlinkSync } from "node:fs";
import http from "node:http";
import { defaultScenario } from "../../src/sim/scenario.js";
import type { SnmpFault } from "../../src/sim/snmp-faults.js";
import { startServedSim } from "./served.js";
import { memory } from "./stats.js";

export interface Handles {
  fds: number;
  sockets: number;
}

export interface SoakPoint extends Handles {
  at: string;
  scrapes: number;
  remediations: number;
  rssBytes: number;
  heapUsedBytes: number;
}

export interface SoakResult {
  scrapes: number;
  remediations: number;
  /** Before anything was started (after a warm-up cycle), and after everything was closed. */
  before: Handles;
  after: Handles;
  points: SoakPoint[];
  /** Answers by status: /metrics always 200; /remediate 200, 502 or 503 as the segment allows. */
  statuses: Record<string, number>;
  seconds: number;
}

export interface SoakOptions {
  scrapes: number;
  /** One remediation every scrapes/remediations scrapes. */
  remediations: number;
  /** Called between phases (the CI test uses it for nothing; the bench prints progress). */
  progress?: (msg: string) => void;
}

/** Open file descriptors of this process and how many of them are sockets (Linux /proc). */
export function handles(): Handles {
  let fds = 0;
  let sockets = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    let target = "";
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the fd of the readdir itself, closed by now
    }
    fds++;
    if (target.startsWith("socket:")) sockets++;
  }
  return { fds, sockets };
}

/** The agent's fault for scrape i: correct most of the time; the silent ones (each scrape waits for a timeout) briefly. */
function faultAt(i: number): SnmpFault {
  const k = i % 100;
  return k < 60 ? "none" : k < 70 ? "one-bad-row" : k < 80 ? "short-mac" : k < 85 ? "silent" : k < 90 ? "wrong-request-id" : "none";
}
const TOKEN = "soak-token-0123456789abcdef";

function post(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // agent: false: one connection per POST, closed after it (a kept-alive one would count as a socket at the end).
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", agent: false, headers: { authorization: `Bearer ${TOKEN}` }, timeout: 60_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error(`POST ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const scenario = defaultScenario();
  // Remediation on, without cooldown (every run may send), one GARP per form, quick verification.
  const served = { routerTimeoutMs: 100, remediation: { token: TOKEN, tokenSource: "env" as const, cooldownMs: 0, garpCount: 1, verifyTimeoutMs: 1000, verifyIntervalMs: 50 } };
  // A warm-up cycle, so that what the first start loads for good (modules, the DNS of the sim) is not counted.
  await (await startServedSim(scenario, served)).close();
  const before = handles();
  const s = await startServedSim(scenario, served);
  const points: SoakPoint[] = [];
  const statuses: Record<string, number> = {};
  const count = (k: string) => (statuses[k] = (statuses[k] ?? 0) + 1);
  let remediations = 0;
  const point = (at: string, scrapes: number): void => {
    // The simulator shares the process and logs every command and GARP (for tests): not the exporter's memory.
    for (const n of Object.values(s.sim.nodes)) n.commands.length = 0;
    s.sim.segment.garpLog.length = 0;
    const m = memory();
    points.push({ at, scrapes, remediations, rssBytes: m.rss, heapUsedBytes: m.heapUsed, ...handles() });
  };
  const every = Math.max(1, Math.floor(o.scrapes / Math.max(1, o.remediations)));
  const router = s.sim.segment.router("core-s1");
  const flapper = s.sim.segment.node("ose-prod-node-03");
  try {
    point("start", 0);
    for (let i = 1; i <= o.scrapes; i++) {
      // The segment misbehaves on a schedule (faultAt), and node 3 is down for 10 of every 40 scrapes.
      router.fault = faultAt(i);
      flapper.up = i % 40 >= 10;
      const r = await s.get("/metrics");
      count(`GET /metrics ${r.status}`);
      if (i % every === 0 && remediations < o.remediations) {
        // Drift back first (the DESIGN example), so most runs have something to send.
        router.entries.set("192.0.2.102", { mac: flapper.mac, static: false });
        count(`POST /remediate ${await post(s.port, "/remediate")}`);
        remediations++;
      }
      if (i === Math.floor(o.scrapes / 2)) point("middle", i);
      if (i % 1000 === 0) o.progress?.(`${i} scrapes, ${remediations} remediations`);
    }
    router.fault = "none";
    flapper.up = true;
    // One scrape on the healthy segment, so the end is the same steady state as the start.
    count(`GET /metrics ${(await s.get("/metrics")).status}`);
    // The last POST's connection is closing (the server sent its FIN): let it finish before counting.
    await new Promise((r) => setTimeout(r, 200));
    point("end", o.scrapes);
  } finally {
    await s.close();
  }
  // Sockets close asynchronously: give the event loop a moment to finish closing them.
  await new Promise((r) => setTimeout(r, 200));
  const after = handles();
  return { scrapes: o.scrapes, remediations, before, after, points, statuses, seconds: (Date.now() - started) / 1000 };
}
