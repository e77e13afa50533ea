// `npm run bench`: runs the benchmarks in order and prints one table each.
//   node dist/bench/run.js [--quick] [--only scrape,snmp,plan,analyze,cli,memory,series,soak] [--scrapes N]
//                          [--json FILE] [--markdown FILE]
// Each benchmark runs in its own child process, so memory numbers and GC pauses of one
// (a 50k-row SNMP agent, a 200k-series registry) do not leak into the next.
import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { benchAnalyze } from "./analyze-render.js";
import { benchCliParsers } from "./cli-parsers.js";
import type { BenchContext } from "./context.js";
import { formatTable, markdownTable, nowMs, type Table } from "./lib/stats.js";
import { benchMemory } from "./memory.js";
import { runPeer } from "./peer/run.js";
import { benchPlanner } from "./planner.js";
import { benchScrape } from "./scrape.js";
import { benchSeries } from "./series.js";
import { benchSnmpRead } from "./snmp-read.js";
import { benchSoak } from "./soak.js";

const SUITES: Record<string, (ctx: BenchContext) => Promise<Table>> = {
  scrape: benchScrape,
  snmp: benchSnmpRead,
  plan: benchPlanner,
  analyze: benchAnalyze,
  cli: benchCliParsers,
  memory: benchMemory,
  series: benchSeries,
  soak: benchSoak,
};

const USAGE = `usage: node dist/bench/run.js [--quick] [--only ${Object.keys(SUITES).join(",")}] [--scrapes N] [--json FILE] [--markdown FILE]
  --quick       short run (smaller sizes, fewer iterations)
  --only LIST   run only these benchmarks, comma-separated
  --scrapes N   scrapes of the memory benchmark (default 2000; 300 with --quick; 200..100000)
  --json FILE   also write every table as JSON
  --markdown F  also write every table as markdown
  --peer        instead: the peer bench on real parts in network namespaces (root; docs/benchmarks.md)
  --smoke       with --peer: 1k entries, one run each (CI), JSON to a temp file unless --json`;

interface Args {
  quick: boolean;
  only: string[];
  json?: string;
  markdown?: string;
  scrapes?: number;
  peer: boolean;
  smoke: boolean;
  /** Internal: run the single suite of --only and send its table to the parent. */
  child: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: Object.keys(SUITES), child: false, peer: false, smoke: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--quick") args.quick = true;
    else if (a === "--only") {
      args.only = value().split(",").map((s) => s.trim()).filter(Boolean);
      const bad = args.only.filter((s) => !(s in SUITES));
      if (bad.length) throw new Error(`unknown benchmark ${bad.join(", ")}: pick from ${Object.keys(SUITES).join(", ")}`);
    } else if (a === "--peer") args.peer = true;
    else if (a === "--smoke") args.smoke = true;
    else if (a === "--json") args.json = value();
    else if (a === "--markdown") args.markdown = value();
    else if (a === "--scrapes") {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 200 || n > 100_000) throw new Error(`--scrapes must be a whole number from 200 to 100000, got "${v}"`);
      args.scrapes = n;
    } else if (a === "--child") args.child = true;
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument "${a}"\n${USAGE}`);
  }
  return args;
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} x ${cpu}`;
}

/** Runs one suite in a fresh node process and returns its table. */
function runChild(name: string, args: Args): Promise<Table> {
  const childArgs = ["--child", "--only", name];
  if (args.quick) childArgs.push("--quick");
  if (args.scrapes !== undefined) childArgs.push("--scrapes", String(args.scrapes));
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), childArgs, {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let table: Table | null = null;
    child.on("message", (m) => {
      table = m as Table;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (table && code === 0) resolve(table);
      else reject(new Error(`benchmark "${name}" failed (exit ${code ?? signal}); its error is printed above`));
    });
  });
}

async function childMain(args: Args): Promise<void> {
  if (!process.send) throw new Error("--child is internal: run without it");
  const name = args.only[0]!;
  const ctx: BenchContext = { quick: args.quick };
  if (args.scrapes !== undefined) ctx.scrapes = args.scrapes;
  const table = await SUITES[name]!(ctx);
  await new Promise<void>((resolve, reject) => process.send!(table, (err: Error | null) => (err ? reject(err) : resolve())));
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  if (args.child) return childMain(args);
  if (args.smoke && !args.peer) {
    console.error("--smoke belongs to --peer: use --peer --smoke (or --quick for the simulator benchmarks)");
    process.exit(2);
  }
  if (args.peer) return runPeer(args.json === undefined ? { smoke: args.smoke } : { smoke: args.smoke, json: args.json });
  console.log(`vip-arp-exporter benchmarks (${args.quick ? "quick" : "full"} run) on ${machine()}\n`);
  const tables: Table[] = [];
  const started = nowMs();
  for (const name of args.only) {
    const t0 = nowMs();
    const table = await runChild(name, args);
    const seconds = (nowMs() - t0) / 1000;
    tables.push(table);
    console.log(formatTable(table));
    console.log(`(${name}: ${seconds.toFixed(1)}s)\n`);
  }
  console.log(`total ${((nowMs() - started) / 1000).toFixed(1)}s`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ machine: machine(), quick: args.quick, tables }, null, 2)}\n`);
  if (args.markdown) {
    writeFileSync(args.markdown, tables.map((t) => `### ${t.title}\n\n${t.note ?? ""}\n\n${markdownTable(t)}\n`).join("\n"));
  }
}

main().then(
  // Sockets of the simulator are closed by each benchmark; exit anyway so a stray timer cannot hang the run.
  () => process.exit(0),
  (err: unknown) => {
    console.error(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
