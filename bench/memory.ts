// 6. Memory over many scrapes of the demo: RSS and heap (after a forced GC) at checkpoints.
// Growth between scrape 100 (warm: JIT, connections, label sets) and the last one is the
// leak signal. The simulator shares the process, so its memory is included.
import { defaultScenario } from "../src/sim/scenario.js";
import type { BenchContext } from "./context.js";
import { expectMetrics, startServedSim } from "./lib/served.js";
import { mb, memory, nowMs, timingRow, type MemSnapshot, type Row, type Table } from "./lib/stats.js";

export async function benchMemory(ctx: BenchContext): Promise<Table> {
  const total = ctx.quick ? 300 : 1000;
  const checkpoints = ctx.quick ? [100, 200, 300] : [100, 250, 500, 750, 1000];
  const base = memory();
  const s = await startServedSim(defaultScenario());
  const rows: Row[] = [];
  try {
    const started = memory();
    rows.push({
      name: "served demo, before scraping",
      iterations: 0,
      "RSS MB": mb(started.rss),
      "heap MB": mb(started.heapUsed),
      "ext MB": mb(started.external),
      "RSS vs base": mb(started.rss - base.rss, true),
    });
    let at100: MemSnapshot | null = null;
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
      const m = memory();
      at100 ??= m;
      rows.push(
        timingRow(`scrapes ${from}-${cp}`, times, {
          "RSS MB": mb(m.rss),
          "heap MB": mb(m.heapUsed),
          "ext MB": mb(m.external),
          "RSS vs base": mb(m.rss - base.rss, true),
          "RSS vs 100": mb(m.rss - at100.rss, true),
          "heap vs 100": mb(m.heapUsed - at100.heapUsed, true),
        }),
      );
    }
    const last = memory();
    const per = (last.heapUsed - at100!.heapUsed) / (total - 100);
    rows.push({
      name: `heap growth per scrape, 100 -> ${total}`,
      iterations: total - 100,
      "heap vs 100": `${per >= 0 ? "+" : ""}${per.toFixed(0)} B`,
    });
  } finally {
    await s.close();
  }
  return {
    title: `6. Memory over ${total} sequential scrapes of the demo`,
    note:
      "Process memory after a forced full GC at each checkpoint (exporter and simulator share the process). base: before the simulator started. " +
      "A leak shows as heap that keeps growing after scrape 100; RSS also moves with allocator and JIT behaviour.",
    rows,
  };
}
