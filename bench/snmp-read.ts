// 2. Router read cost over SNMP versus the size of the router's ARP table. The simulated
// agent carries N unrelated dynamic ARP rows (198.18.0.0/15 on their own interface) besides
// the VIP rows; steady-state reads (after discovery) should not notice them. The fallback
// (an agent without address tables, so no VIP can be placed on an interface) walks a column
// of the whole table on every read: that cost does grow with N.
import type { SnmpRouterConfig } from "../src/config/types.js";
import { silentLogger } from "../src/log.js";
import { buildSegment, defaultScenario } from "../src/sim/scenario.js";
import { startSnmpAgent, type SnmpAgentOptions } from "../src/sim/snmp-agent.js";
import { createSnmpRouterSource } from "../src/sources/snmp/router-source.js";
import type { BenchContext } from "./context.js";
import { mb, measure, memory, nowMs, timingRow, type Row, type Table } from "./lib/stats.js";

const ROUTER = "core-s1";

function config(port: number): SnmpRouterConfig {
  // The settings the simulation and a typical config use: v2c, auto table choice.
  return { type: "snmp", name: ROUTER, host: "127.0.0.1", port, version: 2, community: "public", table: "auto", timeoutMs: 5000, retries: 0 };
}

interface Case {
  background: number;
  mode: "steady" | "walk";
  iterations: number;
  budgetMs: number;
}

async function runCase(c: Case): Promise<Row> {
  const scenario = defaultScenario();
  const segment = buildSegment(scenario);
  const expected = scenario.routers[0]!.entries;
  const opts: SnmpAgentOptions = { backgroundEntries: c.background };
  if (c.mode === "walk") opts.addressTables = "none";

  memory(); // twice: the first GC may still hand pages of the previous case back to the OS
  const before = memory();
  const t0 = nowMs();
  const agent = await startSnmpAgent(segment, ROUTER, opts);
  const setupMs = nowMs() - t0;
  const agentMem = memory();
  const source = createSnmpRouterSource(config(agent.port), silentLogger());
  try {
    const check = (entries: { vip: string; mac: string }[]) => {
      const want = Object.keys(expected).length;
      if (entries.length !== want || entries.some((e) => !(e.vip in expected))) {
        throw new Error(`SNMP read with ${c.background} background rows returned ${entries.length} VIP entries, expected ${want}`);
      }
    };
    const r0 = agent.requests();
    const t1 = nowMs();
    check((await source.read(scenario.vips)).entries);
    const firstMs = nowMs() - t1;
    const firstReq = agent.requests() - r0;

    const r1 = agent.requests();
    const times = await measure(
      async () => check((await source.read(scenario.vips)).entries),
      { iterations: c.iterations, budgetMs: c.budgetMs, minIterations: 2, warmup: c.mode === "walk" ? 0 : 5 },
    );
    const warm = c.mode === "walk" ? 0 : 5;
    const perRead = (agent.requests() - r1) / (times.length + warm);
    return timingRow(`${c.mode === "walk" ? "fallback walk" : "steady GET"}, ${c.background.toLocaleString("en-US")} bg rows`, times, {
      "req/read": perRead.toFixed(1),
      "1st read ms": firstMs.toFixed(1),
      "1st read req": firstReq,
      "agent setup ms": setupMs.toFixed(0),
      "agent RSS MB": mb(agentMem.rss - before.rss, true),
      "agent heap MB": mb(agentMem.heapUsed - before.heapUsed, true),
    });
  } finally {
    await source.close();
    await agent.close();
  }
}

export async function benchSnmpRead(ctx: BenchContext): Promise<Table> {
  const sizes = ctx.quick ? [0, 1_000, 10_000] : [0, 1_000, 10_000, 50_000];
  const rows: Row[] = [];
  for (const background of sizes) {
    rows.push(await runCase({ background, mode: "steady", iterations: ctx.quick ? 50 : 300, budgetMs: ctx.quick ? 2_000 : 8_000 }));
  }
  for (const background of sizes) {
    rows.push(await runCase({ background, mode: "walk", iterations: ctx.quick ? 3 : 20, budgetMs: ctx.quick ? 2_000 : 8_000 }));
  }
  return {
    title: "2. SNMP router read vs ARP table size",
    note:
      "One router, 3 VIPs, N unrelated ARP rows in both ipNetToMediaTable and ipNetToPhysicalTable. req/read: SNMP requests per read after discovery. " +
      "1st read: discovery (table choice, address tables) plus the read itself. Fallback walk: the agent serves no address table, so the reader walks the ARP table every read.",
    rows,
  };
}
