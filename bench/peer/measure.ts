// Timing helpers of the peer bench: wall-clock windows (to cut a packet capture into reads),
// median/min/max of repeated runs, and a pacer that keeps reads cold.
import { sleep } from "../../lab/wait.js";

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Median (mean of the middle two for an even count), min and max. Empty input: NaN. */
export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return { median, min: s[0] ?? NaN, max: s[n - 1] ?? NaN, runs: n };
}

/** Microseconds since the epoch from the system clock, the clock pcap timestamps use. */
export function realtimeUs(): number {
  return Date.now() * 1000;
}

export interface Timed<T> {
  ms: number;
  fromUs: number;
  toUs: number;
  value: T;
}

export async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const fromUs = realtimeUs();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  return { ms, fromUs, toUs: realtimeUs(), value };
}

/**
 * Debian's snmpd keeps its ARP table for about a second after loading it, so a read within
 * that time is served from cache. Waiting gapMs after the last read keeps every read cold.
 */
export class Pacer {
  private last = 0;
  constructor(private readonly gapMs: number) {}
  async cold(): Promise<void> {
    const wait = this.last + this.gapMs - performance.now();
    if (wait > 0) await sleep(wait);
  }
  done(): void {
    this.last = performance.now();
  }
}
