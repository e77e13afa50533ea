// The scrape interval as Prometheus runs it, learned from the gaps between scrapes of the
// telemetry path: the median of the recent gaps, so one missed or doubled scrape (or a
// second Prometheus) does not swing it. Unknown before two scrapes.
const KEEP = 9;

export function medianGapSeconds(timesMs: readonly number[]): number | null {
  if (timesMs.length < 2) return null;
  const gaps = timesMs.slice(1).map((t, i) => t - timesMs[i]!).sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  const ms = gaps.length % 2 === 1 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
  return ms / 1000;
}

export class ScrapeClock {
  private times: number[] = [];

  record(atMs: number): void {
    this.times.push(atMs);
    if (this.times.length > KEEP) this.times.shift();
  }

  intervalSeconds(): number | null {
    return medianGapSeconds(this.times);
  }
}
