// Peer bench 1: the router's read cost against the size of its kernel ARP table. One lab
// router (Debian snmpd, OpenSSH) with N permanent neighbour entries plus the VIPs; per size,
// repeated cold reads by snmp_exporter (walk of ipNetToMediaPhysAddress), by the exporter's
// SNMP source (src/sources/snmp/router-source.ts), by a whole /metrics scrape, and over SSH
// with `platform: linux` (whatever command the linux platform runs today) beside a plain
// `ip -j neigh show` of the whole table. tcpdump on the router's leg counts each read's
// datagrams and bytes and the agent's answer time.
import { join } from "node:path";
import type { Lab } from "../../lab/lab.js";
import { loadConfigFile } from "../../src/config/load.js";
import type { SshRouterConfig } from "../../src/config/types.js";
import { silentLogger } from "../../src/log.js";
import { createSnmpRouterSource } from "../../src/sources/snmp/router-source.js";
import { createSshRouterSource } from "../../src/sources/ssh-router.js";
import { SshConnection } from "../../src/sources/ssh/connection.js";
import type { RouterSource } from "../../src/sources/types.js";
import { startCapture } from "./capture.js";
import { startServedLab, type ServedLab } from "./served-lab.js";
import { Pacer, spread, timed, type Spread, type Timed } from "./measure.js";
import { inWindow, tcpTraffic, udpExchange, type Packet } from "./pcap.js";
import { METHOD, type MethodResult, type RouterTableResult } from "./results.js";
import { startSnmpExporter, type SnmpExporter } from "./snmp-exporter.js";

export interface RouterTableOptions {
  sizes: readonly number[];
  runs: number;
  /** Fewer runs of snmp_exporter's walk from this size on (it takes minutes at 50k). */
  slowWalkFrom: number;
  slowWalkRuns: number;
  /** Gap between SNMP reads so each finds snmpd's cache expired. */
  coldGapMs: number;
  user: string;
  log: (line: string) => void;
}

/** Reads are at least SSH_GAP_MS apart, so a window may reach past each end by less. */
const WINDOW_MARGIN_US = 100_000;
const SSH_GAP_MS = 300;

interface Run {
  t: Timed<unknown>;
  extra?: Record<string, number>;
}

function snmpTraffic(runs: readonly Run[], packets: readonly Packet[], router: string): Record<string, Spread> {
  const per = runs.map((r) => ({ ms: r.t.ms, x: udpExchange(inWindow(packets, { fromUs: r.t.fromUs - WINDOW_MARGIN_US, toUs: r.t.toUs + WINDOW_MARGIN_US }), router, 161) }));
  return {
    requests: spread(per.map((p) => p.x.requests)),
    answers: spread(per.map((p) => p.x.answers)),
    bytesToRouter: spread(per.map((p) => p.x.bytesToServer)),
    bytesFromRouter: spread(per.map((p) => p.x.bytesFromServer)),
    agentMs: spread(per.map((p) => p.x.serverMs)),
    clientMs: spread(per.map((p) => p.ms - p.x.serverMs)),
  };
}

function sshTraffic(runs: readonly Run[], packets: readonly Packet[], router: string): Record<string, Spread> {
  const per = runs.map((r) => tcpTraffic(inWindow(packets, { fromUs: r.t.fromUs - WINDOW_MARGIN_US, toUs: r.t.toUs + WINDOW_MARGIN_US }), router, 22));
  return {
    packetsToRouter: spread(per.map((p) => p.packetsToServer)),
    packetsFromRouter: spread(per.map((p) => p.packetsFromServer)),
    bytesToRouter: spread(per.map((p) => p.bytesToServer)),
    bytesFromRouter: spread(per.map((p) => p.bytesFromServer)),
  };
}

function result(method: string, runs: readonly Run[], traffic: Record<string, Spread>, detail: Record<string, string | number> = {}): MethodResult {
  const extras: Record<string, Spread> = {};
  for (const k of new Set(runs.flatMap((r) => Object.keys(r.extra ?? {})))) {
    const values = runs.map((r) => r.extra?.[k]).filter((v): v is number => Number.isFinite(v));
    if (values.length) extras[k] = spread(values);
  }
  return { method, ms: spread(runs.map((r) => r.t.ms)), traffic: { ...traffic, ...extras }, detail };
}

/**
 * Runs fn n times, each after `before` (untimed) and the pacer's gap. The kernel reclaims a
 * stale neighbour entry after gc_stale_time (60 s) once the table holds more than gc_thresh1
 * (128) entries; nothing in the lab sends to the VIPs, so `before` refreshes their entries.
 */
async function repeat(n: number, pacer: Pacer | null, fn: () => Promise<Run>, before?: () => Promise<void>): Promise<Run[]> {
  const out: Run[] = [];
  for (let i = 0; i < n; i++) {
    await before?.();
    await pacer?.cold();
    try {
      out.push(await fn());
    } finally {
      pacer?.done();
    }
  }
  return out;
}

/** A read that fails is a result (counted, its error kept), not a broken bench. */
function attempt<T>(p: Promise<T>): Promise<{ value: T | null; error: string }> {
  return p.then((value) => ({ value, error: "" }), (e: Error) => ({ value: null, error: e.message }));
}

function failureDetail(runs: readonly Run[], error: string): Record<string, string | number> {
  const failed = runs.filter((r) => r.extra?.failed === 1).length;
  return failed ? { error: error.slice(0, 300), failedRuns: failed } : {};
}

function expectVipEntries(what: string, entries: readonly { vip: string }[], vips: readonly string[]): void {
  const got = new Set(entries.map((e) => e.vip));
  const missing = vips.filter((v) => !got.has(v));
  if (missing.length) throw new Error(`${what} returned no entry for ${missing.join(", ")}: numbers from a read that misses VIPs mean nothing`);
}

export async function benchRouterTable(lab: Lab, opts: RouterTableOptions): Promise<RouterTableResult[]> {
  const dir = lab.dir;
  const router = lab.router.address;
  const vips = lab.vips;
  const sourceFile = join(dir, "bench-sources.yml");
  lab.writeExporterConfig(sourceFile, { sshUser: opts.user, snmpTimeout: "15s" });
  const config = loadConfigFile(sourceFile, {});
  const snmpCfg = config.routers.find((r) => r.type === "snmp");
  const linuxCfg = config.routers.find((r): r is SshRouterConfig => r.type === "ssh");
  if (!snmpCfg || snmpCfg.type !== "snmp" || !linuxCfg) throw new Error(`${sourceFile} lacks the SNMP or the linux router`);
  const log = silentLogger();
  const scrapeFile = join(dir, "bench-scrape.yml");
  lab.writeExporterConfig(scrapeFile, { sshUser: opts.user, routers: ["snmp"], snmpTimeout: "15s" });

  const pacer = new Pacer(opts.coldGapMs);
  const refresh = () => lab.resolveVips();
  const sshPacer = new Pacer(SSH_GAP_MS);
  const out: RouterTableResult[] = [];
  let snmpx: SnmpExporter | null = null;
  let served: ServedLab | null = null;
  const conn = new SshConnection({ name: linuxCfg.name, host: linuxCfg.host, port: linuxCfg.port, settings: linuxCfg.ssh, log });
  const linux = createSshRouterSource(linuxCfg, conn, log);
  try {
    snmpx = await startSnmpExporter(join(dir, "snmp.yml"), lab.community);
    served = await startServedLab(scrapeFile);
    for (const size of opts.sizes) {
      opts.log(`router table: ${size.toLocaleString("en-US")} entries`);
      await lab.setRouterBulkNeighbours(size);
      await lab.resolveVips();
      // snmpd may still hold the table it loaded for an earlier read (or the repair's
      // verification): the first read waits out the cache too.
      pacer.done();
      const capture = await startCapture(lab.router.ns, lab.hostAddress, join(dir, `router-${size}.pcap`));
      const methods: { name: string; runs: Run[]; kind: "snmp" | "ssh"; detail?: Record<string, string | number> }[] = [];
      try {
        const walkRuns = size >= opts.slowWalkFrom ? opts.slowWalkRuns : opts.runs;
        // snmp_exporter may give up on a slow agent: that is a result.
        let walkError = "";
        const walk = await repeat(walkRuns, pacer, async (): Promise<Run> => {
          const t = await timed(() => attempt(snmpx!.walk(router, 1_800_000)));
          const v = t.value.value;
          if (!v) {
            walkError = t.value.error;
            return { t, extra: { failed: 1 } };
          }
          if (v.rows < size) throw new Error(`snmp_exporter returned ${v.rows} ARP rows, the router has at least ${size}`);
          return { t, extra: { rows: v.rows, failed: 0 } };
        });
        methods.push({ name: METHOD.walk, runs: walk, kind: "snmp", detail: { module: "walk ipNetToMediaPhysAddress, max_repetitions 25", ...failureDetail(walk, walkError) } });

        // A fresh source per size: its first read is the one-time discovery.
        const snmp: RouterSource = createSnmpRouterSource(snmpCfg, log);
        try {
          const first = await repeat(1, pacer, async () => {
            const t = await timed(() => snmp.read(vips));
            expectVipEntries("the exporter's first SNMP read", t.value.entries, vips);
            return { t };
          }, refresh);
          methods.push({ name: METHOD.snmpFirst, runs: first, kind: "snmp" });
          const reads = await repeat(opts.runs, pacer, async () => {
            const t = await timed(() => snmp.read(vips));
            expectVipEntries("the exporter's SNMP read", t.value.entries, vips);
            return { t };
          }, refresh);
          methods.push({ name: METHOD.snmp, runs: reads, kind: "snmp" });
        } finally {
          await snmp.close();
        }

        const scrapes = await repeat(opts.runs, pacer, async () => {
          const t = await timed(() => served!.scrape());
          if (t.value.owners !== vips.length) throw new Error(`the scrape shows ${t.value.owners} vip_mac_owner series for lab-router, expected ${vips.length}`);
          return { t, extra: { series: t.value.series } };
        }, refresh);
        methods.push({ name: METHOD.scrape, runs: scrapes, kind: "snmp", detail: { nodes: lab.nodes.length, user: opts.user } });

        await sshPacer.cold();
        await conn.exec("true", { timeoutMs: 30_000 }); // the SSH connection is opened once, as the exporter keeps it
        sshPacer.done();
        // The linux read may fail on a big table (e.g. output over the connection's cap): a result.
        let linuxError = "";
        const lin = await repeat(opts.runs, sshPacer, async (): Promise<Run> => {
          const t = await timed(() => attempt(linux.read(vips)));
          const v = t.value.value;
          if (!v) {
            linuxError = t.value.error;
            return { t, extra: { failed: 1 } };
          }
          expectVipEntries("the linux read", v.entries, vips);
          return { t, extra: { failed: 0 } };
        }, refresh);
        methods.push({ name: METHOD.linux, runs: lin, kind: "ssh", detail: failureDetail(lin, linuxError) });
        // The whole-table dump the linux read replaced: past 1 MiB (about 15k entries) the
        // connection's output cap stops it, which is a result too (it is why the read asks per VIP).
        let wholeError = "";
        const whole = await repeat(opts.runs, sshPacer, async (): Promise<Run> => {
          const t = await timed(() => attempt(conn.exec("ip -j neigh show", { timeoutMs: 60_000 })));
          const v = t.value.value;
          if (!v) {
            wholeError = t.value.error;
            return { t, extra: { failed: 1 } };
          }
          if (v.code !== 0) throw new Error(`ip -j neigh show exited ${v.code}: ${v.stderr.slice(0, 200)}`);
          return { t, extra: { stdoutBytes: Buffer.byteLength(v.stdout), failed: 0 } };
        });
        methods.push({ name: METHOD.whole, runs: whole, kind: "ssh", detail: failureDetail(whole, wholeError) });
      } catch (err) {
        await capture.kill();
        throw err;
      }
      const packets = await capture.stop();
      out.push({
        entries: size,
        methods: methods.map((m) => result(m.name, m.runs, m.kind === "snmp" ? snmpTraffic(m.runs, packets, router) : sshTraffic(m.runs, packets, router), m.detail)),
      });
      for (const m of out[out.length - 1]!.methods) opts.log(`  ${m.method}: median ${m.ms.median.toFixed(1)} ms over ${m.ms.runs}`);
    }
  } finally {
    await linux.close();
    await served?.close();
    await snmpx?.stop();
  }
  return out;
}
