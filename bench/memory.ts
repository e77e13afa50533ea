// 6. Memory over many scrapes of the demo: RSS and heap (after a forced GC) at checkpoints.
// Growth between scrape 100 (warm: connections, label sets) and scrape 1000 is the leak
// signal; the full run goes on to 2000 to show whether growth levels off. The simulator
// shares the process, so its memory is included.
import { defaultScenario } from "../src/sim/scenario.js";
import type { BenchContext } from "./context.js";
import { expectMetrics, startServedSim } from "./lib/served.js";
import { mb, memory, nowMs, timingRow, type MemSnapshot, type Row, type Table } from "./lib/stats.js";

function perScrape(from: MemSnapshot, to: MemSnapshot, scrapes: number, key: "heapUsed" | "code" | "rss"): string {
  const v = (to[key] - from[key]) / scrapes;
  return `${v >= 0 ? "+" : ""}${v.toFixed(0)} B`;
}

export async function benchMemory(ctx: BenchContext): Promise<Table> {
  const checkpoints = ctx.quick ? [100, 200, 300] : [100, 250, 500, 750, 1000, 1500, 2000];
  const leakEnd = ctx.quick ? 300 : 1000;
  const s = await startServedSim(defaultScenario());
  const rows: Row[] = [];
  const snaps = new Map<number, MemSnapshot>();
  try {
    const started = memory();
    rows.push({
      name: "served demo, before scraping",
      iterations: 0,
      "p50 ms": "",
      "p95 ms": "",
      "max ms": "",
      "ops/s": "",
      "RSS MB": mb(started.rss),
      "heap MB": mb(started.heapUsed),
      "code MB": mb(started.code),
      "ext MB": mb(started.external),
    });
    let done = 0;
    for (const cp of checkpoints) {
      const times: number[] = [];
      const from = done + 1;
      while (done < cp) {
        const t0 = nowMs();
        const r = await s.get("/metrics");
        times.push(nowMs() - t0);
        expectMetrics(r, `memory scrape ${done + 1}`);
        done++;
      }
      // The simulated nodes log every command they ran (for tests): not the exporter's memory.
      for (const n of Object.values(s.sim.nodes)) n.commands.length = 0;
      const m = memory();
      snaps.set(cp, m);
      const at100 = snaps.get(100)!;
      rows.push(
        timingRow(`scrapes ${from}-${cp}`, times, {
          "RSS MB": mb(m.rss),
          "heap MB": mb(m.heapUsed),
          "code MB": mb(m.code),
          "ext MB": mb(m.external),
          "RSS vs 100": mb(m.rss - at100.rss, true),
          "heap vs 100": mb(m.heapUsed - at100.heapUsed, true),
        }),
      );
    }
    const at100 = snaps.get(100)!;
    const atEnd = snaps.get(leakEnd)!;
    rows.push({
      name: `per scrape, 100 -> ${leakEnd}`,
      iterations: leakEnd - 100,
      "RSS MB": perScrape(at100, atEnd, leakEnd - 100, "rss"),
      "heap MB": perScrape(at100, atEnd, leakEnd - 100, "heapUsed"),
      "code MB": perScrape(at100, atEnd, leakEnd - 100, "code"),
    });
    const last = checkpoints[checkpoints.length - 1]!;
    if (last > leakEnd) {
      rows.push({
        name: `per scrape, ${leakEnd} -> ${last}`,
        iterations: last - leakEnd,
        "RSS MB": perScrape(atEnd, snaps.get(last)!, last - leakEnd, "rss"),
        "heap MB": perScrape(atEnd, snaps.get(last)!, last - leakEnd, "heapUsed"),
        "code MB": perScrape(atEnd, snaps.get(last)!, last - leakEnd, "code"),
      });
    }
  } finally {
    await s.close();
  }
  return {
    title: `6. Memory over ${checkpoints[checkpoints.length - 1]} sequential scrapes of the demo`,
    note:
      "Process memory after a forced full GC at each checkpoint (exporter and simulator share the process; the simulator's command log is emptied first). " +
      "heap includes code (JIT output). A leak shows as heap that keeps growing at a steady rate after scrape 100; per-scrape rows give that rate.",
    rows,
  };
}
