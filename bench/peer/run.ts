// `npm run bench -- --peer [--smoke] [--json FILE]`: the exporter beside what users run
// instead, on real parts in network namespaces (root; installs nothing). One lab (lab/lab.ts,
// prefix vae-bench on 203.0.113.0/24) serves benches 1-3 and is removed at the end, also on
// failure or Ctrl-C; bench 4 runs on the simulator in a process of its own.
// Full run: bench/results/peer.json plus the tables in docs/benchmarks.md and README.md.
// Smoke run (CI): 1k entries, one run each, JSON to a temp file, checked for sanity only.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLab, type Lab } from "../../lab/lab.js";
import { reapAbandonedLabs } from "../../lab/reap.js";
import { BASE_TOOLS, missingTools } from "../../lab/tools.js";
import { stopAllWatched } from "./child.js";
import { describeMachine } from "./machine.js";
import { benchMemory } from "./memory.js";
import { benchNodeReads } from "./node-reads.js";
import { benchRepair } from "./repair.js";
import { checkPeerResults, judgeTargets, type PeerResults } from "./results.js";
import { DOCS_MARKERS, README_MARKERS, docsSection, headline, replaceBetween } from "./report.js";
import { benchRouterTable } from "./router-table.js";

export interface PeerArgs {
  smoke: boolean;
  json?: string;
}

export const PEER_PREFIX = "vae-bench";
export const PEER_SUBNET = "203.0.113.0/24";
const PEER_TOOLS = [...BASE_TOOLS, "ssh", "tcpdump", "prometheus-snmp-exporter"];
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const PLAIN = "bench-plain";
const HEAVY = "bench-heavy";

function settings(smoke: boolean) {
  return smoke
    ? { sizes: [1_000], runs: 1, slowWalkFrom: 20_000, slowWalkRuns: 1, coldGapMs: 3_000, nodeRuns: 2, repairRuns: 1, memory: [{ nodes: 3, vips: 3, scrapes: 100 }] }
    : {
        sizes: [1_000, 10_000, 20_000, 50_000],
        runs: 5,
        slowWalkFrom: 20_000,
        slowWalkRuns: 3,
        coldGapMs: 3_000,
        nodeRuns: 10,
        repairRuns: 5,
        memory: [
          { nodes: 3, vips: 3, scrapes: 1_000 },
          { nodes: 20, vips: 60, scrapes: 1_000 },
          // 300, not 1000: a scrape of 305k series takes about 3 s on 2 cores (1000 would be 50 min).
          { nodes: 100, vips: 1_000, scrapes: 300 },
        ],
      };
}

export async function runPeer(args: PeerArgs): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the peer bench builds network namespaces: run it as root (sudo npm run bench -- --peer)");
  const missing = missingTools(PEER_TOOLS);
  if (missing.length) {
    throw new Error(`the peer bench needs ${missing.join(", ")}: apt-get install iproute2 procps util-linux openssh-server openssh-client snmpd snmp iputils-arping tcpdump prometheus-snmp-exporter`);
  }
  const s = settings(args.smoke);
  const log = (line: string) => console.log(`[peer ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const started = Date.now();
  const machine = describeMachine();
  const command = `sudo npm run bench -- --peer${args.smoke ? " --smoke" : ""}`;
  log(`${command} on ${machine.cores} x ${machine.cpu}, Linux ${machine.kernel}`);

  const reaped = await reapAbandonedLabs();
  if (reaped.length) log(`removed labs of dead runs: ${reaped.join(", ")}`);
  let lab: Lab | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: stopping helpers and removing the lab`);
    void stopAllWatched()
      .then(() => lab?.down())
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let partial: Omit<PeerResults, "targets">;
  try {
    log(`starting lab ${PEER_PREFIX} on ${PEER_SUBNET} (waits up to 15 min for another lab to free the subnet)`);
    lab = await startLab({
      prefix: PEER_PREFIX,
      subnet: PEER_SUBNET,
      nodes: 4,
      vips: 4,
      vipMode: "static",
      ownedByProcess: true,
      subnetWaitMs: 15 * 60_000,
      users: [{ name: PLAIN, profile: "plain" }, { name: HEAVY, profile: "heavy" }],
    });
    await lab.checkHostRoute();
    const nodeReads = await benchNodeReads(lab, {
      users: [{ name: PLAIN, profile: "plain" }, { name: HEAVY, profile: "heavy" }, { name: "root", profile: "machine" }],
      runs: s.nodeRuns,
      log,
    });
    await lab.checkHostRoute();
    const repair = await benchRepair(lab, { user: PLAIN, runs: s.repairRuns, log });
    await lab.checkHostRoute();
    const routerTable = await benchRouterTable(lab, { sizes: s.sizes, runs: s.runs, slowWalkFrom: s.slowWalkFrom, slowWalkRuns: s.slowWalkRuns, coldGapMs: s.coldGapMs, user: PLAIN, log });
    await stopAllWatched();
    await lab.down();
    lab = null;
    const memory = await benchMemory({ shapes: s.memory, log });
    partial = {
      kind: "peer",
      smoke: args.smoke,
      startedAt: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      command,
      machine,
      settings: s,
      routerTable,
      nodeReads,
      repair,
      memory,
    };
  } finally {
    await stopAllWatched();
    await lab?.down();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const results: PeerResults = { ...partial, targets: judgeTargets(partial, 4) };

  const jsonFile = args.json ?? (args.smoke ? join(tmpdir(), "vip-arp-peer-smoke.json") : join(ROOT, "bench", "results", "peer.json"));
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${jsonFile}`);
  const problems = checkPeerResults(JSON.parse(readFileSync(jsonFile, "utf8")));
  if (problems.length) throw new Error(`the results are not sane:\n  ${problems.join("\n  ")}`);

  if (!args.smoke) {
    for (const [file, markers, body] of [
      [join(ROOT, "docs", "benchmarks.md"), DOCS_MARKERS, docsSection(results)],
      [join(ROOT, "README.md"), README_MARKERS, headline(results)],
    ] as const) {
      writeFileSync(file, replaceBetween(readFileSync(file, "utf8"), markers, body));
      log(`updated ${file}`);
    }
  }
  console.log(`\n${headline(results)}\n`);
  for (const t of results.targets) console.log(`target ${t.met === null ? "not measured" : t.met ? "met" : "MISSED"}: ${t.name}: ${t.measured}`);
  console.log(`\npeer bench ${args.smoke ? "smoke " : ""}done in ${((Date.now() - started) / 60_000).toFixed(1)} min: results sane`);
}
