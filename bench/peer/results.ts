// What the peer bench writes (bench/results/peer.json), the targets judged from it,
// and a sanity check of a results file (the CI smoke run uses it: shape, not speed). Pure.
import type { Spread } from "./measure.js";

export interface MethodResult {
  method: string;
  ms: Spread;
  /** Per-read counts from the router leg's capture, plus per-method extras (rows, bytes). */
  traffic: Record<string, Spread>;
  detail: Record<string, string | number>;
}

export interface RouterTableResult {
  entries: number;
  methods: MethodResult[];
}

export interface NodeReadResult {
  user: string;
  profile: string;
  connectAndRead: Spread;
  read: Spread;
}

export interface RepairTimes {
  firstEntryChanged: Spread;
  allEntriesChanged: Spread;
  answered: Spread;
}

export interface RepairResult {
  moves: number;
  exporter: RepairTimes;
  manual: RepairTimes;
}

export interface MemoryResult {
  nodes: number;
  vips: number;
  scrapes: number;
  series: number;
  startRssMiB: number;
  rssMiB: Spread;
  heapMiB: Spread;
  scrapeMs: Spread;
  checkpoints: { scrape: number; rssMiB: number; heapMiB: number }[];
  limitMiB: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  loadAverage: number[];
  versions: Record<string, string>;
  commit: string;
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  /** null: not measured in this run (e.g. the smoke run has no 50k table). */
  met: boolean | null;
}

export interface PeerResults {
  kind: "peer";
  smoke: boolean;
  startedAt: string;
  durationSeconds: number;
  command: string;
  machine: Machine;
  settings: Record<string, unknown>;
  routerTable: RouterTableResult[];
  nodeReads: NodeReadResult[];
  repair: RepairResult[];
  memory: MemoryResult[];
  targets: Target[];
}

export const METHOD = {
  walk: "snmp_exporter walk",
  snmpFirst: "exporter SNMP read, first (discovery)",
  snmp: "exporter SNMP read",
  scrape: "exporter /metrics scrape (SNMP router + nodes)",
  linux: "exporter linux read over SSH",
  whole: "ip -j neigh show over SSH (whole table)",
} as const;

export function method(t: RouterTableResult, name: string): MethodResult | undefined {
  return t.methods.find((m) => m.method === name);
}

const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`);

/** The targets of issue 13, judged from the results. */
export function judgeTargets(r: Omit<PeerResults, "targets">, vipCount: number): Target[] {
  const out: Target[] = [];
  const tables = [...r.routerTable].sort((a, b) => a.entries - b.entries);
  const small = tables[0];
  const big = tables[tables.length - 1];
  const at50k = tables.find((t) => t.entries >= 50_000);
  const perGet = Math.ceil(vipCount / 10);

  const reqs = tables.map((t) => method(t, METHOD.snmp)?.traffic.requests?.median ?? NaN);
  out.push({
    name: "exporter's SNMP requests per read flat in table size",
    target: `${perGet} GET per read (one per 10 VIPs) at every size`,
    measured: tables.map((t, i) => `${t.entries.toLocaleString("en-US")}: ${reqs[i]}`).join(", "),
    met: tables.length >= 2 ? reqs.every((q) => q === perGet) : null,
  });

  if (at50k) {
    const walk = method(at50k, METHOD.walk)?.ms.median ?? NaN;
    const read = method(at50k, METHOD.snmp)?.ms.median ?? NaN;
    const scrape = method(at50k, METHOD.scrape)?.ms.median ?? NaN;
    out.push({
      name: "at 50k entries, 100x faster than snmp_exporter's walk",
      target: "walk / exporter read >= 100",
      measured: `walk ${ms(walk)}, read ${ms(read)} (${(walk / read).toFixed(0)}x), whole scrape ${ms(scrape)} (${(walk / scrape).toFixed(0)}x)`,
      met: walk / read >= 100,
    });
  } else out.push({ name: "at 50k entries, 100x faster than snmp_exporter's walk", target: "walk / exporter read >= 100", measured: "no 50k table in this run", met: null });

  if (small && big && big !== small) {
    const a = method(small, METHOD.linux);
    const b = method(big, METHOD.linux);
    const bytesA = a?.traffic.bytesFromRouter?.median ?? NaN;
    const bytesB = b?.traffic.bytesFromRouter?.median ?? NaN;
    const msA = a?.ms.median ?? NaN;
    const msB = b?.ms.median ?? NaN;
    const failing = tables.filter((t) => Number(method(t, METHOD.linux)?.detail.failedRuns ?? 0) > 0);
    const fails = failing.length
      ? `; reads fail from ${failing[0]!.entries.toLocaleString("en-US")} entries on: ${String(method(failing[0]!, METHOD.linux)?.detail.error ?? "").slice(0, 160)}`
      : "";
    out.push({
      name: "platform: linux read cost flat in table size",
      target: `bytes from the router within 1.5x and time within 2x from ${small.entries.toLocaleString("en-US")} to ${big.entries.toLocaleString("en-US")} entries, no read failing`,
      measured: `${(bytesA / 1024).toFixed(1)} -> ${(bytesB / 1024).toFixed(1)} KiB, ${ms(msA)} -> ${ms(msB)}${fails}`,
      met: failing.length === 0 && bytesB <= 1.5 * bytesA && msB <= 2 * msA,
    });
  } else out.push({ name: "platform: linux read cost flat in table size", target: "flat from 1k to 50k", measured: "one table size only", met: null });

  const mem = r.memory.find((m) => m.nodes === 100 && m.vips === 1000);
  out.push({
    name: "RSS at 100 nodes x 1000 VIPs at most 128 MiB",
    target: "<= 128 MiB (half the manifests' 256 Mi)",
    measured: mem ? `${mem.rssMiB.median.toFixed(1)} MiB (heap ${mem.heapMiB.median.toFixed(1)} MiB) after ${mem.scrapes} scrapes` : "not measured in this run",
    met: mem ? mem.rssMiB.median <= 128 : null,
  });

  const rep = r.repair.find((x) => x.moves === 3);
  out.push({
    name: "repair of 3 VIPs verified within 1.5 s of the POST",
    target: "HTTP answer <= 1.5 s",
    measured: rep ? `answer ${ms(rep.exporter.answered.median)}; router entries changed after ${ms(rep.exporter.allEntriesChanged.median)}` : "not measured",
    met: rep ? rep.exporter.answered.median <= 1500 : null,
  });
  return out;
}

// ---- sanity check (CI smoke: shape only, never speed) -------------------------------------

function spreadProblems(where: string, s: unknown): string[] {
  const x = s as Partial<Spread> | undefined;
  if (!x || typeof x !== "object") return [`${where}: missing`];
  const nums = [x.median, x.min, x.max];
  if (!nums.every((v) => typeof v === "number" && Number.isFinite(v) && v >= 0)) return [`${where}: not finite non-negative numbers (${JSON.stringify(x)})`];
  if (!(x.min! <= x.median! && x.median! <= x.max!)) return [`${where}: min <= median <= max does not hold (${JSON.stringify(x)})`];
  if (!Number.isInteger(x.runs) || x.runs! < 1) return [`${where}: runs ${x.runs}`];
  return [];
}

/** Problems of a results file; empty when it is sane. */
export function checkPeerResults(data: unknown): string[] {
  const p: string[] = [];
  const r = data as Partial<PeerResults>;
  if (!r || r.kind !== "peer") return ["not a peer results file (kind != peer)"];
  if (!r.machine?.cpu || !r.machine.kernel || !(r.machine.cores >= 1) || !r.machine.versions?.node) p.push("machine description incomplete");
  if (!r.command?.includes("--peer")) p.push("command to reproduce missing");
  if (!Array.isArray(r.routerTable) || r.routerTable.length === 0) p.push("no router table results");
  for (const t of r.routerTable ?? []) {
    for (const name of Object.values(METHOD)) {
      const m = method(t, name);
      if (!m) {
        p.push(`router table ${t.entries}: no "${name}"`);
        continue;
      }
      p.push(...spreadProblems(`router table ${t.entries} ${name} ms`, m.ms));
      for (const [k, v] of Object.entries(m.traffic)) {
        if (k === "rows" && (m.traffic.failed?.max ?? 0) > 0) continue; // failed walks return no rows
        p.push(...spreadProblems(`router table ${t.entries} ${name} ${k}`, v));
      }
    }
    const walk = method(t, METHOD.walk);
    const walkFailed = (walk?.traffic.failed?.max ?? 0) > 0;
    if (walk && !walkFailed && !((walk.traffic.rows?.min ?? 0) >= t.entries)) p.push(`router table ${t.entries}: snmp_exporter returned fewer rows than entries`);
    if (walk && !((walk.traffic.requests?.min ?? 0) >= 1)) p.push(`router table ${t.entries}: no SNMP request of snmp_exporter was captured`);
    const read = method(t, METHOD.snmp);
    if (read && !((read.traffic.requests?.min ?? 0) >= 1)) p.push(`router table ${t.entries}: no SNMP request of the exporter was captured`);
    const lin = method(t, METHOD.linux);
    if (lin && !((lin.traffic.bytesFromRouter?.min ?? 0) > 0)) p.push(`router table ${t.entries}: no SSH bytes of the linux read were captured`);
  }
  if (!Array.isArray(r.nodeReads) || r.nodeReads.length < 2) p.push("node reads: fewer than two users");
  for (const n of r.nodeReads ?? []) p.push(...spreadProblems(`node read ${n.user}`, n.read), ...spreadProblems(`node connect+read ${n.user}`, n.connectAndRead));
  if (!Array.isArray(r.repair) || r.repair.length !== 2) p.push("repair: expected the 1- and 3-VIP cases");
  for (const c of r.repair ?? []) {
    for (const who of ["exporter", "manual"] as const) {
      for (const k of ["firstEntryChanged", "allEntriesChanged", "answered"] as const) p.push(...spreadProblems(`repair ${c.moves} ${who} ${k}`, c[who]?.[k]));
    }
  }
  if (!Array.isArray(r.memory) || r.memory.length === 0) p.push("no memory results");
  for (const m of r.memory ?? []) {
    p.push(...spreadProblems(`memory ${m.nodes}x${m.vips} RSS`, m.rssMiB), ...spreadProblems(`memory ${m.nodes}x${m.vips} heap`, m.heapMiB));
    if (!(m.rssMiB?.min > 10)) p.push(`memory ${m.nodes}x${m.vips}: RSS below 10 MiB is not a node process`);
  }
  if (!Array.isArray(r.targets) || r.targets.length !== 5) p.push("targets: expected 5");
  return p;
}
