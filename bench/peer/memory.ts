// Peer bench 4: the exporter's memory at steady state. The exporter runs as users run it
// (`node dist/src/cli.js --config.file F`) in its own process; the simulated routers and nodes
// run in another (bench/peer/sim-host.ts). After N sequential scrapes: RSS from
// /proc/PID/status and V8's used heap from the exporter's own nodejs_heap_size_used_bytes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWatched, type Watched } from "./child.js";
import { spread } from "./measure.js";
import { freePort } from "./ports.js";
import type { MemoryResult } from "./results.js";

export interface MemoryOptions {
  shapes: readonly { nodes: number; vips: number; scrapes: number }[];
  log: (line: string) => void;
}

const CLI = fileURLToPath(new URL("../../src/cli.js", import.meta.url));
const SIM_HOST = fileURLToPath(new URL("./sim-host.js", import.meta.url));
/** The memory limit of deploy/ manifests. */
export const MANIFEST_LIMIT_MIB = 256;

export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export function metricValue(body: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, "m").exec(body);
  return m ? Number(m[1]) : NaN;
}

export async function benchMemory(opts: MemoryOptions): Promise<MemoryResult[]> {
  const out: MemoryResult[] = [];
  for (const shape of opts.shapes) {
    const dir = mkdtempSync(join(tmpdir(), "vae-bench-mem-"));
    let sim: Watched | null = null;
    let exporter: Watched | null = null;
    try {
      sim = await startWatched("sim-host", [process.execPath, SIM_HOST, String(shape.nodes), String(shape.vips), dir], { readyOn: /^ready /m, readyTimeoutMs: 120_000 });
      const configFile = /^ready (.+)$/m.exec(sim.stdout())![1]!;
      const port = await freePort();
      exporter = await startWatched("exporter", [process.execPath, CLI, "--config.file", configFile, "--web.listen-address", `127.0.0.1:${port}`, "--log.level", "warn"]);
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 120_000;
      for (;;) {
        const ok = await fetch(`${url}/-/ready`).then((r) => r.status === 200, () => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`the exporter did not become ready within 120 s; stderr: ${exporter.stderr().slice(-400)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const startRss = rssBytes(exporter.pid);
      const steadyFrom = Math.max(1, shape.scrapes - 100);
      const rss: number[] = [];
      const heap: number[] = [];
      const times: number[] = [];
      const checkpoints: MemoryResult["checkpoints"] = [];
      let series = 0;
      for (let i = 1; i <= shape.scrapes; i++) {
        const t0 = performance.now();
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(180_000) });
        const body = await res.text();
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`scrape ${i}: /metrics answered ${res.status}`);
        if (/^vip_arp_collector_success\{[^}]*\} 0$/m.test(body)) throw new Error(`scrape ${i}: a simulated source failed`);
        const sample = i === shape.scrapes || i % Math.max(1, Math.floor(shape.scrapes / 10)) === 0 || (i >= steadyFrom && i % 10 === 0);
        if (i >= steadyFrom) times.push(ms);
        if (!sample) continue;
        const r = rssBytes(exporter.pid);
        const h = metricValue(body, "nodejs_heap_size_used_bytes");
        if (i >= steadyFrom) {
          rss.push(r);
          heap.push(h);
        }
        if (i % Math.max(1, Math.floor(shape.scrapes / 10)) === 0 || i === shape.scrapes) checkpoints.push({ scrape: i, rssMiB: r / 2 ** 20, heapMiB: h / 2 ** 20 });
        series = body.split("\n").filter((l) => l && !l.startsWith("#")).length;
      }
      const mib = (xs: number[]) => spread(xs.map((x) => x / 2 ** 20));
      const result: MemoryResult = {
        nodes: shape.nodes,
        vips: shape.vips,
        scrapes: shape.scrapes,
        series,
        startRssMiB: startRss / 2 ** 20,
        rssMiB: mib(rss),
        heapMiB: mib(heap),
        scrapeMs: spread(times),
        checkpoints,
        limitMiB: MANIFEST_LIMIT_MIB,
      };
      out.push(result);
      opts.log(`memory ${shape.nodes}x${shape.vips}: RSS ${result.rssMiB.median.toFixed(1)} MiB, heap ${result.heapMiB.median.toFixed(1)} MiB after ${shape.scrapes} scrapes`);
    } finally {
      await exporter?.stop("SIGTERM");
      await sim?.stop("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}
