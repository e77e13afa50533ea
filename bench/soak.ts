// 8. Soak: 20k scrapes and 1k remediations (quick: 1000 and 50) of the served demo while node 3
// flaps and the router's SNMP agent cycles through fault modes (bench/lib/soak.ts). RSS, heap,
// open fds and sockets at the start, middle and end; fds and sockets before the exporter
// started and after it stopped must be equal. Also written to bench/results/soak.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchContext } from "./context.js";
import { runSoak } from "./lib/soak.js";
import { mb, type Table } from "./lib/stats.js";

const RESULTS = fileURLToPath(new URL("../../bench/results/", import.meta.url));

export async function benchSoak(ctx: BenchContext): Promise<Table> {
  const r = await runSoak({ scrapes: ctx.quick ? 1000 : 20_000, remediations: ctx.quick ? 50 : 1000, progress: (m) => process.stderr.write(`soak: ${m}\n`) });
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}soak${ctx.quick ? "-quick" : ""}.json`, JSON.stringify({ node: process.version, ...r }, null, 2) + "\n");
  const leaked = r.after.fds - r.before.fds;
  return {
    title: `Soak: ${r.scrapes} scrapes, ${r.remediations} remediations, flapping node and misbehaving agent (${r.seconds.toFixed(0)} s)`,
    note:
      `fds/sockets before start ${r.before.fds}/${r.before.sockets}, after stop ${r.after.fds}/${r.after.sockets}` +
      (leaked === 0 && r.after.sockets === r.before.sockets ? " (nothing leaked)" : " (LEAK)") +
      `; answers: ${Object.entries(r.statuses).map(([k, n]) => `${k} x${n}`).join(", ")}`,
    rows: r.points.map((p) => ({
      name: p.at,
      scrapes: p.scrapes,
      remediations: p.remediations,
      "RSS MB": mb(p.rssBytes),
      "heap MB": mb(p.heapUsedBytes),
      fds: p.fds,
      sockets: p.sockets,
    })),
  };
}
