// 6. Memory over many scrapes of the demo: RSS and heap (after a forced GC) at checkpoints.
// Growth between scrape 100 (warm: connections, label sets) and scrape 1000 is the leak
// signal; the full run goes on to 2000 (--scrapes N for more) to show whether growth levels
// off. The simulator shares the process, so its memory is included.
import { defaultScenario } from "../src/sim/scenario.js";
import type { BenchContext } from "./context.js";
import { expectMetrics, startServedSim } from "./lib/served.js";
import { mb, memory, nowMs, timingRow, type MemSnapshot, type Row, type Table } from "./lib/stats.js";

function perScrape(from: MemSnapshot, to: MemSnapshot, scrapes: number, key: "heapUsed" | "code" | "rss"): string {
  const v = (to[key] - from[key]) / scrapes / 1024;
  return `${v >= 0 ? "+" : ""}${v.toFixed(2)} KB/scrape`;
}

/** 100, then up to 1000 in quarters, then five more steps to the total. */
export function checkpointsFor(total: number): number[] {
  const cps = [100, 250, 500, 750, 1000].filter((c) => c < total);
  const from = cps[cps.length - 1] ?? 0;
  const step = Math.max(1, Math.ceil((total - from) / (total > 1000 ? 5 : 1)));
  for (let c = from + step; c < total; c += step) cps.push(c);
  cps.push(total);
  return cps;
}

export async function benchMemory(ctx: BenchContext): Promise<Table> {
  const total = Math.max(200, ctx.scrapes ?? (ctx.quick ? 300 : 2000));
  const checkpoints = checkpointsFor(total);
  const leakEnd = Math.min(1000, total);
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
          "code vs 100": mb(m.code - at100.code, true),
        }),
      );
    }
    const at100 = snaps.get(100)!;
    const atEnd = snaps.get(leakEnd)!;
    rows.push({
      name: `growth rate, 100 -> ${leakEnd}`,
      iterations: leakEnd - 100,
      "RSS vs 100": perScrape(at100, atEnd, leakEnd - 100, "rss"),
      "heap vs 100": perScrape(at100, atEnd, leakEnd - 100, "heapUsed"),
      "code vs 100": perScrape(at100, atEnd, leakEnd - 100, "code"),
    });
    if (total > leakEnd) {
      rows.push({
        name: `growth rate, ${leakEnd} -> ${total}`,
        iterations: total - leakEnd,
        "RSS vs 100": perScrape(atEnd, snaps.get(total)!, total - leakEnd, "rss"),
        "heap vs 100": perScrape(atEnd, snaps.get(total)!, total - leakEnd, "heapUsed"),
        "code vs 100": perScrape(atEnd, snaps.get(total)!, total - leakEnd, "code"),
      });
    }
  } finally {
    await s.close();
  }
  return {
    title: `6. Memory over ${total} sequential scrapes of the demo`,
    note:
      "Process memory after a forced full GC at each checkpoint (exporter and simulator share the process; the simulator's command log is emptied first). " +
      "heap includes code (JIT output). A leak shows as heap that keeps growing at a steady rate after scrape 100; per-scrape rows give that rate.",
    rows,
  };
}
