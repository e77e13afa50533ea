// Timing, memory and table helpers shared by every benchmark. Wall-clock times in ms from
// process.hrtime; memory from process.memoryUsage after a forced GC when one is available.
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface Summary {
  iterations: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
  /** Operations per second from the mean (one op = one call of the measured function). */
  opsPerSec: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(timesMs: number[]): Summary {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const total = sorted.reduce((s, t) => s + t, 0);
  const mean = sorted.length ? total / sorted.length : NaN;
  return {
    iterations: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? NaN,
    mean,
    opsPerSec: mean > 0 ? 1000 / mean : NaN,
  };
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface LoopOptions {
  /** Stop after this many measured iterations. */
  iterations: number;
  /** ...or once this much time was spent measuring, whichever comes first. */
  budgetMs?: number;
  /** Never fewer than this many, even over budget. */
  minIterations?: number;
  /** Unmeasured calls first (JIT, caches, connections). */
  warmup?: number;
}

/** Runs fn sequentially and returns each call's duration in ms. Bounded by iterations and budget. */
export async function measure(fn: (i: number) => unknown, opts: LoopOptions): Promise<number[]> {
  for (let i = 0; i < (opts.warmup ?? 0); i++) await fn(-1 - i);
  const times: number[] = [];
  const started = nowMs();
  const budget = opts.budgetMs ?? Infinity;
  const min = Math.min(opts.minIterations ?? 3, opts.iterations);
  for (let i = 0; i < opts.iterations; i++) {
    if (i >= min && nowMs() - started > budget) break;
    const t0 = nowMs();
    await fn(i);
    times.push(nowMs() - t0);
  }
  return times;
}

// ---------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------

let gcFn: (() => void) | null | undefined;

/** The V8 gc() function, enabled at runtime so `node dist/bench/run.js` needs no flag. */
export function forceGc(): boolean {
  if (gcFn === undefined) {
    try {
      const g = (globalThis as { gc?: () => void }).gc;
      if (typeof g === "function") gcFn = g;
      else {
        setFlagsFromString("--expose-gc");
        gcFn = runInNewContext("gc") as () => void;
      }
    } catch {
      gcFn = null;
    }
  }
  if (!gcFn) return false;
  gcFn();
  gcFn();
  return true;
}

export interface MemSnapshot {
  rss: number;
  heapUsed: number;
  /** Part of heapUsed that is JIT-compiled code (grows while hot paths get optimised). */
  code: number;
  external: number;
}

/** Memory after a full GC (when available), in bytes. */
export function memory(): MemSnapshot {
  forceGc();
  const m = process.memoryUsage();
  const code = getHeapSpaceStatistics()
    .filter((s) => s.space_name.startsWith("code"))
    .reduce((sum, s) => sum + s.space_used_size, 0);
  return { rss: m.rss, heapUsed: m.heapUsed, code, external: m.external + m.arrayBuffers };
}

export function mb(bytes: number, signed = false): string {
  const v = bytes / (1024 * 1024);
  const s = v.toFixed(1);
  return signed && v >= 0 ? `+${s}` : s;
}

// ---------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------

export type Row = Record<string, string | number>;

export interface Table {
  title: string;
  /** What the table shows and how to read it (one or two sentences). */
  note?: string;
  rows: Row[];
}

export function ms(v: number): string {
  if (!Number.isFinite(v)) return "-";
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

export function rate(v: number): string {
  if (!Number.isFinite(v)) return "-";
  if (v >= 100) return Math.round(v).toLocaleString("en-US");
  return v.toFixed(1);
}

/** The standard columns of a timing row: name, iterations, p50/p95/max ms, ops/s. */
export function timingRow(name: string, timesMs: number[], extra: Row = {}): Row {
  const s = summarize(timesMs);
  return {
    name,
    iterations: s.iterations,
    "p50 ms": ms(s.p50),
    "p95 ms": ms(s.p95),
    "max ms": ms(s.max),
    "ops/s": rate(s.opsPerSec),
    ...extra,
  };
}

/** A fixed-width text table; columns are the union of the rows' keys, in first-seen order. */
export function formatTable(t: Table): string {
  const cols: string[] = [];
  for (const r of t.rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const cell = (r: Row, c: string) => String(r[c] ?? "");
  const width = cols.map((c) => Math.max(c.length, ...t.rows.map((r) => cell(r, c).length)));
  const line = (vals: string[]) =>
    vals.map((v, i) => (i === 0 ? v.padEnd(width[i]!) : v.padStart(width[i]!))).join("  ").trimEnd();
  const out = [`## ${t.title}`];
  if (t.note) out.push(t.note);
  out.push("", line(cols), line(width.map((w) => "-".repeat(w))));
  for (const r of t.rows) out.push(line(cols.map((c) => cell(r, c))));
  return `${out.join("\n")}\n`;
}

/** The same table as GitHub markdown (for docs/benchmarks.md). */
export function markdownTable(t: Table): string {
  const cols: string[] = [];
  for (const r of t.rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const out = [`| ${cols.join(" | ")} |`, `|${cols.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
  for (const r of t.rows) out.push(`| ${cols.map((c) => String(r[c] ?? "")).join(" | ")} |`);
  return out.join("\n");
}
