// 1. /metrics end to end: HTTP over 127.0.0.1 to the served exporter, which reads the
// simulated routers over real SNMP (UDP) and the nodes over real SSH (TCP) on every scrape.
import { defaultScenario, type Scenario } from "../src/sim/scenario.js";
import type { BenchContext } from "./context.js";
import { expectMetrics, seriesCount, startServedSim } from "./lib/served.js";
import { measure, nowMs, timingRow, type Row, type Table } from "./lib/stats.js";
import { syntheticScenario } from "./lib/synthetic.js";

const CONCURRENCY = 10;

async function scrapeSegment(label: string, scenario: Scenario, ctx: BenchContext): Promise<Row[]> {
  const t0 = nowMs();
  const s = await startServedSim(scenario);
  const startup = nowMs() - t0;
  try {
    const warm = await s.get("/metrics");
    expectMetrics(warm, label);
    const series = seriesCount(warm.body);
    const bodyKb = (Buffer.byteLength(warm.body) / 1024).toFixed(1);

    const seqN = ctx.quick ? 15 : label === "demo" ? 200 : 60;
    const snmp0 = s.snmpRequests();
    const ssh0 = s.sshCommands();
    const seq = await measure(
      async () => {
        const r = await s.get("/metrics");
        expectMetrics(r, label);
      },
      { iterations: seqN, budgetMs: ctx.quick ? 5_000 : 25_000, warmup: 3 },
    );
    // Warmup scrapes count too: 3 + measured.
    const rounds = seq.length + 3;
    const snmpPer = (s.snmpRequests() - snmp0) / rounds;
    const sshPer = (s.sshCommands() - ssh0) / rounds;

    const batches = ctx.quick ? 5 : label === "demo" ? 40 : 15;
    const perRequest: number[] = [];
    const snmp1 = s.snmpRequests();
    const ssh1 = s.sshCommands();
    const perBatch = await measure(
      async () => {
        const rs = await Promise.all(Array.from({ length: CONCURRENCY }, () => s.get("/metrics")));
        for (const r of rs) {
          expectMetrics(r, `${label} concurrent`);
          perRequest.push(r.ms);
        }
      },
      { iterations: batches, budgetMs: ctx.quick ? 5_000 : 25_000 },
    );
    // Shared collection: 10 concurrent scrapes should cost about one collection's SNMP/SSH work.
    const collectionsPerBatch = sshPer > 0 ? (s.sshCommands() - ssh1) / sshPer / perBatch.length : NaN;
    const snmpPerBatch = (s.snmpRequests() - snmp1) / perBatch.length;
    const shape = `${Object.keys(s.sim.nodes).length}n/${s.sim.config.vips.length}v/${Object.keys(s.sim.routers).length}r`;
    return [
      timingRow(`${label} (${shape}) sequential`, seq, {
        "SNMP req": snmpPer.toFixed(1),
        "SSH execs": sshPer.toFixed(1),
        collections: "1",
        series,
        "body KB": bodyKb,
        "startup ms": startup.toFixed(0),
      }),
      timingRow(`${label} ${CONCURRENCY} concurrent, per request`, perRequest, { series, "body KB": bodyKb }),
      timingRow(`${label} ${CONCURRENCY} concurrent, per batch`, perBatch, {
        "SNMP req": snmpPerBatch.toFixed(1),
        "SSH execs": ((s.sshCommands() - ssh1) / perBatch.length).toFixed(1),
        collections: collectionsPerBatch.toFixed(2),
      }),
    ];
  } finally {
    await s.close();
  }
}

export async function benchScrape(ctx: BenchContext): Promise<Table> {
  const rows: Row[] = [];
  rows.push(...(await scrapeSegment("demo", defaultScenario(), ctx)));
  rows.push(...(await scrapeSegment("large", syntheticScenario({ nodes: 20, vips: 60, routers: 2 }), ctx)));
  return {
    title: "1. /metrics scrape latency, end to end",
    note:
      "HTTP GET over 127.0.0.1 (keep-alive) to the served exporter; each collection reads every router over SNMP and every node over SSH (simulator in the same process). " +
      "SNMP req / SSH execs are per scrape (sequential) or per batch of 10 (concurrent); collections = node reads per batch / node reads per scrape.",
    rows,
  };
}
