// `npm run bench`: runs the benchmarks in order and prints one table each.
//   node dist/bench/run.js [--quick] [--only scrape,snmp,plan,analyze,cli,memory] [--json FILE] [--markdown FILE]
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { benchAnalyze } from "./analyze-render.js";
import { benchCliParsers } from "./cli-parsers.js";
import type { BenchContext } from "./context.js";
import { formatTable, markdownTable, nowMs, type Table } from "./lib/stats.js";
import { benchMemory } from "./memory.js";
import { benchPlanner } from "./planner.js";
import { benchScrape } from "./scrape.js";
import { benchSnmpRead } from "./snmp-read.js";

const SUITES: Record<string, (ctx: BenchContext) => Promise<Table>> = {
  scrape: benchScrape,
  snmp: benchSnmpRead,
  plan: benchPlanner,
  analyze: benchAnalyze,
  cli: benchCliParsers,
  memory: benchMemory,
};

const USAGE = `usage: node dist/bench/run.js [--quick] [--only ${Object.keys(SUITES).join(",")}] [--json FILE] [--markdown FILE]`;

interface Args {
  quick: boolean;
  only: string[];
  json?: string;
  markdown?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: Object.keys(SUITES) };
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
    } else if (a === "--json") args.json = value();
    else if (a === "--markdown") args.markdown = value();
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

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const ctx: BenchContext = { quick: args.quick };
  console.log(`vip-arp-exporter benchmarks (${args.quick ? "quick" : "full"} run) on ${machine()}\n`);
  const tables: Table[] = [];
  const started = nowMs();
  for (const name of args.only) {
    const t0 = nowMs();
    const table = await SUITES[name]!(ctx);
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
